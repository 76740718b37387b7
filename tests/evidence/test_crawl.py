"""Every page each role can reach, checked with axe (WCAG 2.2 A and AA) at 1280 pixels and at
320 × 800, where no page may scroll sideways (WCAG 1.4.10 Reflow).

Headless Chromium signs in as each role and crawls from the role's start page (see
tests/support/crawl.py for what it follows, fetches and submits). The world is the demo's
(`make run`: four councils' plans at every stage, the panel's 21 sent plans, notes, codes,
extracts and a memo) plus a version sent back with changes, edits since, and invitations.
Django's own admin is third-party: only its index page is crawled.

The test fails once, at the end, listing every problem on every page; the pages visited per
role go to the output (`-s`), and to the file named by CRAWL_REPORT when it is set.
"""

import os
import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from councils.models import Council, Membership, User
from councils.services import councils_load
from councils.services.people import (
    invitation_create,
    invitation_create_first_officer,
    invitation_create_panel_member,
)
from plans.codebook import codebook_seed
from plans.demo import DEMO_PASSWORD, demo_seed
from plans.demo import panel as demo_panel
from plans.letter_2024 import ROUND_2024, THEMES_2024
from plans.models import Code, GuidingQuestion, Plan, Round, Submission, Theme, ThemeSection
from plans.rounds import round_seed_themes
from plans.services.drafting import section_save
from plans.services.evidence import saving_create
from plans.services.panel import panel_note_add
from tests.panel.factories import corrected_version
from tests.panel.factories import send as send_version
from tests.support.browser import new_context
from tests.support.crawl import DESKTOP, Crawler
from tests.support.mfa import pass_second_factor
from tests.support.signoff import request_changes, send

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each role's start, and the pages (URL pattern names) it must reach: a broken link or a page
# that stops rendering its links cannot shrink the crawl unnoticed.
ROLES = {
    "signed out": {
        "email": None,
        "must_reach": {
            "login",
            "councils:password_reset",
            "accessibility",
            "cookies",
            "plans:published_plan",
        },
    },
    "officer who manages people": {
        "email": "officer@sevenoaks.example.gov.uk",
        "must_reach": {
            "plans:council",
            "plans:tasklist",
            "plans:section_edit",
            "plans:theme_evidence",
            "plans:coverage",
            "plans:check",
            "plans:revisions",
            "plans:revision_compare",
            "plans:kpis",
            "plans:kpi_add",
            "plans:kpi_detail",
            "plans:kpi_edit",
            "plans:kpi_import",
            "plans:actions_add",
            "plans:actions_edit",
            "plans:savings_add",
            "plans:savings_edit",
            "plans:barriers_add",
            "plans:barriers_edit",
            "plans:partners_add",
            "plans:strategies_add",
            "plans:spend_figures",
            "plans:context",
            "plans:plan_cost",
            "plans:timeline",
            "plans:sign_off",
            "councils:people",
            "councils:membership_change",
            "mfa:account",
            "councils:password_change",
        },
    },
    "officer": {
        "email": "officer2@sevenoaks.example.gov.uk",
        # The same forms as the officer who manages people's, whose crawl submits them empty.
        "submit_forms": False,
        "must_reach": {"plans:council", "plans:tasklist", "plans:check", "plans:kpis"},
    },
    "councillor": {
        "email": "leader@dacorum.example.gov.uk",
        "must_reach": {"plans:sign_off", "plans:check"},
    },
    "statutory officer": {
        "email": "monitoring@dacorum.example.gov.uk",
        "must_reach": {"plans:sign_off", "plans:statutory_comment"},
    },
    "panel member": {
        "email": "panel@example.gov.uk",
        "must_reach": {
            "plans:panel_home",
            "plans:panel_tracker",
            "plans:panel_plan",
            "plans:panel_plan_compare",
            "plans:panel_note_add",
            "plans:panel_note_edit",
            "plans:panel_code_passage",
            "plans:panel_matrix",
            "plans:panel_quotes",
            "plans:panel_analysis_search",
            "plans:panel_analysis_compare",
            "plans:panel_analysis_evidence",
            "plans:panel_codebook",
            "plans:panel_code",
            "plans:panel_code_add",
            "plans:panel_code_edit",
            "plans:panel_code_memo",
        },
    },
    "ministry administrator": {
        "email": "admin@example.gov.uk",
        "starts": ["/", "/admin/"],
        "must_reach": {"councils:ministry_people", "admin:index"},
    },
}
# Each theme's pages are visited once per theme.
THEME_PAGES = {"plans:section_edit", "plans:theme_evidence", "plans:coverage"}
MAX_PAGES_PER_ROLE = 120


def reference_data() -> Round:
    """The councils and the 2024 round as the migrations load them (a transactional test that
    ran earlier in the session empties every table)."""
    if not Council.objects.filter(gss_code="E07000111").exists():
        councils_load()
    values = dict(ROUND_2024)
    values["opens_at"] = datetime.fromisoformat(values["opens_at"])
    values["deadline"] = datetime.fromisoformat(values["deadline"])
    round_2024, created = Round.objects.get_or_create(slug=values.pop("slug"), defaults=values)
    if created:
        round_seed_themes(round_2024, THEMES_2024, Theme=Theme, GuidingQuestion=GuidingQuestion)
        codebook_seed(round_2024, Code=Code, Theme=Theme)
    return round_2024


