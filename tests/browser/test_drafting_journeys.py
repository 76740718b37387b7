"""Officers drafting their plan in a real browser, with and without JavaScript.

Every page visited is checked with axe (WCAG 2.2 A and AA): 0 violations.
"""

import re

import pytest
from playwright.sync_api import expect

from plans.models import Plan, Revision, ThemeSection
from tests.browser.conftest import sign_out
from tests.factories import CouncilFactory, RoundFactory, officer_of
from tests.support.browser import new_context

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
    page.get_by_role("button", name=f"Open the {round_.name.lower()} plan").click()
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
    page.get_by_role("link", name="Check your plan", exact=True).click()
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


# --- Autosave -----------------------------------------------------------------------------------


@pytest.fixture
def drafting_officer(plan):
    return officer_of(plan.council)


def open_theme_directly(page, check_page, plan, number: int, name: str):
    page.goto(f"/plans/{plan.pk}/themes/{number}/")
    expect(page.locator("h1")).to_have_text(re.compile(rf"^Theme {number}: "))
    check_page(page, name)


def test_autosave_saves_while_typing_and_says_when(page, check_page, sign_in, plan):
    officer = officer_of(plan.council)
    sign_in(page, officer, path=f"/plans/{plan.pk}/themes/1/")
    expect(page.locator("h1")).to_have_text("Theme 1: Transforming services")
    check_page(page, "theme-autosave")
    status = page.get_by_role("status")
    expect(status).to_have_text("")

    page.locator("#id_narrative").fill(THEME_1)
    expect(status).to_have_text(re.compile(r"^Saved at \d{1,2}:\d{2}(am|pm)\.$"), timeout=10_000)
    check_page(page, "theme-autosaved")

    page.reload()
    expect(page.locator("#id_narrative")).to_have_value(THEME_1)
    section = ThemeSection.objects.get(plan=plan, theme__number=1)
    assert (section.narrative, section.is_complete, section.edit_count) == (THEME_1, False, 1)
    assert list(plan.revisions.values_list("summary", flat=True)) == ["Autosaved theme 1"]

    # The next save builds on the autosave: no conflict with oneself.
    page.locator("#id_narrative").fill(THEME_1 + "\n\n1.3 A third paragraph.")
    expect(status).to_have_text(re.compile(r"^Saved at "), timeout=10_000)
    page.locator("#id_narrative").press_sequentially(" More.")
    page.get_by_role("radio", name=YES).check()
    page.get_by_role("button", name=SAVE).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Theme 1 saved")
    section.refresh_from_db()
    assert section.narrative == THEME_1 + "\n\n1.3 A third paragraph. More."
    assert section.is_complete is True


def test_autosave_conflict_stops_autosaving_and_explains(
    chromium, live_server, page, check_page, sign_in, plan
):
    first, second = officer_of(plan.council), officer_of(plan.council)
    sign_in(page, second, path=f"/plans/{plan.pk}/themes/1/")
    expect(page.locator("h1")).to_have_text("Theme 1: Transforming services")

    other = new_context(chromium, base_url=live_server.url).new_page()
    try:
        sign_in(other, first, path=f"/plans/{plan.pk}/themes/1/")
        other.locator("#id_narrative").fill("Text from the first officer.")
        other.get_by_role("radio", name=NO).check()
        other.get_by_role("button", name=SAVE).click()
        expect(other.locator(".govuk-notification-banner")).to_contain_text("Theme 1 saved")
    finally:
        other.context.close()

    posts = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
    page.locator("#id_narrative").fill("Text from the second officer.")
    status = page.get_by_role("status")
    expect(status).to_contain_text("Someone else has saved this theme.", timeout=10_000)
    check_page(page, "theme-autosave-conflict")
    assert len(posts) == 1

    # Autosave has stopped: more typing sends nothing.
    page.locator("#id_narrative").press_sequentially(" And more.")
    page.wait_for_timeout(3_500)
    assert len(posts) == 1
    section = ThemeSection.objects.get(plan=plan, theme__number=1)
    assert section.narrative == "Text from the first officer."

    # The Save button shows both texts.
    page.get_by_role("radio", name=NO).check()
    page.get_by_role("button", name=SAVE).click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Someone else saved this theme")
    expect(page.locator("#id_narrative")).to_have_value("Text from the second officer. And more.")
    expect(page.locator("#conflict-text")).to_have_value("Text from the first officer.")


