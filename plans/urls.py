from django.urls import path

from plans.views import drafting, evidence, public, signoff, submission

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
