"""Helpers for fault tests: a slow SMTP handler and worker settings."""

import asyncio
import email
import email.policy
import hashlib
from collections import Counter
from dataclasses import dataclass

from tests.support.smtp import MailHandler, Received, SmtpServer


@dataclass
class SlowMailHandler(MailHandler):
    """Keeps the message, then waits before saying 250: a worker killed meanwhile does not
    know the message arrived, which is exactly the unknown outcome a resend must survive."""

    delay: float = 0.0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.refuse_with:
            return self.refuse_with
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"


def smtp_server(port: int | None = None, delay: float = 0.0) -> SmtpServer:
    server = SmtpServer(port=port)
    server.handler = SlowMailHandler(delay=delay)
    return server


def worker_env(smtp_port: int, pdf_dir, **overrides) -> dict:
    """Short claims and retries so faults recover in seconds, not minutes."""
    values = {
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": smtp_port,
        "EMAIL_TIMEOUT": 5,
        "SUBMISSION_PDF_DIR": pdf_dir,
        "SUBMISSION_CLAIM_SECONDS": 4,
        "SUBMISSION_RETRY_BASE_SECONDS": 1,
        "SUBMISSION_RETRY_MAX_SECONDS": 3,
        "SUBMISSION_MAX_ATTEMPTS": 20,
        "PDF_RENDER_TIMEOUT": 3,
        "LOG_LEVEL": "WARNING",
    }
    values.update(overrides)
    return values


def ministry_copies(server: SmtpServer) -> Counter:
    """How many copies of each ministry email (by Message-ID) the server accepted."""
    return Counter(
        received.message["Message-ID"].strip()
        for received in server.messages
        if received.message["Subject"].startswith("Productivity plan:")
    )


def attachment_digests(server: SmtpServer, message_id: str) -> set[str]:
    digests = set()
    for received in server.messages:
        if received.message["Message-ID"].strip() == message_id:
            for part in received.message.iter_attachments():
                digests.add(hashlib.sha256(part.get_content()).hexdigest())
    return digests
