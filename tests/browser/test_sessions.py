"""Sessions in a real browser: the timeout warning, and a session that ends mid-edit losing
nothing. Every page checked with axe and for CSP violations (0 of each)."""

import re

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from plans.models import ThemeSection
from tests.support.browser import csp_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "1.1 We joined our contact centres.\n\n1.2 Typed while the session ran out."
MORE = "\n\n1.3 And this line after it ended."


def test_session_ends_mid_edit_and_the_text_comes_back_after_sign_in(
    page, check_page, sign_in, plan, officer
):
    theme = f"/plans/{plan.pk}/themes/1/"
    sign_in(page, officer, path=theme)
    expect(page.locator("h1")).to_have_text(re.compile(r"^Theme 1: "))
    page.locator("#id_narrative").fill(TEXT)
    expect(page.locator("[data-autosave-status]")).to_have_text(re.compile(r"^Saved at "))

    # The session ends (as after 30 minutes): autosave says so and keeps the text.
    Session.objects.all().delete()
    page.locator("#id_narrative").press("End")
    page.locator("#id_narrative").type(MORE)
    expect(page.locator("[data-autosave-status]")).to_have_text(
        "You have been signed out, so your text has not been saved. It is still here: use "
        "the Save button, sign in again, and your text will be kept.",
        timeout=15_000,
    )
    expect(page.locator("#id_narrative")).to_have_value(TEXT + MORE)

    # Save asks for sign-in, then the theme page shows the text once, with a banner.
    page.get_by_role("button", name="Save and return to your plan").click()
    page.wait_for_url(re.compile(r"/sign-in/\?next="))
    sign_in(page, officer, path="")
    expect(page).to_have_url(re.compile(rf"{theme}$"))
    banner = page.get_by_role("region", name="Important")
    expect(banner).to_have_text(
        re.compile(r"You were signed out\. Your unsaved text is below: check it and save\.")
    )
    expect(page.locator("#id_narrative")).to_have_value(TEXT + MORE)
    check_page(page, "theme-restored")
    assert ThemeSection.objects.get(plan=plan, theme__number=1).narrative == TEXT

    page.get_by_role("radio", name=re.compile(r"^No, I.ll come back")).check()
    page.get_by_role("button", name="Save and return to your plan").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Theme 1 saved")
    check_page(page, "tasklist-after-restore")
    assert ThemeSection.objects.get(plan=plan, theme__number=1).narrative == TEXT + MORE

    page.goto(theme)
    expect(page.get_by_role("region", name="Important")).to_have_count(0)


def test_timeout_warning_lets_the_user_stay_signed_in_then_signs_out(
    page, check_page, sign_in, plan, officer, settings
):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 20
    settings.SESSION_WARNING_SECONDS = 15
    sign_in(page, officer, path=f"/sign-in/?next=/plans/{plan.pk}/")
    expect(page.locator("h1")).to_have_text(plan.round.name)

    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_visible(timeout=15_000)
    assert page.evaluate(
        "document.getElementById('timeout-warning').contains(document.activeElement)"
    )
    expect(page.locator("[data-timeout-announce]")).to_have_text(
        re.compile(r"^We will sign you out in \d+ seconds\.$")
    )
    check_page(page, "timeout-warning")

    # "Stay signed in" keeps the session: the dialog closes and the next page is still signed in.
    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    page.get_by_role("link", name=re.compile(r"^1\. ")).click()
    expect(page.locator("h1")).to_have_text(re.compile(r"^Theme 1: "))

    # Left alone, the warning comes back and then says the user has been signed out.
    ended = page.get_by_role("dialog", name="You have been signed out")
    expect(ended).to_be_visible(timeout=40_000)
    expect(ended.get_by_role("button", name="Close")).to_be_focused()
    check_page(page, "timeout-ended")
    ended.get_by_role("button", name="Close").click()
    expect(ended).to_be_hidden()
    page.reload()
    expect(page.locator("h1")).to_have_text("Sign in")
    expect(page.get_by_role("region", name="Important")).to_contain_text(
        "You were signed out for your security. Sign in again."
    )
    check_page(page, "signed-out")


def test_csp_watcher_reports_an_inline_script(page, live_server):
    """The check every browser journey makes can fail: an inline script is refused and counted."""
    page.goto("/sign-in/")
    assert csp_violations(page) == []
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.inlineRan = true;";
            document.body.append(script);
            document.querySelector("h1").setAttribute("style", "color: red");
        }"""
    )
    page.wait_for_function(
        "JSON.parse(sessionStorage.getItem('test-csp-violations') || '[]').length === 2"
    )
    violations = csp_violations(page)
    assert [violation.split(" (")[0] for violation in violations] == [
        "script-src-elem blocked inline on /sign-in/",
        "style-src-attr blocked inline on /sign-in/",
    ]
    assert page.evaluate("window.inlineRan === undefined")
    # Still counted on the next page of the same tab.
    page.goto("/accessibility/")
    assert len(csp_violations(page)) == 2
