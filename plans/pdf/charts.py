"""Small SVG line charts for KPIs, embedded in the PDF as data: URLs with alternative text."""

import base64
from decimal import Decimal, InvalidOperation
from xml.sax.saxutils import escape

WIDTH, HEIGHT, PAD = 480, 160, 36


def _number(value) -> float | None:
    try:
        return float(Decimal(str(value)))
    except (InvalidOperation, ValueError, TypeError):
        return None


def kpi_chart(*, name: str, unit: str, points: list[tuple[str, object]], target=None):
    """A data: URL of an SVG line chart and its alternative text, or None with fewer than 2
    numeric points."""
    values = [(str(label), _number(value)) for label, value in points]
    values = [(label, value) for label, value in values if value is not None]
    if len(values) < 2:
        return None
    target_value = _number(target)
    numbers = [value for _, value in values] + ([target_value] if target_value is not None else [])
    low, high = min(numbers), max(numbers)
    if high == low:
        high = low + 1
    step = (WIDTH - 2 * PAD) / (len(values) - 1)

    def y(value):
        return HEIGHT - PAD - (value - low) / (high - low) * (HEIGHT - 2 * PAD)

    line = " ".join(
        f"{PAD + index * step:.1f},{y(value):.1f}" for index, (_, value) in enumerate(values)
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}">',
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        'stroke="#505a5f" stroke-width="1"/>',
        f'<polyline points="{line}" fill="none" stroke="#1d70b8" stroke-width="2.5"/>',
    ]
    if target_value is not None:
        parts.append(
            f'<line x1="{PAD}" y1="{y(target_value):.1f}" x2="{WIDTH - PAD}" '
            f'y2="{y(target_value):.1f}" stroke="#00703c" stroke-dasharray="6 4"/>'
        )
    for index, (label, value) in enumerate(values):
        x = PAD + index * step
        parts.append(f'<circle cx="{x:.1f}" cy="{y(value):.1f}" r="3.5" fill="#1d70b8"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - PAD + 16}" font-size="11" text-anchor="middle" '
            f'font-family="Liberation Sans, DejaVu Sans, sans-serif">{escape(label[:12])}</text>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{y(value) - 8:.1f}" font-size="11" text-anchor="middle" '
            f'font-family="Liberation Sans, DejaVu Sans, sans-serif">{value:g}</text>'
        )
    parts.append("</svg>")
    svg = "".join(parts).encode("utf-8")
    described = ", ".join(f"{label}: {value:g}{unit and ' ' + unit}" for label, value in values)
    alt = f"Line chart of {name}. {described}."
    if target_value is not None:
        alt += f" Target {target_value:g}{unit and ' ' + unit}."
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii"), alt
