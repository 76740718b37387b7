"""The canonical content of a plan: what a revision records, a version hashes and the PDF prints.

`plan_content(plan)` builds a plain dict from the live draft. Everything that will print goes in
here, in print order, so a version's hash covers exactly what members approve.
"""

import hashlib
import json
from decimal import Decimal

from plans import kpi as kpi_rules
from plans.charts import kpi_summary
from plans.models import Plan
from plans.selectors.evidence import plan_evidence

CONTENT_SCHEMA = 1


def plan_content(plan: Plan) -> dict:
    """The plan's whole content as plain data (sections must be prefetched or are queried once)."""
    council = plan.council
    sections = sorted(
        plan.sections.select_related("theme").all(), key=lambda section: section.theme.number
    )
    evidence = plan_evidence(plan)
    content = {
        "schema": CONTENT_SCHEMA,
        "council": {"gss_code": council.gss_code, "name": council.name},
        "round": {"slug": plan.round.slug, "name": plan.round.name},
        "themes": [
            {
                "number": section.theme.number,
                "title": section.theme.title,
                "short_title": section.theme.short_title,
                "narrative": section.narrative,
                **_theme_evidence(evidence.for_theme(section.theme_id)),
            }
            for section in sections
        ],
    }
    content.update(_plan_evidence(evidence))
    return content


# Evidence keys appear only when the plan has that kind of evidence, so a plan without any has
# the same content (and hash) as before evidence existed.


def _text(value) -> str | None:
    return None if value is None else f"{value:f}"


def _kpi(kpi) -> dict:
    return {
        "code": kpi.code,
        "name": kpi.name,
        "unit": kpi.unit,
        "frequency": kpi.frequency,
        "higher_is_better": kpi.higher_is_better,
        "baseline": {"value": _text(kpi.baseline_value), "period": kpi.baseline_period},
        "target": _text(kpi.target_value),
        "tolerance": _text(kpi.tolerance),
        "benchmark": {"value": _text(kpi.benchmark_value), "label": kpi.benchmark_label},
        "data_owner": kpi.data_owner,
        "data_provider": kpi.data_provider,
        "commentary": kpi.commentary,
        "values": [
            {
                "period": value.period_label,
                "start": value.period_start.isoformat(),
                "value": _text(value.value),
            }
            for value in kpi.series
        ],
        "traffic_light": kpi.traffic_light.value,
        "short_trend": kpi.short_trend.value,
        "long_trend": kpi.long_trend.value,
        "summary": kpi_summary(kpi),
    }


def _action(action) -> dict:
    return {
        "description": action.description,
        "workstream": action.workstream,
        "milestone": action.milestone_date.isoformat() if action.milestone_date else None,
        "owner": action.owner,
        "status": action.status,
    }


def _theme_evidence(theme) -> dict:
    items = {
        "kpis": [_kpi(kpi) for kpi in theme.kpis],
        "done": [_action(action) for action in theme.done],
        "will_do": [_action(action) for action in theme.will_do],
        "savings": [
            {
                "description": saving.description,
                "workstream": saving.workstream,
                "amount": _text(saving.amount),
                "start_year": saving.start_year,
                "end_year": saving.end_year,
                "period": saving.period_label,
                "cashable": saving.is_cashable,
            }
            for saving in theme.savings
        ],
        "barriers": [
            {
                "category": barrier.category,
                "category_label": barrier.get_category_display(),
                "title": barrier.title,
                "description": barrier.description,
                "ask": barrier.ask,
            }
            for barrier in theme.barriers
        ],
    }
    return {key: value for key, value in items.items() if value}


def _plan_evidence(evidence) -> dict:
    extra = {}
    if any(theme.savings for theme in evidence.themes.values()):
        extra["savings_total"] = _text(evidence.savings_total)
    figures = evidence.figures
    if figures is not None and figures.given():
        extra["spend_figures"] = {
            name: _text(getattr(figures, name)) if getattr(figures, name) is not None else None
            for name in figures.FIGURE_FIELDS
        }
        extra["spend_figures"]["notes"] = figures.notes
    if figures is not None and figures.plan_cost is not None:
        extra["plan_cost"] = {"amount": _text(figures.plan_cost), "note": figures.plan_cost_note}
    if evidence.partners:
        extra["partners"] = [
            {"name": p.name, "sector": p.sector, "description": p.description}
            for p in evidence.partners
        ]
    if evidence.strategies:
        extra["strategies"] = [{"title": s.title, "url": s.url} for s in evidence.strategies]
    return extra


