"""Real Celery workers: on Redis (production's broker) and on the embedded defaults."""

import sqlite3
import subprocess
import sys

import pytest
from django.conf import settings

from councils.models import WorkerHeartbeat
from councils.tasks import worker_heartbeat
from productivity.celery import app
from tests.platform.environment import ROOT, clean_environment, manage
from tests.support.worker import WorkerProcess, wait_for


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_runs_a_task_sent_through_redis(tmp_path):
    """A task sent by this process reaches a real worker over Redis and writes to the database."""
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    app.control.purge()
    worker = WorkerProcess().start(log_path=tmp_path / "worker.log")
    try:
        worker_heartbeat.delay("redis-round-trip")
        beat = wait_for(
            lambda: WorkerHeartbeat.objects.filter(worker="redis-round-trip").first(),
            timeout=60,
            message=(tmp_path / "worker.log").read_text,
        )
    finally:
        worker.stop()
    assert beat.beats == 1
    assert WorkerHeartbeat.objects.count() == 1


HEARTBEATS = 60
REVISIONS = 30

SEND_HEARTBEATS = f"""
from councils.tasks import worker_heartbeat
for _ in range({HEARTBEATS}):
    worker_heartbeat.delay("embedded")
print("sent")
"""

# The web app's side: an officer starts a plan and saves a theme 30 times, while the worker
# writes heartbeats to the same SQLite file.
SAVE_REVISIONS = f"""
import time
from councils.models import Council, WorkerHeartbeat
from councils.services import membership_grant
from councils.models import User
from plans.models import Round
from plans.services.drafting import plan_start, section_save

def beats():
    beat = WorkerHeartbeat.objects.filter(worker="embedded").first()
    return beat.beats if beat else 0

council = Council.objects.get(gss_code="E07000111")
officer = User.objects.create_user("officer@sevenoaks.gov.uk", "x", full_name="Officer")
membership_grant(user=officer, council=council, role="officer")
plan = plan_start(council=council, round=Round.objects.get(), user=officer)
section = plan.sections.get(theme__number=1)
print("beats at start", beats())
edit_count = 0
for number in range(1, {REVISIONS} + 1):
    result = section_save(
        section_id=section.pk, narrative=f"1.{{number}} Paragraph {{number}}.",
        is_complete=False, base_edit_count=edit_count, user=officer,
    )
    edit_count = result.section.edit_count
    time.sleep(0.05)
print("beats at end", beats())
print("saved", edit_count)
"""


@pytest.mark.embedded
def test_embedded_defaults_let_web_and_worker_write_at_once(tmp_path):
    """`make run`'s defaults: SQLite (WAL) and the filesystem broker, two writers at once."""
    database = tmp_path / "db.sqlite3"
    env = clean_environment(
        DEBUG="true",
        DATABASE_URL=f"sqlite:///{database}",
        CELERY_BROKER_URL="filesystem://",
        VAR_DIR=str(tmp_path),
    )
    migrated = manage("migrate", "--no-input", env=env)
    assert migrated.returncode == 0, migrated.stderr

    worker_log = tmp_path / "worker.log"
    worker = WorkerProcess(concurrency=2, **env).start(log_path=worker_log)
    try:
        sent = manage("shell", "--no-imports", "-c", SEND_HEARTBEATS, env=env)
        assert (sent.returncode, sent.stdout) == (0, "sent\n"), sent.stderr
        wait_for(lambda: _beats(database) > 0, timeout=60, message=worker_log.read_text)
        writer = subprocess.run(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", SAVE_REVISIONS],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        wait_for(lambda: _beats(database) == HEARTBEATS, timeout=120, message=worker_log.read_text)
        # Saves also queue a page count for the length meter: one at a time per plan, the
        # last one counting the last revision. Let the worker finish it.
        wait_for(lambda: _page_count(database) == ("idle", REVISIONS + 1), timeout=120,
                 message=worker_log.read_text)  # fmt: skip
    finally:
        worker.stop()

    assert writer.returncode == 0, writer.stderr
    started, ended, saved = writer.stdout.splitlines()
    assert saved == f"saved {REVISIONS}"
    # The two really overlapped: the worker was still writing while the officer saved.
    assert 0 < int(started.split()[-1]) < int(ended.split()[-1])
    with sqlite3.connect(database) as connection:
        revisions = connection.execute("SELECT count(*) FROM plans_revision").fetchone()[0]
        beats = connection.execute("SELECT worker, beats FROM councils_workerheartbeat").fetchall()
    assert revisions == REVISIONS + 1  # "Started the plan", then one per save
    assert beats == [("embedded", HEARTBEATS)]
    log = worker_log.read_text() + writer.stderr
    assert "database is locked" not in log
    assert list((tmp_path / "broker" / "queue").iterdir()) == []


def _page_count(database) -> tuple[str, int] | None:
    with sqlite3.connect(database) as connection:
        return connection.execute(
            "SELECT status, counted_revision FROM plans_pagecountestimate"
        ).fetchone()


def _beats(database) -> int:
    with sqlite3.connect(database) as connection:
        row = connection.execute(
            "SELECT beats FROM councils_workerheartbeat WHERE worker = 'embedded'"
        ).fetchone()
    return row[0] if row else 0
