"""The printed plan carries every piece of a version's evidence and its real sign-off record."""

import io

import pytest
from pypdf import PdfReader

from plans.pdf.document import plan_pdf_html
from plans.pdf.render import render_in_process
from plans.selectors.signoff import sign_off_record_for_version
from tests.submission.evidence import evidence_plan
from tests.submission.test_pdf import _struct_alts

pytestmark = pytest.mark.django_db


@pytest.fixture
def printed():
    built = evidence_plan()
    version = built.version
    html = plan_pdf_html(
        content=version.content,
        reference=version.reference,
        sha256=version.sha256,
        sign_off=sign_off_record_for_version(version),
    )
    result = render_in_process(html)
    reader = PdfReader(io.BytesIO(result.pdf))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    return built, result, reader, pages


def test_pdf_prints_kpis_with_status_and_trend_in_words(printed):
    _, _, reader, pages = printed
    text = " ".join(pages)
    for expected in [
        "LPI CS 1 Percentage of phone calls answered within 20 seconds",
        "Unit: Percentage (%). Higher is better.",
        "Benchmark (LGA October 2021): 74%",
        "58.5% (2022-23)",  # baseline and its period
        "62.9% (Q3 2023-24)",  # latest value and its period
        "80%",
        "Requires attention",
        "Short term: Getting worse",
        "Long term: No data",
        "Getting worse: 66.2% to 62.9%, target 80%. Vacancies in the contact centre.",
    ]:
        assert expected in text, expected
    assert [str(alt) for alt in _struct_alts(reader)] == [
        "Line chart of LPI CS 1 Percentage of phone calls answered within 20 seconds. "
        "Getting worse: 66.2% to 62.9%, target 80%."
    ]


def test_pdf_prints_actions_savings_barriers_and_figures(printed):
    _, _, _, pages = printed
    text = " ".join(pages)
    for expected in [
        "What we have done",
        "Customer contact: Moved council tax forms online 31 March 2024 "
        "Head of Customer Services Done",
        "What we will do",
        "Customer contact: Open a shared customer contact centre 30 September 2025 "
        "Head of Customer Services In progress",
        "Shared services: Shared finance, legal and ICT service",
        "£10,000,000",
        "£1,020,000",
        "Total savings committed £11,020,000",
        "Multi-year settlements: One-year settlements",
        "We cannot plan invest-to-save work beyond one year.",
        "What we ask: Settle funding for three years at a time.",
        "Agency spend (% of staff budget) 2.75%",
        "EDI champions 3",
        "Cost of producing this plan: £2,500. Officer time",
        "Kent Police (Police and fire): Shared offices.",
        "Council Plan: https://www.example.gov.uk/council-plan",
    ]:
        assert expected in text, expected
    # Only the figures that were given print.
    assert "Consultancy spend" not in text
    assert "EDI spend a year" not in text


def test_pdf_prints_the_real_sign_off_record_on_its_own_page(printed):
    _, _, _, pages = printed
    sign_off = pages[-1]
    for expected in [
        "Sign-off",
        "Decision route Cabinet",
        "Decision date 11 July 2024",
        "https://democracy.example.gov.uk/decision/42",
        "Call-in period ends 18 July 2024",
        "Approved by Name Title Approved Cllr Alex Leader Leader of the Council",
    ]:
        assert expected in sign_off, expected
    assert "Cllr Dee Sent" not in " ".join(pages)  # did not approve
    # The Monitoring Officer's comment advises members; it is never printed.
    assert "Morgan Monitor" not in " ".join(pages)
    assert "No legal implications." not in " ".join(pages)


def test_pdf_with_evidence_has_footer_on_every_page_and_title(printed):
    built, result, reader, pages = printed
    version = built.version
    assert result.page_count == len(pages)
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert f"Version {version.reference}" in text
    council = version.content["council"]["name"]
    assert reader.metadata.title == f"{council}: productivity plan ({version.plan.round.name})"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert result.refused == ()
