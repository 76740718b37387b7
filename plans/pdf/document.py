"""The printed plan as HTML, built from an approved version's frozen content only.

The content is whatever `plans.content.plan_content` froze; structured items (KPIs, actions,
savings, barriers, spend figures, partners) print when the version has them. Narrative Markdown
is rendered and sanitised again here, and every other value is escaped by the template.
"""

import re
from decimal import Decimal, InvalidOperation

from django.template.loader import render_to_string

from plans.markdown import render_markdown
from plans.pdf.charts import kpi_chart

TRAFFIC_LIGHTS = {
    "good": ("Good", "good"),
    "green": ("Good", "good"),
    "caution": ("Caution", "caution"),
    "amber": ("Caution", "caution"),
    "requires_attention": ("Requires attention", "attention"),
    "attention": ("Requires attention", "attention"),
    "red": ("Requires attention", "attention"),
}


_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_LONG_RUN = re.compile(r"[^\s&<>]{48,}")


def _breakable(html: str) -> str:
    """Give very long words (pasted URLs, hostile input) break opportunities every 40
    characters: line-breaking one 60,000-character word is slow, breaking 1,500 short ones is not.
    Only text between tags is touched, never an attribute or an entity."""

    def split(match):
        word = match.group(0)
        return "\u200b".join(word[i : i + 40] for i in range(0, len(word), 40))

    parts = _TAG_OR_TEXT.split(html)
    return "".join(part if part.startswith("<") else _LONG_RUN.sub(split, part) for part in parts)


def _first(item: dict, *keys, default=""):
    for key in keys:
        value = item.get(key)
        if value not in (None, ""):
            return value
    return default


def _money(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


def _kpi(kpi: dict) -> dict:
    name = str(_first(kpi, "short_name", "name", "title"))
    unit = str(_first(kpi, "unit"))
    values = kpi.get("values") or []
    points = [(_first(v, "period", "label"), _first(v, "value", default=None)) for v in values]
    light = str(_first(kpi, "traffic_light", "status", "rag")).lower().replace(" ", "_")
    chart = kpi_chart(name=name, unit=unit, points=points, target=kpi.get("target"))
    return {
        "code": _first(kpi, "code"),
        "name": name,
        "unit": unit,
        "baseline": _first(kpi, "baseline"),
        "target": _first(kpi, "target"),
        "latest": points[-1] if points else None,
        "light": TRAFFIC_LIGHTS.get(light),
        "short_trend": _first(kpi, "short_term_trend", "trend_short", "short_trend"),
        "long_trend": _first(kpi, "long_term_trend", "trend_long", "long_trend"),
        "commentary": _first(kpi, "commentary"),
        "chart": chart,
    }


def _actions(items, kind: str) -> list[dict]:
    return [item for item in items or [] if _first(item, "kind", "type", default=kind) == kind]


def document_context(*, content: dict, reference: str, sha256: str, sign_off: dict) -> dict:
    """Everything the PDF template prints, from frozen content and the sign-off record."""
    council = content.get("council", {})
    round_ = content.get("round", {})
    themes = []
    for theme in content.get("themes", []):
        actions = theme.get("actions") or []
        themes.append(
            {
                "number": theme.get("number"),
                "title": theme.get("title", ""),
                "short_title": theme.get("short_title", ""),
                "html": _breakable(render_markdown(theme.get("narrative", ""))),
                "kpis": [_kpi(kpi) for kpi in theme.get("kpis") or []],
                "done": _actions(actions, "done"),
                "planned": _actions(actions, "planned"),
                "barriers": theme.get("barriers") or [],
            }
        )
    savings = content.get("savings") or []
    amounts = [_money(_first(item, "amount", "amount_pounds", default=None)) for item in savings]
    spend = content.get("spend") or {}
    return {
        "title": f"{council.get('name', '')}: productivity plan ({round_.get('name', '')})",
        "council": council,
        "round": round_,
        "reference": reference,
        "sha256": sha256,
        "themes": themes,
        "savings": list(zip(savings, amounts, strict=True)),
        "savings_total": sum((a for a in amounts if a is not None), Decimal(0)),
        "barriers": content.get("barriers") or [],
        "spend": [(label, value) for label, value in spend.items() if value not in (None, "")]
        if isinstance(spend, dict)
        else spend,
        "partners": content.get("partners") or [],
        "plan_cost": content.get("plan_cost") or content.get("cost_of_plan"),
        "sign_off": sign_off,
    }


def plan_pdf_html(*, content: dict, reference: str, sha256: str, sign_off: dict) -> str:
    context = document_context(
        content=content, reference=reference, sha256=sha256, sign_off=sign_off
    )
    return render_to_string("plans/pdf/plan.html", context)
