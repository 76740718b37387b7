from plans.models.history import AuditEvent, PlanVersion, Revision
from plans.models.plans import Plan, ThemeSection
from plans.models.rounds import GuidingQuestion, Round, Theme
from plans.models.submission import (
    PageCountEstimate,
    ReminderSent,
    Submission,
    SubmissionAttempt,
)

__all__ = [
    "AuditEvent",
    "GuidingQuestion",
    "PageCountEstimate",
    "Plan",
    "PlanVersion",
    "ReminderSent",
    "Revision",
    "Round",
    "Submission",
    "SubmissionAttempt",
    "Theme",
    "ThemeSection",
]
