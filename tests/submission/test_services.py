import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from plans.models import (
    AuditEvent,
    OutboxMessage,
    PageCountEstimate,
    Plan,
    ReminderSent,
    Submission,
)
from plans.outbox import outbox_deliver
from plans.services import delivery as services
from plans.services.delivery import SubmissionRetry
from plans.services.length_meter import page_count_refresh, page_count_request
from plans.services.notices import reminders_send, submission_send_receipt
from plans.services.panel import deadline_extension_grant
from plans.templatetags.govuk import govuk_datetime
from tests.factories import PlanFactory, UserFactory, councillor_of, officer_of
from tests.submission.factories import approved_version, version_sent_for_sign_off
from tests.support.broker import queued_tasks

pytestmark = pytest.mark.django_db


def test_submission_schedule_creates_one_row_and_enqueues_on_commit(
    django_capture_on_commit_callbacks,
):
    version = version_sent_for_sign_off()
    with django_capture_on_commit_callbacks() as callbacks:
        submission = services.submission_schedule(version=version, not_before=None)
    assert Submission.objects.filter(version=version).count() == 1
    assert submission.status == Submission.Status.QUEUED
    assert submission.attempts == 0
    assert submission.message_id.startswith("<submission.")
    assert len(callbacks) == 1
    assert AuditEvent.objects.filter(action="submission_queued", version=version).count() == 1
    assert Plan.objects.get(pk=version.plan_id).status == Plan.Status.APPROVED


def test_submission_schedule_twice_returns_the_same_submission():
    version = version_sent_for_sign_off()
    first = services.submission_schedule(version=version, not_before=None)
    second = services.submission_schedule(version=version, not_before=None)
    assert first.pk == second.pk
    assert Submission.objects.count() == 1


def test_submission_schedule_far_not_before_is_left_to_the_sweep(
    django_capture_on_commit_callbacks,
):
    version = version_sent_for_sign_off()
    later = timezone.now() + timedelta(days=5)
    with django_capture_on_commit_callbacks() as callbacks:
        submission = services.submission_schedule(version=version, not_before=later)
    assert submission.not_before == later
    assert callbacks == []


def test_submission_schedule_wrong_state_is_refused():
    version = version_sent_for_sign_off()
    Plan.objects.filter(pk=version.plan_id).update(status=Plan.Status.DRAFT)
    with pytest.raises(ValidationError) as error:
        services.submission_schedule(version=version, not_before=None)
    assert error.value.code == "invalid_transition"
    assert Submission.objects.count() == 0


def test_submission_deliver_sends_once_with_stable_message_id(
    smtp_server, settings, django_capture_on_commit_callbacks
):
    version = approved_version()
    submission = services.submission_schedule(version=version, not_before=None)
    with django_capture_on_commit_callbacks() as callbacks:
        result = services.submission_deliver(submission_id=submission.pk)
    assert result.status == Submission.Status.SENT
    assert result.attempts == 1
    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    message = received.message
    council = version.plan.council
    assert received.envelope_to == ["productivityplans@levellingup.gov.uk"]
    assert message["Message-ID"].strip() == submission.message_id
    assert message["Subject"] == (
        f"Productivity plan: {council.name} ({council.gss_code}), {version.plan.round.name}, "
        f"version {version.reference}"
    )
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert f"GSS code: {council.gss_code}" in body
    assert f"Contact officer: {version.created_by.full_name}, Head of Strategy" in body
    attachments = list(message.iter_attachments())
    assert len(attachments) == 1
    pdf = attachments[0].get_content()
    assert pdf.startswith(b"%PDF-1.7")
    assert hashlib.sha256(pdf).hexdigest() == result.pdf_sha256
    assert result.page_count >= 2
    assert result.is_late is False
    assert open(result.pdf_path, "rb").read() == pdf
    assert str(settings.SUBMISSION_PDF_DIR) in result.pdf_path
    assert list(result.tries.values_list("number", "outcome")) == [(1, "sent")]
    assert Plan.objects.get(pk=version.plan_id).status == Plan.Status.SUBMITTED
    assert len(callbacks) == 1  # the receipt


def test_submission_deliver_sent_submission_does_nothing(smtp_server):
    submission = services.submission_schedule(version=approved_version(), not_before=None)
    services.submission_deliver(submission_id=submission.pk)
    again = services.submission_deliver(submission_id=submission.pk)
    assert again.attempts == 1
    assert len(smtp_server.messages) == 1


