"""Reads: querysets already limited to what the user may see, one module per audience."""

from plans.selectors.drafting import (  # noqa: F401 (re-exported for `selectors.x`)
    open_rounds,
    plan_with_sections,
    plans_visible_to,
    revision_pair,
    revisions_for_plan,
    rounds_with_plans_for_council,
    section_for_theme,
    themes_for_round,
)
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
from plans.selectors.signoff import (  # noqa: F401 (re-exported for `selectors.x`)
    decision_record_for_version,
    plan_councillors,
    plan_timeline,
    sign_off_decisions,
    sign_off_eligible_councillors,
    sign_off_for_version,
    sign_off_has_decided,
    sign_off_latest,
    sign_off_record_for_version,
    sign_off_requests_awaiting,
    statutory_comments_for_version,
    version_last_seen_before,
)
from plans.selectors.submission import (  # noqa: F401 (re-exported for `selectors.x`)
    page_count_for_plan,
    submission_latest_for_plan,
    submission_published,
    submissions_published,
)
