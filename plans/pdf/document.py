"""The printed plan as HTML, built from an approved version's frozen content only.

The content is whatever `plans.content.plan_content` froze, with its evidence keys (KPIs, actions,
savings and barriers per theme; spend figures, plan cost, partners and strategy links for the
plan) present only when the version has them. Narrative Markdown is rendered and sanitised again
here, and every other value is escaped by the template. The published plan page shows the same
context, so residents read what was printed.
"""

import base64
import re
from datetime import date
from decimal import Decimal
from functools import lru_cache

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from plans import kpi as kpi_rules
from plans.charts import content_kpi_chart
from plans.content import FIGURE_LABELS
from plans.markdown import render_markdown
from plans.models.evidence import ActionStatus, KpiUnit, PartnerSector

_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_LONG_RUN = re.compile(r"[^\s&<>]{48,}")


def breakable(html: str) -> str:
    """Give very long words (pasted URLs, hostile input) break opportunities every 40
    characters: line-breaking one 60,000-character word is slow, breaking 1,500 short ones is not.
    Only text between tags is touched, never an attribute or an entity."""

    def split(match):
        word = match.group(0)
        return "\u200b".join(word[i : i + 40] for i in range(0, len(word), 40))

    parts = _TAG_OR_TEXT.split(html)
    return "".join(part if part.startswith("<") else _LONG_RUN.sub(split, part) for part in parts)


def _value(text: str | None, unit: str) -> str:
    """A frozen figure as people read it ("64.6%", "£2,500"); "Not given" when absent."""
    if text is None:
        return "Not given"
    return kpi_rules.format_value(Decimal(text), unit, exact=True)


def _label(choices, value: str) -> str:
    try:
        return choices(value).label
    except ValueError:
        return str(value or "").replace("_", " ").capitalize()


def _light(value: str) -> dict:
    light = kpi_rules.TrafficLight(value)
    return {"label": light.label, "modifier": light.value.replace("_", "-")}


def _trend(value: str) -> str:
    return kpi_rules.Trend(value).label


def _kpi(kpi: dict, *, theme_number: int, index: int) -> dict:
    unit = kpi.get("unit", "")
    values = [value for value in kpi.get("values", []) if value.get("value") is not None]
    latest = values[-1] if values else None
    benchmark = kpi.get("benchmark") or {}
    baseline = kpi.get("baseline") or {}
    chart_id = f"theme-{theme_number}-kpi-{index}-chart"
    svg = str(content_kpi_chart(kpi, chart_id=chart_id))
    chart = None
    if svg:
        name = f"{kpi['code']} {kpi['name']}".strip()
        chart = {
            "src": "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii"),
            "svg": mark_safe(svg),  # built by plans.charts, every value escaped there
            "alt": f"Line chart of {name}. {kpi.get('summary', '')}.".replace("..", "."),
        }
    return {
        "code": kpi.get("code", ""),
        "name": kpi.get("name", ""),
        "unit": _label(KpiUnit, unit),
        "baseline": None
        if baseline.get("value") is None
        else {"value": _value(baseline["value"], unit), "period": baseline.get("period", "")},
        "latest": None
        if latest is None
        else {"value": _value(latest["value"], unit), "period": latest["period"]},
        "target": _value(kpi.get("target"), unit),
        "benchmark": None
        if benchmark.get("value") is None
        else {"value": _value(benchmark["value"], unit), "label": benchmark.get("label", "")},
        "light": _light(kpi.get("traffic_light", "no_data")),
        "short_trend": _trend(kpi.get("short_trend", "no_data")),
        "long_trend": _trend(kpi.get("long_trend", "no_data")),
        "direction": "Higher is better" if kpi.get("higher_is_better", True) else "Lower is better",
        "summary": kpi.get("summary", ""),
        "commentary": kpi.get("commentary", ""),
        "chart": chart,
    }


def _action(action: dict) -> dict:
    milestone = action.get("milestone")
    return {
        "description": action.get("description", ""),
        "workstream": action.get("workstream", ""),
        "milestone": date.fromisoformat(milestone) if milestone else None,
        "owner": action.get("owner", ""),
        "status": _label(ActionStatus, action.get("status", "")),
    }


def _saving(saving: dict, theme: dict) -> dict:
    period = saving.get("period") or " to ".join(
        str(year) for year in (saving.get("start_year"), saving.get("end_year")) if year
    )
    return {
        "theme": theme.get("short_title") or theme.get("title", ""),
        "description": saving.get("description", ""),
        "workstream": saving.get("workstream", ""),
        "period": period,
        "cashable": "Cashable" if saving.get("cashable") else "Not cashable",
        "amount": _value(saving.get("amount"), "pounds"),
    }


def _spend(content: dict) -> list[tuple[str, str]]:
    figures = content.get("spend_figures") or {}
    return [
        (label, _value(figures[name], unit))
        for name, (label, unit) in FIGURE_LABELS.items()
        if figures.get(name) is not None
    ]


@lru_cache(maxsize=1024)
def narrative_html(text: str) -> str:
    """A theme's narrative as the reader and the printed plan show it (sanitised HTML). Frozen
    versions are read again and again (the reading room, the published page, coding): the same
    text always gives the same HTML, so each is rendered once per process."""
    return breakable(render_markdown(text))


def document_context(*, content: dict, reference: str, sha256: str, sign_off: dict) -> dict:
    """Everything the PDF template prints, from frozen content and the sign-off record."""
    council = content.get("council", {})
    round_ = content.get("round", {})
    themes, savings = [], []
    for theme in content.get("themes", []):
        number = theme.get("number")
        themes.append(
            {
                "number": number,
                "title": theme.get("title", ""),
                "short_title": theme.get("short_title", ""),
                "html": narrative_html(theme.get("narrative", "")),
                "kpis": [
                    _kpi(kpi, theme_number=number, index=index)
                    for index, kpi in enumerate(theme.get("kpis", []), start=1)
                ],
                "done": [_action(action) for action in theme.get("done", [])],
                "will_do": [_action(action) for action in theme.get("will_do", [])],
                "barriers": theme.get("barriers", []),
            }
        )
        savings += [_saving(saving, theme) for saving in theme.get("savings", [])]
    total = content.get("savings_total")
    plan_cost = content.get("plan_cost")
    figures = content.get("spend_figures") or {}
    return {
        "title": f"{council.get('name', '')}: productivity plan ({round_.get('name', '')})",
        "council": council,
        "round": round_,
        "reference": reference,
        "sha256": sha256,
        "themes": themes,
        "savings": savings,
        "savings_total": _value(total, "pounds") if total is not None else None,
        "spend": _spend(content),
        "spend_notes": figures.get("notes", ""),
        "plan_cost": None
        if plan_cost is None
        else {"amount": _value(plan_cost["amount"], "pounds"), "note": plan_cost.get("note", "")},
        "partners": [
            {**partner, "sector_label": _label(PartnerSector, partner.get("sector", ""))}
            for partner in content.get("partners", [])
        ],
        "strategies": content.get("strategies", []),
        "sign_off": sign_off,
    }


def plan_pdf_html(*, content: dict, reference: str, sha256: str, sign_off: dict) -> str:
    context = document_context(
        content=content, reference=reference, sha256=sha256, sign_off=sign_off
    )
    return render_to_string("plans/pdf/plan.html", context)
