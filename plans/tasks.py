"""Celery tasks: thin callers of services, which are idempotent and re-read rows under a lock."""

import functools
from smtplib import SMTPException

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.conf import settings
from django.db import DatabaseError, transaction

from plans.services import signoff
from plans.services import submission as services
from plans.services.submission import SubmissionRetry

# Every retry countdown stays far below the broker's visibility timeout.
RETRY_BACKOFF_MAX = int(settings.SUBMISSION_RETRY_MAX_SECONDS)
# Rendering has its own fence (a killed child process); this stops a task that hangs elsewhere.
SOFT_TIME_LIMIT = int(settings.PDF_RENDER_TIMEOUT + 2 * settings.EMAIL_TIMEOUT + 30)


class OutboxTask(DjangoTask):
    """Enqueued after commit; a broker that is down is logged, not raised into the caller,
    because the database row is the record and the sweep enqueues it again."""

    def delay_on_commit(self, *args, **kwargs) -> None:
        transaction.on_commit(functools.partial(self.delay, *args, **kwargs), robust=True)

    def apply_async_on_commit(self, *args, **kwargs) -> None:
        transaction.on_commit(functools.partial(self.apply_async, *args, **kwargs), robust=True)


TRANSIENT = (DatabaseError, OSError)
COMMON = {
    "base": OutboxTask,
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "ignore_result": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": 5,
    "retry_backoff_max": RETRY_BACKOFF_MAX,
    "retry_jitter": True,
    "max_retries": 10,
    "soft_time_limit": SOFT_TIME_LIMIT,
    "time_limit": SOFT_TIME_LIMIT + 30,
}


@shared_task(**COMMON)
def submission_deliver_task(self, submission_id: int) -> None:
    try:
        services.submission_deliver(submission_id=submission_id)
    except SubmissionRetry as error:
        raise self.retry(countdown=error.retry_in, max_retries=None) from error


@shared_task(**COMMON)
def submission_receipt_task(self, submission_id: int) -> None:
    services.submission_send_receipt(submission_id=submission_id)


@shared_task(**COMMON)
def submission_failure_notice_task(self, submission_id: int) -> None:
    services.submission_send_failure_notice(submission_id=submission_id)


@shared_task(**{**COMMON, "max_retries": 0})
def submission_sweep_task(self) -> None:
    services.submission_sweep()
    services.page_counts_sweep()


@shared_task(**{**COMMON, "max_retries": 0})
def reminders_send_task(self) -> None:
    services.reminders_send()


@shared_task(**COMMON)
def page_count_refresh_task(self, plan_id: int) -> None:
    services.page_count_refresh(plan_id=plan_id)


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OSError, SMTPException),
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def sign_off_email(kind: str, object_id: int) -> None:
    """Email the people a sign-off event concerns (see sign_off_email_send)."""
    signoff.sign_off_email_send(kind=kind, object_id=object_id)


@shared_task(**COMMON)
def panel_export_build_task(self, export_id: int) -> None:
    from plans.services.panel import panel_export_build

    panel_export_build(export_id=export_id)
