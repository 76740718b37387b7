import pytest

from councils.models import Membership
from plans.models import DecisionRecord, Plan, ThemeSection
from plans.services.signoff import decision_record_save, plan_send_for_sign_off
from productivity.celery import app
from tests.factories import MembershipFactory, councillor_of

NARRATIVES = {
    1: "1.1 We merged our customer teams.\n1.2 We closed two offices.",
    2: "2.1 We moved every form online.",
    3: "3.1 We share a chief executive with our neighbour.",
    4: "4.1 One-year settlements stop us planning.",
}


@pytest.fixture(autouse=True)
def _tasks_run_at_once():
    """Emails are sent by a task; here it runs in-process once the transaction commits."""
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Every test here makes several users: hash their passwords quickly."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def fill(plan: Plan, narratives: dict[int, str] = NARRATIVES) -> Plan:
    for number, text in narratives.items():
        ThemeSection.objects.filter(plan=plan, theme__number=number).update(
            narrative=text, narrative_html=f"<p>{text}</p>", is_complete=True
        )
    return plan


@pytest.fixture
def ready_plan(plan):
    """A plan with every theme answered, ready to send for sign-off."""
    return fill(plan)


@pytest.fixture
def leader(council):
    return councillor_of(council, title="Leader of the Council", user__full_name="Cllr Ada Leader")


@pytest.fixture
def portfolio_holder(council):
    return councillor_of(
        council, title="Portfolio Holder for Finance", user__full_name="Cllr Ben Portfolio"
    )


@pytest.fixture
def statutory_officer(council):
    return MembershipFactory(
        council=council,
        role=Membership.Role.STATUTORY_OFFICER,
        title="Monitoring Officer",
        user__full_name="Mo Monitoring",
    ).user


def send(plan, officer, councillors=(), required_count=None, note="Please approve by Friday."):
    return plan_send_for_sign_off(
        plan=plan,
        user=officer,
        councillors=list(councillors),
        required_count=required_count,
        covering_note=note,
    )


def record_cabinet(sign_off, officer, **overrides):
    from datetime import date

    values = {
        "route": DecisionRecord.Route.CABINET,
        "decision_date": date(2024, 7, 4),
        "decision_url": "https://www.example.gov.uk/decisions/42",
        "call_in_ends": None,
    }
    values.update(overrides)
    return decision_record_save(sign_off_id=sign_off.pk, user=officer, **values)
