"""The demo data shows the whole flow at once, through the real services, and seeds only once."""

import pytest

from councils.models import Membership, User
from plans.demo import demo_seed
from plans.models import (
    AuditEvent,
    DecisionRecord,
    Plan,
    PlanVersion,
    Revision,
    SignOffDecision,
    SignOffRequest,
    Submission,
)

pytestmark = pytest.mark.django_db

COUNTED = (
    User,
    Membership,
    Plan,
    Revision,
    PlanVersion,
    SignOffRequest,
    SignOffDecision,
    DecisionRecord,
    Submission,
    AuditEvent,
)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_demo_seed_leaves_each_plan_at_its_stage_of_the_flow():
    demo_seed()
    statuses = dict(Plan.objects.values_list("council__gss_code", "status"))
    assert statuses == {
        "E07000111": Plan.Status.DRAFT,  # Sevenoaks
        "E07000039": Plan.Status.DRAFT,  # South Derbyshire
        "E07000096": Plan.Status.AWAITING_SIGN_OFF,  # Dacorum
        "E06000047": Plan.Status.APPROVED,  # Durham
    }
    dacorum = SignOffRequest.objects.get(plan__council__gss_code="E07000096")
    assert dacorum.status == SignOffRequest.Status.OPEN
    assert dacorum.required_count == 2
    assert sorted(dacorum.required_councillors.values_list("email", flat=True)) == [
        "cabinet@dacorum.example.gov.uk",
        "leader@dacorum.example.gov.uk",
    ]
    assert dacorum.decisions.count() == 0

    durham = SignOffRequest.objects.get(plan__council__gss_code="E06000047")
    assert durham.status == SignOffRequest.Status.APPROVED
    assert sorted(durham.decisions.values_list("councillor__email", "outcome")) == [
        ("cabinet@durham.example.gov.uk", "approve"),
        ("leader@durham.example.gov.uk", "approve"),
    ]
    record = DecisionRecord.objects.get(version=durham.version)
    assert record.route == DecisionRecord.Route.URGENCY
    assert record.call_in_ends is None
    submission = Submission.objects.get()
    assert submission.version == durham.version
    assert submission.status == Submission.Status.QUEUED
    assert submission.not_before <= submission.created_at
    assert PlanVersion.objects.count() == 2


def test_demo_seed_second_run_changes_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as first_callbacks:
        demo_seed()
    first = _counts()
    assert first["Plan"] == 4
    assert first["PlanVersion"] == 2
    assert first["SignOffRequest"] == 2
    assert first["SignOffDecision"] == 2
    assert first["DecisionRecord"] == 1
    assert first["Submission"] == 1
    assert len(first_callbacks) > 0
    statuses = dict(Plan.objects.values_list("pk", "status"))
    revisions = dict(Plan.objects.values_list("pk", "revision_count"))

    with django_capture_on_commit_callbacks() as second_callbacks:
        demo_seed()

    assert _counts() == first
    assert second_callbacks == []
    assert dict(Plan.objects.values_list("pk", "status")) == statuses
    assert dict(Plan.objects.values_list("pk", "revision_count")) == revisions
