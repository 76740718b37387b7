"""KPI charts and figures in templates (the same output in the web page and the printed plan).

These only format what the view put in the context: a KPI's values come prefetched by the
selectors (plans.selectors.evidence.kpis_for_plan), so no tag here reads the database.
"""

from django import template

from plans import charts
from plans import kpi as kpi_rules

register = template.Library()


@register.simple_tag
def kpi_chart(kpi):
    """The KPI's SVG line chart with its target, or nothing with fewer than two values."""
    return charts.kpi_chart(kpi)


@register.filter
def kpi_summary(kpi) -> str:
    return charts.kpi_summary(kpi)


@register.filter
def figure(value, unit: str) -> str:
    """A value as given, in its unit: {{ value|figure:"percent" }} gives 64.56%."""
    return kpi_rules.format_value(value, unit, exact=True)


@register.filter
def pounds(value) -> str:
    return kpi_rules.format_value(value, "pounds")
