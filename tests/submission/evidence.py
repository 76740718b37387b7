"""An approved version with every kind of evidence and a real sign-off record, for the printed
and published plan and the receipts."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from councils.models import Membership, User
from plans.models import DecisionRecord, PlanVersion, SignOffDecision
from plans.services import evidence as services
from plans.services import kpis as kpi_services
from plans.services.signoff import (
    decision_record_save,
    sign_off_record_decision,
    statutory_comment_add,
)
from tests.factories import MembershipFactory, PlanFactory, councillor_of, officer_of
from tests.submission.factories import version_sent_for_sign_off

KPI = {
    "code": "LPI CS 1",
    "name": "Percentage of phone calls answered within 20 seconds",
    "unit": "percent",
    "frequency": "quarterly",
    "higher_is_better": True,
    "baseline_value": Decimal("58.5"),
    "baseline_period": "2022-23",
    "target_value": Decimal("80"),
    "tolerance": Decimal("5"),
    "benchmark_value": Decimal("74"),
    "benchmark_label": "LGA October 2021",
    "data_owner": "Head of Customer Services",
    "data_provider": "Contact Centre Manager",
    "commentary": "Vacancies in the contact centre.",
}
VALUES = [(date(2023, 4, 1), "70.5"), (date(2023, 7, 1), "66.25"), (date(2023, 10, 1), "62.9")]


@dataclass
class EvidencePlan:
    version: PlanVersion
    officer: User
    approver: User
    dissenter: User


def evidence_plan() -> EvidencePlan:
    """Savings of £10,000,000 and £1,020,000 (total £11,020,000), a KPI that requires attention
    and is getting worse, actions done and to do, a barrier, figures, partners, a strategy link,
    and a cabinet decision approved by Cllr Alex Leader."""
    plan = PlanFactory()
    council = plan.council
    officer = officer_of(council, title="Head of Strategy", user__full_name="Olive Officer")
    kpi = kpi_services.kpi_create(plan_id=plan.pk, theme_number=1, fields=KPI, user=officer)
    for period_start, value in VALUES:
        kpi.refresh_from_db()
        kpi_services.kpi_value_set(
            plan_id=plan.pk,
            kpi_id=kpi.pk,
            base_edit_count=kpi.edit_count,
            user=officer,
            period_start=period_start,
            value=Decimal(value),
        )
    for kind, description, status, milestone in [
        ("done", "Moved council tax forms online", "done", date(2024, 3, 31)),
        ("will_do", "Open a shared customer contact centre", "in_progress", date(2025, 9, 30)),
    ]:
        services.action_create(
            plan_id=plan.pk,
            theme_number=1,
            user=officer,
            fields={
                "kind": kind,
                "description": description,
                "workstream": "Customer contact",
                "milestone_date": milestone,
                "owner": "Head of Customer Services",
                "status": status,
            },
        )
    for amount, description in [
        ("10000000", "Shared finance, legal and ICT service"),
        ("1020000", "Office space shared with partners"),
    ]:
        services.saving_create(
            plan_id=plan.pk,
            theme_number=3,
            user=officer,
            fields={
                "workstream": "Shared services",
                "description": description,
                "amount": Decimal(amount),
                "start_year": 2024,
                "end_year": 2027,
                "period_label": "",
                "is_cashable": True,
            },
        )
    services.barrier_create(
        plan_id=plan.pk,
        user=officer,
        fields={
            "category": "multi_year_settlements",
            "title": "One-year settlements",
            "description": "We cannot plan invest-to-save work beyond one year.",
            "ask": "Settle funding for three years at a time.",
        },
    )
    figures = services.spend_figures_save(
        plan_id=plan.pk,
        base_edit_count=0,
        user=officer,
        fields={"agency_percent": Decimal("2.75"), "edi_champions": 3},
    )
    services.plan_cost_save(
        plan_id=plan.pk,
        base_edit_count=figures.edit_count,
        plan_cost=Decimal("2500"),
        plan_cost_note="Officer time",
        user=officer,
    )
    services.partner_create(
        plan_id=plan.pk,
        user=officer,
        fields={"name": "Kent Police", "sector": "police", "description": "Shared offices."},
    )
    services.strategy_create(
        plan_id=plan.pk,
        user=officer,
        fields={"title": "Council Plan", "url": "https://www.example.gov.uk/council-plan"},
    )
    approver = councillor_of(
        council, user__full_name="Cllr Alex Leader", user__email="leader@example.gov.uk",
        title="Leader of the Council",
    )  # fmt: skip
    dissenter = councillor_of(
        council, user__full_name="Cllr Dee Sent", user__email="dee@example.gov.uk"
    )
    monitoring = MembershipFactory(
        council=council,
        role=Membership.Role.STATUTORY_OFFICER,
        title="Monitoring Officer",
        user__full_name="Morgan Monitor",
    ).user
    version = version_sent_for_sign_off(plan, created_by=officer, councillor=approver)
    sign_off = version.sign_off_request
    statutory_comment_add(sign_off_id=sign_off.pk, user=monitoring, text="No legal implications.")
    sign_off_record_decision(
        sign_off_id=sign_off.pk,
        user=approver,
        outcome=SignOffDecision.Outcome.APPROVE,
        version_sha256=version.sha256,
        declaration=True,
    )
    decision_record_save(
        sign_off_id=sign_off.pk,
        user=officer,
        route=DecisionRecord.Route.CABINET,
        decision_date=date(2024, 7, 11),
        decision_url="https://democracy.example.gov.uk/decision/42",
        call_in_ends=date(2024, 7, 18),
    )
    return EvidencePlan(version=version, officer=officer, approver=approver, dissenter=dissenter)
