"""The tracker: every council in the round, counts that follow the filters, search, CSV."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from councils.models import Council
from plans.models import Submission
from plans.services.panel import deadline_extension_grant
from tests.factories import UserFactory
from tests.panel.factories import (
    REGION,
    approved_unsent_plan,
    awaiting_plan,
    council,
    drafting_plan,
    submitted_plan,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def landscape(round_):
    """Eight Testland councils, one at every stage, and two late ones (one saved by an extension).

    Hand-computed: 4 of 8 submitted (Alpha on time, Beta late, Gamma late, Delta on time inside
    its extension), 2 late, 2 extensions (Delta submitted, Eta still drafting).
    """
    admin = UserFactory(is_staff=True)
    d = round_.deadline
    councils = {
        "alpha": council("Alpha District Council"),
        "beta": council("Beta Borough Council", tier=Council.Tier.UNITARY),
        "gamma": council("Gamma County Council", tier=Council.Tier.COUNTY, region="Northland"),
        "delta": council("Delta District Council"),
        "epsilon": council("Epsilon District Council"),
        "zeta": council("Zeta District Council"),
        "eta": council("Eta District Council"),
        "theta": council("Theta District Council", region="Northland"),
    }
    submitted_plan(councils["alpha"], round_, sent_at=timezone.now() - timedelta(days=1), pages=4)
    submitted_plan(councils["beta"], round_, sent_at=d + timedelta(hours=1), pages=6)
    submitted_plan(councils["gamma"], round_, sent_at=d + timedelta(days=1), pages=3)
    deadline_extension_grant(
        council=councils["delta"], round=round_, deadline=d + timedelta(days=5), reason="Cabinet",
        user=admin,
    )  # fmt: skip
    submitted_plan(councils["delta"], round_, sent_at=d + timedelta(days=4), pages=5)
    awaiting_plan(councils["epsilon"], round_)
    approved_unsent_plan(councils["zeta"], round_)
    drafting_plan(councils["eta"], round_)
    deadline_extension_grant(
        council=councils["eta"], round=round_, deadline=d + timedelta(days=9), reason="Executive",
        user=admin,
    )  # fmt: skip
    return councils


def _tracker(client, round_, **params):
    return client.get(reverse("plans:panel_tracker", args=[round_.slug]), params)


TEST_REGIONS = {"region": [REGION, "Northland"]}


def test_tracker_counts_match_hand_computed_figures(panel_client, round_, landscape):
    counts = _tracker(panel_client, round_, **TEST_REGIONS).context["counts"]
    assert (counts.total, counts.submitted, counts.late, counts.extensions) == (8, 4, 2, 2)
    assert counts.days_to_deadline == 8


def test_tracker_counts_follow_the_filters(panel_client, round_, landscape):
    counts = _tracker(panel_client, round_, region="Northland").context["counts"]
    assert (counts.total, counts.submitted, counts.late, counts.extensions) == (2, 1, 1, 0)
    counts = _tracker(panel_client, round_, region=REGION, tier="district").context["counts"]
    assert (counts.total, counts.submitted, counts.late, counts.extensions) == (5, 2, 0, 2)


def test_tracker_shows_every_council_of_every_stage_with_its_status(
    panel_client, round_, landscape
):
    response = _tracker(panel_client, round_, **TEST_REGIONS)
    rows = {c.gss_code: c.tracker_status for c in response.context["councils"]}
    expected = {
        "alpha": "submitted_on_time",
        "beta": "submitted_late",
        "gamma": "submitted_late",
        "delta": "submitted_on_time",
        "epsilon": "awaiting_sign_off",
        "zeta": "approved",
        "eta": "extension",
        "theta": "not_started",
    }
    assert rows == {landscape[key].gss_code: status for key, status in expected.items()}
    text = response.content.decode()
    assert "8 of 8" not in text
    assert (
        "<strong>4 of 8</strong> submitted · 2 late · 2 extensions · 8 days to the deadline" in text
    )
    eta_until = (round_.deadline + timedelta(days=9)).astimezone(timezone.get_current_timezone())
    assert f"Extension granted until {eta_until.day} {eta_until:%B %Y}" in text


def test_tracker_lists_all_317_councils_unfiltered(panel_client, round_):
    response = _tracker(panel_client, round_)
    assert response.context["counts"].total == Council.objects.count()
    assert len(list(response.context["councils"])) == Council.objects.count() >= 317


def test_tracker_search_by_name_or_gss_code(panel_client, round_, landscape):
    names = [c.name for c in _tracker(panel_client, round_, q="gamma").context["councils"]]
    assert names == ["Gamma County Council"]
    code = landscape["delta"].gss_code
    codes = [c.gss_code for c in _tracker(panel_client, round_, q=code.lower()).context["councils"]]
    assert codes == [code]


def test_tracker_filters_by_status_and_not_submitted(panel_client, round_, landscape):
    late = _tracker(panel_client, round_, status="submitted_late", **TEST_REGIONS)
    assert [c.name for c in late.context["councils"]] == [
        "Beta Borough Council",
        "Gamma County Council",
    ]
    waiting = _tracker(panel_client, round_, submitted="no", region=REGION, tier="district")
    assert [c.name for c in waiting.context["councils"]] == [
        "Epsilon District Council",
        "Eta District Council",
        "Zeta District Council",
    ]


def test_tracker_orders_alphabetically_or_by_region_never_by_a_figure(
    panel_client, round_, landscape
):
    by_region = _tracker(panel_client, round_, order="region", **TEST_REGIONS)
    assert [c.name for c in by_region.context["councils"]][:2] == [
        "Gamma County Council",
        "Theta District Council",
    ]
    # An order by a figure is not an option: it falls back to alphabetical.
    by_pages = _tracker(panel_client, round_, order="pages", **TEST_REGIONS)
    assert by_pages.context["filters"].order == "name"
    assert [c.name for c in by_pages.context["councils"]][0] == "Alpha District Council"


def test_tracker_selected_filters_are_removable_one_by_one(panel_client, round_, landscape):
    response = _tracker(panel_client, round_, q="a", tier="district", region=REGION)
    removals = response.context["removals"]
    assert removals == [
        ("Search", "“a”", f"tier=district&region={REGION}"),
        ("Tier", "District council", f"q=a&region={REGION}"),
        ("Region", REGION, "q=a&tier=district"),
    ]
    assert f'href="/panel/{round_.slug}/?q=a&amp;tier=district"' in response.content.decode()


def test_tracker_marks_plans_read_since_their_latest_submission(
    panel_client, panel_user, round_, landscape
):
    panel_client.get(reverse("plans:panel_plan", args=[round_.slug, landscape["alpha"].gss_code]))
    rows = {c.name: c.is_read for c in _tracker(panel_client, round_, submitted="yes",
                                                **TEST_REGIONS).context["councils"]}  # fmt: skip
    assert rows == {
        "Alpha District Council": True,
        "Beta Borough Council": False,
        "Delta District Council": False,
        "Gamma County Council": False,
    }


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def test_tracker_and_csv_query_counts_do_not_grow_with_councils(panel_client, round_):
    """3 submitted plans or 30: the same queries. Computed (the data changed): session, user,
    second factor, the panel data's generation, round, each plan's latest sending, this user's
    read markers, regions, rows with their counts, other rounds; then the CSV: session, user,
    second factor, generation, its rows (the round and regions kept). Kept (nothing changed
    since): session, user, second factor, generation, and the tracker's read markers."""
    tracker = reverse("plans:panel_tracker", args=[round_.slug])
    csv_url = reverse("plans:panel_tracker_csv", args=[round_.slug])

    def counts():
        computed = (_queries(panel_client, tracker, {"region": REGION}),
                    _queries(panel_client, csv_url, {"region": REGION}))  # fmt: skip
        kept = (_queries(panel_client, tracker, {"region": REGION}),
                _queries(panel_client, csv_url, {"region": REGION}))  # fmt: skip
        return computed, kept

    for index in range(3):
        submitted_plan(council(f"Council {index:02d}"), round_)
    few = counts()
    for index in range(3, 30):
        submitted_plan(council(f"Council {index:02d}"), round_)
    many = counts()
    assert few == many == ((10, 5), (5, 4))


def test_the_tracker_shows_a_change_made_by_any_means_at_once(panel_client, round_):
    """What the tracker keeps is dropped when the data under it changes, however it changed:
    here a bulk update that no service made."""
    alpha = council("Alpha District Council")
    plan = submitted_plan(alpha, round_)
    url = reverse("plans:panel_tracker", args=[round_.slug])
    first = panel_client.get(url, {"q": "Alpha"}).context["councils"]
    assert [(row.name, row.tracker_status) for row in first] == [
        ("Alpha District Council", "submitted_on_time")
    ]
    Council.objects.filter(pk=alpha.pk).update(name="Alpha Renamed District Council")
    Submission.objects.filter(plan=plan).update(sent_at=round_.deadline + timedelta(days=1))
    second = panel_client.get(url, {"q": "Alpha"}).context["councils"]
    assert [(row.name, row.tracker_status) for row in second] == [
        ("Alpha Renamed District Council", "submitted_late")
    ]
