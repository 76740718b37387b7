"""An email backend that writes each message as its own .eml file under var/mail/."""

from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import get_random_string


class EmlFileBackend(BaseEmailBackend):
    """Write every message as var/mail/<time>-<random>.eml, readable by any mail client."""

    def send_messages(self, email_messages):
        directory = Path(settings.EMAIL_FILE_PATH)
        directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
            path = directory / f"{stamp}-{get_random_string(6)}.eml"
            path.write_bytes(message.message().as_bytes(linesep="\r\n"))
            sent += 1
        return sent


def templated_email(template: str, context: dict, *, subject: str, to: list[str], **kwargs):
    """A message with a plain-text body and an HTML alternative, from `<template>.txt` and
    `<template>.html`; extra keyword arguments go to EmailMultiAlternatives."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        from_email=kwargs.pop("from_email", settings.DEFAULT_FROM_EMAIL),
        to=to,
        **kwargs,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message
