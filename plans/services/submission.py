"""Submission of an approved version to the ministry."""

from datetime import datetime

from plans.models import PlanVersion
from plans.services.audit import audit_record


def submission_schedule(*, version: PlanVersion, not_before: datetime | None) -> None:
    """Hold an approved version for submission from `not_before` (None: at once); audits it."""
    audit_record(
        action="submission_scheduled",
        plan=version.plan,
        version=version,
        detail={"not_before": not_before.isoformat() if not_before else None},
    )
