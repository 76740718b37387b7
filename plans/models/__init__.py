from plans.models.history import AuditEvent, PlanVersion, Revision
from plans.models.plans import Plan, ThemeSection
from plans.models.rounds import GuidingQuestion, Round, Theme
from plans.models.signoff import (
    DecisionRecord,
    SignOffDecision,
    SignOffRequest,
    StatutoryComment,
)

__all__ = [
    "AuditEvent",
    "DecisionRecord",
    "GuidingQuestion",
    "Plan",
    "PlanVersion",
    "Revision",
    "Round",
    "SignOffDecision",
    "SignOffRequest",
    "StatutoryComment",
    "Theme",
    "ThemeSection",
]
