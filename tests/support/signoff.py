"""Helpers for building sign-off states in tests: fill a plan, send it, record decisions."""

from datetime import date

from django.core.exceptions import ValidationError

from plans.models import DecisionRecord, Plan, ThemeSection
from plans.services.signoff import (
    decision_record_save,
    plan_send_for_sign_off,
    sign_off_record_decision,
)

NARRATIVES = {
    1: "1.1 We merged our customer teams.\n1.2 We closed two offices.",
    2: "2.1 We moved every form online.",
    3: "3.1 We share a chief executive with our neighbour.",
    4: "4.1 One-year settlements stop us planning.",
}


def fill(plan: Plan, narratives: dict[int, str] = NARRATIVES) -> Plan:
    for number, text in narratives.items():
        ThemeSection.objects.filter(plan=plan, theme__number=number).update(
            narrative=text, narrative_html=f"<p>{text}</p>", is_complete=True
        )
    return plan


def send(plan, officer, councillors=(), required_count=None, note="Please approve by Friday."):
    return plan_send_for_sign_off(
        plan=plan,
        user=officer,
        councillors=list(councillors),
        required_count=required_count,
        covering_note=note,
    )


def record_cabinet(sign_off, officer, **overrides):
    values = {
        "route": DecisionRecord.Route.CABINET,
        "decision_date": date(2024, 7, 4),
        "decision_url": "https://www.example.gov.uk/decisions/42",
        "call_in_ends": None,
    }
    values.update(overrides)
    return decision_record_save(sign_off_id=sign_off.pk, user=officer, **values)


def approve(sign_off, councillor, sha256=None):
    return sign_off_record_decision(
        sign_off_id=sign_off.pk,
        user=councillor,
        outcome="approve",
        version_sha256=sha256 or sign_off.version.sha256,
        declaration=True,
    )


def request_changes(sign_off, councillor, comment="Add the savings figures."):
    return sign_off_record_decision(
        sign_off_id=sign_off.pk,
        user=councillor,
        outcome="request_changes",
        version_sha256=sign_off.version.sha256,
        comment=comment,
    )


def field_codes(error: ValidationError) -> dict[str, list[str]]:
    """A service's field-keyed refusal as {field: [codes]}, to compare exactly."""
    return {field: [item.code for item in items] for field, items in error.error_dict.items()}
