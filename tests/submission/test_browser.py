import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import Submission
from plans.services.delivery import submission_schedule
from tests.factories import PASSWORD
from tests.submission.factories import approved_version
from tests.support.mfa import pass_second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, user):
    page.goto(reverse("login"))
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    pass_second_factor(page, user)


def test_submission_progress_updates_without_reload_and_is_accessible(page, assert_accessible):
    version = approved_version()
    submission = submission_schedule(version=version, not_before=None)
    _sign_in(page, version.created_by)
    page.goto(reverse("plans:tasklist", args=[version.plan_id]))
    assert page.get_by_text("Submission to the ministry").is_visible()
    assert_accessible(page)
    Submission.objects.filter(pk=submission.pk).update(
        status="sent",
        sent_at=timezone.now(),
        is_late=False,
        pdf=b"%PDF",
        pdf_sha256="b" * 64,
        page_count=5,
    )
    page.get_by_text("Sent to the ministry").wait_for(timeout=10_000)
    assert page.get_by_text(submission.reference).is_visible()
    assert_accessible(page)


def test_published_plan_page_is_accessible_without_signing_in(page, assert_accessible):
    version = approved_version()
    submission = submission_schedule(version=version, not_before=None)
    Submission.objects.filter(pk=submission.pk).update(
        status="sent", sent_at=timezone.now(), pdf=b"%PDF", pdf_sha256="c" * 64, page_count=5
    )
    plan = version.plan
    page.goto(reverse("plans:published_plan", args=[plan.council.gss_code, plan.round.slug]))
    assert page.get_by_role("link", name="Download the plan (PDF, 5 pages)").is_visible()
    assert_accessible(page)


def test_submission_progress_without_javascript_shows_the_status_at_load(page_without_js):
    version = approved_version()
    submission_schedule(version=version, not_before=None)
    _sign_in(page_without_js, version.created_by)
    page_without_js.goto(reverse("plans:tasklist", args=[version.plan_id]))
    assert page_without_js.get_by_text("Reload the page to see progress.").is_visible()
