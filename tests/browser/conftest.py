"""Helpers for the drafting journeys: real sign-in, and an axe check on every page visited."""

import os
import re
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.factories import PASSWORD
from tests.support.browser import axe_violations, describe

# SCREENSHOT_DIR=/tmp/shots saves a full-page screenshot of every page the journeys check.
SCREENSHOT_DIR = os.environ.get("SCREENSHOT_DIR", "")
# AXE_LOG=/tmp/axe.log appends each checked page and its number of violations.
AXE_LOG = os.environ.get("AXE_LOG", "")


def _scripts_ran(page) -> bool:
    # static/js/supported.js marks the body as soon as scripts run.
    return page.evaluate("document.body.classList.contains('js-enabled')")


@contextmanager
def _as_served_without_scripts(chromium, page):
    """The page's current HTML in a page where axe can run, with the page's own scripts blocked.

    axe-core waits on timers, which never fire where JavaScript is switched off; so the HTML
    the server sent (error states included) is replayed at the same address, with the same
    stylesheets, while every script the page asks for is refused.
    """
    html, url = page.content(), page.url
    context = chromium.new_context(java_script_enabled=True)

    def handle(route):
        request = route.request
        if request.resource_type == "document" and request.url == url:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
        elif request.resource_type == "script":
            route.abort()
        else:
            route.continue_()

    try:
        replay = context.new_page()
        replay.route("**/*", handle)
        replay.goto(url)
        yield replay
    finally:
        context.close()


@pytest.fixture
def check_page(chromium, assert_accessible):
    """Run axe on the page (0 WCAG 2.2 A/AA violations) and optionally keep a screenshot."""

    def check(page, name: str):
        if SCREENSHOT_DIR:
            Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SCREENSHOT_DIR}/{name}.png", full_page=True)
        if _scripts_ran(page):
            _check(page, name)
        else:
            with _as_served_without_scripts(chromium, page) as replay:
                _check(replay, f"{name} (no JavaScript)")

    def _check(page, name):
        if AXE_LOG:
            violations = axe_violations(page)
            with open(AXE_LOG, "a") as log:
                log.write(f"{name}\t{page.url}\t{len(violations)}\n{describe(violations)}")
        assert_accessible(page)

    return check


@pytest.fixture
def sign_in(check_page):
    """Sign in through the sign-in form (checking that page too)."""

    def do(page, user, *, path: str = "/sign-in/"):
        if path:
            page.goto(path)
        assert page.locator("h1").inner_text() == "Sign in"
        check_page(page, "sign-in")
        page.get_by_label("Email address").fill(user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()

    return do


def sign_out(page) -> None:
    page.get_by_role("button", name=re.compile(r"^Sign out")).click()
    page.wait_for_url(re.compile(r"/sign-in/$"))
