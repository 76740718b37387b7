"""Small server-rendered SVG line charts for KPIs, for the web page and the printed plan alike.

The SVG is self-contained: no script, no style sheet, no external reference, only presentation
attributes, so WeasyPrint draws it as the browser does. It has role="img" with a <title> and a
<desc>; the page shows the same values as a table and a one-line summary beside it.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from plans import kpi as kpi_rules

WIDTH = 480
HEIGHT = 220
LEFT = 64
RIGHT = 16
TOP = 16
BOTTOM = 40
LINE_COLOUR = "#1d70b8"  # GOV.UK blue
TARGET_COLOUR = "#505a5f"  # GOV.UK secondary text
TEXT_COLOUR = "#0b0c0c"


@dataclass(frozen=True)
class Point:
    label: str
    value: Decimal


def _scale(values: list[Decimal]) -> tuple[Decimal, Decimal]:
    low, high = min(values), max(values)
    if low == high:
        pad = abs(low) / 10 or Decimal(1)
        return low - pad, high + pad
    pad = (high - low) / 10
    return low - pad, high + pad


def _fmt(number: float) -> str:
    return f"{number:.1f}"


def line_chart_svg(
    *,
    chart_id: str,
    title: str,
    description: str,
    points: list[Point],
    target: Decimal | None,
    unit: str,
) -> SafeString:
    """An SVG line chart of `points` in order, with the target as a dashed line."""
    if len(points) < 2:
        return mark_safe("")
    values = [point.value for point in points]
    low, high = _scale(values + ([target] if target is not None else []))
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM

    def x(index: int) -> float:
        return LEFT + plot_width * index / (len(points) - 1)

    def y(value: Decimal) -> float:
        return TOP + plot_height * float((high - value) / (high - low))

    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'aria-labelledby="{title_id} {desc_id}" font-family="Arial, sans-serif" font-size="13">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
        # Axes
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_height}" '
        f'stroke="{TEXT_COLOUR}" stroke-width="1"/>',
        f'<line x1="{LEFT}" y1="{TOP + plot_height}" x2="{WIDTH - RIGHT}" '
        f'y2="{TOP + plot_height}" stroke="{TEXT_COLOUR}" stroke-width="1"/>',
    ]
    for value in (low, high):
        parts.append(
            f'<text x="{LEFT - 6}" y="{_fmt(y(value) + 4)}" text-anchor="end" '
            f'fill="{TEXT_COLOUR}">{escape(kpi_rules.format_value(value, unit))}</text>'
        )
    if target is not None:
        target_y = _fmt(y(target))
        parts.append(
            f'<line x1="{LEFT}" y1="{target_y}" x2="{WIDTH - RIGHT}" y2="{target_y}" '
            f'stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="6 4"/>'
        )
        parts.append(
            f'<text x="{WIDTH - RIGHT}" y="{_fmt(y(target) - 6)}" text-anchor="end" '
            f'fill="{TARGET_COLOUR}">Target {escape(kpi_rules.format_value(target, unit))}</text>'
        )
    coordinates = " ".join(f"{_fmt(x(i))},{_fmt(y(p.value))}" for i, p in enumerate(points))
    parts.append(
        f'<polyline points="{coordinates}" fill="none" stroke="{LINE_COLOUR}" stroke-width="3"/>'
    )
    for index, point in enumerate(points):
        parts.append(
            f'<circle cx="{_fmt(x(index))}" cy="{_fmt(y(point.value))}" r="4" '
            f'fill="{LINE_COLOUR}"/>'
        )
    # Label the first and last periods, and every period when there are few.
    labelled = range(len(points)) if len(points) <= 6 else (0, len(points) - 1)
    for index in labelled:
        anchor = "start" if index == 0 else ("end" if index == len(points) - 1 else "middle")
        parts.append(
            f'<text x="{_fmt(x(index))}" y="{HEIGHT - BOTTOM + 20}" text-anchor="{anchor}" '
            f'fill="{TEXT_COLOUR}">{escape(points[index].label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def kpi_chart(kpi) -> SafeString:
    """The chart for a KPI (its values prefetched), or an empty string with fewer than two."""
    series = kpi.series
    points = [Point(value.period_label, value.value) for value in series]
    return line_chart_svg(
        chart_id=f"kpi-{kpi.pk}-chart",
        title=f"{kpi.code} {kpi.name}",
        description=kpi_summary(kpi),
        points=points,
        target=kpi.target_value,
        unit=kpi.unit,
    )


def kpi_summary(kpi) -> str:
    """The one-line text equivalent, such as "Improving: 62.9% to 64.6%, target 80%"."""
    return kpi_rules.summary_text(
        values=[value.value for value in kpi.series],
        target=kpi.target_value,
        unit=kpi.unit,
        short_trend=kpi.short_trend,
    )


def content_kpi_chart(kpi: dict, *, chart_id: str) -> SafeString:
    """The chart for a KPI as a version's content froze it (`plans.content`), drawn exactly as
    `kpi_chart` draws a live KPI; an empty string with fewer than two values."""
    points = [
        Point(value["period"], Decimal(value["value"]))
        for value in kpi.get("values", [])
        if value.get("value") is not None
    ]
    target = kpi.get("target")
    return line_chart_svg(
        chart_id=chart_id,
        title=f"{kpi['code']} {kpi['name']}".strip(),
        description=kpi.get("summary", ""),
        points=points,
        target=None if target is None else Decimal(target),
        unit=kpi.get("unit", ""),
    )
