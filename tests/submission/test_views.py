import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import PageCountEstimate, Submission
from plans.services.delivery import submission_schedule
from tests.factories import PlanFactory, officer_of
from tests.submission.factories import approved_version
from tests.support.mfa import force_login_verified

pytestmark = pytest.mark.django_db


def _sent(version, **extra):
    submission = submission_schedule(version=version, not_before=None)
    values = {
        "status": "sent",
        "sent_at": timezone.now(),
        "is_late": False,
        "pdf": b"%PDF-1.7 test",
        "pdf_sha256": "a" * 64,
        "page_count": 5,
        **extra,
    }
    Submission.objects.filter(pk=submission.pk).update(**values)
    return Submission.objects.get(pk=submission.pk)


def test_submission_status_json_reports_progress_and_retry_time(client):
    version = approved_version()
    submission = submission_schedule(version=version, not_before=None)
    retry = datetime(2027, 7, 15, 14, 5, tzinfo=ZoneInfo("Europe/London"))
    Submission.objects.filter(pk=submission.pk).update(
        attempts=1, failure_reason="The mail server did not accept the email.", next_retry_at=retry
    )
    force_login_verified(client, version.created_by)
    response = client.get(reverse("plans:submission_status", args=[version.plan_id]))
    assert response.status_code == 200
    data = response.json()
    assert (data["status"], data["finished"], data["attempts"]) == ("queued", False, 1)
    assert data["next_retry_at"] == "2:05pm"
    assert "We will retry at 2:05pm." in data["html"]


def test_submission_status_json_other_council_gets_404(client):
    version = approved_version()
    submission_schedule(version=version, not_before=None)
    force_login_verified(client, officer_of(PlanFactory().council))
    response = client.get(reverse("plans:submission_status", args=[version.plan_id]))
    assert response.status_code == 404


def test_submission_status_json_without_submission_gets_404(client):
    plan = PlanFactory()
    force_login_verified(client, officer_of(plan.council))
    assert client.get(reverse("plans:submission_status", args=[plan.pk])).status_code == 404


def test_plan_page_shows_the_receipt_when_sent(client):
    version = approved_version()
    submission = _sent(version)
    force_login_verified(client, version.created_by)
    response = client.get(reverse("plans:tasklist", args=[version.plan_id]))
    assert response.status_code == 200
    html = response.content.decode()
    assert submission.reference in html
    assert "a" * 64 in html
    assert "Yes, before the deadline" in html
    assert "data-submission-polling" not in html


def test_plan_page_polls_while_in_progress(client):
    version = approved_version()
    submission_schedule(version=version, not_before=None)
    force_login_verified(client, version.created_by)
    html = client.get(reverse("plans:tasklist", args=[version.plan_id])).content.decode()
    assert "data-submission-polling" in html
    assert "js/submission-status.mjs" in html


def test_check_page_shows_the_length_meter_as_a_warning(client):
    plan = PlanFactory()
    PageCountEstimate.objects.create(plan=plan, pages=7, counted_revision=0)
    force_login_verified(client, officer_of(plan.council))
    html = client.get(reverse("plans:check", args=[plan.pk])).content.decode()
    assert "This plan would print to 7 pages (expected 3 to 4)" in html
    assert "govuk-warning-text" in html


def test_published_plan_is_public_once_sent(client):
    version = approved_version()
    submission = _sent(version)
    council = version.plan.council
    url = reverse("plans:published_plan", args=[council.gss_code, version.plan.round.slug])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{council.name}: productivity plan" in html
    assert submission.version.reference in html
    assert "1.1 We moved our customer contact" in html
    pdf = client.get(url + "plan.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content == b"%PDF-1.7 test"


def test_published_plan_approved_but_not_sent_is_404(client):
    version = approved_version()
    submission_schedule(version=version, not_before=None)
    url = reverse(
        "plans:published_plan", args=[version.plan.council.gss_code, version.plan.round.slug]
    )
    assert client.get(url).status_code == 404
    assert client.get(url + "plan.pdf").status_code == 404


def test_published_plan_draft_is_404(client):
    plan = PlanFactory()
    url = reverse("plans:published_plan", args=[plan.council.gss_code, plan.round.slug])
    assert client.get(url).status_code == 404


def test_admin_retry_action_requeues_failed_submissions(admin_client):
    version = approved_version()
    submission = submission_schedule(version=version, not_before=None)
    Submission.objects.filter(pk=submission.pk).update(status="failed", attempts=8)
    response = admin_client.post(
        reverse("admin:plans_submission_changelist"),
        {"action": "retry_failed_submissions", "_selected_action": [submission.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert re.search(r"1 submission queued to try again", response.content.decode())
    submission.refresh_from_db()
    assert (submission.status, submission.attempts) == ("queued", 0)
