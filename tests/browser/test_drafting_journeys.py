"""Officers drafting their plan in a real browser, with and without JavaScript.

Every page visited is checked with axe (WCAG 2.2 A and AA): 0 violations.
"""

import re

import pytest
from playwright.sync_api import expect

from plans.models import Plan, Revision, ThemeSection
from tests.browser.conftest import sign_out
from tests.factories import CouncilFactory, RoundFactory, officer_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THEME_1 = """## How we have changed

1.1 We merged our customer contact teams into one service in 2023.

1.2 We now measure productivity as the cost of each transaction, reported every quarter.

- Online forms for every common request
- A revenues and benefits service shared with our neighbours

| Measure | 2022 to 2023 | 2023 to 2024 |
| --- | --- | --- |
| Calls answered first time | 71% | 84% |
| Cost per transaction | £4.10 | £3.25 |"""

THEME_2 = """## Data we hold

2.1 Our data warehouse joins housing, council tax and benefits records.

2.2 We publish our spending data every month.

- A single customer record
- Dashboards for every service manager

| System | Replaced by |
| --- | --- |
| Revenues system from 2004 | Cloud service in 2025 |"""

SAVE = "Save and return to your plan"
YES = re.compile(r"^Yes, I.ve completed this theme")
NO = re.compile(r"^No, I.ll come back to it later")


def theme_status(page, number: int) -> str:
    return page.locator(f"#theme-{number}-status").inner_text().strip()


def open_theme(page, check_page, number: int):
    page.get_by_role("link", name=re.compile(rf"^{number}\. ")).click()
    expect(page.locator("h1")).to_have_text(re.compile(rf"^Theme {number}: "))
    check_page(page, f"theme-{number}")


def write_theme(page, text: str, *, complete: bool):
    page.locator("#id_narrative").fill(text)
    page.get_by_role("radio", name=YES if complete else NO).check()
    page.get_by_role("button", name=SAVE).click()
    expect(page.locator("h1")).to_have_text(re.compile(r"^Test round"))


