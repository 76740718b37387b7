"""Delivery: getting an approved version to the ministry exactly once.

`submission_schedule` creates the Submission row inside the approval's transaction and hands
delivery to the broker on commit (through plans.outbox). `submission_deliver` is idempotent: it
claims the row (counting the attempt in the database before trying, so a plan that kills the
worker every time ends failed instead of looping), renders the PDF once, sends it with the
submission's stable Message-ID (a resend after an unknown outcome is the same message), and
records the one successful send. `submission_sweep` (part of the outbox sweep) hands over again
whatever is due and not sent, so a dead broker, a lost message or a killed worker only delays a
submission.
"""

import hashlib
import logging
import os
import random
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from councils.selectors import membership_title
from plans.deadlines import council_deadline
from plans.models import OutboxMessage, Plan, PlanVersion, Submission, SubmissionAttempt
from plans.outbox import outbox_record, publish
from plans.pdf.document import plan_pdf_html
from plans.pdf.render import RenderError, render_isolated
from plans.selectors.signoff import sign_off_record_for_version
from plans.services.audit import audit_record
from plans.services.search import search_index_version
from productivity.mail import templated_email

logger = logging.getLogger(__name__)

Status = Submission.Status
Outcome = SubmissionAttempt.Outcome


class SubmissionRetry(Exception):
    """Delivery failed for a reason that may pass; try again in `retry_in` seconds."""

    def __init__(self, reason: str, *, retry_in: float):
        super().__init__(reason)
        self.retry_in = retry_in


@dataclass(frozen=True)
class _Claim:
    submission: Submission
    attempt: SubmissionAttempt


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _enqueue(submission_id: int, *, countdown: float = 0) -> None:
    """Hand delivery to the broker; a broker that is down is logged, and the sweep catches up."""
    if publish("submission_deliver_task", submission_id, countdown=countdown):
        Submission.objects.filter(pk=submission_id).update(last_enqueued_at=timezone.now())


def _enqueue_on_commit(submission_id: int, *, countdown: float = 0) -> None:
    transaction.on_commit(lambda: _enqueue(submission_id, countdown=countdown), robust=True)


def _message_id() -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "localhost"
    # Fixed once per submission: every resend is recognisably the same message.
    return f"<submission.{uuid.uuid4().hex}@{domain}>"


# --- Scheduling -------------------------------------------------------------------------------


@transaction.atomic
def submission_schedule(*, version: PlanVersion, not_before: datetime | None) -> Submission:
    """Create the Submission for an approved version (once) and enqueue its delivery on commit.

    Call it inside the approval's transaction: if that rolls back, nothing is created or
    enqueued. Nothing is sent before `not_before` (the end of any call-in period).
    """
    plan = Plan.objects.select_for_update(of=("self",)).get(pk=version.plan_id)
    if plan.status not in (Plan.Status.AWAITING_SIGN_OFF, Plan.Status.APPROVED):
        raise ValidationError(
            "Only a plan being signed off can be submitted", code="invalid_transition"
        )
    existing = Submission.objects.filter(version=version).first()
    if existing:
        return existing
    now = timezone.now()
    due = max(now, not_before or now)
    submission = Submission.objects.create(
        version=version, plan=plan, not_before=due, message_id=_message_id()
    )
    if plan.status != Plan.Status.APPROVED:
        plan.status = Plan.Status.APPROVED
        plan.save(update_fields=["status", "updated_at"])
    audit_record(
        action="submission_queued",
        plan=plan,
        version=version,
        detail={"submission": submission.pk, "not_before": due.isoformat()},
    )
    delay = (due - now).total_seconds()
    # Far-off sends are left to the sweep: a long countdown would outlive the broker's
    # visibility timeout and come back as a duplicate message.
    if delay <= settings.SUBMISSION_RETRY_MAX_SECONDS:
        _enqueue_on_commit(submission.pk, countdown=delay)
    return submission


# --- Delivery ---------------------------------------------------------------------------------


def _retry_delay(attempts: int) -> float:
    """Exponential backoff with jitter, capped well below the broker's visibility timeout."""
    ceiling = min(
        settings.SUBMISSION_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0),
        settings.SUBMISSION_RETRY_MAX_SECONDS,
    )
    return random.uniform(ceiling / 2, ceiling)


def _claim_seconds() -> float:
    """How long an attempt holds its submission: never less than a render may take, or the
    sweep would hand a slow render to a second worker."""
    return max(settings.SUBMISSION_CLAIM_SECONDS, settings.PDF_RENDER_TIMEOUT + 2)


