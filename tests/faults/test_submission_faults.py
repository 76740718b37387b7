"""Submission under faults, against real PostgreSQL, Redis, Celery worker processes and SMTP.

Each test prints what it tried and the counts it saw, then asserts them.
"""

import http.server
import os
import subprocess
import sys
import threading
import time

import pytest
from django.db import transaction
from django.db.models import Max

from plans.models import Submission, SubmissionAttempt
from plans.pdf.render import render_isolated
from plans.services.delivery import submission_schedule, submission_sweep
from tests.faults.support import (
    attachment_digests,
    ministry_copies,
    smtp_server,
    worker_env,
)
from tests.submission.factories import approved_version, version_sent_for_sign_off
from tests.support.broker import queued_tasks
from tests.support.smtp import free_port
from tests.support.worker import ROOT, WorkerProcess, wait_for, worker_environment

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SENT = Submission.Status.SENT


def queued_deliveries() -> int:
    """Submission deliveries waiting in the broker's queue (sign-off emails are not counted)."""
    return sum(1 for name, _ in queued_tasks() if name == "submission_deliver_task")


def _statuses(ids) -> dict[int, str]:
    return dict(Submission.objects.filter(pk__in=ids).values_list("pk", "status"))


def _sweep_until_sent(ids, *, timeout: float, every: float = 1.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        statuses = _statuses(ids)
        if all(status in (SENT, "failed") for status in statuses.values()):
            return
        submission_sweep()
        time.sleep(every)
    raise AssertionError(f"Not all finished in {timeout}s: {_statuses(ids)}")


def _new_attempt_in_stage(ids, stage: str, floor: int):
    """A try started by the current worker (after `floor`) that is now in `stage`."""
    return (
        SubmissionAttempt.objects.filter(
            pk__gt=floor,
            submission_id__in=ids,
            outcome="started",
            stage=stage,
            submission__status=stage,
        )
        .values_list("pk", flat=True)
        .first()
    )


def _wait_for_stage(ids, stage: str, *, floor: int, timeout: float) -> int:
    """Poll closely for a new attempt in `stage`, sweeping now and then as beat would."""
    deadline = time.monotonic() + timeout
    next_sweep = 0.0
    while time.monotonic() < deadline:
        victim = _new_attempt_in_stage(ids, stage, floor)
        if victim:
            return victim
        if time.monotonic() >= next_sweep:
            submission_sweep()
            next_sweep = time.monotonic() + 0.5
        time.sleep(0.03)
    raise AssertionError(f"No submission reached {stage}: {_statuses(ids)}")


def test_worker_killed_while_rendering_and_while_sending(fault_settings, clean_broker, tmp_path):
    """SIGKILL the worker mid-render and mid-send 22 times: every plan ends sent, our record
    shows one successful send each, and every duplicate carries the same Message-ID."""
    server = smtp_server(delay=1.5).start()
    env = worker_env(server.port, tmp_path / "pdf")
    ids = []
    for _ in range(8):
        version = approved_version(paragraphs=14)
        ids.append(submission_schedule(version=version, not_before=None).pk)
    kills = {"rendering": 0, "sending": 0}
    target = {"rendering": 11, "sending": 11}
    log = tmp_path / "worker.log"
    started = time.monotonic()
    try:
        while kills != target:
            stage = "rendering" if kills["rendering"] < target["rendering"] else "sending"
            if kills["sending"] < target["sending"] and kills["sending"] < kills["rendering"]:
                stage = "sending"
            floor = SubmissionAttempt.objects.aggregate(top=Max("pk"))["top"] or 0
            worker = WorkerProcess(concurrency=2, **env).start(log)
            try:
                victim = _wait_for_stage(ids, stage, floor=floor, timeout=30)
            finally:
                worker.kill()
            kills[stage] += 1
            assert victim
        killed_at = time.monotonic()
        worker = WorkerProcess(concurrency=2, **env).start(log)
        try:
            _sweep_until_sent(ids, timeout=120)
        finally:
            worker.stop()
        copies = ministry_copies(server)
    finally:
        server.stop()
    submissions = {s.pk: s for s in Submission.objects.filter(pk__in=ids)}
    successes = SubmissionAttempt.objects.filter(submission_id__in=ids, outcome="sent").count()
    attempts = sum(s.attempts for s in submissions.values())
    duplicates = sum(copies.values()) - len(copies)
    print(
        f"\nkill test: {len(ids)} submissions; SIGKILLs while rendering={kills['rendering']}, "
        f"while sending={kills['sending']}; attempts={attempts}; recorded successful sends="
        f"{successes}; emails accepted={sum(copies.values())} with {len(copies)} distinct "
        f"Message-IDs (duplicates={duplicates}); kill phase {killed_at - started:.0f}s, "
        f"recovery {time.monotonic() - killed_at:.0f}s"
    )
    assert kills["rendering"] + kills["sending"] == 22
    assert {s.status for s in submissions.values()} == {SENT}
    assert successes == len(ids)
    assert set(copies) == {s.message_id for s in submissions.values()}
    for submission in submissions.values():
        # Every copy of one submission is the same message with the same PDF.
        assert attachment_digests(server, submission.message_id) == {submission.pdf_sha256}


def test_mail_server_down_then_refusing_then_back(fault_settings, clean_broker, tmp_path):
    """Delivered once the mail server returns; every failed try is recorded as a retry."""
    port = free_port()
    env = worker_env(port, tmp_path / "pdf")
    worker = WorkerProcess(concurrency=1, **env).start(tmp_path / "worker.log")
    server = smtp_server(port=port)
    try:
        submission = submission_schedule(version=approved_version(), not_before=None)
        wait_for(
            lambda: (
                SubmissionAttempt.objects.filter(submission=submission, outcome="retry").count()
                >= 2
            ),
            timeout=40,
            message="no retries while the mail server was down",
        )
        server.handler.refuse_with = "451 4.3.0 Mailbox temporarily unavailable"
        server.start()
        wait_for(
            lambda: "451" in Submission.objects.get(pk=submission.pk).failure_reason,
            timeout=40,
            message="the refusal was never seen",
        )
        server.handler.refuse_with = None
        _sweep_until_sent([submission.pk], timeout=40)
    finally:
        worker.stop()
        server.stop()
    submission.refresh_from_db()
    outcomes = list(submission.tries.values_list("outcome", flat=True))
    copies = ministry_copies(server)
    print(
        f"\nmail server test: tries {outcomes}; emails accepted={sum(copies.values())}; "
        f"final status={submission.status}"
    )
    assert submission.status == SENT
    assert outcomes[-1] == "sent"
    assert outcomes.count("sent") == 1
    assert outcomes.count("retry") >= 3
    assert copies == {submission.message_id: 1}


APPROVE_SCRIPT = """
import django, sys
django.setup()
from django.db import transaction
from django.db.models import Max
from plans.models import PlanVersion
from plans.services.delivery import submission_schedule
with transaction.atomic():
    submission_schedule(version=PlanVersion.objects.get(pk=int(sys.argv[1])), not_before=None)
"""


def test_broker_down_at_approval_then_the_sweep_delivers(fault_settings, clean_broker, tmp_path):
    """The approving process cannot reach Redis: the approval still commits, and the sweep
    delivers once a worker and the broker are there."""
    server = smtp_server().start()
    version = version_sent_for_sign_off()
    closed_port = free_port()
    env = worker_environment(CELERY_BROKER_URL=f"redis://127.0.0.1:{closed_port}/0")
    env["DJANGO_SETTINGS_MODULE"] = "productivity.settings"
    approval = subprocess.run(
        [sys.executable, "-c", APPROVE_SCRIPT, str(version.pk)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    submission = Submission.objects.get(version=version)
    queued_before = queued_deliveries()
    worker = WorkerProcess(concurrency=1, **worker_env(server.port, tmp_path / "pdf"))
    worker.start(tmp_path / "worker.log")
    try:
        enqueued = submission_sweep()
        _sweep_until_sent([submission.pk], timeout=40)
    finally:
        worker.stop()
        server.stop()
    submission.refresh_from_db()
    print(
        f"\nbroker down test: approval exit code {approval.returncode}; submission created "
        f"with status queued, last enqueued={submission.last_enqueued_at is not None}; "
        f"messages in the queue before the sweep={queued_before}; sweep enqueued {enqueued}; "
        f"final status={submission.status}; emails accepted={len(server.messages)}"
    )
    assert approval.returncode == 0, approval.stderr[-2000:]
    assert "Could not hand submission_deliver_task" in approval.stderr
    assert queued_before == 0
    assert enqueued == 1
    assert submission.status == SENT
    assert ministry_copies(server) == {submission.message_id: 1}


def test_approval_rolled_back_enqueues_nothing(fault_settings, clean_broker):
    version = version_sent_for_sign_off()
    with pytest.raises(RuntimeError), transaction.atomic():
        submission_schedule(version=version, not_before=None)
        raise RuntimeError("the approval failed after scheduling")
    rolled_back = (Submission.objects.count(), queued_deliveries())
    with transaction.atomic():
        submission_schedule(version=version, not_before=None)
    committed = (Submission.objects.count(), queued_deliveries())
    print(
        f"\nrollback test: after rollback {rolled_back[0]} submissions, {rolled_back[1]} "
        f"queued; after commit {committed[0]} submissions, {committed[1]} queued"
    )
    assert rolled_back == (0, 0)
    assert committed == (1, 1)


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802
        _CountingHandler.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_hostile_render_inputs(fault_settings, clean_broker, tmp_path):
    """Nothing is fetched, the worker survives, and plans that cannot print end failed with a
    reason the officers are sent."""
    http_server = http.server.HTTPServer(("127.0.0.1", 0), _CountingHandler)
    threading.Thread(target=http_server.serve_forever, daemon=True).start()
    local = f"http://127.0.0.1:{http_server.server_port}"
    _CountingHandler.hits = []
    images = (
        f"![a](file:///etc/passwd) ![b](http://169.254.169.254/latest/meta-data/) ![c]({local}/m)"
        f'\n\n<img src="file:///etc/passwd"><img src="{local}/raw">'
    )
    cases = {
        "images": images,
        "huge CSS": '<p style="font-size:99999999px;width:1e9px">big</p> <table style="x">',
        "long words": "x" * 60_000,
        "10,000-row table": "| a | b |\n|---|---|\n" + "| 1 | 2 |\n" * 10_000,
        "1 MB of text": ("All work and no play makes a plan too long. " * 24_000)[:1_000_000],
    }
    fault_settings.PDF_RENDER_TIMEOUT = 6
    server = smtp_server().start()
    env = worker_env(server.port, tmp_path / "pdf", PDF_RENDER_TIMEOUT=6)
    worker = WorkerProcess(concurrency=2, **env).start(tmp_path / "worker.log")
    try:
        ids = {}
        for name, text in cases.items():
            version = approved_version(narratives={1: text})
            ids[name] = submission_schedule(version=version, not_before=None).pk
        _sweep_until_sent(list(ids.values()), timeout=90)
        # The same worker still sends an ordinary plan afterwards.
        ordinary = submission_schedule(version=approved_version(), not_before=None).pk
        _sweep_until_sent([ordinary], timeout=30)
        wait_for(
            lambda: (
                Submission.objects.filter(
                    status="failed", failure_notified_at__isnull=False
                ).count()
                == 2
            ),
            timeout=20,
            message="the officers were not told",
        )
        worker_alive = worker.process.poll() is None
    finally:
        worker.stop()
        server.stop()
    # The fetcher itself, given hostile HTML directly.
    direct = render_isolated(
        f'<html lang="en"><title>t</title><link rel="stylesheet" href="{local}/css">'
        f'<img src="file:///etc/passwd" alt=""><img src="{local}/direct" alt="">'
        f'<img src="http://169.254.169.254/latest/meta-data/" alt=""></html>'
    )
    http_server.shutdown()
    results = {
        name: Submission.objects.values_list("status", "failure_reason").get(pk=pk)
        for name, pk in ids.items()
    }
    notices = [m for m in server.messages if "could not be sent" in m.message["Subject"]]
    print("\nhostile inputs test:")
    for name, (status, reason) in results.items():
        print(f"  {name}: {status} {reason[:90]}")
    print(
        f"  ordinary plan afterwards: {Submission.objects.get(pk=ordinary).status}; worker alive"
        f"={worker_alive}; HTTP requests received={len(_CountingHandler.hits)}; refused by the "
        f"fetcher when given directly={len(direct.refused)}; failure notices={len(notices)}"
    )
    assert _CountingHandler.hits == []
    assert len(direct.refused) == 4
    assert worker_alive
    assert Submission.objects.get(pk=ordinary).status == SENT
    for name in ("images", "huge CSS", "long words"):
        assert results[name][0] == SENT, name
    for name in ("10,000-row table", "1 MB of text"):
        status, reason = results[name]
        assert status == "failed", name
        assert reason.startswith(
            ("The plan took longer than 6 seconds to print", "The plan needed more than")
        ), reason
    assert len(notices) == 2
    assert os.path.exists(tmp_path / "pdf")