def test_submission_deliver_before_not_before_does_nothing(smtp_server):
    later = timezone.now() + timedelta(hours=2)
    submission = services.submission_schedule(version=version_sent_for_sign_off(), not_before=later)
    result = services.submission_deliver(submission_id=submission.pk)
    assert result.status == Submission.Status.QUEUED
    assert result.attempts == 0
    assert smtp_server.messages == []


def test_submission_deliver_refused_by_mail_server_schedules_a_retry(smtp_server, settings):
    settings.SUBMISSION_RETRY_BASE_SECONDS = 40
    smtp_server.handler.refuse_with = "451 Try again later"
    submission = services.submission_schedule(version=approved_version(), not_before=None)
    before = timezone.now()
    with pytest.raises(SubmissionRetry) as error:
        services.submission_deliver(submission_id=submission.pk)
    assert 20 <= error.value.retry_in <= 40
    submission.refresh_from_db()
    assert submission.status == Submission.Status.QUEUED
    assert submission.attempts == 1
    assert submission.pdf_sha256 != ""
    assert "451" in submission.failure_reason
    assert before + timedelta(seconds=20) <= submission.next_retry_at
    assert submission.next_retry_at <= timezone.now() + timedelta(seconds=40)
    assert list(submission.tries.values_list("outcome", flat=True)) == ["retry"]
    # The mail server comes back: the next try sends the same PDF without rendering again.
    smtp_server.handler.refuse_with = None
    Submission.objects.filter(pk=submission.pk).update(next_retry_at=None)
    result = services.submission_deliver(submission_id=submission.pk)
    assert result.status == Submission.Status.SENT
    assert result.attempts == 2
    assert len(smtp_server.messages) == 1


def test_submission_deliver_gives_up_after_the_last_attempt(
    settings, django_capture_on_commit_callbacks
):
    """A submission whose worker died on every try ends failed instead of looping."""
    settings.SUBMISSION_MAX_ATTEMPTS = 3
    submission = services.submission_schedule(version=approved_version(), not_before=None)
    Submission.objects.filter(pk=submission.pk).update(
        status=Submission.Status.RENDERING,
        attempts=3,
        claimed_until=timezone.now() - timedelta(seconds=1),
    )
    with django_capture_on_commit_callbacks() as callbacks:
        result = services.submission_deliver(submission_id=submission.pk)
    assert result.status == Submission.Status.FAILED
    assert result.attempts == 3
    assert result.failure_reason.startswith("We tried 3 times and could not send the plan.")
    assert len(callbacks) == 1  # tell the officers
    assert AuditEvent.objects.filter(action="submission_failed").count() == 1


def test_submission_deliver_leaves_a_submission_another_worker_holds(smtp_server):
    submission = services.submission_schedule(version=approved_version(), not_before=None)
    Submission.objects.filter(pk=submission.pk).update(
        status=Submission.Status.RENDERING,
        attempts=1,
        claimed_until=timezone.now() + timedelta(seconds=60),
    )
    result = services.submission_deliver(submission_id=submission.pk)
    assert result.status == Submission.Status.RENDERING
    assert result.attempts == 1
    assert smtp_server.messages == []


def test_submission_deliver_after_the_deadline_is_marked_late(smtp_server):
    version = approved_version()
    round_ = version.plan.round
    round_.opens_at = timezone.now() - timedelta(days=40)
    round_.deadline = timezone.now() - timedelta(days=1)
    round_.save()
    submission = services.submission_schedule(version=version, not_before=None)
    assert services.submission_deliver(submission_id=submission.pk).is_late is True


def test_submission_retry_requeues_a_failed_submission(django_capture_on_commit_callbacks):
    admin = officer_of(PlanFactory().council)
    submission = services.submission_schedule(version=approved_version(), not_before=None)
    Submission.objects.filter(pk=submission.pk).update(
        status=Submission.Status.FAILED, attempts=8, failure_reason="Too long"
    )
    with django_capture_on_commit_callbacks() as callbacks:
        result = services.submission_retry(submission_id=submission.pk, user=admin)
    assert (result.status, result.attempts, result.failure_reason) == ("queued", 0, "")
    assert len(callbacks) == 1
    assert AuditEvent.objects.get(action="submission_retried").actor == admin


