"""Submission progress on the plan page, and the JSON the page polls to update without reload."""

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string

from councils import permissions
from plans import selectors
from plans.templatetags.govuk import govuk_datetime, govuk_time


def submission_status_context(submission) -> dict:
    """What the status block shows; shared by the plan page and the JSON endpoint."""
    return {"submission": submission}


def submission_for_plan_page(request, plan):
    """The plan's latest submission for its status block, if the user may see it."""
    if not permissions.can(request.user, "submission_view", plan):
        return None
    return selectors.submission_latest_for_plan(plan=plan)


def submission_status(request, plan_id):
    plan = get_object_or_404(selectors.plans_visible_to(request.user), pk=plan_id)
    if not permissions.can(request.user, "submission_view", plan):
        raise Http404("No submission")
    submission = selectors.submission_latest_for_plan(plan=plan)
    if submission is None:
        raise Http404("No submission")
    html = render_to_string(
        "plans/includes/submission_status_body.html",
        submission_status_context(submission),
        request=request,
    )
    return JsonResponse(
        {
            "status": submission.status,
            "label": submission.get_status_display(),
            "finished": submission.is_finished,
            "reference": submission.reference,
            "sent_at": govuk_datetime(submission.sent_at),
            "is_late": submission.is_late,
            "pdf_sha256": submission.pdf_sha256,
            "page_count": submission.page_count,
            "failure_reason": submission.failure_reason,
            "next_retry_at": govuk_time(submission.next_retry_at),
            "attempts": submission.attempts,
            "html": html,
        }
    )
