"""Submission: the outbox that gets an approved version to the ministry exactly once.

`submission_schedule` creates the Submission row inside the approval's transaction and enqueues
delivery on commit. `submission_deliver` is idempotent: it claims the row (counting the attempt
in the database before trying, so a plan that kills the worker every time ends failed instead
of looping), renders the PDF once, sends it with the submission's stable Message-ID (a resend
after an unknown outcome is the same message), and records the one successful send.
`submission_sweep` (beat) re-enqueues whatever is due and not sent, so a dead broker, a lost
message or a killed worker only delays a submission.
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
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from councils.models import Council, Membership
from councils.selectors import council_users, membership_title
from plans.content import plan_content
from plans.models import (
    PageCountEstimate,
    Plan,
    PlanVersion,
    ReminderSent,
    Round,
    Submission,
    SubmissionAttempt,
)
from plans.pdf.document import plan_pdf_html
from plans.pdf.render import RenderError, render_isolated
from plans.selectors.signoff import sign_off_record_for_version
from plans.services.audit import audit_record
from productivity.mail import templated_email

logger = logging.getLogger(__name__)

Status = Submission.Status
Outcome = SubmissionAttempt.Outcome
REMINDER_DAYS = (14, 7, 1)
# A draft has no sign-off yet: its length is counted with an empty sign-off page.
EMPTY_SIGN_OFF = {
    "approvals": [],
    "route": "",
    "decision_date": None,
    "decision_url": "",
    "call_in_ends": None,
    "statutory_comments": [],
}
# A count queued or running for longer than this was lost with its worker.
PAGE_COUNT_STALE = timedelta(minutes=10)


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
    """Publish the delivery task; a broker that is down is logged, and the sweep catches up."""
    from plans.tasks import submission_deliver_task

    try:
        submission_deliver_task.apply_async(args=[submission_id], countdown=max(countdown, 0))
    except Exception:
        logger.exception("Could not enqueue submission %s; the sweep will", submission_id)
        return
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
    submission.is_late = now > submission.plan.round.deadline
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
    from plans.tasks import submission_receipt_task

    submission_receipt_task.delay_on_commit(submission.pk)


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
    from plans.tasks import submission_failure_notice_task

    submission_failure_notice_task.delay_on_commit(submission.pk)


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
    """Enqueue every submission that is due and not sent, or whose worker died; returns how many."""
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
        logger.info("Submission sweep enqueued %s submissions", len(due))
    _sweep_notices(now)
    return len(due)


def _sweep_notices(now: datetime) -> None:
    """Receipts and failure notices whose task was lost (for example the broker was down)."""
    from plans.tasks import submission_failure_notice_task, submission_receipt_task

    settle = now - timedelta(minutes=5)
    lost = [
        (submission_receipt_task, Q(status=Status.SENT, receipt_sent_at__isnull=True)),
        (submission_failure_notice_task, Q(status=Status.FAILED, failure_notified_at__isnull=True)),
    ]
    for task, condition in lost:
        for submission_id in Submission.objects.filter(
            condition, updated_at__lte=settle
        ).values_list("pk", flat=True)[:500]:
            try:
                task.delay(submission_id)
            except Exception:
                logger.exception("Could not enqueue a notice for submission %s", submission_id)
                return


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


# --- Emails to the council ---------------------------------------------------------------------


def _officer_emails(council_id: int) -> list[str]:
    officers = council_users(council_id=council_id, role=Membership.Role.OFFICER)
    return sorted(officers.values_list("email", flat=True))


def _approver_emails(record: dict) -> list[str]:
    """The councillors who approved the version, from its sign-off record."""
    return [approval["email"] for approval in record["approvals"]]


@transaction.atomic
def submission_send_receipt(*, submission_id: int) -> bool:
    """Email the receipt (reference, time, PDF hash, pages, on time or late) to the council's
    officers and the councillors who approved; once per submission."""
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("plan__council", "plan__round", "version")
        .defer("pdf")
        .get(pk=submission_id)
    )
    if submission.status != Status.SENT or submission.receipt_sent_at:
        return False
    record = sign_off_record_for_version(submission.version)
    recipients = sorted(
        set(_officer_emails(submission.plan.council_id)) | set(_approver_emails(record))
    )
    if recipients:
        context = {
            "submission": submission,
            "plan": submission.plan,
            "version": submission.version,
            "site_url": settings.SITE_URL,
        }
        message = templated_email(
            "plans/emails/submission_receipt",
            context,
            subject=f"Your productivity plan was sent to the ministry ({submission.reference})",
            to=recipients,
        )
        message.send()
    submission.receipt_sent_at = timezone.now()
    submission.save(update_fields=["receipt_sent_at", "updated_at"])
    return True


@transaction.atomic
def submission_send_failure_notice(*, submission_id: int) -> bool:
    """Tell the council's officers that their plan could not be sent, and why; once per failure."""
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("plan__council", "plan__round", "version")
        .defer("pdf")
        .get(pk=submission_id)
    )
    if submission.status != Status.FAILED or submission.failure_notified_at:
        return False
    recipients = _officer_emails(submission.plan.council_id)
    if recipients:
        context = {
            "submission": submission,
            "plan": submission.plan,
            "site_url": settings.SITE_URL,
        }
        message = templated_email(
            "plans/emails/submission_failed",
            context,
            subject=f"Your productivity plan could not be sent ({submission.reference})",
            to=recipients,
        )
        message.send()
    submission.failure_notified_at = timezone.now()
    submission.save(update_fields=["failure_notified_at", "updated_at"])
    return True


