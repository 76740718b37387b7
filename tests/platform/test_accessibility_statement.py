"""The accessibility statement follows the GOV.UK model and says truthfully what was tested."""

import re

import pytest
from django.urls import reverse

from tests.evidence.test_narrow_screens import WIDTH, page_width


@pytest.mark.django_db
def test_statement_says_what_was_tested_how_and_what_does_not_meet_the_standard(client):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))
    for expected in [
        "Accessibility statement for Submit a productivity plan",
        "How accessible this service is",
        "Reporting accessibility problems with this service",
        "Enforcement procedure",
        "Compliance status",
        "This service is partially compliant with the Web Content Accessibility Guidelines "
        "version 2.2 AA standard",
        "Non-accessible content",
        "1.4.10 (Reflow)",
        "have not been verified",
        "No manual audit and no testing with screen readers",
        "axe-core against the WCAG 2.0, 2.1 and 2.2 A and AA rules",
        "320 by 800 pixels",
        "with the keyboard alone",
        "pdfua checker",
        "This service was last tested on 30 November 2026.",
        "productivityplans@levellingup.gov.uk",
    ]:
        assert expected in text, expected
    assert "fully compliant" not in text


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_statement_has_no_axe_violations_at_desktop_and_320_pixels(page, assert_accessible):
    page.goto(reverse("accessibility"))
    assert (
        page.locator("h1").inner_text() == "Accessibility statement for Submit a productivity plan"
    )
    assert_accessible(page)
    page.set_viewport_size({"width": WIDTH, "height": 800})
    assert page_width(page) <= WIDTH
    assert_accessible(page)
