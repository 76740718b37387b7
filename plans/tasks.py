"""Celery tasks: thin callers of services, which are idempotent and re-read rows under a lock.

Nothing here is called directly by a service: services record their work and `plans.outbox`
hands it to these tasks after commit, and again from the sweep while it is not done.
"""

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from plans import outbox
from plans.services import delivery, length_meter, notices, panel
from plans.services.delivery import SubmissionRetry

# Every retry countdown stays far below the broker's visibility timeout.
RETRY_BACKOFF_MAX = int(settings.SUBMISSION_RETRY_MAX_SECONDS)
# Rendering has its own fence (a killed child process); this stops a task that hangs elsewhere.
SOFT_TIME_LIMIT = int(settings.PDF_RENDER_TIMEOUT + 2 * settings.EMAIL_TIMEOUT + 30)

TRANSIENT = (DatabaseError, OSError)
COMMON = {
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
        delivery.submission_deliver(submission_id=submission_id)
    except SubmissionRetry as error:
        raise self.retry(countdown=error.retry_in, max_retries=None) from error


@shared_task(**COMMON)
def outbox_deliver_task(self, message_id: int) -> None:
    outbox.outbox_deliver(message_id=message_id)


@shared_task(**COMMON)
def page_count_refresh_task(self, plan_id: int) -> None:
    length_meter.page_count_refresh(plan_id=plan_id)


@shared_task(**{**COMMON, "max_retries": 0})
def outbox_sweep_task(self) -> None:
    outbox.outbox_sweep()


@shared_task(**{**COMMON, "max_retries": 0})
def reminders_send_task(self) -> None:
    notices.reminders_send()


@shared_task(**COMMON)
def panel_export_build_task(self, export_id: int) -> None:
    panel.panel_export_build(export_id=export_id)
