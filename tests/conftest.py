import os

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import CouncilFactory, PlanFactory, officer_of
from tests.support.broker import broker
from tests.support.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    as_served_without_scripts,
    axe_violations,
    csp_violations,
    describe,
    new_context,
    scripts_ran,
)
from tests.support.mfa import force_login_verified
from tests.support.smtp import SmtpServer

# Playwright's sync API runs an event loop in this thread; Django must still allow ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# --- Real services must really run in CI -------------------------------------------------------

_passed_kinds: set[str] = set()
_database_vendors: set[str] = set()
REQUIRED_KINDS = {"browser", "embedded", "worker"}


def pytest_runtest_logreport(report):
    if report.when == "call" and report.passed:
        for kind in REQUIRED_KINDS:
            if kind in report.keywords:
                _passed_kinds.add(kind)


@pytest.fixture(autouse=True)
def _record_database_vendor(request):
    if "django_db_setup" in request.fixturenames or request.node.get_closest_marker("django_db"):
        _database_vendors.add(connection.vendor)
    yield


def pytest_sessionfinish(session, exitstatus):
    """With REQUIRE_REAL_SERVICES=1 (CI), fail unless tests ran on PostgreSQL and Redis, and a
    worker, a browser (Chromium) and an embedded (SQLite + filesystem broker) test passed."""
    if os.environ.get("REQUIRE_REAL_SERVICES") != "1" or exitstatus != 0:
        return
    if session.config.option.collectonly or session.testscollected == 0:
        return
    problems = []
    if "postgresql" not in _database_vendors:
        problems.append("no test ran on PostgreSQL")
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        problems.append("the Celery broker is not Redis")
    for kind in sorted(REQUIRED_KINDS - _passed_kinds):
        problems.append(f"no {kind} test passed")
    if problems:
        session.config.get_terminal_writer().line(
            "Real services were not exercised: " + "; ".join(problems), red=True
        )
        session.exitstatus = 1


# --- Data --------------------------------------------------------------------------------------


@pytest.fixture
def council(db):
    return CouncilFactory()


@pytest.fixture
def plan(db, council):
    return PlanFactory(council=council)


@pytest.fixture
def officer(plan):
    return officer_of(plan.council)


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin_client, having given the second factor the admin asks for."""
    force_login_verified(client, admin_user)
    return client


@pytest.fixture
def officer_client(client, officer):
    force_login_verified(client, officer)
    return client


# --- Real broker -------------------------------------------------------------------------------


@pytest.fixture
def clean_broker():
    """An empty queue in this test run's own Redis database."""
    broker().flushdb()
    yield
    broker().flushdb()


# --- Real SMTP ---------------------------------------------------------------------------------


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1, with Django's SMTP backend pointed at it."""
    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    yield server
    server.stop()


# --- Headless Chromium -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = new_context(chromium, base_url=live_server.url, java_script_enabled=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def page_without_js(chromium, live_server):
    context = new_context(chromium, base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def assert_accessible(chromium):
    """Call with a page: fails listing every WCAG 2.2 A/AA violation axe finds, and every
    Content-Security-Policy violation on the pages the tab visited so far (0 allowed).

    A page opened with JavaScript off is checked as the server sent it, replayed where axe can
    run with the page's own scripts blocked (it runs no script, so it cannot break the policy).
    """

    def check(page):
        if scripts_ran(page):
            assert csp_violations(page) == [], page.url
            violations = axe_violations(page)
        else:
            with as_served_without_scripts(chromium, page) as replay:
                violations = axe_violations(replay)
        assert violations == [], f"{page.url}\n{describe(violations)}"

    return check
