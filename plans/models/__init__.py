from plans.models.coding import Code, CodedExtract, CodeMemo, ExtractCode
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
from plans.models.outbox import OutboxMessage
from plans.models.panel import (
    DeadlineExtension,
    PanelExport,
    PanelNote,
    PanelNoteRevision,
    PanelReadMarker,
    TrackerStatus,
)
from plans.models.plans import Plan, ThemeSection
from plans.models.rounds import GuidingQuestion, Round, Theme
from plans.models.search import SearchParagraph
from plans.models.signoff import (
    DecisionRecord,
    SignOffDecision,
    SignOffRequest,
    StatutoryComment,
)
from plans.models.submission import (
    PageCountEstimate,
    ReminderSent,
    Submission,
    SubmissionAttempt,
)

__all__ = [
    "KPI",
    "Action",
    "AuditEvent",
    "Barrier",
    "Code",
    "CodeMemo",
    "CodedExtract",
    "DeadlineExtension",
    "DecisionRecord",
    "ExtractCode",
    "GuidingQuestion",
    "KpiValue",
    "OutboxMessage",
    "PageCountEstimate",
    "PanelExport",
    "PanelNote",
    "PanelNoteRevision",
    "PanelReadMarker",
    "Partner",
    "Plan",
    "PlanVersion",
    "QuestionCoverage",
    "ReminderSent",
    "Revision",
    "Round",
    "SavingsCommitment",
    "SearchParagraph",
    "SignOffDecision",
    "SignOffRequest",
    "SpendFigures",
    "StatutoryComment",
    "StrategyLink",
    "Submission",
    "SubmissionAttempt",
    "Theme",
    "ThemeSection",
    "TrackerStatus",
]
