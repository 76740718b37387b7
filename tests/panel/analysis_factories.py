"""Sent plans carrying structured evidence, built through the evidence and sign-off services."""

from decimal import Decimal

from plans.models import GuidingQuestion, Plan
from plans.services import evidence as services
from tests.factories import PlanFactory, officer_of
from tests.panel.factories import send
from tests.submission.factories import approved_version
from tests.support.evidence import make_kpi


def evidence_plan(
    council,
    round_,
    *,
    figures: dict | None = None,
    barriers: tuple = (),
    savings: tuple = (),
    partners: tuple = (),
    kpis: tuple = (),
    answered: tuple = (),
    narratives: dict | None = None,
) -> Plan:
    """A plan with the given evidence, approved and recorded as sent.

    `barriers` are (category, title, description); `savings` (theme number, amount);
    `answered` (theme number, question number) marked answered in the officers' checklist."""
    plan = PlanFactory(council=council, round=round_)
    officer = officer_of(council)
    if figures:
        services.spend_figures_save(
            plan_id=plan.pk, base_edit_count=0, fields=figures, user=officer
        )
    for category, title, description in barriers:
        services.barrier_create(
            plan_id=plan.pk,
            user=officer,
            fields={"category": category, "title": title, "description": description, "ask": ""},
        )
    for theme_number, amount in savings:
        services.saving_create(
            plan_id=plan.pk,
            theme_number=theme_number,
            user=officer,
            fields={
                "workstream": "",
                "description": "Shared services",
                "amount": Decimal(amount),
                "start_year": 2024,
                "end_year": 2026,
                "period_label": "",
                "is_cashable": True,
            },
        )
    for name in partners:
        services.partner_create(
            plan_id=plan.pk,
            user=officer,
            fields={"name": name, "sector": "police", "description": ""},
        )
    for index, name in enumerate(kpis):
        make_kpi(plan, officer, code=f"K{index}", name=name)
    by_theme: dict[int, list[int]] = {}
    for theme_number, number in answered:
        question = GuidingQuestion.objects.get(
            theme__round=round_, theme__number=theme_number, number=number
        )
        by_theme.setdefault(theme_number, []).append(question.pk)
    for theme_number, ids in by_theme.items():
        services.coverage_save(
            plan_id=plan.pk, theme_number=theme_number, answered=ids, seen=[], user=officer
        )
    version = approved_version(
        plan,
        narratives=narratives or {1: "1.1 Our plan.", 2: "", 3: "", 4: ""},
        created_by=officer,
    )
    send(version)
    plan.refresh_from_db()
    return plan
