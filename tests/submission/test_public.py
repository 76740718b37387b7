"""The published plan: evidence for residents once sent; never a draft or an unsent version."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from plans.models import Plan, Submission
from plans.services.delivery import submission_schedule
from tests.factories import PlanFactory
from tests.submission.evidence import evidence_plan
from tests.submission.factories import approved_version

pytestmark = pytest.mark.django_db

SENT_AT = datetime(2024, 7, 19, 9, 30, tzinfo=ZoneInfo("Europe/London"))


def sent(version, **extra) -> Submission:
    submission = submission_schedule(version=version, not_before=None)
    values = {
        "status": "sent",
        "sent_at": SENT_AT,
        "is_late": False,
        "pdf": b"%PDF-1.7 published",
        "pdf_sha256": "d" * 64,
        "page_count": 6,
        **extra,
    }
    Submission.objects.filter(pk=submission.pk).update(**values)
    Plan.objects.filter(pk=version.plan_id).update(status=Plan.Status.SUBMITTED)
    return Submission.objects.get(pk=submission.pk)


def _url(version, name="plans:published_plan"):
    plan = version.plan
    return reverse(name, args=[plan.council.gss_code, plan.round.slug])


def _text(response) -> str:
    return " ".join(response.content.decode().replace("<", " <").split())


def test_published_plan_shows_themes_evidence_and_submission_date(client):
    built = evidence_plan()
    version = built.version
    sent(version)
    response = client.get(_url(version))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="theme-1-heading">1. ' in html
    assert 'id="theme-4-heading">4. ' in html
    assert html.count('class="app-chart" role="img"') == 1  # the chart, titled and described
    assert '<title id="theme-1-kpi-1-chart-title">LPI CS 1 Percentage' in html
    text = _text(response)
    for expected in [
        'Submitted </dt> <dd class="govuk-summary-list__value">19 July 2024',
        'Approved </dt> <dd class="govuk-summary-list__value">11 July 2024 (Cabinet)',
        f"{version.reference}",
        "Download the plan (PDF, 6 pages)",
        "LPI CS 1: Percentage of phone calls answered within 20 seconds",
        "62.9% (Q3 2023-24)",
        "Requires attention",
        "Getting worse",
        "Short term: Getting worse. Long term: No data.",
        "Customer contact: Moved council tax forms online",
        "Open a shared customer contact centre",
        "30 September 2025",
        "In progress",
        "Multi-year settlements: One-year settlements",
        "Settle funding for three years at a time.",
        "Total savings committed",
        "£11,020,000",
        "Agency spend (% of staff budget)",
        "2.75%",
        "Cost of producing this plan: £2,500. Officer time",
        "Kent Police",
    ]:
        assert expected in text, expected
    pdf = client.get(_url(version, "plans:published_plan_pdf"))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content == b"%PDF-1.7 published"


def test_published_plan_shows_the_sent_version_not_a_later_draft(client):
    version = approved_version()
    sent(version)
    plan = version.plan
    section = plan.sections.get(theme__number=1)
    section.narrative = "1.1 A later draft that nobody has approved."
    section.save(update_fields=["narrative"])
    response = client.get(_url(version))
    assert response.status_code == 200
    assert "A later draft that nobody has approved." not in response.content.decode()
    assert "1.1 We moved our customer contact" in response.content.decode()


def test_published_plan_approved_version_not_yet_sent_is_404(client):
    version = evidence_plan().version
    submission_schedule(version=version, not_before=None)
    assert client.get(_url(version)).status_code == 404
    assert client.get(_url(version, "plans:published_plan_pdf")).status_code == 404


@pytest.mark.parametrize("status", ["queued", "rendering", "sending", "failed"])
def test_published_plan_unsent_submission_is_404(client, status):
    version = approved_version()
    submission = submission_schedule(version=version, not_before=None)
    Submission.objects.filter(pk=submission.pk).update(status=status)
    assert client.get(_url(version)).status_code == 404
    assert client.get(_url(version, "plans:published_plan_pdf")).status_code == 404


def test_published_plan_draft_is_404(client):
    plan = PlanFactory()
    url = reverse("plans:published_plan", args=[plan.council.gss_code, plan.round.slug])
    assert client.get(url).status_code == 404
    assert client.get(url + "plan.pdf").status_code == 404


def test_published_plan_other_council_in_the_same_round_is_404(client):
    version = approved_version()
    sent(version)
    other = approved_version(PlanFactory(round=version.plan.round))
    url = reverse(
        "plans:published_plan", args=[other.plan.council.gss_code, version.plan.round.slug]
    )
    assert client.get(url).status_code == 404
