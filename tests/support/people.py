"""Helpers for people tests: deliver the outbox's people emails and read links from them."""

import re

from django.core import mail

from plans.models import OutboxMessage
from plans.outbox import outbox_deliver

INVITATION_LINK = re.compile(r"https?://[^/\s]+(/invitations/accept/[0-9a-f]{64}/)")
RESET_LINK = re.compile(r"https?://[^/\s]+(/password-reset/[^/\s]+/[^/\s]+/)")


def deliver(kind: str) -> int:
    """Send every pending outbox message of this kind, as the worker would; returns how many."""
    pending = OutboxMessage.objects.filter(kind=kind, status=OutboxMessage.Status.PENDING)
    ids = list(pending.values_list("pk", flat=True))
    for message_id in ids:
        outbox_deliver(message_id=message_id)
    return len(ids)


def invitation_links() -> list[str]:
    """Deliver the invitation emails and return the link paths they carried, in order."""
    deliver(OutboxMessage.Kind.INVITATION_EMAIL)
    return [INVITATION_LINK.search(message.body).group(1) for message in mail.outbox]


def reset_links() -> list[str]:
    deliver(OutboxMessage.Kind.PASSWORD_RESET_EMAIL)
    return [RESET_LINK.search(message.body).group(1) for message in mail.outbox]