def _claim(submission_id: int, worker: str) -> _Claim | None:
    """Count this attempt and take the submission, or return None when there is nothing to do."""
    now = timezone.now()
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("plan")
            .defer("pdf")
            .get(pk=submission_id)
        )
        if (
            submission.status in (Status.SENT, Status.FAILED, Status.WITHDRAWN)
            or submission.not_before > now
        ):
            return None
        if submission.status in Submission.IN_PROGRESS and (
            submission.claimed_until and submission.claimed_until > now
        ):
            return None  # another worker is on it; the sweep checks again later
        if submission.attempts >= settings.SUBMISSION_MAX_ATTEMPTS:
            _mark_failed(
                submission,
                None,
                f"We tried {submission.attempts} times and could not send the plan. "
                + (submission.failure_reason or "The worker stopped while sending it."),
            )
            return None
        submission.attempts += 1
        submission.status = Status.SENDING if submission.pdf_sha256 else Status.RENDERING
        submission.claimed_until = now + timedelta(seconds=_claim_seconds())
        submission.next_retry_at = None
        submission.save(
            update_fields=["attempts", "status", "claimed_until", "next_retry_at", "updated_at"]
        )
        attempt = SubmissionAttempt.objects.create(
            submission=submission,
            number=submission.attempts,
            worker=worker,
            stage=submission.status,
        )
    return _Claim(submission=submission, attempt=attempt)


def _locked_if_ours(claim: _Claim) -> Submission | None:
    """Lock the row; None if a later attempt has taken the submission over since our claim."""
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("plan")
        .defer("pdf")
        .get(pk=claim.submission.pk)
    )
    if submission.attempts != claim.attempt.number or submission.status not in (
        Submission.IN_PROGRESS
    ):
        SubmissionAttempt.objects.filter(pk=claim.attempt.pk).update(
            outcome=Outcome.SKIPPED, finished_at=timezone.now()
        )
        return None
    return submission


def _pdf_filename(version: PlanVersion) -> str:
    content = version.content
    return (
        f"{content['council']['gss_code']}-{content['round']['slug']}-"
        f"productivity-plan-{version.reference}.pdf"
    )


def submission_render(*, version: PlanVersion):
    """Render an approved version to PDF (in a fenced child process); raises RenderError."""
    html = plan_pdf_html(
        content=version.content,
        reference=version.reference,
        sha256=version.sha256,
        sign_off=sign_off_record_for_version(version),
    )
    return render_isolated(html)


def _render(claim: _Claim) -> bool:
    version = PlanVersion.objects.get(pk=claim.submission.version_id)
    try:
        result = submission_render(version=version)
    except RenderError as error:
        with transaction.atomic():
            submission = _locked_if_ours(claim)
            if submission is not None:
                _mark_failed(submission, claim.attempt, str(error), stage=Status.RENDERING)
        return False
    digest = hashlib.sha256(result.pdf).hexdigest()
    directory = Path(settings.SUBMISSION_PDF_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / _pdf_filename(version)
    path.write_bytes(result.pdf)
    with transaction.atomic():
        submission = _locked_if_ours(claim)
        if submission is None:
            return False
        submission.pdf = result.pdf
        submission.pdf_sha256 = digest
        submission.pdf_path = str(path)
        submission.page_count = result.page_count
        submission.render_seconds = result.seconds
        submission.status = Status.SENDING
        submission.claimed_until = timezone.now() + timedelta(seconds=_claim_seconds())
        submission.save(
            update_fields=[
                "pdf",
                "pdf_sha256",
                "pdf_path",
                "page_count",
                "render_seconds",
                "status",
                "claimed_until",
                "updated_at",
            ]
        )
        SubmissionAttempt.objects.filter(pk=claim.attempt.pk).update(stage=Status.SENDING)
    return True


def _contact_officer(version: PlanVersion) -> tuple[str, str, str]:
    user = version.created_by
    title = membership_title(user=user, council_id=version.plan.council_id)
    return user.full_name, user.email, title


def _ministry_email(submission: Submission, pdf: bytes) -> EmailMultiAlternatives:
    version = PlanVersion.objects.select_related("plan__council", "plan__round", "created_by").get(
        pk=submission.version_id
    )
    plan = version.plan
    name, email, title = _contact_officer(version)
    context = {
        "council": plan.council,
        "round": plan.round,
        "version": version,
        "submission": submission,
        "contact": {"name": name, "email": email, "title": title},
        "site_url": settings.SITE_URL,
    }
    subject = (
        f"Productivity plan: {plan.council.name} ({plan.council.gss_code}), "
        f"{plan.round.name}, version {version.reference}"
    )
    message = templated_email(
        "plans/emails/submission_ministry",
        context,
        subject=subject,
        to=[plan.round.ministry_email],
        reply_to=[email],
        headers={"Message-ID": submission.message_id, "X-Plan-Version": version.sha256},
        connection=get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT),
    )
    message.attach(_pdf_filename(version), pdf, "application/pdf")
    return message


