from django.db import transaction

from plans.content import plan_content
from plans.models import Plan, Revision
from plans.services.errors import invalid_transition
from plans.services.length_meter import page_count_request
from plans.services.signoff import sign_off_mark_stale


def plan_ensure_editable(plan: Plan) -> None:
    """Refuse (invalid_transition, a 409 page) unless the plan's draft may still be changed."""
    if not plan.is_editable:
        raise invalid_transition(
            f"This plan is {plan.get_status_display().lower()}, so it can no longer be changed. "
            "To change it, start a correction from the plan's page"
        )


def plan_record_change(*, plan: Plan, user, summary: str) -> Revision:
    """Record a saved change: bump the plan's revision count and snapshot its whole content.

    Every service that changes a draft's content calls this inside its transaction, with the plan
    row locked, so revisions are numbered without gaps or duplicates. Editing a plan that awaits
    sign-off withdraws the request: its version can no longer be approved. Once the change has
    committed, the length meter is asked to count the draft's pages again (coalesced: at most
    one count per plan is queued or running, however many saves come in).
    """
    plan_ensure_editable(plan)
    if plan.status == Plan.Status.AWAITING_SIGN_OFF:
        sign_off_mark_stale(plan=plan, user=user)
    plan.revision_count += 1
    plan.save(update_fields=["revision_count", "updated_at"])
    transaction.on_commit(lambda: page_count_request(plan=plan), robust=True)
    return Revision.objects.create(
        plan=plan,
        number=plan.revision_count,
        author=user,
        summary=summary,
        content=plan_content(plan),
    )
