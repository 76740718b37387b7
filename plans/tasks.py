"""Celery tasks: thin callers of services (ids in, one service call, retried on failure)."""

from smtplib import SMTPException

from celery import shared_task

from plans.services import signoff


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