@pytest.fixture
def world(monkeypatch, settings, tmp_path):
    """The demo, with Sevenoaks' plan sent back with changes and edited since (versions,
    revisions, a timeline, a saving), invitations pending for the council, a first officer and
    the panel, and the first council on the panel's tracker with a correction sent and a note."""
    settings.SUBMISSION_PDF_DIR = tmp_path / "pdf"
    settings.PANEL_EXPORT_DIR = tmp_path / "exports"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr(
        demo_panel,
        "submission_render",
        lambda *, version: SimpleNamespace(
            pdf=b"%PDF-1.7 demo " + version.sha256.encode(), page_count=5, seconds=0.1
        ),
    )
    round_2024 = reference_data()
    demo_seed()
    admin = User.objects.get(email="admin@example.gov.uk")
    demo_panel.demo_panel_seed(round_2024=round_2024, admin=admin)

    plan = Plan.objects.get(council__gss_code="E07000111", round=round_2024)
    officer = User.objects.get(email=ROLES["officer who manages people"]["email"])
    leader = User.objects.get(email="leader@sevenoaks.example.gov.uk")
    request_changes(send(plan, officer, [leader]), leader, comment="Say what the hub saves.")
    section = ThemeSection.objects.get(plan=plan, theme__number=1)
    section_save(
        section_id=section.pk,
        narrative=section.narrative + "\n\n1.9 The hub saves £120,000 a year.",
        is_complete=True,
        base_edit_count=section.edit_count,
        user=officer,
    )
    invitation_create(
        inviter=officer,
        council=plan.council,
        email="new.officer@sevenoaks.example.gov.uk",
        role=Membership.Role.OFFICER,
        title="Policy Officer",
    )
    invitation_create_first_officer(
        inviter=admin, council=Council.objects.get(gss_code="E07000112"), email="a@example.org"
    )
    invitation_create_panel_member(inviter=admin, email="new.panel@example.gov.uk")
    saving_create(
        plan_id=plan.pk,
        theme_number=1,
        user=officer,
        fields={
            "workstream": "Customer contact",
            "description": "One contact centre with our neighbours",
            "amount": Decimal("120000"),
            "start_year": 2024,
            "end_year": 2026,
            "period_label": "a year",
            "is_cashable": True,
        },
    )
    # The panel reads the first council on its tracker first: a correction sent since, and a
    # note of the panel member's own.
    first = (
        Submission.objects.filter(status=Submission.Status.SENT)
        .order_by("plan__council__name")
        .first()
        .plan
    )
    send_version(corrected_version(first, narratives={1: "1.1 Corrected.", 2: "", 3: "", 4: ""}))
    panel = User.objects.get(email=ROLES["panel member"]["email"])
    panel_note_add(user=panel, plan=first, text="Ask about the shared contact centre.")
    published = Submission.objects.filter(status=Submission.Status.SENT).first().plan
    return SimpleNamespace(
        published=reverse(
            "plans:published_plan", args=[published.council.gss_code, published.round.slug]
        )
    )


def sign_in(page, email: str) -> None:
    page.goto(reverse("login"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    pass_second_factor(page, User.objects.get(email=email))
    expect(page).not_to_have_url(re.compile("sign-in"))


def missing_pages(role: str, crawl) -> list[str]:
    missing = sorted(ROLES[role]["must_reach"] - crawl.names)
    problems = [f"[{role}] never reached {name}" for name in missing]
    if role == "officer who manages people":
        for name in sorted(THEME_PAGES):
            themes = sum(visit.name == name and visit.how == "page" for visit in crawl.visits)
            if themes < 4:
                problems.append(f"[{role}] reached {name} for {themes} of the 4 themes")
    return problems


def test_every_page_each_role_reaches_is_accessible_at_1280_and_320_pixels(
    chromium, live_server, world, record_property
):
    """No page any role reaches answers 404 or 5xx, has an axe violation at either width,
    scrolls sideways at 320 pixels or breaks the CSP; and each role reaches its must-reach
    pages."""
    failures, reports, checked_by_others = [], [], set()
    for role, spec in ROLES.items():
        context = new_context(chromium, base_url=live_server.url, viewport=DESKTOP)
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            starts = spec.get("starts", ["/"])
            if spec["email"] is None:
                starts.append(world.published)  # residents arrive from the council's website
            else:
                sign_in(page, spec["email"])
            crawler = Crawler(
                page,
                origin=live_server.url,
                role=role,
                max_pages=MAX_PAGES_PER_ROLE,
                submit_forms=spec.get("submit_forms", True),
                checked_by_others=checked_by_others,
            )
            crawl = crawler.run(starts)
        finally:
            context.close()
        failures += crawl.failures + missing_pages(role, crawl)
        reports.append(crawl.report())
        record_property(f"pages: {role}", sum(v.how != "download" for v in crawl.visits))

    report = "\n\n".join(reports)
    print(report)
    if os.environ.get("CRAWL_REPORT"):
        Path(os.environ["CRAWL_REPORT"]).parent.mkdir(parents=True, exist_ok=True)
        Path(os.environ["CRAWL_REPORT"]).write_text(report + "\n")
    assert failures == [], f"{len(failures)} problems:\n" + "\n".join(failures)
