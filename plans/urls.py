from django.urls import path

from plans.views import drafting, evidence, panel, public, signoff, submission

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
    # Evidence: KPIs, actions, savings, barriers, figures, context and the question checklist
    path("plans/<int:plan_id>/kpis/", evidence.kpi_list, name="kpis"),
    path("plans/<int:plan_id>/kpis/add/", evidence.kpi_add, name="kpi_add"),
    path("plans/<int:plan_id>/kpis/upload/", evidence.kpi_import, name="kpi_import"),
    path("plans/<int:plan_id>/kpis/template.csv", evidence.kpi_template, name="kpi_template"),
    path("plans/<int:plan_id>/kpis/<int:kpi_id>/", evidence.kpi_detail, name="kpi_detail"),
    path("plans/<int:plan_id>/kpis/<int:kpi_id>/change/", evidence.kpi_edit, name="kpi_edit"),
    path("plans/<int:plan_id>/kpis/<int:kpi_id>/delete/", evidence.kpi_delete, name="kpi_delete"),
    path(
        "plans/<int:plan_id>/kpis/<int:kpi_id>/values/",
        evidence.kpi_value_add,
        name="kpi_value_add",
    ),
    path(
        "plans/<int:plan_id>/kpis/<int:kpi_id>/values/<int:value_id>/delete/",
        evidence.kpi_value_delete,
        name="kpi_value_delete",
    ),
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
    *(
        route
        for kind in evidence.KINDS
        for route in (
            path(
                f"plans/<int:plan_id>/{kind}/add/",
                evidence.item_add,
                {"kind": kind},
                name=f"{kind}_add",
            ),
            path(
                f"plans/<int:plan_id>/{kind}/<int:item_id>/change/",
                evidence.item_edit,
                {"kind": kind},
                name=f"{kind}_edit",
            ),
            path(
                f"plans/<int:plan_id>/{kind}/<int:item_id>/delete/",
                evidence.item_delete,
                {"kind": kind},
                name=f"{kind}_delete",
            ),
        )
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