def canonical_json(content: dict) -> bytes:
    """One byte string per content: sorted keys, no insignificant whitespace, UTF-8."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def content_sha256(content: dict) -> str:
    return hashlib.sha256(canonical_json(content)).hexdigest()


def content_as_text(content: dict) -> list[tuple[str, list[str]]]:
    """The content as readable lines, section by section, for comparing two revisions."""
    sections = []
    for theme in content.get("themes", []):
        label = f"Theme {theme['number']}: {theme['short_title']}"
        sections.append((label, theme["narrative"].splitlines()))
        lines = _theme_evidence_lines(theme)
        if lines:
            sections.append((f"{label} (KPIs, actions and figures)", lines))
    lines = _plan_evidence_lines(content)
    if lines:
        sections.append(("Figures and context", lines))
    return sections


def _figure(value: str | None, unit: str) -> str:
    return kpi_rules.format_value(None if value is None else Decimal(value), unit, exact=True)


def _theme_evidence_lines(theme: dict) -> list[str]:
    lines = []
    for kpi in theme.get("kpis", []):
        direction = "higher is better" if kpi["higher_is_better"] else "lower is better"
        lines.append(
            f"KPI {kpi['code']} {kpi['name']}: target {_figure(kpi['target'], kpi['unit'])} "
            f"({direction}), tolerance {_figure(kpi['tolerance'], kpi['unit'])}"
        )
        if kpi["baseline"]["value"] is not None:
            lines.append(
                f"  Baseline {kpi['baseline']['period']}: "
                f"{_figure(kpi['baseline']['value'], kpi['unit'])}".replace(" :", ":")
            )
        if kpi["benchmark"]["value"] is not None:
            lines.append(
                f"  Benchmark {kpi['benchmark']['label']}: "
                f"{_figure(kpi['benchmark']['value'], kpi['unit'])}".replace(" :", ":")
            )
        for owner_key, owner_label in (
            ("data_owner", "Data owner"),
            ("data_provider", "Data provider"),
        ):
            if kpi[owner_key]:
                lines.append(f"  {owner_label}: {kpi[owner_key]}")
        for value in kpi["values"]:
            lines.append(f"  {value['period']}: {_figure(value['value'], kpi['unit'])}")
        if kpi["commentary"]:
            lines.append(f"  Commentary: {kpi['commentary']}")
    for key, heading in (("done", "Done"), ("will_do", "Will do")):
        for action in theme.get(key, []):
            details = [action["status"].replace("_", " ")]
            if action["milestone"]:
                details.append(f"by {action['milestone']}")
            if action["owner"]:
                details.append(f"owner {action['owner']}")
            lines.append(f"{heading}: {action['description']} ({', '.join(details)})")
    for saving in theme.get("savings", []):
        cashable = "cashable" if saving["cashable"] else "not cashable"
        lines.append(
            f"Saving: {_figure(saving['amount'], 'pounds')} {saving['description']}, "
            f"{saving['start_year']} to {saving['end_year']} ({cashable})"
        )
    for barrier in theme.get("barriers", []):
        words = " ".join(part for part in (barrier["title"], barrier["description"]) if part)
        lines.append(f"Barrier ({barrier['category_label']}): {words}".rstrip(": "))
        if barrier["ask"]:
            lines.append(f"  Ask: {barrier['ask']}")
    return lines


FIGURE_LABELS = {
    "agency_percent": ("Agency spend (% of staff budget)", "percent"),
    "consultancy_percent": ("Consultancy spend (% of staff budget)", "percent"),
    "long_term_contractors": ("Consultants or agency staff in post over a year", "number"),
    "edi_spend": ("EDI spend a year", "pounds"),
    "edi_hours": ("EDI time a year", "hours"),
    "edi_champions": ("EDI champions", "number"),
    "facility_time_percent": ("Trade union facility time (% of pay bill)", "percent"),
}


def _plan_evidence_lines(content: dict) -> list[str]:
    lines = []
    if "savings_total" in content:
        lines.append(f"Total savings committed: {_figure(content['savings_total'], 'pounds')}")
    figures = content.get("spend_figures") or {}
    for name, (label, unit) in FIGURE_LABELS.items():
        if figures.get(name) is not None:
            lines.append(f"{label}: {_figure(figures[name], unit)}")
    if figures.get("notes"):
        lines.append(f"Notes on the figures: {figures['notes']}")
    if "plan_cost" in content:
        cost = content["plan_cost"]
        amount = _figure(cost["amount"], "pounds")
        lines.append(f"Cost of producing the plan: {amount} {cost['note']}".rstrip())
    for partner in content.get("partners", []):
        lines.append(f"Partner: {partner['name']} {partner['description']}".rstrip())
    for link in content.get("strategies", []):
        lines.append(f"Strategy: {link['title']} ({link['url']})")
    return lines
