from django.urls import path

from plans.views import (
    analysis,
    coding,
    drafting,
    evidence,
    kpis,
    panel,
    public,
    signoff,
    submission,
)

app_name = "plans"

urlpatterns = [
    path("councils/<str:gss_code>/", drafting.council_detail, name="council"),
    path("councils/<str:gss_code>/start/", drafting.plan_start_view, name="plan_start"),
    path("plans/<int:plan_id>/", drafting.plan_tasklist, name="tasklist"),
    path(
        "plans/<int:plan_id>/themes/<int:theme_number>/",
        drafting.section_edit,
        name="section_edit",
    ),
    path("plans/<int:plan_id>/check/", drafting.plan_check, name="check"),
    path("plans/<int:plan_id>/revisions/", drafting.revision_list, name="revisions"),
    path(
        "plans/<int:plan_id>/revisions/compare/",
        drafting.revision_compare,
        name="revision_compare",
    ),
    path("sign-off/", signoff.sign_off_awaiting, name="sign_off_awaiting"),
    path("plans/<int:plan_id>/sign-off/send/", signoff.sign_off_send, name="sign_off_send"),
    path(
        "plans/<int:plan_id>/versions/<int:number>/sign-off/",
        signoff.sign_off_detail,
        name="sign_off",
    ),
    path(
        "plans/<int:plan_id>/versions/<int:number>/statutory-comment/",
        signoff.statutory_comment_create,
        name="statutory_comment",
    ),
    path(
        "plans/<int:plan_id>/versions/<int:number>/decision/",
        signoff.decision_record_edit,
        name="decision_record",
    ),
    path("plans/<int:plan_id>/timeline/", signoff.plan_timeline, name="timeline"),
    path("plans/<int:plan_id>/correction/", signoff.plan_correction, name="correction"),
    # KPIs and their values
    path("plans/<int:plan_id>/kpis/", kpis.kpi_list, name="kpis"),
    path("plans/<int:plan_id>/kpis/add/", kpis.kpi_add, name="kpi_add"),
    path("plans/<int:plan_id>/kpis/upload/", kpis.kpi_import, name="kpi_import"),
    path("plans/<int:plan_id>/kpis/template.csv", kpis.kpi_template, name="kpi_template"),
    path("plans/<int:plan_id>/kpis/<int:kpi_id>/", kpis.kpi_detail, name="kpi_detail"),
    path("plans/<int:plan_id>/kpis/<int:kpi_id>/change/", kpis.kpi_edit, name="kpi_edit"),
    path("plans/<int:plan_id>/kpis/<int:kpi_id>/delete/", kpis.kpi_delete, name="kpi_delete"),
    path(
        "plans/<int:plan_id>/kpis/<int:kpi_id>/values/",
        kpis.kpi_value_add,
        name="kpi_value_add",
    ),
    path(
        "plans/<int:plan_id>/kpis/<int:kpi_id>/values/<int:value_id>/delete/",
        kpis.kpi_value_delete,
        name="kpi_value_delete",
    ),
    # Evidence: a theme's items, the checklist, figures, context, actions, savings, barriers,
    # partners and strategy links
    path(
        "plans/<int:plan_id>/themes/<int:theme_number>/evidence/",
        evidence.theme_evidence,
        name="theme_evidence",
    ),
    path(
        "plans/<int:plan_id>/themes/<int:theme_number>/questions/",
        evidence.coverage_edit,
        name="coverage",
    ),
    path("plans/<int:plan_id>/spend-figures/", evidence.spend_figures_edit, name="spend_figures"),
    path("plans/<int:plan_id>/context/", evidence.plan_context, name="context"),
    path("plans/<int:plan_id>/cost/", evidence.plan_cost_edit, name="plan_cost"),
    path("plans/<int:plan_id>/actions/add/", evidence.action_add, name="actions_add"),
    path(
        "plans/<int:plan_id>/actions/<int:action_id>/change/",
        evidence.action_edit,
        name="actions_edit",
    ),
    path(
        "plans/<int:plan_id>/actions/<int:action_id>/delete/",
        evidence.action_delete,
        name="actions_delete",
    ),
    path("plans/<int:plan_id>/savings/add/", evidence.saving_add, name="savings_add"),
    path(
        "plans/<int:plan_id>/savings/<int:saving_id>/change/",
        evidence.saving_edit,
        name="savings_edit",
    ),
    path(
        "plans/<int:plan_id>/savings/<int:saving_id>/delete/",
        evidence.saving_delete,
        name="savings_delete",
    ),
    path("plans/<int:plan_id>/barriers/add/", evidence.barrier_add, name="barriers_add"),
    path(
        "plans/<int:plan_id>/barriers/<int:barrier_id>/change/",
        evidence.barrier_edit,
        name="barriers_edit",
    ),
    path(
        "plans/<int:plan_id>/barriers/<int:barrier_id>/delete/",
        evidence.barrier_delete,
        name="barriers_delete",
    ),
    path("plans/<int:plan_id>/partners/add/", evidence.partner_add, name="partners_add"),
    path(
        "plans/<int:plan_id>/partners/<int:partner_id>/change/",
        evidence.partner_edit,
        name="partners_edit",
    ),
    path(
        "plans/<int:plan_id>/partners/<int:partner_id>/delete/",
        evidence.partner_delete,
        name="partners_delete",
    ),
    path("plans/<int:plan_id>/strategies/add/", evidence.strategy_add, name="strategies_add"),
    path(
        "plans/<int:plan_id>/strategies/<int:strategy_id>/change/",
        evidence.strategy_edit,
        name="strategies_edit",
    ),
    path(
        "plans/<int:plan_id>/strategies/<int:strategy_id>/delete/",
        evidence.strategy_delete,
        name="strategies_delete",
    ),
    # Submission progress, and the published plan for residents
    path(
        "plans/<int:plan_id>/submission/status.json",
        submission.submission_status,
        name="submission_status",
    ),
    path(
        "published/<str:gss_code>/<slug:round_slug>/",
        public.published_plan,
        name="published_plan",
    ),
    path(
        "published/<str:gss_code>/<slug:round_slug>/plan.pdf",
        public.published_plan_pdf,
        name="published_plan_pdf",
    ),
]

