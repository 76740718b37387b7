from plans.content import plan_content
from plans.models import Plan, Revision


def plan_record_change(*, plan: Plan, user, summary: str) -> Revision:
    """Record a saved change: bump the plan's revision count and snapshot its whole content.

    Every service that changes a draft's content calls this inside its transaction, with the plan
    row locked, so revisions are numbered without gaps or duplicates.
    """
    plan.revision_count += 1
    plan.save(update_fields=["revision_count", "updated_at"])
    return Revision.objects.create(
        plan=plan,
        number=plan.revision_count,
        author=user,
        summary=summary,
        content=plan_content(plan),
    )
