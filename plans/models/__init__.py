from plans.models.history import AuditEvent, PlanVersion, Revision
from plans.models.plans import Plan, ThemeSection
from plans.models.rounds import GuidingQuestion, Round, Theme

__all__ = [
    "AuditEvent",
    "GuidingQuestion",
    "Plan",
    "PlanVersion",
    "Revision",
    "Round",
    "Theme",
    "ThemeSection",
]
