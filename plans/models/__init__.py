from plans.models.evidence import (
    KPI,
    Action,
    Barrier,
    KpiValue,
    Partner,
    QuestionCoverage,
    SavingsCommitment,
    SpendFigures,
    StrategyLink,
)
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
    "KPI",
    "Action",
    "AuditEvent",
    "DecisionRecord",
    "Barrier",
    "GuidingQuestion",
    "KpiValue",
    "Partner",
    "Plan",
    "PlanVersion",
    "QuestionCoverage",
    "Revision",
    "Round",
    "SignOffDecision",
    "SignOffRequest",
    "StatutoryComment",
    "SavingsCommitment",
    "SpendFigures",
    "StrategyLink",
    "Theme",
    "ThemeSection",
]
