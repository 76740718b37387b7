"""GOV.UK-style error pages with DEBUG off, an unknown host that learns nothing, and the
Content-Security-Policy on every response."""

import re

import pytest
from django.conf import settings
from django.test import Client

from tests.platform.environment import ROOT

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.platform.error_urls")]

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def _policy(response) -> dict[str, str]:
    directives = (
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    return {name: value for name, value in directives}


@pytest.fixture
def anonymous(settings):
    settings.DEBUG = False
    return Client(raise_request_exception=False)


def _heading(response) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode()).group(1)


@pytest.mark.parametrize(
    ("path", "status", "heading"),
    [
        ("/test-errors/400/", 400, "Sorry, there is a problem with the service"),
        ("/test-errors/403/", 403, "You cannot do this"),
        ("/no-such-page/", 404, "Page not found"),
        ("/test-errors/429/", 429, "Too many attempts"),
        ("/test-errors/500/", 500, "Sorry, there is a problem with the service"),
    ],
)
def test_error_page_follows_the_govuk_pattern(anonymous, path, status, heading):
    response = anonymous.get(path)
    html = response.content.decode()
    assert response.status_code == status
    assert _heading(response) == heading
    assert f"<title>{heading} – Submit a productivity plan – GOV.UK</title>" in html
    assert "Traceback" not in html
    assert "DATABASE" not in html
    assert _policy(response) == CSP


def test_too_many_attempts_page_says_what_happened_and_the_way_back(anonymous):
    html = anonymous.get("/test-errors/429/").content.decode()
    assert "You entered the wrong password too many times. Wait 15 minutes." in html
    assert '<a class="govuk-link" href="/sign-in/">Go back to sign in</a>' in html


def test_unknown_host_gets_a_plain_400_without_settings(anonymous):
    response = anonymous.get("/sign-in/", headers={"host": "evil.example"})
    html = response.content.decode()
    assert response.status_code == 400
    assert _heading(response) == "Sorry, there is a problem with the service"
    assert _policy(response) == CSP
    for secret in ("DATABASE", settings.CELERY_BROKER_URL, "SECRET_KEY", "evil.example"):
        assert secret not in html


def test_every_page_carries_the_strict_content_security_policy(anonymous):
    response = anonymous.get("/sign-in/")
    assert response.status_code == 200
    assert _policy(response) == CSP
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>"), "a <script> without src"),
    (re.compile(r"\sstyle\s*=", re.IGNORECASE), "a style attribute"),
    (re.compile(r"<style", re.IGNORECASE), "a <style> element"),
    (re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE), "an event handler attribute"),
    (re.compile(r"javascript:", re.IGNORECASE), "a javascript: URL"),
]


def test_templates_have_no_inline_script_style_or_event_handlers():
    """The PDF templates are rendered by WeasyPrint, never served to a browser."""
    found = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        if "pdf" in template.relative_to(ROOT / "templates").parts:
            continue
        text = template.read_text()
        for pattern, what in INLINE:
            if pattern.search(text):
                found.append(f"{template.relative_to(ROOT)}: {what}")
    assert found == []


def test_scripts_never_set_inline_styles():
    found = [
        str(script.relative_to(ROOT))
        for script in sorted((ROOT / "static" / "js").rglob("*js"))
        if re.search(r"\.style\b|setAttribute\(\s*[\"']style|cssText", script.read_text())
    ]
    assert found == []


def test_charts_carry_no_style_attributes():
    """Inline SVG charts sit in served pages: presentation attributes only, no style."""
    from decimal import Decimal

    from plans.charts import Point, line_chart_svg

    svg = str(
        line_chart_svg(
            chart_id="kpi-1-chart",
            title="Calls answered",
            description="Improving",
            points=[Point("Q1", Decimal("60")), Point("Q2", Decimal("70"))],
            target=Decimal("80"),
            unit="percent",
        )
    )
    assert svg.startswith("<svg ")
    assert re.search(r"style|<script|\son[a-z]+=", svg) is None
