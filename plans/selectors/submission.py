"""Reads about submissions: progress for the plan page and what residents may see."""

from django.db.models import QuerySet
from django.http import Http404

from plans.models import PageCountEstimate, Plan, Submission


def submission_latest_for_plan(*, plan: Plan) -> Submission | None:
    """The plan's most recent submission (a correction's submission replaces the earlier one)."""
    return (
        Submission.objects.filter(plan=plan)
        .select_related("version")
        .defer("pdf")
        .order_by("-created_at", "-pk")
        .first()
    )


def submissions_published() -> QuerySet[Submission]:
    """Sent submissions: the only plans residents may read."""
    return Submission.objects.filter(status=Submission.Status.SENT).select_related(
        "version", "plan__council", "plan__round"
    )


def submission_published(*, gss_code: str, round_slug: str) -> Submission:
    """The latest sent submission of a council's plan in a round, or 404."""
    submission = (
        submissions_published()
        .filter(plan__council__gss_code=gss_code, plan__round__slug=round_slug)
        .order_by("-sent_at", "-pk")
        .first()
    )
    if submission is None:
        raise Http404("No published plan for this council and round")
    return submission


def page_count_for_plan(*, plan: Plan) -> PageCountEstimate | None:
    return PageCountEstimate.objects.filter(plan=plan).first()


__all__ = [
    "page_count_for_plan",
    "submission_latest_for_plan",
    "submission_published",
    "submissions_published",
]
