"""317 approved plans, one per council, through real Redis and a real worker to local SMTP.

Reports the total time, p50/p95 from approval to the ministry email being accepted, and
duplicates. The worker runs with the default settings (prefork, one process per CPU).
"""

import email
import email.policy
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field

from setup import django_ready, median, percentile

COUNT = int(os.environ.get("BENCH_PLANS", "317"))


@dataclass
class TimingHandler:
    accepted: list[tuple[float, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        if str(message["Subject"]).startswith("Productivity plan:"):
            with self.lock:
                self.accepted.append((time.time(), message["Message-ID"].strip()))
        return "250 Message accepted for delivery"


def main() -> None:
    django_ready()
    from aiosmtpd.controller import Controller
    from django.db import transaction
    from django.utils import timezone

    from councils.models import Council
    from plans.models import Submission
    from plans.services.delivery import submission_schedule
    from tests.factories import PlanFactory, RoundFactory
    from tests.submission.factories import version_sent_for_sign_off
    from tests.support.smtp import free_port
    from tests.support.worker import WorkerProcess, wait_for

    handler = TimingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    pdf_dir = tempfile.mkdtemp(prefix="bench-pdf-")
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    round_ = RoundFactory(name=f"Benchmark {stamp}", slug=f"bench-{stamp}")
    councils = list(Council.objects.order_by("gss_code")[:COUNT])
    print(f"Preparing {len(councils)} approved plans …", flush=True)
    versions = [version_sent_for_sign_off(PlanFactory(council=c, round=round_)) for c in councils]
    worker = WorkerProcess(
        concurrency=os.cpu_count() or 2,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        SUBMISSION_PDF_DIR=pdf_dir,
        LOG_LEVEL="WARNING",
    ).start()
    try:
        time.sleep(3)  # let the worker come up, as it would be before approvals arrive
        approved_at = {}
        started = time.time()
        for version in versions:
            with transaction.atomic():
                submission = submission_schedule(version=version, not_before=None)
            approved_at[submission.message_id] = time.time()
        wait_for(
            lambda: (
                Submission.objects.filter(plan__round=round_, status=Submission.Status.SENT).count()
                == len(versions)
            ),
            timeout=900,
            interval=1,
            message="not all plans were sent",
        )
        finished = time.time()
    finally:
        worker.stop()
        controller.stop()
        shutil.rmtree(pdf_dir, ignore_errors=True)
    first_accept = {}
    for accepted, message_id in handler.accepted:
        first_accept.setdefault(message_id, accepted)
    latencies = [first_accept[mid] - approved_at[mid] for mid in approved_at]
    duplicates = len(handler.accepted) - len(first_accept)
    renders = list(
        Submission.objects.filter(plan__round=round_).values_list("render_seconds", flat=True)
    )
    print(
        f"{len(versions)} plans: all sent in {finished - started:.1f}s; approval -> accepted "
        f"p50 {median(latencies):.1f}s, p95 {percentile(latencies, 0.95):.1f}s, max "
        f"{max(latencies):.1f}s; emails accepted {len(handler.accepted)}, duplicates "
        f"{duplicates}; median render {median(renders):.2f}s in the worker"
    )


if __name__ == "__main__":
    main()
