"""Fixtures for sign-off tests; helpers that build states live in tests/support/signoff.py."""

import pytest

from councils.models import Membership
from productivity.celery import app
from tests.factories import MembershipFactory, councillor_of
from tests.support.signoff import fill


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