def draft_two_themes(page, check_page, sign_in, *, js: bool):
    """Journey shared by the JavaScript-on and -off runs; returns the officer's plan."""
    round_ = RoundFactory()
    council = CouncilFactory()
    officer = officer_of(council)

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/$"))
    sign_in(page, officer, path="")
    expect(page.locator("h1")).to_have_text(council.name)
    check_page(page, "council")

    page.get_by_role("button", name=f"Start the {round_.name.lower()} plan").click()
    expect(page.locator("h1")).to_have_text(round_.name)
    check_page(page, "tasklist-new")
    assert [theme_status(page, n) for n in (1, 2, 3, 4)] == ["Not started"] * 4
    expect(page.locator("[data-testid=completed-count]")).to_have_text(
        "You have completed 0 of 4 themes."
    )

    # Theme 1: the guiding questions sit beside the box; a wrong answer shows errors.
    open_theme(page, check_page, 1)
    expect(page.get_by_role("complementary", name="Questions to consider")).to_contain_text(
        "How do you measure productivity in your organisation?"
    )
    page.locator("#id_narrative").fill(THEME_1)
    page.get_by_role("button", name=SAVE).click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_text(
        ["Select whether you have completed this theme"]
    )
    assert page.title().startswith("Error: ")
    # Nothing typed is lost on error.
    expect(page.locator("#id_narrative")).to_have_value(THEME_1)
    check_page(page, f"theme-1-errors-{'js' if js else 'nojs'}")
    page.get_by_role("radio", name=YES).check()
    page.get_by_role("button", name=SAVE).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Theme 1 saved")
    check_page(page, "tasklist-saved")

    # Theme 2: marking an empty theme as completed is refused next to the box.
    open_theme(page, check_page, 2)
    page.get_by_role("radio", name=YES).check()
    page.get_by_role("button", name=SAVE).click()
    expect(page.locator(".govuk-error-summary").get_by_role("link")).to_have_text(
        ["Enter your answer for this theme"]
    )
    expect(page.locator("#div_id_narrative .govuk-error-message")).to_contain_text(
        "Enter your answer for this theme"
    )
    check_page(page, "theme-2-errors")
    if js:
        # GOV.UK Frontend moves focus to the field the error is about.
        page.get_by_role("link", name="Enter your answer for this theme").click()
        expect(page.locator("#id_narrative")).to_be_focused()
    write_theme(page, THEME_2, complete=False)

    sign_out(page)
    sign_in(page, officer, path="")
    expect(page.locator("h1")).to_have_text(council.name)
    page.get_by_role("link", name=f"Open the {round_.name.lower()} plan").click()
    expect(page.locator("h1")).to_have_text(round_.name)
    check_page(page, "tasklist")
    assert [theme_status(page, n) for n in (1, 2, 3, 4)] == [
        "Completed",
        "In progress",
        "Not started",
        "Not started",
    ]
    expect(page.locator("[data-testid=completed-count]")).to_have_text(
        "You have completed 1 of 4 themes."
    )

    open_theme(page, check_page, 1)
    expect(page.locator("#id_narrative")).to_have_value(THEME_1)
    expect(page.get_by_role("radio", name=YES)).to_be_checked()
    page.get_by_role("link", name="Back to your plan").click()
    open_theme(page, check_page, 2)
    expect(page.locator("#id_narrative")).to_have_value(THEME_2)
    expect(page.get_by_role("radio", name=NO)).to_be_checked()
    page.get_by_role("link", name="Back to your plan").click()

    # Check your plan reads as the plan, in order, and names the empty themes.
    page.get_by_role("link", name="Check your plan").click()
    expect(page.locator("h1")).to_have_text(f"{council.name}: {round_.name}")
    check_page(page, "check")
    headings = page.locator("main h2.app-plan__theme-title").all_inner_texts()
    assert [h.split(".")[0] for h in headings] == ["1", "2", "3", "4"]
    expect(page.get_by_role("heading", name="How we have changed")).to_be_visible()
    expect(page.locator("main table").first.get_by_role("cell", name="£3.25")).to_be_visible()
    expect(page.locator("[data-testid=empty-themes] a")).to_have_text(
        ["Theme 3: Reducing wasteful spend", "Theme 4: Barriers to progress"]
    )
    page.get_by_role("link", name="Back to your plan").click()

    # Every save is a revision; two of them can be compared.
    page.get_by_role("link", name=re.compile(r"^See every saved revision")).click()
    expect(page.locator("h1")).to_have_text("Revisions")
    check_page(page, "revisions")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Saved theme 2")
    page.get_by_role("button", name="Compare").click()
    expect(page.locator("h1")).to_have_text("Changes between revisions 2 and 3")
    check_page(page, "compare")
    added = page.locator(".app-diff__line--added")
    expect(added.first).to_contain_text("Added")
    expect(page.locator(".app-diff")).to_contain_text("2.1 Our data warehouse")

    return Plan.objects.get(council=council, round=round_)


def test_officer_drafts_two_themes_and_finds_them_again(page, check_page, sign_in):
    plan = draft_two_themes(page, check_page, sign_in, js=True)

    sections = {s.theme.number: s for s in ThemeSection.objects.filter(plan=plan)}
    assert sections[1].narrative == THEME_1
    assert sections[1].is_complete is True
    assert sections[2].narrative == THEME_2
    assert sections[2].is_complete is False
    assert list(plan.revisions.order_by("number").values_list("summary", flat=True)) == [
        "Started the plan",
        "Saved theme 1",
        "Saved theme 2",
    ]


def test_officer_drafts_two_themes_without_javascript(page_without_js, check_page, sign_in):
    plan = draft_two_themes(page_without_js, check_page, sign_in, js=False)

    assert ThemeSection.objects.get(plan=plan, theme__number=1).narrative == THEME_1
    assert ThemeSection.objects.get(plan=plan, theme__number=2).narrative == THEME_2
    assert Revision.objects.filter(plan=plan).count() == 3
