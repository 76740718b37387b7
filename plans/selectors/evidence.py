"""Reads of a plan's evidence, in a fixed number of queries however much evidence there is.

Views first find the plan through `plans_visible_to(user)` (another council's plan is a 404),
then read its evidence here; an item id from another plan is a 404 too.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from plans.models import (
    KPI,
    Action,
    Barrier,
    GuidingQuestion,
    KpiValue,
    Partner,
    Plan,
    QuestionCoverage,
    SavingsCommitment,
    SpendFigures,
    StrategyLink,
    Theme,
)


@dataclass
class ThemeEvidence:
    """One theme's structured items, and the officer's checklist of its guiding questions."""

    kpis: list[KPI] = field(default_factory=list)
    done: list[Action] = field(default_factory=list)
    will_do: list[Action] = field(default_factory=list)
    savings: list[SavingsCommitment] = field(default_factory=list)
    barriers: list[Barrier] = field(default_factory=list)
    questions: list[GuidingQuestion] = field(default_factory=list)

    @property
    def questions_answered(self) -> int:
        return sum(1 for question in self.questions if question.answered)

    @property
    def unanswered(self) -> list[GuidingQuestion]:
        return [question for question in self.questions if not question.answered]

    @property
    def action_count(self) -> int:
        return len(self.done) + len(self.will_do)

    @property
    def counts_text(self) -> str:
        """For example "3 KPIs, 5 actions, 1 saving"; empty when there is nothing."""
        counts = [
            (len(self.kpis), "KPI", "KPIs"),
            (self.action_count, "action", "actions"),
            (len(self.savings), "saving", "savings"),
            (len(self.barriers), "barrier", "barriers"),
        ]
        return ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in counts if n)

    @property
    def has_items(self) -> bool:
        return bool(self.kpis or self.done or self.will_do or self.savings or self.barriers)


@dataclass
class PlanEvidence:
    themes: dict[int, ThemeEvidence]
    figures: SpendFigures | None
    partners: list[Partner]
    strategies: list[StrategyLink]

    def for_theme(self, theme_id: int) -> ThemeEvidence:
        return self.themes.get(theme_id) or ThemeEvidence()

    @property
    def savings_total(self) -> Decimal:
        return sum(
            (saving.amount for theme in self.themes.values() for saving in theme.savings),
            Decimal(0),
        )

    @property
    def has_context(self) -> bool:
        figures = self.figures
        return bool(
            self.partners
            or self.strategies
            or (figures and (figures.given() or figures.plan_cost is not None))
        )


def kpis_for_plan(*, plan: Plan) -> QuerySet[KPI]:
    """The plan's KPIs in theme order, each with its values (two queries in all)."""
    return (
        KPI.objects.filter(plan=plan)
        .select_related("theme")
        .prefetch_related(Prefetch("values", queryset=KpiValue.objects.order_by("period_start")))
        .order_by("theme__number", "code", "pk")
    )


def kpi_for_plan(*, plan: Plan, kpi_id: int) -> KPI:
    return get_object_or_404(kpis_for_plan(plan=plan), pk=kpi_id)


def item_for_plan(*, model, plan: Plan, item_id: int):
    """One action, savings commitment, barrier, partner or strategy link of this plan, or 404."""
    queryset = model.objects.filter(plan=plan)
    if any(f.name == "theme" for f in model._meta.fields):
        queryset = queryset.select_related("theme")
    return get_object_or_404(queryset, pk=item_id)


def spend_figures_for(*, plan: Plan) -> SpendFigures | None:
    return SpendFigures.objects.filter(plan=plan).first()


def theme_for_plan(*, plan: Plan, theme_number: int) -> Theme:
    return get_object_or_404(Theme, round_id=plan.round_id, number=theme_number)


def barriers_theme_for_plan(*, plan: Plan) -> Theme:
    """The plan round's theme that collects barriers, or 404 when the round asks for none."""
    return get_object_or_404(Theme, round_id=plan.round_id, collects_barriers=True)


def themes_of_plan(*, plan: Plan) -> QuerySet[Theme]:
    return Theme.objects.filter(round_id=plan.round_id).order_by("number")


def questions_with_coverage(*, plan: Plan, theme: Theme) -> list[GuidingQuestion]:
    """The theme's questions, each with `answered` set from the officer's checklist."""
    answered = set(
        QuestionCoverage.objects.filter(
            plan=plan, question__theme=theme, answered=True
        ).values_list("question_id", flat=True)
    )
    questions = list(GuidingQuestion.objects.filter(theme=theme).order_by("number"))
    for question in questions:
        question.answered = question.pk in answered
    return questions


def plan_evidence(plan: Plan) -> PlanEvidence:
    """Everything the plan carries beside its narrative, grouped by theme: ten queries."""
    themes: dict[int, ThemeEvidence] = {}

    def bucket(theme_id: int) -> ThemeEvidence:
        return themes.setdefault(theme_id, ThemeEvidence())

    for kpi in kpis_for_plan(plan=plan):
        bucket(kpi.theme_id).kpis.append(kpi)
    for action in Action.objects.filter(plan=plan).select_related("theme"):
        group = bucket(action.theme_id)
        (group.done if action.kind == Action.Kind.DONE else group.will_do).append(action)
    for saving in SavingsCommitment.objects.filter(plan=plan).select_related("theme"):
        bucket(saving.theme_id).savings.append(saving)
    for barrier in Barrier.objects.filter(plan=plan).select_related("theme"):
        bucket(barrier.theme_id).barriers.append(barrier)
    answered = set(
        QuestionCoverage.objects.filter(plan=plan, answered=True).values_list(
            "question_id", flat=True
        )
    )
    for question in GuidingQuestion.objects.filter(theme__round_id=plan.round_id).order_by(
        "theme__number", "number"
    ):
        question.answered = question.pk in answered
        bucket(question.theme_id).questions.append(question)
    return PlanEvidence(
        themes=themes,
        figures=spend_figures_for(plan=plan),
        partners=list(Partner.objects.filter(plan=plan).order_by("name", "pk")),
        strategies=list(StrategyLink.objects.filter(plan=plan).order_by("title", "pk")),
    )


def plan_attach_evidence(plan: Plan) -> Plan:
    """Attach `plan.evidence` and each of `plan.ordered_sections`' `section.evidence`."""
    plan.evidence = plan_evidence(plan)
    for section in getattr(plan, "ordered_sections", []):
        section.evidence = plan.evidence.for_theme(section.theme_id)
    return plan


__all__ = [
    "PlanEvidence",
    "barriers_theme_for_plan",
    "ThemeEvidence",
    "item_for_plan",
    "kpi_for_plan",
    "kpis_for_plan",
    "plan_attach_evidence",
    "plan_evidence",
    "questions_with_coverage",
    "spend_figures_for",
    "theme_for_plan",
    "themes_of_plan",
]