def _send(claim: _Claim) -> None:
    submission = Submission.objects.select_related("plan__round").get(pk=claim.submission.pk)
    try:
        _ministry_email(submission, bytes(submission.pdf)).send()
    except (OSError, ConnectionError) as error:  # smtplib errors are OSErrors
        reason = f"The mail server did not accept the email ({type(error).__name__}: {error})"
        with transaction.atomic():
            locked = _locked_if_ours(claim)
            if locked is None:
                return
            if locked.attempts >= settings.SUBMISSION_MAX_ATTEMPTS:
                _mark_failed(locked, claim.attempt, f"We tried {locked.attempts} times. {reason}")
                return
            delay = _retry_delay(locked.attempts)
            locked.status = Status.QUEUED
            locked.claimed_until = None
            locked.next_retry_at = timezone.now() + timedelta(seconds=delay)
            locked.failure_reason = reason[:2000]
            locked.save(
                update_fields=[
                    "status",
                    "claimed_until",
                    "next_retry_at",
                    "failure_reason",
                    "updated_at",
                ]
            )
            _finish_attempt(claim.attempt, Outcome.RETRY, reason)
        raise SubmissionRetry(reason, retry_in=delay) from error
    _record_sent(claim)


def _finish_attempt(attempt: SubmissionAttempt, outcome: str, error: str = "") -> None:
    SubmissionAttempt.objects.filter(pk=attempt.pk).update(
        outcome=outcome, error=error[:2000], finished_at=timezone.now()
    )


@transaction.atomic
def _record_sent(claim: _Claim) -> None:
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("plan__round")
        .defer("pdf")
        .get(pk=claim.submission.pk)
    )
    if submission.status == Status.SENT:
        # Another attempt recorded it first; this was a resend with the same Message-ID.
        _finish_attempt(claim.attempt, Outcome.DUPLICATE)
        return
    now = timezone.now()
    submission.status = Status.SENT
    submission.sent_at = now
    submission.is_late = now > council_deadline(
        council_id=submission.plan.council_id, round=submission.plan.round
    )
    submission.claimed_until = None
    submission.next_retry_at = None
    submission.failure_reason = ""
    submission.save(
        update_fields=[
            "status",
            "sent_at",
            "is_late",
            "claimed_until",
            "next_retry_at",
            "failure_reason",
            "updated_at",
        ]
    )
    _finish_attempt(claim.attempt, Outcome.SENT)
    plan = Plan.objects.select_for_update(of=("self",)).get(pk=submission.plan_id)
    if plan.status == Plan.Status.APPROVED:
        plan.status = Plan.Status.SUBMITTED
        plan.save(update_fields=["status", "updated_at"])
    # The panel's search finds the sent text from the moment the ministry has it. The send is
    # what must be recorded: an index that cannot be built is logged (in its own savepoint) and
    # left to `search_index_backfill`, never a reason to send the email again.
    try:
        with transaction.atomic():
            search_index_version(version=PlanVersion.objects.get(pk=submission.version_id))
    except Exception:
        logger.exception("Could not index version %s for the panel's search", submission.version_id)
    audit_record(
        action="submission_sent",
        plan=plan,
        version=PlanVersion(pk=submission.version_id),
        detail={
            "submission": submission.pk,
            "message_id": submission.message_id,
            "pdf_sha256": submission.pdf_sha256,
            "pages": submission.page_count,
            "late": submission.is_late,
            "attempts": submission.attempts,
        },
    )
    outbox_record(
        kind=OutboxMessage.Kind.SUBMISSION_RECEIPT,
        key=str(submission.pk),
        payload={"submission_id": submission.pk},
    )


