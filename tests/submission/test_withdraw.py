"""A correction withdraws a submission that has not been sent, so it never reaches the ministry."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from plans.models import (
    AuditEvent,
    DecisionRecord,
    Plan,
    PlanVersion,
    SignOffDecision,
    SignOffRequest,
    Submission,
    SubmissionAttempt,
    ThemeSection,
)
from plans.services import delivery as services
from plans.services.signoff import (
    decision_record_save,
    plan_send_for_sign_off,
    plan_start_correction,
    sign_off_record_decision,
)
from tests.factories import PlanFactory, councillor_of, officer_of
from tests.support.broker import queued_tasks
from tests.support.mfa import force_login_verified

pytestmark = pytest.mark.django_db

NARRATIVES = {
    1: "1.1 We merged our customer teams.",
    2: "2.1 We moved every form online.",
    3: "3.1 We share a chief executive with our neighbour.",
    4: "4.1 One-year settlements stop us planning.",
}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _approved(*, call_in_ends: date | None):
    """A plan approved by its two councillors under a Cabinet decision; returns (plan, officer,
    submission). With a call-in date in the future the submission is held until then."""
    plan = PlanFactory()
    for number, text in NARRATIVES.items():
        ThemeSection.objects.filter(plan=plan, theme__number=number).update(
            narrative=text, narrative_html=f"<p>{text}</p>", is_complete=True
        )
    officer = officer_of(plan.council)
    councillors = [councillor_of(plan.council), councillor_of(plan.council)]
    sign_off = plan_send_for_sign_off(plan=plan, user=officer, councillors=councillors)
    for councillor in councillors:
        sign_off_record_decision(
            sign_off_id=sign_off.pk,
            user=councillor,
            outcome=SignOffDecision.Outcome.APPROVE,
            version_sha256=sign_off.version.sha256,
            declaration=True,
        )
    decision_record_save(
        sign_off_id=sign_off.pk,
        user=officer,
        route=DecisionRecord.Route.CABINET,
        decision_date=timezone.localdate(),
        decision_url="https://www.example.gov.uk/decisions/42",
        call_in_ends=call_in_ends,
    )
    plan.refresh_from_db()
    return plan, officer, Submission.objects.get(plan=plan)


def test_plan_start_correction_withdraws_a_held_submission():
    """Approved and waiting for call-in: the correction withdraws the submission for good."""
    plan, officer, submission = _approved(call_in_ends=timezone.localdate() + timedelta(days=7))
    assert plan.status == Plan.Status.APPROVED
    assert submission.status == Submission.Status.QUEUED

    plan_start_correction(plan=plan, user=officer)

    submission.refresh_from_db()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT
    assert submission.status == Submission.Status.WITHDRAWN
    events = AuditEvent.objects.filter(action="submission_withdrawn", plan=plan)
    assert events.count() == 1
    event = events.get()
    assert event.actor == officer
    assert event.version_id == submission.version_id
    assert event.detail == {"submission": submission.pk, "previous_status": "queued"}
    # The earlier approved version stays on record.
    assert PlanVersion.objects.filter(plan=plan).count() == 1
    assert SignOffRequest.objects.get(plan=plan).status == SignOffRequest.Status.APPROVED


def test_submission_withdrawn_is_never_delivered_or_swept(clean_broker):
    plan, officer, submission = _approved(call_in_ends=timezone.localdate() + timedelta(days=7))
    plan_start_correction(plan=plan, user=officer)
    # The call-in period has ended since: a withdrawn submission is still not due.
    Submission.objects.filter(pk=submission.pk).update(
        not_before=timezone.now() - timedelta(minutes=1)
    )
    assert services.submission_sweep() == 0
    delivered = services.submission_deliver(submission_id=submission.pk)

    assert queued_tasks() == []
    assert delivered.status == Submission.Status.WITHDRAWN
    assert delivered.attempts == 0
    assert delivered.sent_at is None
    assert SubmissionAttempt.objects.count() == 0


def test_submission_retry_withdrawn_is_refused():
    plan, officer, submission = _approved(call_in_ends=timezone.localdate() + timedelta(days=7))
    plan_start_correction(plan=plan, user=officer)
    with pytest.raises(ValidationError) as error:
        services.submission_retry(submission_id=submission.pk, user=officer)
    assert error.value.code == "invalid_transition"
    assert Submission.objects.get(pk=submission.pk).status == Submission.Status.WITHDRAWN


def test_plan_start_correction_withdraws_a_failed_submission():
    """A failed submission could be retried by an administrator; a correction stops that."""
    plan, officer, submission = _approved(call_in_ends=None)
    Submission.objects.filter(pk=submission.pk).update(
        status=Submission.Status.FAILED, failure_reason="The mail server was down"
    )
    plan_start_correction(plan=plan, user=officer)
    assert Submission.objects.get(pk=submission.pk).status == Submission.Status.WITHDRAWN
    assert AuditEvent.objects.get(action="submission_withdrawn").detail["previous_status"] == (
        "failed"
    )


def test_plan_start_correction_leaves_a_sending_submission_alone():
    """The email may be in flight: that submission is not withdrawn; the correction is a new
    version."""
    plan, officer, submission = _approved(call_in_ends=None)
    Submission.objects.filter(pk=submission.pk).update(
        status=Submission.Status.SENDING, attempts=1, pdf_sha256="a" * 64
    )
    plan_start_correction(plan=plan, user=officer)
    assert Submission.objects.get(pk=submission.pk).status == Submission.Status.SENDING
    assert AuditEvent.objects.filter(action="submission_withdrawn").count() == 0
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.DRAFT


def test_plan_start_correction_after_submission_keeps_the_first_on_record():
    plan, officer, submission = _approved(call_in_ends=None)
    sent_at = timezone.now()
    Submission.objects.filter(pk=submission.pk).update(
        status=Submission.Status.SENT, sent_at=sent_at, pdf_sha256="b" * 64, attempts=1
    )
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.SUBMITTED)
    plan.refresh_from_db()

    plan_start_correction(plan=plan, user=officer)

    submission.refresh_from_db()
    assert submission.status == Submission.Status.SENT
    assert submission.sent_at == sent_at
    assert AuditEvent.objects.filter(action="submission_withdrawn").count() == 0
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.DRAFT


def test_plan_start_correction_draft_is_refused_and_changes_nothing():
    plan, officer, submission = _approved(call_in_ends=timezone.localdate() + timedelta(days=7))
    plan_start_correction(plan=plan, user=officer)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        plan_start_correction(plan=plan, user=officer)
    assert error.value.code == "invalid_transition"
    assert AuditEvent.objects.count() == events
    assert Submission.objects.get(pk=submission.pk).status == Submission.Status.WITHDRAWN
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.DRAFT


def test_plan_start_correction_by_a_councillor_is_refused():
    plan, _officer, submission = _approved(call_in_ends=timezone.localdate() + timedelta(days=7))
    councillor = councillor_of(plan.council)
    with pytest.raises(PermissionDenied):
        plan_start_correction(plan=plan, user=councillor)
    assert Submission.objects.get(pk=submission.pk).status == Submission.Status.QUEUED
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.APPROVED


def test_corrected_plan_approved_again_gets_a_new_submission():
    """The withdrawn submission and its version stay on record beside the new one."""
    plan, officer, first = _approved(call_in_ends=timezone.localdate() + timedelta(days=7))
    plan_start_correction(plan=plan, user=officer)
    ThemeSection.objects.filter(plan=plan, theme__number=1).update(
        narrative="1.1 We merged our customer teams in 2023."
    )
    councillors = [councillor_of(plan.council), councillor_of(plan.council)]
    sign_off = plan_send_for_sign_off(plan=plan, user=officer, councillors=councillors)
    for councillor in councillors:
        sign_off_record_decision(
            sign_off_id=sign_off.pk,
            user=councillor,
            outcome=SignOffDecision.Outcome.APPROVE,
            version_sha256=sign_off.version.sha256,
            declaration=True,
        )
    decision_record_save(
        sign_off_id=sign_off.pk,
        user=officer,
        route=DecisionRecord.Route.URGENCY,
        decision_date=timezone.localdate(),
    )
    statuses = dict(Submission.objects.values_list("version__number", "status"))
    assert statuses == {1: Submission.Status.WITHDRAWN, 2: Submission.Status.QUEUED}
    assert first.version.number == 1


def test_submission_status_withdrawn_is_finished_and_stops_polling(client):
    """A withdrawn submission will never move again: the JSON says finished and the plan page
    does not ask the browser to poll."""
    plan, officer, submission = _approved(call_in_ends=timezone.localdate() + timedelta(days=7))
    plan_start_correction(plan=plan, user=officer)
    force_login_verified(client, officer)

    data = client.get(reverse("plans:submission_status", args=[plan.pk])).json()
    page = client.get(reverse("plans:tasklist", args=[plan.pk]))

    assert (data["status"], data["finished"]) == ("withdrawn", True)
    assert "a correction was started before it went to the ministry" in data["html"]
    assert page.status_code == 200
    assert b"data-submission-status-url" in page.content
    assert b"data-submission-polling" not in page.content
