"""Freezing a plan's content into an immutable, hashed version."""

from django.db import transaction
from django.db.models import Max

from plans.content import content_sha256, plan_content
from plans.models import Plan, PlanVersion
from plans.services.audit import audit_record


@transaction.atomic
def version_freeze(*, plan: Plan, user) -> PlanVersion:
    """Snapshot the plan's whole content as the next numbered version; records "version_frozen".

    Call it with the plan row locked (the sign-off service does), so numbers never collide and
    nothing changes between reading the content and hashing it.
    """
    content = plan_content(plan)
    last = PlanVersion.objects.filter(plan=plan).aggregate(last=Max("number"))["last"] or 0
    version = PlanVersion.objects.create(
        plan=plan,
        number=last + 1,
        content=content,
        sha256=content_sha256(content),
        created_by=user,
    )
    audit_record(
        action="version_frozen",
        plan=plan,
        version=version,
        actor=user,
        detail={"number": version.number, "sha256": version.sha256},
    )
    return version
