"""Separation of duties: one role per person per council, and nobody decides on a version they
sent for sign-off or whose council decision they recorded."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from councils.models import Membership
from councils.services import membership_grant
from councils.services.people import membership_change
from plans.models import DecisionRecord, Plan, SignOffDecision, Submission
from tests.factories import MembershipFactory, officer_of
from tests.support.mfa import force_login_verified
from tests.support.signoff import approve, record_cabinet, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(council):
    return MembershipFactory(council=council, role="officer", manages_people=True).user


def _fresh(user):
    """The user as the next request loads them (roles are cached on the object per request)."""
    return type(user).objects.get(pk=user.pk)


def _nothing_approved(plan):
    plan.refresh_from_db()
    assert plan.status == Plan.Status.AWAITING_SIGN_OFF
    assert SignOffDecision.objects.count() == 0
    assert Submission.objects.count() == 0


def test_one_person_alone_can_no_longer_hold_both_roles_to_push_a_plan_through(
    ready_plan, officer, leader
):
    """Before, an officer also given the councillor role could send, record the decision and
    approve alone, and the plan went to the ministry. Now the second role is refused, by the
    service and by the database."""
    with pytest.raises(ValidationError) as refusal:
        membership_grant(user=officer, council=ready_plan.council, role="councillor")
    assert refusal.value.code == "one_role_per_council"
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=officer, council=ready_plan.council, role="councillor")
    assert list(officer.memberships.values_list("role", flat=True)) == ["officer"]
    sign_off = send(ready_plan, officer, required_count=1)
    record_cabinet(sign_off, officer)
    with pytest.raises(PermissionDenied):  # not a councillor
        approve(sign_off, officer)
    _nothing_approved(ready_plan)


def test_the_sender_turned_councillor_cannot_approve_their_own_version(
    ready_plan, officer, leader, manager
):
    sign_off = send(ready_plan, officer, required_count=1)
    record_cabinet(sign_off, manager)
    membership = Membership.objects.get(user=officer)
    membership_change(membership_id=membership.pk, user=manager, role="councillor")
    with pytest.raises(ValidationError) as refusal:
        approve(sign_off, _fresh(officer))
    assert refusal.value.code == "separation_of_duties"
    assert refusal.value.messages == [
        "You sent this version for sign-off, so you cannot decide on it. Another councillor "
        "must approve it"
    ]
    _nothing_approved(ready_plan)
    approve(sign_off, leader)
    ready_plan.refresh_from_db()
    assert ready_plan.status == Plan.Status.APPROVED


def test_whoever_recorded_the_decision_cannot_approve_the_version(
    ready_plan, officer, leader, manager
):
    sign_off = send(ready_plan, officer, required_count=1)
    record_cabinet(sign_off, manager)
    own = Membership.objects.get(user=manager)
    own.role, own.manages_people = "councillor", False  # as another people manager would
    own.save(update_fields=["role", "manages_people"])
    with pytest.raises(ValidationError) as refusal:
        approve(sign_off, _fresh(manager))
    assert refusal.value.messages == [
        "You recorded the council’s decision on this version, so you cannot decide on it. "
        "Another councillor must approve it"
    ]
    _nothing_approved(ready_plan)


def test_a_councillor_who_decided_cannot_then_record_the_councils_decision(
    ready_plan, officer, leader, portfolio_holder, manager
):
    sign_off = send(ready_plan, officer, required_count=2)
    approve(sign_off, leader)
    membership = Membership.objects.get(user=leader)
    membership_change(membership_id=membership.pk, user=manager, role="officer")
    with pytest.raises(ValidationError) as refusal:
        record_cabinet(sign_off, _fresh(leader))
    assert refusal.value.code == "separation_of_duties"
    assert DecisionRecord.objects.count() == 0


def test_the_councillor_screen_explains_instead_of_offering_the_form(
    client, ready_plan, officer, leader, manager
):
    sign_off = send(ready_plan, officer, required_count=1)
    membership = Membership.objects.get(user=officer)
    membership_change(membership_id=membership.pk, user=manager, role="councillor")
    force_login_verified(client, officer)
    url = f"/plans/{ready_plan.pk}/versions/{sign_off.version.number}/sign-off/"
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"] is None
    assert page.context["duty_conflict"].startswith("You sent this version for sign-off")
    assert 'data-testid="duty-conflict"' in page.content.decode()
    response = client.post(
        url,
        {"outcome": "approve", "declaration": "on", "version_sha256": sign_off.version.sha256},
    )
    assert response.status_code == 403
    _nothing_approved(ready_plan)
    force_login_verified(client, leader)
    assert client.get(url).context["form"] is not None


def test_an_officer_who_never_sent_it_is_unaffected(ready_plan, leader):
    other = officer_of(ready_plan.council)
    sign_off = send(ready_plan, other, required_count=1)
    record_cabinet(sign_off, other)
    approve(sign_off, leader)
    ready_plan.refresh_from_db()
    assert ready_plan.status == Plan.Status.APPROVED
