"""Reads for drafting: querysets already limited to what the user may see."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from councils import permissions
from plans.models import DeadlineExtension, Plan, Revision, Round, Theme, ThemeSection
from plans.selectors.evidence import plan_attach_evidence


def plans_visible_to(user) -> QuerySet[Plan]:
    """Plans the user may read: their councils' plans, and for the panel every submitted one."""
    if not user.is_authenticated:
        return Plan.objects.none()
    return Plan.objects.filter(permissions.plan_scope(user)).select_related("council", "round")


def plan_with_sections(*, user, plan_id: int) -> Plan:
    """One visible plan with its sections, themes and questions in a fixed number of queries."""
    sections = ThemeSection.objects.select_related("theme", "updated_by").order_by("theme__number")
    queryset = plans_visible_to(user).prefetch_related(
        Prefetch("sections", queryset=sections, to_attr="ordered_sections"),
    )
    plan = get_object_or_404(queryset, pk=plan_id)
    # Its KPIs, actions, savings, barriers, figures and question checklist: a fixed ten queries.
    return plan_attach_evidence(plan)


def section_for_theme(*, plan: Plan, theme_number: int) -> ThemeSection:
    queryset = ThemeSection.objects.select_related("theme", "updated_by").prefetch_related(
        "theme__questions"
    )
    return get_object_or_404(queryset, plan=plan, theme__number=theme_number)


def open_rounds() -> QuerySet[Round]:
    return Round.objects.filter(opens_at__lte=timezone.now()).order_by("-deadline")


@dataclass(frozen=True)
class CouncilRound:
    """An open round as one council sees it: its plan (if started) and its own deadline."""

    round: Round
    plan: Plan | None
    deadline: datetime
    extended: bool

    @property
    def is_past_deadline(self) -> bool:
        return timezone.now() > self.deadline


def rounds_with_plans_for_council(*, council) -> list[CouncilRound]:
    """Every open round with this council's plan in it, if started, and the council's deadline
    (an extension where it has one)."""
    plans = {plan.round_id: plan for plan in Plan.objects.filter(council=council)}
    extensions = dict(
        DeadlineExtension.objects.filter(council=council).values_list("round_id", "deadline")
    )
    return [
        CouncilRound(
            round=round_,
            plan=plans.get(round_.pk),
            deadline=extensions.get(round_.pk, round_.deadline),
            extended=round_.pk in extensions,
        )
        for round_ in open_rounds()
    ]


def themes_for_round(*, round: Round) -> QuerySet[Theme]:
    return round.themes.prefetch_related("questions").order_by("number")


def revisions_for_plan(*, plan: Plan) -> QuerySet[Revision]:
    return plan.revisions.select_related("author").defer("content").order_by("-number")


def revision_pair(*, plan: Plan, older: int, newer: int) -> tuple[Revision, Revision]:
    return (
        get_object_or_404(Revision.objects.select_related("author"), plan=plan, number=older),
        get_object_or_404(Revision.objects.select_related("author"), plan=plan, number=newer),
    )


__all__ = [
    "open_rounds",
    "plan_with_sections",
    "plans_visible_to",
    "revision_pair",
    "revisions_for_plan",
    "rounds_with_plans_for_council",
    "section_for_theme",
    "themes_for_round",
]