# The ministry panel: tracker, reading room, notes and exports
urlpatterns += [
    path("panel/", panel.panel_home, name="panel_home"),
    path("panel/exports/<int:export_id>/", panel.panel_export_detail, name="panel_export_detail"),
    path(
        "panel/exports/<int:export_id>/status.json",
        panel.panel_export_status,
        name="panel_export_status",
    ),
    path(
        "panel/exports/<int:export_id>/download/",
        panel.panel_export_download,
        name="panel_export_download",
    ),
    path("panel/<slug:round_slug>/", panel.panel_tracker, name="panel_tracker"),
    path("panel/<slug:round_slug>/tracker.csv", panel.panel_tracker_csv, name="panel_tracker_csv"),
    path("panel/<slug:round_slug>/export/", panel.panel_export, name="panel_export"),
    # Analysis across the sent plans
    path(
        "panel/<slug:round_slug>/analysis/evidence/",
        analysis.panel_analysis_evidence,
        name="panel_analysis_evidence",
    ),
    path(
        "panel/<slug:round_slug>/analysis/figures.csv",
        analysis.panel_analysis_figures_csv,
        name="panel_analysis_figures_csv",
    ),
    path(
        "panel/<slug:round_slug>/analysis/compare/",
        analysis.panel_analysis_compare,
        name="panel_analysis_compare",
    ),
    path(
        "panel/<slug:round_slug>/analysis/search/",
        analysis.panel_analysis_search,
        name="panel_analysis_search",
    ),
    path(
        "panel/<slug:round_slug>/export/zip/",
        panel.panel_export_create,
        name="panel_export_create",
    ),
    path(
        "panel/<slug:round_slug>/councils/<str:gss_code>/",
        panel.panel_plan,
        name="panel_plan",
    ),
    path(
        "panel/<slug:round_slug>/councils/<str:gss_code>/plan.pdf",
        panel.panel_plan_pdf,
        name="panel_plan_pdf",
    ),
    path(
        "panel/<slug:round_slug>/councils/<str:gss_code>/compare/",
        panel.panel_plan_compare,
        name="panel_plan_compare",
    ),
    path(
        "panel/<slug:round_slug>/councils/<str:gss_code>/unread/",
        panel.panel_mark_unread,
        name="panel_mark_unread",
    ),
    path(
        "panel/<slug:round_slug>/councils/<str:gss_code>/notes/",
        panel.panel_note_add,
        name="panel_note_add",
    ),
    path(
        "panel/<slug:round_slug>/councils/<str:gss_code>/notes/<int:note_id>/",
        panel.panel_note_edit,
        name="panel_note_edit",
    ),
]

# The panel's codebook, coding, memos, matrix and quotes
urlpatterns += [
    path("panel/<slug:round_slug>/codebook/", coding.panel_codebook, name="panel_codebook"),
    path("panel/<slug:round_slug>/codebook/add/", coding.panel_code_add, name="panel_code_add"),
    path(
        "panel/<slug:round_slug>/codebook/<int:code_id>/",
        coding.panel_code,
        name="panel_code",
    ),
    path(
        "panel/<slug:round_slug>/codebook/<int:code_id>/change/",
        coding.panel_code_edit,
        name="panel_code_edit",
    ),
    path(
        "panel/<slug:round_slug>/codebook/<int:code_id>/merge/",
        coding.panel_code_merge,
        name="panel_code_merge",
    ),
    path(
        "panel/<slug:round_slug>/codebook/<int:code_id>/retire/",
        coding.panel_code_retire,
        name="panel_code_retire",
    ),
    path(
        "panel/<slug:round_slug>/codebook/<int:code_id>/memo/",
        coding.panel_code_memo,
        name="panel_code_memo",
    ),
    path(
        "panel/<slug:round_slug>/councils/<str:gss_code>/code/",
        coding.panel_code_passage,
        name="panel_code_passage",
    ),
    path(
        "panel/<slug:round_slug>/councils/<str:gss_code>/extracts/<int:extract_id>/"
        "codes/<int:code_id>/remove/",
        coding.panel_extract_code_remove,
        name="panel_extract_code_remove",
    ),
    path("panel/<slug:round_slug>/matrix/", coding.panel_matrix, name="panel_matrix"),
    path("panel/<slug:round_slug>/quotes/", coding.panel_quotes, name="panel_quotes"),
    path("panel/<slug:round_slug>/quotes.csv", coding.panel_quotes_csv, name="panel_quotes_csv"),
]