def _mark_failed(
    submission: Submission, attempt: SubmissionAttempt | None, reason: str, stage: str = ""
) -> None:
    """Give up (inside the caller's transaction) and tell the officers after commit."""
    submission.status = Status.FAILED
    submission.failure_reason = reason[:2000]
    submission.claimed_until = None
    submission.next_retry_at = None
    submission.save(
        update_fields=[
            "status",
            "failure_reason",
            "claimed_until",
            "next_retry_at",
            "updated_at",
        ]
    )
    if attempt is not None:
        _finish_attempt(attempt, Outcome.FAILED, reason)
    audit_record(
        action="submission_failed",
        plan=submission.plan,
        version=PlanVersion(pk=submission.version_id),
        detail={"submission": submission.pk, "reason": reason[:500], "stage": stage},
    )
    outbox_record(
        kind=OutboxMessage.Kind.SUBMISSION_FAILURE_NOTICE,
        # One notice per failure: a retried submission that fails again is told again.
        key=f"{submission.pk}@{timezone.now().isoformat()}",
        payload={"submission_id": submission.pk},
    )


def submission_deliver(*, submission_id: int, worker: str | None = None) -> Submission:
    """Deliver one submission if due and not sent: render once, email, record exactly once.

    Raises SubmissionRetry when the mail server failed and another try is scheduled.
    """
    claim = _claim(submission_id, worker or _worker_name())
    if claim is not None:
        rendered = bool(claim.submission.pdf_sha256) or _render(claim)
        if rendered:
            _send(claim)
    return Submission.objects.defer("pdf").get(pk=submission_id)


def submission_sweep(*, now: datetime | None = None) -> int:
    """Hand over every submission that is due and not sent, or whose worker died; returns how
    many."""
    now = now or timezone.now()
    stale_enqueue = now - timedelta(seconds=_claim_seconds())
    queued_due = (
        Q(status=Status.QUEUED, not_before__lte=now)
        & (Q(next_retry_at__isnull=True) | Q(next_retry_at__lte=now))
        & (Q(last_enqueued_at__isnull=True) | Q(last_enqueued_at__lte=stale_enqueue))
    )
    abandoned = Q(status__in=Submission.IN_PROGRESS, claimed_until__lt=now)
    due = list(
        Submission.objects.filter(queued_due | abandoned)
        .order_by("not_before")
        .values_list("pk", flat=True)[:1000]
    )
    for submission_id in due:
        _enqueue(submission_id)
    if due:
        logger.info("Submission sweep handed %s submissions to the broker", len(due))
    return len(due)


def submission_withdraw_pending(*, plan: Plan, user) -> list[Submission]:
    """Withdraw the plan's submissions that are not sent and have no email in flight, so they
    are never sent (a correction was started). Call it inside the correction's transaction with
    the plan row locked; a submission already sending or sent stays as it is, on record."""
    withdrawn = list(
        Submission.objects.select_for_update(of=("self",))
        .defer("pdf")
        .filter(plan=plan, status__in=Submission.WITHDRAWABLE)
        .order_by("pk")
    )
    for submission in withdrawn:
        previous = submission.status
        submission.status = Status.WITHDRAWN
        submission.claimed_until = None
        submission.next_retry_at = None
        submission.save(update_fields=["status", "claimed_until", "next_retry_at", "updated_at"])
        audit_record(
            action="submission_withdrawn",
            plan=plan,
            version=PlanVersion(pk=submission.version_id),
            actor=user,
            detail={"submission": submission.pk, "previous_status": previous},
        )
    return withdrawn


@transaction.atomic
def submission_retry(*, submission_id: int, user) -> Submission:
    """Let a failed submission try again from scratch (administrators, once the cause is fixed)."""
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("plan")
        .defer("pdf")
        .get(pk=submission_id)
    )
    if submission.status != Status.FAILED:
        raise ValidationError("Only a failed submission can be retried", code="invalid_transition")
    previous = submission.failure_reason
    submission.status = Status.QUEUED
    submission.attempts = 0
    submission.failure_reason = ""
    submission.next_retry_at = None
    submission.claimed_until = None
    submission.failure_notified_at = None
    submission.save(
        update_fields=[
            "status",
            "attempts",
            "failure_reason",
            "next_retry_at",
            "claimed_until",
            "failure_notified_at",
            "updated_at",
        ]
    )
    audit_record(
        action="submission_retried",
        plan=submission.plan,
        version=PlanVersion(pk=submission.version_id),
        actor=user,
        detail={"submission": submission.pk, "previous_failure": previous[:500]},
    )
    _enqueue_on_commit(submission.pk)
    return submission
