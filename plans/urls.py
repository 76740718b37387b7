from django.urls import path

from plans.views import drafting, signoff

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
]
