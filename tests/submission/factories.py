"""Versions for submission tests, built through the sign-off services (which are tested
elsewhere), so every version is in a state the portal can reach."""

from datetime import date

from django.utils import timezone

from plans.models import DecisionRecord, Plan, PlanVersion, SignOffDecision
from plans.services.signoff import (
    decision_record_save,
    plan_send_for_sign_off,
    sign_off_record_decision,
)
from tests.factories import PlanFactory, councillor_of, officer_of

PARAGRAPHS = [
    "We moved our customer contact to a single digital front door, so residents can report, "
    "book and pay at any hour, and the contact centre now handles the cases that need a person.",
    "We share a finance, legal and ICT service with two neighbouring councils, which took "
    "duplicated management out of all three and gave each of us resilience we could not afford "
    "alone.",
    "We plan over a rolling ten-year budget and have not needed revenue support grant for six "
    "years; every service review starts from what residents value most.",
    "Our agency and consultancy spend is below five per cent of the staff budget and we publish "
    "it every quarter with the reasons for each engagement that lasts more than a year.",
]


def typical_narrative(theme_number: int, paragraphs: int = 5) -> str:
    """A theme written the way councils write them: numbered paragraphs, a list and a table."""
    lines = [f"## Theme {theme_number} in summary", ""]
    for index in range(paragraphs):
        lines += [f"{theme_number}.{index + 1} {PARAGRAPHS[index % len(PARAGRAPHS)]}", ""]
    lines += [
        "What we will do next:",
        "",
        "- finish moving the remaining paper forms online",
        "- review our office space with our partners",
        "- publish our productivity measures every quarter",
        "",
        "| Measure | 2022/23 | 2023/24 |",
        "|---|---|---|",
        "| Residents satisfied with the council | 79% | 81% |",
        "| Calls answered first time | 72% | 84% |",
        "",
    ]
    return "\n".join(lines)


def version_sent_for_sign_off(
    plan: Plan | None = None,
    *,
    narratives: dict[int, str] | None = None,
    paragraphs: int = 5,
    created_by=None,
    councillor=None,
) -> PlanVersion:
    """Write every theme and send the plan for sign-off through the services (one councillor
    must approve: `councillor`, or a new Leader); the version awaits approval."""
    plan = plan or PlanFactory()
    created_by = created_by or officer_of(plan.council, title="Head of Strategy")
    for section in plan.sections.select_related("theme"):
        number = section.theme.number
        text = (narratives or {}).get(number)
        # Every theme must be answered before sending: an empty one gets a one-line answer.
        section.narrative = text or f"{number}.1 Theme {number} answered briefly."
        if text is None:
            section.narrative = typical_narrative(number, paragraphs)
        section.is_complete = True
        section.save(update_fields=["narrative", "is_complete"])
    councillor = councillor or councillor_of(plan.council, title="Leader of the Council")
    sign_off = plan_send_for_sign_off(plan=plan, user=created_by, councillors=[councillor])
    return sign_off.version


def version_approve(version: PlanVersion, *, call_in_ends: date | None = None) -> PlanVersion:
    """Approve a version sent for sign-off through the services: its councillor approves and
    the council's decision is recorded (under the urgency procedure, or by Cabinet with the
    given call-in date). The approval schedules its Submission."""
    sign_off = version.sign_off_request
    sign_off_record_decision(
        sign_off_id=sign_off.pk,
        user=sign_off.required_councillors.get(),
        outcome=SignOffDecision.Outcome.APPROVE,
        version_sha256=version.sha256,
        declaration=True,
    )
    decision_record_save(
        sign_off_id=sign_off.pk,
        user=version.created_by,
        route=DecisionRecord.Route.CABINET if call_in_ends else DecisionRecord.Route.URGENCY,
        decision_date=timezone.localdate(),
        decision_url="https://www.example.gov.uk/decisions/1",
        call_in_ends=call_in_ends,
    )
    version.plan.refresh_from_db()
    return version


def approved_version(
    plan: Plan | None = None,
    *,
    narratives: dict[int, str] | None = None,
    paragraphs: int = 5,
    created_by=None,
    call_in_ends: date | None = None,
) -> PlanVersion:
    """A version sent for sign-off and approved through the services (see version_approve)."""
    version = version_sent_for_sign_off(
        plan, narratives=narratives, paragraphs=paragraphs, created_by=created_by
    )
    return version_approve(version, call_in_ends=call_in_ends)
