"""The published plan with evidence passes axe and reads without signing in."""

import pytest
from django.urls import reverse

from tests.submission.evidence import evidence_plan
from tests.submission.test_public import sent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_published_plan_with_evidence_is_accessible(page, assert_accessible):
    version = evidence_plan().version
    sent(version)
    plan = version.plan
    page.goto(reverse("plans:published_plan", args=[plan.council.gss_code, plan.round.slug]))
    assert page.get_by_role("link", name="Download the plan (PDF, 6 pages)").is_visible()
    assert page.get_by_role("img", name="LPI CS 1 Percentage of phone calls answered").count() == 1
    assert page.get_by_role("cell", name="£11,020,000").is_visible()
    assert_accessible(page)
