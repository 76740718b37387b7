"""The journeys reuse the drafting journeys' real sign-in and per-page axe check."""

from tests.browser.conftest import check_page, sign_in  # noqa: F401 (fixtures)