# --- Deadline reminders ------------------------------------------------------------------------


def _reminder_due(round_: Round, now: datetime) -> int | None:
    """The most recent reminder point passed (14, 7 or 1 days before), if before the deadline."""
    if now >= round_.deadline:
        return None
    passed = [days for days in REMINDER_DAYS if now >= round_.deadline - timedelta(days=days)]
    return min(passed) if passed else None


def reminders_send(*, now: datetime | None = None) -> int:
    """Email the officers of councils that have not submitted, 14, 7 and 1 days before the
    deadline; each reminder is claimed in the database first, so it goes once per council and
    round however often beat runs. Returns how many reminders were sent."""
    now = now or timezone.now()
    sent = 0
    for round_ in Round.objects.filter(deadline__gt=now, opens_at__lte=now):
        days = _reminder_due(round_, now)
        if days is None:
            continue
        submitted = Submission.objects.filter(plan__round=round_, status=Status.SENT).values(
            "plan__council_id"
        )
        councils = (
            Council.objects.filter(memberships__role=Membership.Role.OFFICER)
            .exclude(pk__in=submitted)
            .exclude(
                pk__in=ReminderSent.objects.filter(round=round_, days_before=days).values(
                    "council_id"
                )
            )
            .distinct()
        )
        for council in councils:
            if _reminder_send_one(council=council, round_=round_, days=days):
                sent += 1
    return sent


def _reminder_send_one(*, council: Council, round_: Round, days: int) -> bool:
    try:
        with transaction.atomic():
            reminder = ReminderSent.objects.create(council=council, round=round_, days_before=days)
    except IntegrityError:
        return False  # another beat got there first
    recipients = _officer_emails(council.pk)
    context = {"council": council, "round": round_, "days": days, "site_url": settings.SITE_URL}
    message = templated_email(
        "plans/emails/submission_reminder",
        context,
        subject=(
            f"{days} day{'s' if days != 1 else ''} left to submit your productivity plan"
            f" ({round_.name})"
        ),
        to=recipients,
    )
    message.send()
    ReminderSent.objects.filter(pk=reminder.pk).update(
        sent_at=timezone.now(), recipients=len(recipients)
    )
    return True


# --- Length meter ------------------------------------------------------------------------------


@transaction.atomic
def page_count_request(*, plan: Plan) -> bool:
    """Ask for the draft's page count to be refreshed; coalesced so that at most one count per
    plan is queued or running. Returns whether a count was enqueued."""
    estimate, _ = PageCountEstimate.objects.get_or_create(plan=plan)
    estimate = PageCountEstimate.objects.select_for_update(of=("self",)).get(pk=estimate.pk)
    estimate.wanted_revision = max(estimate.wanted_revision, plan.revision_count)
    in_hand = timezone.now() - estimate.updated_at < PAGE_COUNT_STALE
    if estimate.status != PageCountEstimate.Status.IDLE and in_hand:
        estimate.save(update_fields=["wanted_revision", "updated_at"])
        return False
    estimate.status = PageCountEstimate.Status.QUEUED
    estimate.save(update_fields=["wanted_revision", "status", "updated_at"])
    from plans.tasks import page_count_refresh_task

    page_count_refresh_task.delay_on_commit(plan.pk)
    return True


def page_count_refresh(*, plan_id: int) -> PageCountEstimate:
    """Print the live draft (in the fenced renderer) and store its page count."""
    with transaction.atomic():
        estimate = PageCountEstimate.objects.select_for_update(of=("self",)).get(plan_id=plan_id)
        estimate.status = PageCountEstimate.Status.RUNNING
        estimate.save(update_fields=["status", "updated_at"])
    plan = Plan.objects.select_related("council", "round").get(pk=plan_id)
    revision = plan.revision_count
    content = plan_content(plan)
    pages, error = None, ""
    try:
        result = render_isolated(
            plan_pdf_html(
                content=content,
                reference="draft",
                sha256="draft",
                sign_off=EMPTY_SIGN_OFF,
            )
        )
        pages = result.body_pages
    except RenderError as render_error:
        error = str(render_error)[:300]
    from plans.tasks import page_count_refresh_task

    with transaction.atomic():
        estimate = PageCountEstimate.objects.select_for_update(of=("self",)).get(plan_id=plan_id)
        estimate.pages = pages if pages is not None else estimate.pages
        estimate.error = error
        estimate.counted_revision = revision
        if estimate.wanted_revision > revision:
            estimate.status = PageCountEstimate.Status.QUEUED
            page_count_refresh_task.delay_on_commit(plan_id)
        else:
            estimate.status = PageCountEstimate.Status.IDLE
        estimate.save()
    return estimate


def page_counts_sweep() -> int:
    """Request a count for every editable plan whose draft changed since it was last counted."""
    stale = Plan.objects.filter(status__in=Plan.EDITABLE_STATUSES).exclude(
        page_count_estimate__counted_revision__gte=F("revision_count")
    )
    requested = 0
    for plan in stale.select_related("council", "round")[:500]:
        requested += page_count_request(plan=plan)
    return requested
