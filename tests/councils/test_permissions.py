"""Permissions: rules are about roles only, and each rule agrees with its queryset filter."""

import pytest

from councils import permissions
from councils.models import Membership, User
from plans.models import Plan, SignOffRequest
from plans.services.versions import version_freeze
from tests.factories import (
    CouncilFactory,
    MembershipFactory,
    PlanFactory,
    UserFactory,
    councillor_of,
    officer_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _request(plan, officer, named=()):
    """An open sign-off request built directly (its rules are tested in tests/signoff)."""
    sign_off = SignOffRequest.objects.create(
        plan=plan,
        version=version_freeze(plan=plan, user=officer),
        required_count=max(len(named), 1),
        sent_by=officer,
    )
    sign_off.required_councillors.set(named)
    return SignOffRequest.objects.get(pk=sign_off.pk)


@pytest.mark.parametrize("status", Plan.Status.values)
def test_plan_edit_is_the_officers_role_whatever_the_plans_state(plan, officer, status):
    Plan.objects.filter(pk=plan.pk).update(status=status)
    plan.refresh_from_db()
    assert permissions.can(officer, "plan_edit", plan) is True
    assert permissions.can(councillor_of(plan.council), "plan_edit", plan) is False
    assert permissions.can(officer_of(CouncilFactory()), "plan_edit", plan) is False


def test_unknown_or_removed_rules_are_refused_loudly(plan, officer):
    for name in ("plan_draft", "council_view", "no_such_rule"):
        with pytest.raises(ValueError, match=f"Unknown permission '{name}'"):
            permissions.can(officer, name, plan)


@pytest.mark.parametrize("status", [Plan.Status.APPROVED, Plan.Status.SUBMITTED])
def test_plan_view_and_plan_scope_agree_for_every_kind_of_user(council, status):
    own = PlanFactory(council=council)
    other = PlanFactory(council=CouncilFactory(), status=status)
    users = {
        "officer": officer_of(council),
        "councillor": councillor_of(council),
        "panel": UserFactory(is_panel_member=True),
        "stranger": UserFactory(),
    }
    seen = {}
    for name, user in users.items():
        in_scope = set(Plan.objects.filter(permissions.plan_scope(user)))
        for plan in (own, other):
            assert (plan in in_scope) == permissions.can(user, "plan_view", plan), (name, plan)
        seen[name] = {plan for plan in (own, other) if plan in in_scope}
    # The panel reads sent versions on its own pages, never a council's working pages.
    assert seen == {
        "officer": {own},
        "councillor": {own},
        "panel": set(),
        "stranger": set(),
    }


@pytest.mark.parametrize("rule", ["named", "any"])
def test_sign_off_decide_and_its_filters_agree(council, rule):
    plan = PlanFactory(council=council)
    officer = officer_of(council)
    first, second = councillor_of(council), councillor_of(council)
    inactive = councillor_of(council, user__is_active=False)
    elsewhere = councillor_of(CouncilFactory())
    statutory = MembershipFactory(council=council, role=Membership.Role.STATUTORY_OFFICER).user
    sign_off = _request(plan, officer, named=[first] if rule == "named" else [])
    people = [officer, first, second, inactive, elsewhere, statutory]

    allowed = {user for user in people if permissions.can(user, "sign_off_decide", sign_off)}
    assert allowed == ({first} if rule == "named" else {first, second})
    assert set(permissions.councillors_who_may_decide(sign_off)) == allowed
    assert set(User.objects.filter(permissions.sign_off_deciders(sign_off))) == allowed
    for user in people:
        decidable = SignOffRequest.objects.filter(permissions.sign_offs_decidable_by(user))
        assert list(decidable) == ([sign_off] if user in allowed else []), user


def test_deciding_follows_the_role_in_each_council(council):
    """A councillor of one council who is an officer of another decides only in the first."""
    councillor = councillor_of(council)
    elsewhere = CouncilFactory()
    MembershipFactory(user=councillor, council=elsewhere, role=Membership.Role.OFFICER)
    here = _request(PlanFactory(council=council), officer_of(council))
    there = _request(PlanFactory(council=elsewhere), officer_of(elsewhere))
    decidable = SignOffRequest.objects.filter(permissions.sign_offs_decidable_by(councillor))
    assert list(decidable) == [here]
    assert permissions.can(councillor, "sign_off_decide", here) is True
    assert permissions.can(councillor, "sign_off_decide", there) is False
