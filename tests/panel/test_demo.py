"""The panel's demo: councils across tiers and regions at every stage of the 2024 round."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from councils.models import User
from plans.demo import demo_seed
from plans.demo import panel as demo_panel
from plans.models import (
    CodedExtract,
    CodeMemo,
    DeadlineExtension,
    PanelNote,
    Round,
    SearchParagraph,
    Submission,
)
from plans.selectors.coding import coding_matrix
from plans.selectors.panel import TrackerFilters, tracker_councils, tracker_counts
from tests.support.mfa import force_login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(monkeypatch, settings, tmp_path):
    """Both demo seeds, with a stand-in renderer (the real one is tested with the PDF)."""
    settings.SUBMISSION_PDF_DIR = tmp_path / "pdf"
    monkeypatch.setattr(
        demo_panel,
        "submission_render",
        lambda *, version: SimpleNamespace(
            pdf=b"%PDF-1.7 demo " + version.sha256.encode(), page_count=5, seconds=0.1
        ),
    )
    demo_seed()
    round_2024 = Round.objects.get(slug="productivity-plans-2024")
    admin = User.objects.get(email="admin@example.gov.uk")
    demo_panel.demo_panel_seed(round_2024=round_2024, admin=admin)
    return round_2024


def test_demo_panel_seed_covers_every_stage_tier_and_region(seeded):
    panel = User.objects.get(email="panel@example.gov.uk")
    councils = tracker_councils(user=panel, round=seeded, filters=TrackerFilters())
    counts = tracker_counts(councils=councils, round=seeded)
    assert (counts.submitted, counts.late, counts.extensions) == (21, 3, 1)
    submitted = [c for c in councils if c.first_sent_at]
    assert {c.tier for c in submitted} == {
        "county", "district", "unitary", "metropolitan_borough", "london_borough",
    }  # fmt: skip
    assert len({c.region for c in submitted}) == 9
    statuses = {c.tracker_status for c in councils}
    assert {"drafting", "awaiting_sign_off", "approved", "submitted_late"} <= statuses
    extension = DeadlineExtension.objects.get()
    assert extension.council.gss_code == "E07000116"
    assert Submission.objects.get(plan__council=extension.council).sent_at > seeded.deadline
    assert PanelNote.objects.count() == 3
    # Every sent plan is in the panel's search index.
    assert SearchParagraph.objects.values("plan").distinct().count() == 21


def test_demo_panel_account_lands_on_the_2024_tracker(client, seeded):
    force_login_verified(client, User.objects.get(email="panel@example.gov.uk"))
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("plans:panel_tracker", args=[seeded.slug])
    assert response.context["counts"].submitted == 21


def test_demo_panel_seed_second_run_changes_nothing(seeded):
    admin = User.objects.get(email="admin@example.gov.uk")

    def counts():
        return (
            Submission.objects.count(),
            PanelNote.objects.count(),
            User.objects.count(),
            CodedExtract.objects.count(),
            CodeMemo.objects.count(),
        )

    before = counts()
    demo_panel.demo_panel_seed(round_2024=seeded, admin=admin)
    assert counts() == before


def test_demo_panel_has_coded_passages_for_the_matrix(seeded):
    panel = User.objects.get(email="panel@example.gov.uk")
    assert panel.is_panel_lead
    sent = Submission.objects.filter(plan__round=seeded, status="sent").count()
    extracts = CodedExtract.objects.filter(plan__round=seeded)
    assert extracts.values("plan_id").distinct().count() == sent
    assert extracts.count() <= sent * demo_panel.DEMO_EXTRACTS_PER_PLAN
    matrix = coding_matrix(user=panel, round=seeded, filters=TrackerFilters())
    assert len(matrix.rows) == sent
    assert sum(matrix.totals) >= extracts.count()