# --- Two editors --------------------------------------------------------------------------------


def test_second_editor_is_refused_and_loses_nothing(
    chromium, live_server, page, check_page, sign_in, plan
):
    editor_a, editor_b = officer_of(plan.council), officer_of(plan.council)
    page_b = new_context(chromium, base_url=live_server.url).new_page()
    try:
        sign_in(page, editor_a, path=f"/plans/{plan.pk}/themes/2/")
        sign_in(page_b, editor_b, path=f"/plans/{plan.pk}/themes/2/")
        expect(page.locator("h1")).to_have_text("Theme 2: Technology and data")
        expect(page_b.locator("h1")).to_have_text("Theme 2: Technology and data")

        page.locator("#id_narrative").fill("A: we share data with the NHS weekly.")
        page.get_by_role("radio", name=NO).check()
        page.get_by_role("button", name=SAVE).click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Theme 2 saved")

        page_b.locator("#id_narrative").fill("B: our data warehouse opened in 2023.")
        page_b.get_by_role("radio", name=NO).check()
        page_b.get_by_role("button", name=SAVE).click()
        summary = page_b.locator(".govuk-error-summary")
        expect(summary).to_contain_text("Someone else saved this theme while you were editing it.")
        expect(page_b.locator("#id_narrative")).to_have_value(
            "B: our data warehouse opened in 2023."
        )
        expect(page_b.locator("#conflict-text")).to_have_value(
            "A: we share data with the NHS weekly."
        )
        expect(page_b.locator("#conflict")).to_contain_text(editor_a.full_name)
        check_page(page_b, "theme-conflict")
        section = ThemeSection.objects.get(plan=plan, theme__number=2)
        assert section.narrative == "A: we share data with the NHS weekly."

        # B combines both texts and saves again: this time it wins, and nothing is lost.
        combined = "A: we share data with the NHS weekly.\n\nB: our data warehouse opened in 2023."
        page_b.locator("#id_narrative").fill(combined)
        page_b.get_by_role("button", name=SAVE).click()
        expect(page_b.locator(".govuk-notification-banner")).to_contain_text("Theme 2 saved")
    finally:
        page_b.context.close()

    section.refresh_from_db()
    assert (section.narrative, section.edit_count, section.updated_by) == (combined, 2, editor_b)
    assert list(plan.revisions.order_by("number").values_list("summary", "author")) == [
        ("Saved theme 2", editor_a.pk),
        ("Saved theme 2", editor_b.pk),
    ]


# --- Who may see a plan -------------------------------------------------------------------------


def test_another_councils_officer_gets_page_not_found(page, check_page, sign_in, plan):
    outsider = officer_of(CouncilFactory())
    sign_in(page, outsider)
    for path in (
        f"/plans/{plan.pk}/",
        f"/plans/{plan.pk}/themes/1/",
        f"/plans/{plan.pk}/check/",
        f"/plans/{plan.pk}/revisions/",
        f"/councils/{plan.council.gss_code}/",
    ):
        response = page.goto(path)
        assert response.status == 404, path
        expect(page.locator("h1")).to_have_text("Page not found")
        assert page.title() == "Page not found – Submit a productivity plan – GOV.UK"
    check_page(page, "404")


def test_signed_out_user_signs_in_and_lands_on_the_page(page, check_page, sign_in, plan):
    officer = officer_of(plan.council)
    response = page.goto(f"/plans/{plan.pk}/themes/3/")
    assert response.status == 200
    expect(page).to_have_url(re.compile(rf"/sign-in/\?next=/plans/{plan.pk}/themes/3/$"))
    sign_in(page, officer, path="")
    expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/themes/3/$"))
    expect(page.locator("h1")).to_have_text("Theme 3: Reducing wasteful spend")
    check_page(page, "theme-3")
    expect(page.locator(".app-letter")).to_contain_text("gold-plated")


def test_wrong_password_shows_an_error(page, check_page, sign_in, plan):
    officer = officer_of(plan.council)
    page.goto("/sign-in/")
    page.get_by_label("Email address").fill(officer.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter a correct email address and password"
    )
    expect(page.get_by_label("Email address")).to_have_value(officer.email)
    check_page(page, "sign-in-error")


