from decimal import Decimal as D

import pytest
import weasyprint

from plans.charts import Point, line_chart_svg

POINTS = [Point("Q3 2008-09", D("75.94")), Point("Q2 2009-10", D("62.93")),
          Point("Q3 2009-10", D("64.56"))]  # fmt: skip


def chart(**overrides):
    arguments = {
        "chart_id": "kpi-1-chart",
        "title": "LPI CS 1 Calls answered",
        "description": "Improving: 62.9% to 64.6%, target 80%",
        "points": POINTS,
        "target": D("80"),
        "unit": "percent",
    }
    return str(line_chart_svg(**{**arguments, **overrides}))


def test_chart_is_an_accessible_image_with_title_description_and_target_line():
    svg = chart()
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img"')
    assert 'aria-labelledby="kpi-1-chart-title kpi-1-chart-desc"' in svg
    assert '<title id="kpi-1-chart-title">LPI CS 1 Calls answered</title>' in svg
    assert '<desc id="kpi-1-chart-desc">Improving: 62.9% to 64.6%, target 80%</desc>' in svg
    assert svg.count("<circle") == 3
    assert 'stroke-dasharray="6 4"' in svg
    assert ">Target 80%</text>" in svg
    assert ">Q2 2009-10</text>" in svg


def test_chart_is_self_contained_and_escapes_user_text():
    svg = chart(title='<script>alert("x")</script>', points=[
        Point("<b>Q1</b>", D(1)), Point("Q2", D(2))])  # fmt: skip
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    assert "&lt;b&gt;Q1&lt;/b&gt;" in svg
    for forbidden in ("href", "style=", "url(", "<image", "<foreignObject"):
        assert forbidden not in svg


def test_chart_needs_two_points_and_copes_with_flat_lines():
    assert chart(points=POINTS[:1]) == ""
    flat = chart(points=[Point("A", D(0)), Point("B", D(0))], target=None, unit="number")
    assert "<polyline" in flat
    assert "Target" not in flat


@pytest.mark.parametrize("unit", ["percent", "pounds"])
def test_chart_renders_in_weasyprint_without_fetching_anything(unit):
    """The printed plan uses the same SVG: WeasyPrint draws it with no external resource."""
    fetched = []

    def fetcher(url, *args, **kwargs):
        fetched.append(url)
        raise ValueError(f"refused {url}")

    html = f"<html><body><h1>KPI</h1><figure>{chart(unit=unit)}</figure></body></html>"
    pdf = weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()
    assert pdf.startswith(b"%PDF")
    assert fetched == []
