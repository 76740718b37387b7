"""The length meter follows the draft: every saved change asks for one coalesced page count."""

import pytest
from django.db import transaction
from django.urls import reverse

from plans.content import plan_content
from plans.models import PageCountEstimate, Plan, ThemeSection
from plans.pdf.document import plan_pdf_html
from plans.pdf.render import render_isolated
from plans.services.drafting import section_save
from plans.services.length_meter import EMPTY_SIGN_OFF
from plans.services.revisions import plan_record_change
from productivity.celery import app
from tests.factories import PlanFactory, officer_of
from tests.submission.factories import typical_narrative
from tests.support.broker import queued_tasks
from tests.support.mfa import force_login_verified
from tests.support.worker import WorkerProcess, wait_for


def _save_theme(plan: Plan, user, number: int, text: str) -> None:
    section = ThemeSection.objects.get(plan=plan, theme__number=number)
    section_save(
        section_id=section.pk,
        narrative=text,
        is_complete=True,
        base_edit_count=section.edit_count,
        user=user,
    )


@pytest.mark.django_db
def test_plan_record_change_saving_twice_queues_one_count(
    django_capture_on_commit_callbacks, clean_broker
):
    """Two quick saves of a theme leave exactly one count queued, wanting the latest revision."""
    plan = PlanFactory()
    officer = officer_of(plan.council)
    with django_capture_on_commit_callbacks(execute=True):
        _save_theme(plan, officer, 1, "1.1 We merged our customer teams.")
    with django_capture_on_commit_callbacks(execute=True):
        _save_theme(plan, officer, 1, "1.1 We merged our customer teams and closed two offices.")
    plan.refresh_from_db()
    assert plan.revision_count == 2
    assert queued_tasks() == [("page_count_refresh_task", (plan.pk,))]
    assert PageCountEstimate.objects.count() == 1
    estimate = PageCountEstimate.objects.get(plan=plan)
    assert estimate.status == PageCountEstimate.Status.QUEUED
    assert estimate.wanted_revision == 2
    assert estimate.counted_revision == 0


@pytest.mark.django_db
def test_plan_record_change_rolled_back_requests_no_count(
    django_capture_on_commit_callbacks, clean_broker
):
    """A change whose transaction rolls back requests no count."""
    plan = PlanFactory()
    officer = officer_of(plan.council)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            locked = Plan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
            plan_record_change(plan=locked, user=officer, summary="Saved theme 1")
            raise RuntimeError("rolled back")
    assert callbacks == []
    assert queued_tasks() == []
    assert PageCountEstimate.objects.count() == 0
    assert Plan.objects.get(pk=plan.pk).revision_count == 0


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_plan_record_change_real_worker_shows_the_real_page_count(client, tmp_path, settings):
    """Saving themes makes the worker count the draft; the check page shows that exact count."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    app.control.purge()
    plan = PlanFactory()
    officer = officer_of(plan.council)
    worker = WorkerProcess().start(log_path=tmp_path / "worker.log")
    try:
        for number in (1, 2, 3, 4):
            _save_theme(plan, officer, number, typical_narrative(number, paragraphs=6))
        plan.refresh_from_db()
        estimate = wait_for(
            lambda: PageCountEstimate.objects.filter(
                plan=plan,
                status=PageCountEstimate.Status.IDLE,
                counted_revision=plan.revision_count,
                pages__isnull=False,
            ).first(),
            timeout=120,
            message="The worker did not count the draft's pages",
        )
    finally:
        worker.stop()
    expected = render_isolated(
        plan_pdf_html(
            content=plan_content(plan),
            reference="draft",
            sha256="draft",
            sign_off=EMPTY_SIGN_OFF,
        )
    ).body_pages
    assert plan.revision_count == 4
    assert estimate.pages == expected
    assert estimate.error == ""
    force_login_verified(client, officer)
    response = client.get(reverse("plans:check", args=[plan.pk]))
    assert response.status_code == 200
    page = "page" if expected == 1 else "pages"
    assert f"This plan would print to {expected} {page}" in response.content.decode()
