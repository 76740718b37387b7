"""The outbox: how every side effect leaves a transaction.

A service records the work in the database inside the transaction that causes it (an
`OutboxMessage` for emails, the `Submission` row for a delivery, the `PageCountEstimate` for a
count, the `PanelExport` for a ZIP of PDFs). After commit the work is handed to the broker; a
broker that is down is logged and never raised into the caller, because the row is the record:
`outbox_sweep` (beat, every minute) hands over again whatever is due and not done. So a dead
broker or a dead worker delays work but never loses it, and a change the user made never turns
into an error page.

This is the one module that goes from services to tasks and back: services call `publish` and
`outbox_record`; tasks call the services through `outbox_deliver` and the sweep.
"""

import logging
import random
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from plans.models import OutboxMessage

logger = logging.getLogger(__name__)

Kind = OutboxMessage.Kind
Status = OutboxMessage.Status
# A message handed to the broker but not done after this long is handed over again.
REPUBLISH_AFTER = timedelta(minutes=5)
# How long one try holds a message: sending an email takes at most the SMTP timeout.
CLAIM = timedelta(minutes=3)
MAX_ATTEMPTS = 8
SWEEP_BATCH = 500


def publish(task_name: str, *args, countdown: float = 0) -> bool:
    """Hand a task to the broker now; False (logged) when the broker cannot be reached."""
    from plans import tasks

    task = getattr(tasks, task_name)
    try:
        task.apply_async(args=args, countdown=max(countdown, 0))
    except Exception:
        logger.exception("Could not hand %s%s to the broker; the sweep will", task_name, args)
        return False
    return True


def publish_on_commit(task_name: str, *args, countdown: float = 0) -> None:
    """Hand a task to the broker once the current transaction has committed."""
    transaction.on_commit(lambda: publish(task_name, *args, countdown=countdown), robust=True)


def _publish_message(message_id: int, countdown: float = 0) -> None:
    if publish("outbox_deliver_task", message_id, countdown=countdown):
        OutboxMessage.objects.filter(pk=message_id).update(published_at=timezone.now())


def outbox_record(
    *, kind: str, key: str, payload: dict | None = None, due_at: datetime | None = None
) -> OutboxMessage:
    """Record a side effect in the current transaction (once per kind and key) and hand it to
    the broker after commit."""
    now = timezone.now()
    message, created = OutboxMessage.objects.get_or_create(
        kind=kind, key=key, defaults={"payload": payload or {}, "due_at": due_at or now}
    )
    if created:
        delay = (message.due_at - now).total_seconds()
        if delay <= settings.SUBMISSION_RETRY_MAX_SECONDS:
            transaction.on_commit(
                lambda: _publish_message(message.pk, countdown=delay), robust=True
            )
    return message


def _handlers() -> dict[str, Callable[..., object]]:
    from councils.services.people import invitation_email_send, password_reset_email_send
    from plans.services.notices import (
        reminder_send,
        submission_send_failure_notice,
        submission_send_receipt,
    )
    from plans.services.signoff import sign_off_email_send

    return {
        Kind.SIGN_OFF_EMAIL: sign_off_email_send,
        Kind.SUBMISSION_RECEIPT: submission_send_receipt,
        Kind.SUBMISSION_FAILURE_NOTICE: submission_send_failure_notice,
        Kind.DEADLINE_REMINDER: reminder_send,
        Kind.INVITATION_EMAIL: invitation_email_send,
        Kind.PASSWORD_RESET_EMAIL: password_reset_email_send,
    }


def _claim(message_id: int) -> OutboxMessage | None:
    now = timezone.now()
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().get(pk=message_id)
        if message.status != Status.PENDING or message.due_at > now:
            return None
        if message.claimed_until and message.claimed_until > now:
            return None  # another worker is on it
        message.attempts += 1
        message.claimed_until = now + CLAIM
        message.save(update_fields=["attempts", "claimed_until"])
    return message


def _retry_delay(attempts: int) -> float:
    ceiling = min(
        settings.SUBMISSION_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0),
        settings.SUBMISSION_RETRY_MAX_SECONDS,
    )
    return random.uniform(ceiling / 2, ceiling)


def outbox_deliver(*, message_id: int) -> OutboxMessage:
    """Do one recorded side effect if it is due and not done; on failure try again later with
    backoff, and give up (logged, shown in the admin) after MAX_ATTEMPTS."""
    message = _claim(message_id)
    if message is None:
        return OutboxMessage.objects.get(pk=message_id)
    handler = _handlers()[message.kind]
    try:
        handler(**message.payload)
    except Exception as error:
        failed = message.attempts >= MAX_ATTEMPTS
        delay = _retry_delay(message.attempts)
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=Status.FAILED if failed else Status.PENDING,
            due_at=timezone.now() + timedelta(seconds=delay),
            claimed_until=None,
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        logger.warning("Outbox message %s failed (try %s): %s", message.pk, message.attempts, error)
        if not failed:
            _publish_message(message.pk, countdown=delay)
    else:
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=Status.DONE, done_at=timezone.now(), claimed_until=None, last_error=""
        )
    return OutboxMessage.objects.get(pk=message_id)


def outbox_sweep(*, now: datetime | None = None) -> int:
    """Hand over again everything due and not done: messages, submissions, panel exports and
    page counts. Returns how many messages, submissions and exports were handed over."""
    from plans.services.delivery import submission_sweep
    from plans.services.length_meter import page_counts_sweep
    from plans.services.panel import panel_exports_sweep

    now = now or timezone.now()
    due = list(
        OutboxMessage.objects.filter(status=Status.PENDING, due_at__lte=now)
        .exclude(claimed_until__gt=now)
        .exclude(published_at__gt=now - REPUBLISH_AFTER)
        .order_by("due_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for message_id in due:
        _publish_message(message_id)
    handed = len(due) + submission_sweep(now=now) + panel_exports_sweep(now=now)
    page_counts_sweep()
    if handed:
        logger.info("Outbox sweep handed %s items to the broker", handed)
    return handed
