"""Receipts reach the council's officers and the councillors who approved the version."""

from datetime import timedelta

import pytest
from django.utils import timezone

from plans.models import Submission
from plans.selectors.signoff import sign_off_record_for_version
from plans.services import delivery as services
from plans.services.notices import submission_send_receipt
from plans.templatetags.govuk import govuk_datetime
from tests.submission.evidence import evidence_plan

pytestmark = pytest.mark.django_db


def test_sign_off_record_approvals_carry_the_councillors_email():
    built = evidence_plan()
    record = sign_off_record_for_version(built.version)
    assert [(a["name"], a["title"], a["email"]) for a in record["approvals"]] == [
        ("Cllr Alex Leader", "Leader of the Council", "leader@example.gov.uk")
    ]
    assert record["approvals"][0]["approved_at"] is not None
    assert record["route"] == "Cabinet"


def test_receipt_goes_to_officers_and_approving_councillors_only(smtp_server):
    built = evidence_plan()
    submission = services.submission_schedule(version=built.version, not_before=None)
    services.submission_deliver(submission_id=submission.pk)
    assert submission_send_receipt(submission_id=submission.pk) is True
    assert submission_send_receipt(submission_id=submission.pk) is False

    assert len(smtp_server.messages) == 2  # the ministry email, then one receipt
    receipt = smtp_server.messages[1]
    assert sorted(receipt.envelope_to) == sorted([built.officer.email, "leader@example.gov.uk"])
    assert "dee@example.gov.uk" not in receipt.envelope_to  # asked for changes

    submission.refresh_from_db()
    assert submission.status == Submission.Status.SENT
    sent = timezone.localtime(submission.sent_at)
    assert str(sent.tzinfo) == "Europe/London"
    sent_text = govuk_datetime(submission.sent_at)
    assert sent_text.startswith(f"{sent.day} {sent:%B %Y} at ")
    body = receipt.message.get_body(preferencelist=("plain",)).get_content()
    assert receipt.message["Subject"] == (
        f"Your productivity plan was sent to the ministry ({submission.reference})"
    )
    assert f"Submission reference: {submission.reference}" in body
    assert f"Sent: {sent_text}" in body
    assert f"PDF SHA-256: {submission.pdf_sha256}" in body
    assert len(submission.pdf_sha256) == 64
    assert f"Pages: {submission.page_count}" in body
    assert submission.page_count >= 5
    assert "Sent on time" in body
    assert f"Version reference: {built.version.reference}" in body


def test_receipt_says_late_when_sent_after_the_deadline(smtp_server):
    built = evidence_plan()
    round_ = built.version.plan.round
    round_.deadline = timezone.now() - timedelta(days=1)
    round_.save(update_fields=["deadline"])
    submission = services.submission_schedule(version=built.version, not_before=None)
    services.submission_deliver(submission_id=submission.pk)
    assert submission_send_receipt(submission_id=submission.pk) is True
    body = smtp_server.messages[1].message.get_body(preferencelist=("plain",)).get_content()
    assert "Sent after the deadline" in body
    assert "Sent on time" not in body
