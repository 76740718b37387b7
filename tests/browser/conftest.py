"""Helpers for the drafting journeys: real sign-in, and an axe check on every page visited."""

import os
import re
from pathlib import Path

import pytest

from tests.factories import PASSWORD
from tests.support.browser import axe_violations, describe
from tests.support.mfa import pass_second_factor

# SCREENSHOT_DIR=/tmp/shots saves a full-page screenshot of every page the journeys check.
SCREENSHOT_DIR = os.environ.get("SCREENSHOT_DIR", "")
# AXE_LOG=/tmp/axe.log appends each checked page and its number of violations.
AXE_LOG = os.environ.get("AXE_LOG", "")


@pytest.fixture
def check_page(assert_accessible):
    """Run axe on the page (0 WCAG 2.2 A/AA violations) and optionally keep a screenshot."""

    def check(page, name: str):
        if SCREENSHOT_DIR:
            Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SCREENSHOT_DIR}/{name}.png", full_page=True)
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
        pass_second_factor(page, user)

    return do


def sign_out(page) -> None:
    page.get_by_role("button", name=re.compile(r"^Sign out")).click()
    page.wait_for_url(re.compile(r"/sign-in/$"))
