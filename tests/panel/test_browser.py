"""Panel journeys in a real browser, with and without JavaScript, axe-checked on every page."""

import csv
import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from councils.models import Council
from plans.models import AuditEvent, DeadlineExtension, PanelNote
from productivity.celery import app
from tests.factories import UserFactory
from tests.panel.factories import REGION, council, drafting_plan, panel_member, submitted_plan
from tests.support.worker import WorkerProcess

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def councils(round_):
    """Testland: three district councils sent their plan, one has not, one unitary sent."""
    sent_at = timezone.now() - timedelta(days=1)
    made = {}
    for name in ["Ashdown", "Brookfield", "Cliffe"]:
        made[name] = council(f"{name} District Council")
        submitted_plan(made[name], round_, sent_at=sent_at, text=f"{name} shares services")
    made["Dunmore"] = council("Dunmore District Council")
    drafting_plan(made["Dunmore"], round_)
    made["Eastwick"] = council("Eastwick Unitary Council", tier=Council.Tier.UNITARY)
    submitted_plan(made["Eastwick"], round_, sent_at=sent_at)
    return made


def _journey(page, check_page, sign_in, round_, councils, *, js: bool):
    user = panel_member(full_name="Pat Panel")
    sign_in(page, user)
    # Signing in lands on the tracker.
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{round_.name}: who has submitted")
    check_page(page, f"tracker-{js}")

    # Search first.
    page.get_by_label("Search by council name or GSS code").fill("brookfield")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_test_id("tracker").locator("tbody tr")).to_have_count(1)
    assert "q=brookfield" in page.url
    page.get_by_role("link", name=re.compile("Remove filter.*Search")).click()

    # Then filters: every district council in Testland that has not submitted yet.
    page.get_by_role("group", name="Tier").get_by_label("District council").check()
    page.get_by_role("group", name="Region").get_by_label(REGION).check()
    page.get_by_label("Not submitted yet").check()
    page.get_by_role("button", name="Apply filters").click()
    rows = page.get_by_test_id("tracker").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Dunmore District Council")
    expect(page.get_by_test_id("tracker-counts")).to_contain_text("0 of 1")
    check_page(page, f"tracker-filtered-{js}")

    # Remove one filter: the district councils in Testland, submitted or not.
    page.get_by_role("link", name=re.compile("Remove filter.*Submitted")).click()
    expect(rows).to_have_count(4)
    assert "tier=district" in page.url and "submitted" not in page.url

    # Open the first submitted plan, read it, move to the next one.
    page.get_by_role("link", name="Ashdown District Council").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ashdown District Council")
    expect(page.locator("#theme-1-p-1")).to_contain_text("Ashdown shares services")
    expect(page.get_by_test_id("position")).to_have_text(
        "Plan 1 of 3 submitted plans in your list."
    )
    check_page(page, f"plan-{js}")
    page.get_by_role("link", name=re.compile("Next plan")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Brookfield District Council")

    # Leave a note.
    page.get_by_label("Note").fill("Good on shared services")
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_test_id("panel-note")).to_contain_text("Good on shared services")
    expect(page.get_by_test_id("panel-note")).to_contain_text("Pat Panel")
    check_page(page, f"plan-with-note-{js}")
    assert PanelNote.objects.get().author == user
    page.get_by_role("link", name=re.compile("Next plan")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cliffe District Council")

    # Back to the same filtered list; export it.
    page.get_by_role("link", name="Back to the list").click()
    assert "tier=district" in page.url
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this list (CSV)").click()
    rows = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert [row[1] for row in rows[1:]] == [
        "Ashdown District Council",
        "Brookfield District Council",
        "Cliffe District Council",
        "Dunmore District Council",
    ]
    page.get_by_role("link", name="Export this list and its PDFs").click()
    check_page(page, f"export-{js}")
    return user


def test_panel_journey_without_javascript(page_without_js, check_page, sign_in, round_, councils):
    _journey(page_without_js, check_page, sign_in, round_, councils, js=False)
    page_without_js.get_by_role("button", name="Build the ZIP of PDFs").click()
    expect(page_without_js.get_by_role("heading", level=1)).to_have_text("ZIP of submitted PDFs")
    expect(page_without_js.get_by_test_id("export-progress")).to_contain_text("0 of 3 PDFs added")
    check_page(page_without_js, "export-progress-no-js")


@pytest.mark.worker
def test_panel_journey_with_javascript_and_a_zip_from_the_worker(
    page,
    check_page,
    sign_in,
    round_,
    councils,
    tmp_path,
):
    app.control.purge()
    worker = WorkerProcess(VAR_DIR=tmp_path / "var").start(log_path=tmp_path / "worker.log")
    try:
        _journey(page, check_page, sign_in, round_, councils, js=True)
        page.get_by_role("button", name="Build the ZIP of PDFs").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("ZIP of submitted PDFs")
        # The page polls and shows the link when the worker has finished, without a reload.
        expect(page.get_by_role("link", name="Download the ZIP file")).to_be_visible(timeout=60_000)
        check_page(page, "export-ready")
        with page.expect_download() as download:
            page.get_by_role("link", name="Download the ZIP file").click()
        with zipfile.ZipFile(download.value.path()) as archive:
            assert [name.split("-")[1] for name in archive.namelist()] == [
                "ashdown",
                "brookfield",
                "cliffe",
            ]
    finally:
        worker.stop()


def test_administrator_grants_an_extension_and_the_tracker_shows_it(
    page_without_js,
    check_page,
    sign_in,
    round_,
    councils,
):
    page = page_without_js
    admin = UserFactory(is_staff=True, is_superuser=True, email="admin@example.gov.uk")
    sign_in(page, admin, path="/sign-in/?next=/admin/plans/deadlineextension/add/")
    # Django's own admin pages are not axe-checked (its theme toggle and split date-time
    # inputs fail axe); the panel's pages that show the extension are.
    page.get_by_label("Council").select_option(label="Dunmore District Council")
    page.get_by_label("Round").select_option(label=round_.name)
    local = timezone.localtime(round_.deadline + timedelta(days=10))
    page.locator('input[name="deadline_0"]').fill(local.strftime("%Y-%m-%d"))
    page.locator('input[name="deadline_1"]').fill("23:59:00")
    page.get_by_label("Reason").fill("The Executive meets after the deadline")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    extension = DeadlineExtension.objects.get()
    assert extension.council == councils["Dunmore"]
    assert AuditEvent.objects.filter(action="deadline_extension_granted", actor=admin).count() == 1

    panel = panel_member()
    page.context.clear_cookies()
    sign_in(page, panel)
    page.goto(f"/panel/{round_.slug}/?q=Dunmore")
    expect(page.get_by_test_id("tracker")).to_contain_text(
        f"Extension granted until {local.day} {local:%B %Y}"
    )
    check_page(page, "tracker-extension")
