"""The pages with tables of actions and revisions fit a 320 CSS pixel wide screen (WCAG 1.4.10
Reflow): nothing scrolls sideways, and axe finds no WCAG 2.2 A/AA violation at that width."""

import re
from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from plans.services import evidence as services
from tests.factories import PASSWORD
from tests.submission.evidence import evidence_plan
from tests.submission.test_public import sent
from tests.support.browser import new_context
from tests.support.evidence import one_of_each
from tests.support.mfa import pass_second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 320


@pytest.fixture
def narrow_page(chromium, live_server):
    context = new_context(
        chromium, base_url=live_server.url, viewport={"width": WIDTH, "height": 800}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def sign_in(page, user):
    # At this width the header's links fold behind a "Menu" button: the council's page shows.
    page.goto(reverse("login"))
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    pass_second_factor(page, user)
    expect(page).not_to_have_url(re.compile("sign-in"))


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_action_and_revision_tables_fit_a_320_pixel_screen(
    narrow_page, plan, officer, assert_accessible
):
    page = narrow_page
    one_of_each(plan, officer)
    services.action_create(
        plan_id=plan.pk,
        theme_number=1,
        user=officer,
        fields={
            "kind": "will_do",
            "description": "Open a shared customer contact centre with our neighbours",
            "workstream": "Customer contact",
            "milestone_date": date(2025, 9, 30),
            "owner": "Head of Customer Services",
            "status": "in_progress",
        },
    )
    sign_in(page, officer)

    page.goto(reverse("plans:check", args=[plan.pk]))
    expect(
        page.get_by_text("Open a shared customer contact centre with our neighbours")
    ).to_be_visible()
    assert page_width(page) <= WIDTH, "Check your plan"
    assert_accessible(page)

    page.goto(reverse("plans:theme_evidence", args=[plan.pk, 1]))
    action = "action: Open a shared customer contact centre with our neighbours"
    change = page.get_by_role("link", name=f"Change {action}")
    expect(change).to_be_visible()
    expect(page.get_by_role("link", name=f"Delete {action}")).to_be_visible()
    expect(page.get_by_role("link", name="Change saving: New income and savings")).to_be_visible()
    assert page_width(page) <= WIDTH, "KPIs, actions and savings"
    assert_accessible(page)
    # The links still lead where they did.
    change.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("action")
    page.go_back()

    page.goto(reverse("plans:revisions", args=[plan.pk]))
    expect(page.get_by_role("link", name="See changes in revision 2")).to_be_visible()
    assert page_width(page) <= WIDTH, "Revisions"
    assert_accessible(page)

    version = evidence_plan().version
    sent(version)
    published = version.plan
    page.goto(
        reverse("plans:published_plan", args=[published.council.gss_code, published.round.slug])
    )
    expect(page.get_by_text("Open a shared customer contact centre")).to_be_visible()
    assert page_width(page) <= WIDTH, "Published plan"
    assert_accessible(page)
