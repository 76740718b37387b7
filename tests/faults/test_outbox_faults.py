"""The outbox under a dead broker: a councillor approves while the web server cannot reach Redis.

A real gunicorn serves the portal with its broker pointed at a closed port; headless Chromium
sends the councillor's decision; a real worker on the test's Redis and a real SMTP server then
deliver everything once the sweep hands it over.
"""

import re
import subprocess
import sys
import time
import urllib.request
from collections import Counter

import pytest
from playwright.sync_api import expect

from plans.models import DecisionRecord, OutboxMessage, Plan, Submission
from plans.outbox import outbox_sweep
from tests.factories import PASSWORD, CouncilFactory, PlanFactory, councillor_of, officer_of
from tests.faults.support import smtp_server, worker_env
from tests.support.broker import broker, queued_tasks
from tests.support.browser import new_context
from tests.support.mfa import pass_second_factor
from tests.support.signoff import fill, record_cabinet, send
from tests.support.smtp import free_port
from tests.support.worker import ROOT, WorkerProcess, wait_for, worker_environment

pytestmark = [pytest.mark.worker, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class WebServer:
    """gunicorn serving the portal on the test database, with the given environment."""

    def __init__(self, **env):
        self.port = free_port()
        self.env = worker_environment(**env)
        self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, log_path) -> "WebServer":
        self.log = open(log_path, "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "productivity.wsgi", "--bind",
             f"127.0.0.1:{self.port}", "--workers", "1", "--timeout", "60"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_for(self._answers, timeout=30, message="gunicorn did not start")
        return self

    def _answers(self) -> bool:
        try:
            urllib.request.urlopen(f"{self.url}/sign-in/", timeout=2)  # noqa: S310
        except OSError:
            return False
        return True

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def _sweep_until(done, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if done():
            return
        outbox_sweep()
        time.sleep(1)
    raise AssertionError("the outbox did not finish")


def test_approval_while_the_broker_is_down_shows_the_confirmation_and_every_email_goes_once(
    chromium, clean_broker, fault_settings, tmp_path
):
    council = CouncilFactory(name="Dacorum Borough Council")
    plan = fill(PlanFactory(council=council))
    officer = officer_of(council, user__full_name="Olu Officer")
    leader = councillor_of(council, title="Leader", user__full_name="Cllr Ada Leader")
    sign_off = send(plan, officer, councillors=[leader])
    record_cabinet(sign_off, officer, route=DecisionRecord.Route.URGENCY, call_in_ends=None)
    # The request for sign-off went out before the fault; only what follows the decision counts.
    OutboxMessage.objects.update(status=OutboxMessage.Status.DONE)
    broker().flushdb()

    closed = free_port()
    web = WebServer(CELERY_BROKER_URL=f"redis://127.0.0.1:{closed}/0").start(tmp_path / "web.log")
    context = new_context(chromium, base_url=web.url)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto("/sign-in/")
        page.get_by_label("Email address").fill(leader.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        pass_second_factor(page, leader)
        expect(page.get_by_role("button", name=re.compile("Sign out"))).to_be_visible()
        page.goto(f"/plans/{plan.pk}/versions/1/sign-off/")
        page.get_by_label("Yes, I approve it").check()
        page.get_by_label(
            "I approve this plan for submission on behalf of Dacorum Borough Council"
        ).check()
        with page.expect_response(lambda response: response.request.method == "POST") as posted:
            page.get_by_role("button", name="Send your decision").click()
        expect(page.get_by_test_id("your-decision")).to_contain_text("approved")
        final_status = page.evaluate("() => performance.getEntriesByType('navigation')[0]")
    finally:
        context.close()
        web.stop()
    web_log = (tmp_path / "web.log").read_text()

    plan.refresh_from_db()
    submission = Submission.objects.get(plan=plan)
    pending = sorted(
        OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).values_list(
            "key", flat=True
        )
    )
    assert posted.value.status == 302
    assert final_status["responseStatus"] == 200
    assert "Internal Server Error" not in web_log
    assert "Could not hand" in web_log
    assert plan.status == Plan.Status.APPROVED
    assert submission.status == Submission.Status.QUEUED
    assert pending == [f"approved:{sign_off.pk}", f"decided:{sign_off.decisions.get().pk}"]
    assert queued_tasks() == []

    # The broker is back (the test's own Redis): a worker and the sweep deliver everything once.
    server = smtp_server().start()
    worker = WorkerProcess(concurrency=1, **worker_env(server.port, tmp_path / "pdf"))
    worker.start(tmp_path / "worker.log")
    try:
        _sweep_until(
            lambda: (
                not OutboxMessage.objects.exclude(status=OutboxMessage.Status.DONE).exists()
                and Submission.objects.filter(
                    pk=submission.pk, receipt_sent_at__isnull=False
                ).exists()
            ),
            timeout=90,
        )
        # Another sweep after everything is done hands nothing over and sends nothing more.
        handed_again = outbox_sweep()
        time.sleep(2)
    finally:
        worker.stop()
        server.stop()

    subjects = Counter(
        (received.message["Subject"], tuple(sorted(received.envelope_to)))
        for received in server.messages
    )
    submission.refresh_from_db()
    print(f"\nbroker down at approval: emails {dict(subjects)}")
    assert submission.status == Submission.Status.SENT
    assert handed_again == 0
    assert len(server.messages) == 4
    assert len({received.message["Message-ID"] for received in server.messages}) == 4
    assert sorted(recipients for _, recipients in subjects) == sorted(
        [
            (officer.email,),  # the councillor's decision
            (officer.email,),  # the plan is approved
            (plan.round.ministry_email,),  # the ministry
            tuple(sorted([officer.email, leader.email])),  # the receipt
        ]
    )
    assert set(subjects.values()) == {1}
