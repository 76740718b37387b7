"""From draft to the ministry's mailbox and the public page, with every real part running:
browser sign-in, sign-off by two councillors in their own browsers, the urgency route, a Celery
worker over Redis rendering the PDF and emailing it to an SMTP server on 127.0.0.1."""

import hashlib
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from plans.models import Plan, Submission, SubmissionAttempt
from productivity.celery import app
from tests.factories import CouncilFactory, PlanFactory, councillor_of, officer_of
from tests.support.browser import new_context
from tests.support.signoff import fill
from tests.support.smtp import SmtpServer
from tests.support.worker import WorkerProcess, wait_for

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def worker(smtp, tmp_path):
    """A real worker whose email goes to the test SMTP server and PDFs to a temporary folder."""
    app.control.purge()
    process = WorkerProcess(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=smtp.port,
        SUBMISSION_PDF_DIR=tmp_path / "submissions",
    ).start(log_path=tmp_path / "worker.log")
    yield process
    process.stop()


def _pdf_attachments(message) -> list[bytes]:
    return [
        part.get_content()
        for part in message.iter_attachments()
        if part.get_content_type() == "application/pdf"
    ]


def test_plan_goes_from_sign_off_to_the_ministry_and_the_public_page(
    page, chromium, live_server, sign_in, check_page, smtp, worker, tmp_path
):
    council = CouncilFactory(name="Dacorum Borough Council")
    plan = fill(PlanFactory(council=council))
    ministry = plan.round.ministry_email
    officer = officer_of(council, title="Head of Strategy", user__full_name="Olu Officer")
    leader = councillor_of(council, title="Leader", user__full_name="Cllr Ada Leader")
    holder = councillor_of(council, title="Portfolio Holder", user__full_name="Cllr Ben Holder")

    # The officer signs in and sends the plan to two named councillors.
    sign_in(page, officer)
    page.goto(f"/plans/{plan.pk}/check/")
    check_page(page, "check")
    page.get_by_role("button", name="Send for sign-off").click()
    expect(page.get_by_role("heading", name="Send for sign-off")).to_be_visible()
    check_page(page, "send-for-sign-off")
    page.get_by_label("Named councillors must all approve").check()
    page.get_by_label("Cllr Ada Leader, Leader").check()
    page.get_by_label("Cllr Ben Holder, Portfolio Holder").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check before you send for sign-off")).to_be_visible()
    check_page(page, "confirm-send")
    page.get_by_role("button", name="Send for sign-off").click()
    expect(page.get_by_text("Version 1 sent for sign-off")).to_be_visible()
    check_page(page, "sent-for-sign-off")

    # Each councillor approves in their own browser, ticking the declaration.
    for councillor in (leader, holder):
        context = new_context(chromium, base_url=live_server.url)
        own = context.new_page()
        own.set_default_timeout(15_000)
        try:
            sign_in(own, councillor)
            own.goto("/sign-off/")
            check_page(own, "awaiting-sign-off")
            own.get_by_role("link", name=re.compile("version 1")).click()
            check_page(own, "sign-off")
            own.get_by_label("Yes, I approve it").check()
            own.get_by_label(
                "I approve this plan for submission on behalf of Dacorum Borough Council"
            ).check()
            own.get_by_role("button", name="Send your decision").click()
            expect(own.get_by_test_id("your-decision")).to_contain_text("approved")
            check_page(own, "decision-sent")
        finally:
            context.close()
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.AWAITING_SIGN_OFF
    assert Submission.objects.count() == 0

    # The officer records the decision under the urgency procedure: no call-in hold.
    page.goto(f"/plans/{plan.pk}/versions/1/decision/")
    check_page(page, "record-decision")
    page.get_by_label("Urgency procedure").check()
    today = timezone.localdate()
    page.get_by_label("Day").first.fill(str(today.day))
    page.get_by_label("Month").first.fill(str(today.month))
    page.get_by_label("Year").first.fill(str(today.year))
    page.get_by_role("button", name="Save the decision").click()
    page.wait_for_load_state()
    check_page(page, "decision-recorded")

    # The worker renders the PDF and emails it to the ministry.
    submission = wait_for(
        lambda: Submission.objects.filter(plan=plan, status=Submission.Status.SENT).first(),
        timeout=180,
        message="The worker did not send the plan to the ministry",
    )
    to_ministry = [received for received in smtp.messages if ministry in received.message["To"]]
    assert len(to_ministry) == 1
    pdfs = _pdf_attachments(to_ministry[0].message)
    assert len(pdfs) == 1
    digest = hashlib.sha256(pdfs[0]).hexdigest()
    assert digest == submission.pdf_sha256
    assert to_ministry[0].message["Message-ID"].strip() == submission.message_id
    assert SubmissionAttempt.objects.filter(submission=submission, outcome="sent").count() == 1

    # The plan page shows it sent, with the reference and the same SHA-256.
    page.goto(f"/plans/{plan.pk}/")
    receipt = page.get_by_test_id("submission-receipt")
    expect(receipt).to_contain_text(digest)
    expect(page.get_by_text("Sent to the ministry")).to_be_visible()
    expect(page.get_by_text(submission.reference)).to_be_visible()
    expect(receipt.locator("dt", has_text=re.compile("^Sent$"))).to_have_count(1)
    check_page(page, "plan-sent")
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.SUBMITTED

    # Residents see the plan, and the PDF downloads, with no sign-in.
    public = new_context(chromium, base_url=live_server.url)
    resident = public.new_page()
    try:
        resident.goto(f"/published/{council.gss_code}/{plan.round.slug}/")
        expect(resident.get_by_role("heading", level=1)).to_have_text(
            "Dacorum Borough Council: productivity plan"
        )
        check_page(resident, "published")
        link = resident.get_by_role("link", name=re.compile(r"^Download the plan \(PDF"))
        response = resident.request.get(link.get_attribute("href"))
        assert response.status == 200
        assert response.headers["content-type"] == "application/pdf"
        assert hashlib.sha256(response.body()).hexdigest() == digest
    finally:
        public.close()