def test_public_pages_are_accessible(page, check_page):
    for path, heading in (
        ("/accessibility/", "Accessibility statement for Submit a productivity plan"),
        ("/cookies/", "Cookies"),
    ):
        page.goto(path)
        expect(page.locator("h1")).to_have_text(heading)
        check_page(page, path.strip("/"))


# --- Keyboard -----------------------------------------------------------------------------------


@pytest.mark.parametrize("js", [True, False], ids=["javascript", "no-javascript"])
def test_theme_can_be_completed_with_the_keyboard_alone(js, request, check_page, sign_in, plan):
    page = request.getfixturevalue("page" if js else "page_without_js")
    officer = officer_of(plan.council)
    sign_in(page, officer, path=f"/plans/{plan.pk}/themes/1/")
    expect(page.locator("h1")).to_have_text("Theme 1: Transforming services")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    check_page(page, f"skip-link-{'js' if js else 'nojs'}")
    page.keyboard.press("Enter")
    if js:
        # The script moves focus and keeps the fragment out of the address (static/js/app.mjs).
        expect(page.locator("#main-content")).to_be_focused()
        assert not page.url.endswith("#main-content")
    else:
        expect(page).to_have_url(re.compile(r"#main-content$"))

    page.keyboard.press("Tab")
    expect(page.locator("#id_narrative")).to_be_focused()
    page.keyboard.type("1.1 Typed with the keyboard alone.")
    page.keyboard.press("Tab")
    expect(page.get_by_role("radio", name=YES)).to_be_focused()
    page.keyboard.press("Space")
    expect(page.get_by_role("radio", name=YES)).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name=SAVE)).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator(".govuk-notification-banner")).to_contain_text("Theme 1 saved")
    assert theme_status(page, 1) == "Completed"
    section = ThemeSection.objects.get(plan=plan, theme__number=1)
    assert (section.narrative, section.is_complete) == ("1.1 Typed with the keyboard alone.", True)


def test_sign_out_button_looks_and_focuses_like_the_navigation_links(
    page, check_page, sign_in, plan
):
    sign_in(page, officer_of(plan.council), path=f"/plans/{plan.pk}/")
    link = page.get_by_role("link", name="Your council")
    button = page.get_by_role("button", name=re.compile(r"^Sign out"))
    style = (
        "e => { const s = getComputedStyle(e);"
        " return [s.color, s.fontFamily, s.fontSize, s.backgroundColor, s.borderTopWidth]; }"
    )
    assert button.evaluate(style) == link.evaluate(style)
    button.focus()
    focused = button.evaluate(
        "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]"
    )
    assert focused == ["rgb(255, 221, 0)", "rgb(11, 12, 12)"]
    check_page(page, "sign-out-focused")
    button.press("Enter")
    expect(page).to_have_url(re.compile(r"/sign-in/$"))


def test_pages_work_on_a_small_screen(page, check_page, sign_in, plan):
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, officer_of(plan.council), path=f"/plans/{plan.pk}/themes/1/")
    check_page(page, "theme-1-mobile")
    page.get_by_role("button", name="Menu").click()
    expect(page.get_by_role("button", name=re.compile(r"^Sign out"))).to_be_visible()
    check_page(page, "theme-1-mobile-menu")
    page.goto(f"/plans/{plan.pk}/")
    check_page(page, "tasklist-mobile")


def test_leaving_warns_only_while_a_save_is_pending(page, sign_in, plan):
    sign_in(page, officer_of(plan.council), path=f"/plans/{plan.pk}/themes/1/")
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.locator("#id_narrative").click()
    page.keyboard.type("Words not saved yet.")
    page.get_by_role("link", name="Back to your plan").click()
    expect(page.get_by_role("status")).to_have_text(re.compile(r"^Saved at "), timeout=10_000)
    assert dialogs == ["beforeunload"]
    expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/themes/1/$"))

    page.get_by_role("link", name="Back to your plan").click()
    expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/$"))
    assert dialogs == ["beforeunload"]
    assert ThemeSection.objects.get(plan=plan, theme__number=1).narrative == (
        "Words not saved yet."
    )
