"""Notices to the council: the receipt, the failure notice and the deadline reminders.

Each is recorded as an outbox message in the transaction that causes it and sent by the worker
through `plans.outbox`; each sender is idempotent, so a message handed over twice goes once.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from councils.models import Council, Membership
from councils.selectors import council_users
from plans.deadlines import council_deadline, with_council_deadline
from plans.models import DeadlineExtension, OutboxMessage, ReminderSent, Round, Submission
from plans.outbox import outbox_record
from plans.selectors.signoff import sign_off_record_for_version
from productivity.mail import templated_email

Status = Submission.Status
REMINDER_DAYS = (14, 7, 1)


def _officer_emails(council_id: int) -> list[str]:
    officers = council_users(council_id=council_id, role=Membership.Role.OFFICER)
    return sorted(officers.values_list("email", flat=True))


def _approver_emails(record: dict) -> list[str]:
    """The councillors who approved the version, from its sign-off record."""
    return [approval["email"] for approval in record["approvals"]]


def _locked_submission(submission_id: int) -> Submission:
    """The submission, locked, so a notice handed over twice is sent once."""
    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related("plan__council", "plan__round", "version")
        .defer("pdf")
        .get(pk=submission_id)
    )


@transaction.atomic
def submission_send_receipt(*, submission_id: int) -> bool:
    """Email the receipt (reference, time, PDF hash, pages, on time or late) to the council's
    officers and the councillors who approved; once per submission."""
    submission = _locked_submission(submission_id)
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
            "deadline": council_deadline(
                council_id=submission.plan.council_id, round=submission.plan.round
            ),
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
    submission = _locked_submission(submission_id)
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


def _reminder_due(deadline: datetime, now: datetime) -> int | None:
    """The most recent reminder point passed (14, 7 or 1 days before), if before the deadline."""
    if now >= deadline:
        return None
    passed = [days for days in REMINDER_DAYS if now >= deadline - timedelta(days=days)]
    return min(passed) if passed else None


def reminders_send(*, now: datetime | None = None) -> int:
    """Record a reminder for the officers of each council that has not submitted, 14, 7 and 1
    days before the council's own deadline (the round's, or its extension). Each is recorded
    once per council, round and point (a database constraint), however often beat runs, and
    sent by the outbox, which tries again until the mail server takes it. Returns how many
    reminders were recorded."""
    now = now or timezone.now()
    recorded = 0
    extended = DeadlineExtension.objects.filter(deadline__gt=now).values("round_id")
    for round_ in Round.objects.filter(opens_at__lte=now).filter(
        Q(deadline__gt=now) | Q(pk__in=extended)
    ):
        submitted = Submission.objects.filter(plan__round=round_, status=Status.SENT).values(
            "plan__council_id"
        )
        councils = with_council_deadline(
            Council.objects.filter(memberships__role=Membership.Role.OFFICER)
            .exclude(pk__in=submitted)
            .distinct(),
            round=round_,
        ).filter(deadline__gt=now)
        reminded = set(
            ReminderSent.objects.filter(round=round_).values_list("council_id", "days_before")
        )
        for council in councils:
            days = _reminder_due(council.deadline, now)
            if days is not None and (council.pk, days) not in reminded:
                recorded += _reminder_record(council=council, round_=round_, days=days)
    return recorded


def _reminder_record(*, council: Council, round_: Round, days: int) -> bool:
    try:
        with transaction.atomic():
            reminder = ReminderSent.objects.create(council=council, round=round_, days_before=days)
            outbox_record(
                kind=OutboxMessage.Kind.DEADLINE_REMINDER,
                key=str(reminder.pk),
                payload={"reminder_id": reminder.pk},
            )
    except IntegrityError:
        return False  # another beat got there first
    return True


@transaction.atomic
def reminder_send(*, reminder_id: int) -> bool:
    """Email one recorded deadline reminder to the council's officers; once."""
    reminder = (
        ReminderSent.objects.select_for_update(of=("self",))
        .select_related("council", "round")
        .get(pk=reminder_id)
    )
    if reminder.sent_at:
        return False
    days = reminder.days_before
    recipients = _officer_emails(reminder.council_id)
    context = {
        "council": reminder.council,
        "round": reminder.round,
        "days": days,
        "deadline": council_deadline(council_id=reminder.council_id, round=reminder.round),
        "site_url": settings.SITE_URL,
    }
    if recipients:
        templated_email(
            "plans/emails/submission_reminder",
            context,
            subject=(
                f"{days} day{'s' if days != 1 else ''} left to submit your productivity plan"
                f" ({reminder.round.name})"
            ),
            to=recipients,
        ).send()
    reminder.sent_at = timezone.now()
    reminder.recipients = len(recipients)
    reminder.save(update_fields=["sent_at", "recipients"])
    return True
