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

__all__ = [
    "KPI",
    "Action",
    "AuditEvent",
    "Barrier",
    "GuidingQuestion",
    "KpiValue",
    "Partner",
    "Plan",
    "PlanVersion",
    "QuestionCoverage",
    "Revision",
    "Round",
    "SavingsCommitment",
    "SpendFigures",
    "StrategyLink",
    "Theme",
    "ThemeSection",
]