def test_submission_retry_wrong_state_is_refused():
    submission = services.submission_schedule(version=approved_version(), not_before=None)
    with pytest.raises(ValidationError) as error:
        services.submission_retry(submission_id=submission.pk, user=None)
    assert error.value.code == "invalid_transition"


def test_submission_sweep_hands_over_due_and_abandoned_submissions_only(clean_broker):
    due = services.submission_schedule(version=approved_version(), not_before=None)
    later = services.submission_schedule(
        version=version_sent_for_sign_off(), not_before=timezone.now() + timedelta(days=1)
    )
    abandoned = services.submission_schedule(version=approved_version(), not_before=None)
    held = services.submission_schedule(version=approved_version(), not_before=None)
    waiting = services.submission_schedule(version=approved_version(), not_before=None)
    # Measured after scheduling, so a slow machine cannot make "due" look early.
    now = timezone.now()
    Submission.objects.filter(pk=abandoned.pk).update(
        status="sending", attempts=1, claimed_until=now - timedelta(seconds=1)
    )
    Submission.objects.filter(pk=held.pk).update(
        status="rendering", attempts=1, claimed_until=now + timedelta(seconds=60)
    )
    Submission.objects.filter(pk=waiting.pk).update(next_retry_at=now + timedelta(minutes=5))
    count = services.submission_sweep(now=now + timedelta(seconds=1))
    assert count == 2
    assert queued_tasks() == sorted(
        [("submission_deliver_task", (due.pk,)), ("submission_deliver_task", (abandoned.pk,))],
        key=repr,
    )
    assert later.pk not in {args[0] for _, args in queued_tasks()}


def test_submission_send_receipt_goes_once_to_the_officers_and_the_approver(smtp_server):
    """Approving councillors come from the sign-off record (see test_receipts.py)."""
    version = approved_version()
    councillor_of(version.plan.council)  # a councillor who did not approve gets no receipt
    submission = services.submission_schedule(version=version, not_before=None)
    services.submission_deliver(submission_id=submission.pk)
    assert submission_send_receipt(submission_id=submission.pk) is True
    assert submission_send_receipt(submission_id=submission.pk) is False
    receipts = smtp_server.messages[1:]
    assert len(receipts) == 1
    approver = version.sign_off_request.decisions.get().councillor
    assert receipts[0].envelope_to == sorted([version.created_by.email, approver.email])
    submission.refresh_from_db()
    body = receipts[0].message.get_body(preferencelist=("plain",)).get_content()
    assert f"Submission reference: {submission.reference}" in body
    assert f"PDF SHA-256: {submission.pdf_sha256}" in body
    assert f"Pages: {submission.page_count}" in body
    assert "Sent on time" in body


def test_reminders_send_records_once_per_council_round_and_point(mailoutbox):
    plan = PlanFactory()
    round_ = plan.round
    officer = officer_of(plan.council)
    submitted = approved_version(PlanFactory(round=round_))
    sent = services.submission_schedule(version=submitted, not_before=None)
    Submission.objects.filter(pk=sent.pk).update(
        status="sent", sent_at=timezone.now(), pdf_sha256="0" * 64
    )
    now = round_.deadline - timedelta(days=6)
    assert reminders_send(now=now) == 1
    assert reminders_send(now=now) == 0
    assert reminders_send(now=now + timedelta(hours=1)) == 0
    message = OutboxMessage.objects.get(kind=OutboxMessage.Kind.DEADLINE_REMINDER)
    assert outbox_deliver(message_id=message.pk).status == OutboxMessage.Status.DONE
    assert outbox_deliver(message_id=message.pk).attempts == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [officer.email]
    assert mailoutbox[0].subject == f"7 days left to submit your productivity plan ({round_.name})"
    assert list(ReminderSent.objects.values_list("council_id", "days_before", "recipients")) == [
        (plan.council_id, 7, 1)
    ]
    assert reminders_send(now=round_.deadline - timedelta(hours=3)) == 1
    assert reminders_send(now=round_.deadline + timedelta(hours=1)) == 0


