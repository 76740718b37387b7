"""Reads: querysets already limited to what the user may see, one module per audience."""

from plans.selectors.drafting import *  # noqa: F403
from plans.selectors.evidence import (  # noqa: F401 (re-exported for `selectors.x`)
    PlanEvidence,
    ThemeEvidence,
    barriers_theme_for_plan,
    item_for_plan,
    kpi_for_plan,
    kpis_for_plan,
    plan_attach_evidence,
    plan_evidence,
    questions_with_coverage,
    spend_figures_for,
    theme_for_plan,
    themes_of_plan,
)
from plans.selectors.signoff import *  # noqa: F403
from plans.selectors.submission import *  # noqa: F403
