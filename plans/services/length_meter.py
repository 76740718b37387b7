"""The length meter: how many pages the live draft would print to, counted by the worker.

The `PageCountEstimate` row is the record: a save raises its wanted revision in the saving
transaction, the count is handed to the broker after commit, and the outbox sweep asks again for
any editable plan whose count is behind.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from plans.content import plan_content
from plans.models import PageCountEstimate, Plan
from plans.outbox import publish_on_commit
from plans.pdf.document import plan_pdf_html
from plans.pdf.render import RenderError, render_isolated

# A draft has no sign-off yet: its length is counted with an empty sign-off page.
EMPTY_SIGN_OFF = {
    "approvals": [],
    "route": "",
    "decision_date": None,
    "decision_url": "",
    "call_in_ends": None,
}
# A count queued or running for longer than this was lost with its worker.
PAGE_COUNT_STALE = timedelta(minutes=10)


@transaction.atomic
def page_count_request(*, plan: Plan) -> bool:
    """Ask for the draft's page count to be refreshed; coalesced so that at most one count per
    plan is queued or running. Returns whether a count was enqueued."""
    estimate, _ = PageCountEstimate.objects.get_or_create(plan=plan)
    estimate = PageCountEstimate.objects.select_for_update(of=("self",)).get(pk=estimate.pk)
    estimate.wanted_revision = max(estimate.wanted_revision, plan.revision_count)
    in_hand = timezone.now() - estimate.updated_at < PAGE_COUNT_STALE
    if estimate.status != PageCountEstimate.Status.IDLE and in_hand:
        estimate.save(update_fields=["wanted_revision", "updated_at"])
        return False
    estimate.status = PageCountEstimate.Status.QUEUED
    estimate.save(update_fields=["wanted_revision", "status", "updated_at"])
    publish_on_commit("page_count_refresh_task", plan.pk)
    return True


def page_count_refresh(*, plan_id: int) -> PageCountEstimate:
    """Print the live draft (in the fenced renderer) and store its page count."""
    with transaction.atomic():
        estimate = PageCountEstimate.objects.select_for_update(of=("self",)).get(plan_id=plan_id)
        estimate.status = PageCountEstimate.Status.RUNNING
        estimate.save(update_fields=["status", "updated_at"])
    plan = Plan.objects.select_related("council", "round").get(pk=plan_id)
    revision = plan.revision_count
    content = plan_content(plan)
    pages, error = None, ""
    try:
        result = render_isolated(
            plan_pdf_html(
                content=content,
                reference="draft",
                sha256="draft",
                sign_off=EMPTY_SIGN_OFF,
            )
        )
        pages = result.body_pages
    except RenderError as render_error:
        error = str(render_error)[:300]
    with transaction.atomic():
        estimate = PageCountEstimate.objects.select_for_update(of=("self",)).get(plan_id=plan_id)
        estimate.pages = pages if pages is not None else estimate.pages
        estimate.error = error
        estimate.counted_revision = revision
        if estimate.wanted_revision > revision:
            estimate.status = PageCountEstimate.Status.QUEUED
            publish_on_commit("page_count_refresh_task", plan_id)
        else:
            estimate.status = PageCountEstimate.Status.IDLE
        estimate.save()
    return estimate


def page_counts_sweep() -> int:
    """Request a count for every editable plan whose draft changed since it was last counted."""
    stale = Plan.objects.filter(status__in=Plan.EDITABLE_STATUSES).exclude(
        page_count_estimate__counted_revision__gte=F("revision_count")
    )
    requested = 0
    for plan in stale.select_related("council", "round")[:500]:
        requested += page_count_request(plan=plan)
    return requested
