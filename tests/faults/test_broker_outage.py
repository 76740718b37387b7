"""A running worker outlives its Redis broker going away and coming back.

The worker and the approving process use a Redis server of this test's own, started on a free
port, so stopping it touches nothing else on the machine.
"""

import subprocess
import sys
import time

import pytest
import redis
from django.utils import timezone

from councils.tasks import worker_heartbeat
from plans.models import Submission, ThemeSection
from plans.models.signoff import DecisionRoute
from plans.services.signoff import decision_record_save, plan_send_for_sign_off
from productivity.celery import app
from tests.factories import PlanFactory, councillor_of, officer_of
from tests.faults.support import ministry_copies, worker_env
from tests.support.smtp import free_port
from tests.support.worker import ROOT, WorkerProcess, wait_for, worker_environment

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

OUTAGE_SECONDS = 60


class RedisServer:
    """redis-server on 127.0.0.1:`port`, stopped and started again like a broker restart."""

    def __init__(self, directory):
        self.port = free_port()
        self.directory = directory
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            [
                "redis-server", "--bind", "127.0.0.1", "--port", str(self.port),
                "--dir", str(self.directory), "--save", "", "--appendonly", "yes",
            ],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_for(self._answers, timeout=20, message="redis-server did not start")
        return self

    def stop(self) -> None:
        """SIGTERM: what `docker compose stop redis` does; clients see their sockets close."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)

    def _answers(self) -> bool:
        try:
            return self.client().ping()
        except redis.ConnectionError:
            return False


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


APPROVE = """
import sys
import django
django.setup()
from councils.models import User
from plans.models import SignOffRequest
from plans.services.signoff import sign_off_record_decision
sign_off = SignOffRequest.objects.get(pk=int(sys.argv[1]))
sign_off_record_decision(
    sign_off_id=sign_off.pk, user=User.objects.get(pk=int(sys.argv[2])), outcome="approve",
    version_sha256=sign_off.version.sha256, declaration=True,
)
"""


def _sign_off_awaiting_the_leader():
    """A plan sent for the Leader's sign-off, full council's decision already recorded (no
    call-in period, so the approval is submitted at once)."""
    plan = PlanFactory()
    officer = officer_of(plan.council)
    leader = councillor_of(plan.council, title="Leader of the Council")
    for section in ThemeSection.objects.filter(plan=plan):
        section.narrative = f"{section.theme.number}.1 What we did and what we will do."
        section.is_complete = True
        section.save(update_fields=["narrative", "is_complete"])
    sign_off = plan_send_for_sign_off(plan=plan, user=officer, councillors=[leader])
    decision_record_save(
        sign_off_id=sign_off.pk,
        user=officer,
        route=DecisionRoute.FULL_COUNCIL,
        decision_date=timezone.localdate(),
        decision_url="https://www.example.gov.uk/decisions/42",
    )
    return sign_off, leader


def test_worker_survives_the_broker_stopping_for_a_minute(
    redis_server, smtp_server, clean_broker, tmp_path
):
    """Redis stops for 60 s while the worker holds a task due later, and starts again on the
    same port: the same worker process takes the approval made afterwards and the ministry
    receives the plan exactly once. (celery 5.7.0's worker exits here, see pyproject.toml.)"""
    sign_off, leader = _sign_off_awaiting_the_leader()
    env = worker_env(smtp_server.port, tmp_path / "pdf", CELERY_BROKER_URL=redis_server.url)
    log = tmp_path / "worker.log"
    worker = WorkerProcess(concurrency=1, **env).start(log)
    pid = worker.process.pid
    try:
        # A task the worker holds until later (as it holds every retry's countdown): the worker
        # owes the broker an acknowledgement when the broker goes away.
        with app.connection_for_write(redis_server.url) as connection:
            worker_heartbeat.apply_async(
                args=["held-through-the-outage"], countdown=3600, connection=connection
            )
        wait_for(
            lambda: redis_server.client().hlen("unacked") == 1,
            timeout=60,
            message="the worker never took the task due later",
        )
        redis_server.stop()
        wait_for(
            lambda: "Connection to broker lost" in log.read_text(),
            timeout=30,
            message="the worker never noticed the broker stopping",
        )
        time.sleep(OUTAGE_SECONDS)
        alive_during_outage = worker.process.poll() is None
        redis_server.start()

        approval = subprocess.run(
            [sys.executable, "-c", APPROVE, str(sign_off.pk), str(leader.pk)],
            cwd=ROOT,
            env=worker_environment(CELERY_BROKER_URL=redis_server.url),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert approval.returncode == 0, approval.stderr[-2000:]
        submission = Submission.objects.get(version=sign_off.version)
        wait_for(
            lambda: (
                worker.process.poll() is not None
                or Submission.objects.get(pk=submission.pk).status == Submission.Status.SENT
            ),
            timeout=120,
            message="the plan approved after the outage was not sent",
        )
        alive_after = worker.process.poll() is None
    finally:
        worker.stop()
    submission.refresh_from_db()
    copies = ministry_copies(smtp_server)
    print(
        f"\nbroker outage test: worker pid {pid} alive during the {OUTAGE_SECONDS}s outage="
        f"{alive_during_outage}, alive after={alive_after}; submission {submission.status}; "
        f"ministry emails by Message-ID={dict(copies)}"
    )
    worker_log = log.read_text()
    assert "Unrecoverable error" not in worker_log, worker_log[-3000:]
    assert (alive_during_outage, alive_after, worker.process.pid) == (True, True, pid)
    assert submission.status == Submission.Status.SENT
    assert copies == {submission.message_id: 1}
