import io
import logging

import pytest
from pypdf import PdfReader

from plans.pdf.document import plan_pdf_html
from plans.pdf.render import PortalURLFetcher, RenderError, render_in_process, render_isolated
from plans.selectors.signoff import sign_off_record_for_version
from plans.services.length_meter import EMPTY_SIGN_OFF
from tests.submission.factories import approved_version

pytestmark = pytest.mark.django_db

KPI_CONTENT = {
    "kpis": [
        {
            "code": "LPI CS 1",
            "name": "Calls answered first time",
            "unit": "percent",
            "frequency": "annual",
            "higher_is_better": True,
            "baseline": {"value": None, "period": ""},
            "target": "85",
            "tolerance": "5",
            "benchmark": {"value": None, "label": ""},
            "data_owner": "",
            "data_provider": "",
            "commentary": "",
            "values": [
                {"period": "2022-23", "start": "2022-04-01", "value": "72"},
                {"period": "2023-24", "start": "2023-04-01", "value": "78"},
                {"period": "2024-25", "start": "2024-04-01", "value": "84"},
            ],
            "traffic_light": "caution",
            "short_trend": "improving",
            "long_trend": "improving",
            "summary": "Improving: 78% to 84%, target 85%",
        }
    ]
}


def _html(version, **sign_off):
    return plan_pdf_html(
        content=version.content,
        reference=version.reference,
        sha256=version.sha256,
        sign_off={**EMPTY_SIGN_OFF, **sign_off},
    )


def test_portal_url_fetcher_serves_static_files_and_data_urls_only(caplog):
    fetcher = PortalURLFetcher()
    css = fetcher.fetch("https://portal.invalid/static/pdf/pdf.css")
    assert b"@page" in css.read()
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    refused = [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/logo.png",
        "https://portal.invalid/static/../../productivity/settings.py",
        "https://portal.invalid/media/secret.pdf",
    ]
    with caplog.at_level(logging.WARNING, logger="plans.pdf.render"):
        for url in refused:
            with pytest.raises(ValueError):
                fetcher.fetch(url)
    assert fetcher.refused == refused
    assert len([r for r in caplog.records if "refused to fetch" in r.getMessage()]) == 5


def test_render_pdf_is_tagged_with_title_language_footer_and_free_fonts():
    version = approved_version()
    theme = {"number": 1, "title": "Services", "short_title": "Services", "narrative": "1.1 Hi"}
    version.content = {**version.content, "themes": [{**theme, **KPI_CONTENT}]}
    result = render_in_process(_html(version))
    reader = PdfReader(io.BytesIO(result.pdf))
    root = reader.trailer["/Root"]
    council = version.content["council"]["name"]
    assert reader.metadata.title == f"{council}: productivity plan ({version.plan.round.name})"
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data().replace(b" ", b"")
    text = [page.extract_text() for page in reader.pages]
    for number, page_text in enumerate(text, start=1):
        assert f"Page {number} of {len(text)}" in page_text
        assert f"Version {version.reference}" in page_text
    assert "Caution" in "".join(text)  # the traffic light as text, not colour alone
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("Liberation" in font or "DejaVu" in font for font in fonts)
    assert [str(alt) for alt in _struct_alts(reader)] == [
        "Line chart of LPI CS 1 Calls answered first time. Improving: 78% to 84%, target 85%."
    ]


def _struct_alts(reader):
    alts = []

    def walk(node):
        node = node.get_object()
        if hasattr(node, "get") and node.get("/Alt"):
            alts.append(node["/Alt"])
        kids = node.get("/K") if hasattr(node, "get") else None
        if kids is None:
            return
        if not isinstance(kids, list):
            kids = [kids]
        for kid in kids:
            if hasattr(kid.get_object(), "get"):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return alts


def test_render_pdf_prints_the_sign_off_record():
    version = approved_version()
    from datetime import date

    html = _html(
        version,
        route="Cabinet decision",
        decision_date=date(2024, 7, 11),
        decision_url="https://democracy.example.gov.uk/decision/42",
        approvals=[{"name": "Cllr Lee Leader", "title": "Leader", "approved_at": None}],
    )
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(render_in_process(html).pdf)).pages
    )
    for expected in [
        "Cabinet decision",
        "11 July 2024",
        "https://democracy.example.gov.uk/decision/42",
        "Cllr Lee Leader",
    ]:
        assert expected in text


def test_render_escapes_markup_and_loads_nothing_from_narratives(caplog):
    hostile = (
        '<img src="file:///etc/passwd"> ![x](http://169.254.169.254/latest/meta-data/)\n\n'
        '<p style="width:99999999px">wide</p>'
    )
    version = approved_version(narratives={1: hostile})
    result = render_isolated(_html(version))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(result.pdf)).pages)
    assert '<img src="file:///etc/passwd">' in text
    assert result.refused == ()


def test_render_isolated_stops_a_render_that_takes_too_long():
    version = approved_version(narratives={1: "word " * 200_000})
    with pytest.raises(RenderError) as error:
        render_isolated(_html(version), timeout=1)
    assert str(error.value).startswith("The plan took longer than 1 seconds to print")


def test_render_isolated_stops_a_render_that_needs_too_much_memory():
    version = approved_version()
    with pytest.raises(RenderError) as error:
        render_isolated(_html(version), memory_mb=64)
    assert str(error.value).startswith("The plan needed more than 64 MB of memory to print")


def test_sign_off_record_stub_has_the_agreed_shape():
    version = approved_version()
    assert set(sign_off_record_for_version(version)) == set(EMPTY_SIGN_OFF)