def test_reminder_refused_by_the_mail_server_is_sent_when_it_recovers(smtp_server, clean_broker):
    """A reminder is recorded before it is sent, and stays pending until the send succeeds."""
    plan = PlanFactory()
    officer_of(plan.council)
    assert reminders_send(now=plan.round.deadline - timedelta(days=1)) == 1
    message = OutboxMessage.objects.get(kind=OutboxMessage.Kind.DEADLINE_REMINDER)
    smtp_server.handler.refuse_with = "451 4.3.0 Mailbox temporarily unavailable"

    refused = outbox_deliver(message_id=message.pk)

    assert refused.status == OutboxMessage.Status.PENDING
    assert refused.attempts == 1
    assert "451" in refused.last_error
    assert ReminderSent.objects.get().sent_at is None
    assert queued_tasks() == [("outbox_deliver_task", (message.pk,))]
    smtp_server.handler.refuse_with = None
    OutboxMessage.objects.filter(pk=message.pk).update(due_at=timezone.now())

    delivered = outbox_deliver(message_id=message.pk)

    assert delivered.status == OutboxMessage.Status.DONE
    assert delivered.attempts == 2
    assert ReminderSent.objects.get().sent_at is not None
    assert len(smtp_server.messages) == 1
    assert smtp_server.messages[0].message["Subject"].startswith("1 day left")


def test_page_count_request_coalesces_to_one_queued_count(django_capture_on_commit_callbacks):
    plan = PlanFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        assert page_count_request(plan=plan) is True
        assert page_count_request(plan=plan) is False
        assert page_count_request(plan=plan) is False
    assert len(callbacks) == 1
    assert PageCountEstimate.objects.get(plan=plan).status == "queued"


def test_page_count_refresh_counts_the_draft_and_requeues_when_stale(
    django_capture_on_commit_callbacks,
):
    version = approved_version(paragraphs=12)
    plan = Plan.objects.get(pk=version.plan_id)
    Plan.objects.filter(pk=plan.pk).update(status="draft", revision_count=3)
    plan.refresh_from_db()
    page_count_request(plan=plan)
    PageCountEstimate.objects.filter(plan=plan).update(wanted_revision=4)
    with django_capture_on_commit_callbacks() as callbacks:
        estimate = page_count_refresh(plan_id=plan.pk)
    assert estimate.pages == 4
    assert estimate.counted_revision == 3
    assert estimate.status == "queued"
    assert len(callbacks) == 1


def test_submission_deliver_after_the_round_deadline_inside_an_extension_is_on_time(smtp_server):
    """The council's own deadline decides lateness: its extension, when it has one."""
    version = approved_version()
    round_ = version.plan.round
    round_.opens_at = timezone.now() - timedelta(days=40)
    round_.deadline = timezone.now() - timedelta(days=1)
    round_.save()
    deadline_extension_grant(
        council=version.plan.council,
        round=round_,
        deadline=timezone.now() + timedelta(days=9),
        reason="Executive meets on 25 July",
        user=UserFactory(is_staff=True),
    )
    submission = services.submission_schedule(version=version, not_before=None)
    assert services.submission_deliver(submission_id=submission.pk).is_late is False


def test_reminders_follow_the_councils_extended_deadline(mailoutbox):
    """Reminders count down to each council's own deadline, including after the round's."""
    plan = PlanFactory()
    round_ = plan.round
    officer_of(plan.council)
    other = PlanFactory(round=round_)
    officer_of(other.council)
    extended_to = round_.deadline + timedelta(days=10)
    deadline_extension_grant(
        council=plan.council, round=round_, deadline=extended_to, reason="Executive meets late",
        user=UserFactory(is_staff=True),
    )  # fmt: skip
    # Six days before the round's deadline: only the council without an extension is due (7).
    assert reminders_send(now=round_.deadline - timedelta(days=6)) == 1
    # After the round's deadline, six days before the extension: the extended council (7).
    assert reminders_send(now=extended_to - timedelta(days=6)) == 1
    assert sorted(ReminderSent.objects.values_list("council_id", "days_before")) == sorted(
        [(other.council_id, 7), (plan.council_id, 7)]
    )
    message = OutboxMessage.objects.get(key=str(ReminderSent.objects.get(council=plan.council).pk))
    outbox_deliver(message_id=message.pk)
    body = mailoutbox[0].body
    assert govuk_datetime(extended_to) in body
