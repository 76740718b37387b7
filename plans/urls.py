from django.urls import path

from plans.views import drafting, public, submission

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
