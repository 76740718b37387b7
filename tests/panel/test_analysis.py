"""The panel's structured evidence, compare and figures CSV: hand-computed counts and
quartiles, sent versions only, fixed query counts, and who may open each page."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from councils.models import Council, Membership
from plans.models import Barrier
from plans.selectors.analysis import distribution, sent_plans
from plans.selectors.generation import panel_cache_clear
from plans.selectors.panel import TrackerFilters
from plans.services import evidence as evidence_services
from plans.services.signoff import plan_start_correction
from tests.factories import MembershipFactory, UserFactory, officer_of
from tests.panel.analysis_factories import evidence_plan
from tests.panel.factories import (
    awaiting_plan,
    corrected_version,
    council,
    drafting_plan,
    panel_member,
    submitted_plan,
)
from tests.support.mfa import force_login_verified

pytestmark = pytest.mark.django_db

DISTRICT, UNITARY, COUNTY = Council.Tier.DISTRICT, Council.Tier.UNITARY, Council.Tier.COUNTY


def test_distribution_uses_the_inclusive_quartiles():
    figures = [Decimal(v) for v in ("4", "1", "3", "2")]
    result = distribution(figures, not_given=1)
    assert (result.given, result.not_given) == (4, 1)
    assert (result.lower_quartile, result.median, result.upper_quartile) == (
        Decimal("1.75"),
        Decimal("2.5"),
        Decimal("3.25"),
    )
    one = distribution([Decimal("10")], not_given=0)
    assert (one.lower_quartile, one.median, one.upper_quartile) == (10, 10, 10)
    none = distribution([], not_given=3)
    assert (none.given, none.not_given, none.median) == (0, 3, None)


@pytest.fixture
def world(round_):
    """Five district councils (four gave an agency figure: 4, 1, 3 and 2), two unitary (one gave
    10), and a county with a correction under way."""
    plans = {}
    plans["Alpha"] = evidence_plan(
        council("Alpha District Council"),
        round_,
        figures={"agency_percent": Decimal("4")},
        barriers=(
            ("multi_year_settlements", "One-year settlements", "Six single-year deals."),
            ("multi_year_settlements", "Short notice", "Figures arrive in December."),
            ("recruitment", "Planners", "We cannot hire planners."),
        ),
        savings=((1, "100000"), (2, "50000")),
        partners=("Kent Police",),
        kpis=("Calls answered",),
        answered=((1, 1), (1, 2)),
    )
    plans["Bravo"] = evidence_plan(
        council("Bravo District Council"),
        round_,
        figures={"agency_percent": Decimal("1")},
        barriers=(("multi_year_settlements", "", "Annual settlements stop us planning."),),
        savings=((1, "25000.50"),),
        partners=("kent police ",),
        kpis=("calls answered",),
        answered=((1, 1),),
    )
    plans["Charlie"] = evidence_plan(
        council("Charlie District Council"),
        round_,
        figures={"agency_percent": Decimal("3")},
        partners=("NHS Kent",),
    )
    plans["Delta"] = evidence_plan(
        council("Delta District Council"), round_, figures={"agency_percent": Decimal("2")}
    )
    plans["Echo"] = evidence_plan(council("Echo District Council"), round_)
    plans["Foxtrot"] = evidence_plan(
        council("Foxtrot Unitary Council", tier=UNITARY),
        round_,
        figures={"agency_percent": Decimal("10")},
    )
    plans["Golf"] = evidence_plan(council("Golf Unitary Council", tier=UNITARY), round_)
    # Hotel sent a plan answering question 1.1, then started a correction: its draft's new
    # barrier and checklist are never counted.
    hotel = evidence_plan(council("Hotel County Council", tier=COUNTY), round_, answered=((1, 1),))
    corrected_version(hotel)
    hotel.refresh_from_db()
    # Not yet sent: a draft and a version awaiting sign-off, with evidence of their own.
    draft = drafting_plan(council("India District Council"), round_)
    evidence_services.barrier_create(
        plan_id=draft.pk,
        user=officer_of(draft.council),
        fields={"category": "housing", "title": "DRAFT ONLY", "description": "", "ask": ""},
    )
    awaiting_plan(council("Juliet District Council"), round_)
    plans["Hotel"] = hotel
    return plans


def _evidence(client, round_, **params):
    return client.get(reverse("plans:panel_analysis_evidence", args=[round_.slug]), params)


def test_structured_evidence_counts_and_distributions(panel_client, round_, world):
    response = _evidence(panel_client, round_)
    assert response.status_code == 200
    evidence = response.context["evidence"]
    assert evidence.plans == 8  # every council with a sent plan, Hotel's sent version included

    assert [(b.category, b.plans, len(b.words)) for b in evidence.barriers] == [
        ("multi_year_settlements", 2, 3),
        ("recruitment", 1, 1),
    ]
    assert [w.council for w in evidence.barriers[0].words] == [
        "Alpha District Council",
        "Alpha District Council",
        "Bravo District Council",
    ]

    agency = next(f for f in evidence.figures if f["name"] == "agency_percent")
    rows = {row.label: row for row in agency["rows"]}
    assert list(rows) == ["County council", "District council", "Unitary authority", "All tiers"]
    district = rows["District council"]
    assert (district.given, district.not_given) == (4, 1)
    assert (district.lower_quartile, district.median, district.upper_quartile) == (
        Decimal("1.75"),
        Decimal("2.5"),
        Decimal("3.25"),
    )
    unitary = rows["Unitary authority"]
    assert (unitary.given, unitary.not_given, unitary.median) == (1, 1, Decimal("10"))
    county = rows["County council"]
    assert (county.given, county.not_given, county.median) == (0, 1, None)
    every = rows["All tiers"]
    assert (every.given, every.not_given) == (5, 3)
    assert (every.lower_quartile, every.median, every.upper_quartile) == (2, 3, 4)

    assert evidence.savings_total == Decimal("175000.50")
    assert evidence.savings_plans == 2
    assert [(t["number"], t["plans"], t["amount"]) for t in evidence.savings_by_theme] == [
        (1, 2, Decimal("125000.50")),
        (2, 1, Decimal("50000")),
    ]
    assert evidence.partners == [("Kent Police", 2)]
    assert evidence.partners_named_once == 1
    assert evidence.kpi_topics == [("Calls answered", 2)]
    assert evidence.kpi_topics_named_once == 0

    counts = [(q.theme_number, q.number, q.plans) for q in evidence.questions]
    assert counts[:3] == [(1, 1, 2), (1, 2, 1), (1, 3, 0)]
    assert sum(q.plans for q in evidence.questions) == 3  # Hotel's checklist is not counted
    assert (evidence.questions_base, evidence.questions_in_correction) == (7, 1)

    html = response.content.decode()
    assert "DRAFT ONLY" not in html
    assert "Multi-year settlements: 2 plans" in html
    assert "Six single-year deals." in html
    assert "“inclusive” method" in html
    assert "£175,000.5 in total, from 2 plans" in html


def test_structured_evidence_follows_the_trackers_filters(panel_client, round_, world):
    evidence = _evidence(panel_client, round_, tier="unitary").context["evidence"]
    assert evidence.plans == 2
    assert evidence.barriers == []
    agency = next(f for f in evidence.figures if f["name"] == "agency_percent")
    assert [(row.label, row.given, row.not_given) for row in agency["rows"]] == [
        ("Unitary authority", 1, 1),
        ("All tiers", 1, 1),
    ]


def test_structured_evidence_shows_the_sent_version_not_the_correction(panel_client, round_, world):
    alpha = world["Alpha"]
    officer = alpha.versions.first().created_by
    plan_start_correction(plan=alpha, user=officer)
    evidence_services.barrier_create(
        plan_id=alpha.pk,
        user=officer,
        fields={"category": "housing", "title": "CORRECTION ONLY", "description": "", "ask": ""},
    )
    assert Barrier.objects.filter(plan=alpha).count() == 4
    evidence = _evidence(panel_client, round_).context["evidence"]
    assert [(b.category, b.plans) for b in evidence.barriers] == [
        ("multi_year_settlements", 2),
        ("recruitment", 1),
    ]
    assert (evidence.questions_base, evidence.questions_in_correction) == (6, 2)
    html = _evidence(panel_client, round_).content.decode()
    assert "CORRECTION ONLY" not in html
    assert "We cannot hire planners." in html


def _query_count(client, url, django_assert_num_queries, expected):
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


# Counting the session's second factor (django-otp reads the device on every page) and the panel
# data's generation. Computed after a change; kept (asked again, nothing changed): the session,
# the user, the second factor and the generation only.
EVIDENCE_QUERIES = 12
EVIDENCE_QUERIES_KEPT = 4


def test_structured_evidence_runs_the_same_queries_whatever_the_number_of_plans(
    panel_client, round_, django_assert_num_queries
):
    url = reverse("plans:panel_analysis_evidence", args=[round_.slug])
    for name in ("Alpha", "Bravo"):
        evidence_plan(council(f"{name} District Council"), round_, partners=("NHS",))
    _query_count(panel_client, url, django_assert_num_queries, EVIDENCE_QUERIES)
    _query_count(panel_client, url, django_assert_num_queries, EVIDENCE_QUERIES_KEPT)
    for name in ("Charlie", "Delta", "Echo", "Foxtrot"):
        evidence_plan(
            council(f"{name} District Council"),
            round_,
            figures={"agency_percent": Decimal("2")},
            barriers=(("housing", "Homes", "Too few."),),
            answered=((1, 1),),
        )
    _query_count(panel_client, url, django_assert_num_queries, EVIDENCE_QUERIES)
    _query_count(panel_client, url, django_assert_num_queries, EVIDENCE_QUERIES_KEPT)


# --- Figures CSV ----------------------------------------------------------------------------


def test_figures_csv_has_one_row_per_sent_council_neutralised(panel_client, round_, world):
    evidence_plan(
        council("=HYPERLINK(1) District Council"),
        round_,
        barriers=(("other", "x", "y"),),
        figures={"consultancy_percent": Decimal("0.5")},
    )
    url = reverse("plans:panel_analysis_figures_csv", args=[round_.slug])
    response = panel_client.get(url, {"tier": "district"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["Council"] for row in rows] == [
        "'=HYPERLINK(1) District Council",
        "Alpha District Council",
        "Bravo District Council",
        "Charlie District Council",
        "Delta District Council",
        "Echo District Council",
    ]
    alpha = rows[1]
    assert alpha["Agency spend (% of staff budget)"] == "4.00"
    assert alpha["Consultancy spend (% of staff budget)"] == ""
    assert alpha["Savings committed (£)"] == "150000.00"
    assert alpha["Barrier categories"] == "Multi-year settlements; Recruitment and pay"
    assert rows[0]["Barrier categories"] == "Other"
    assert rows[0]["Consultancy spend (% of staff budget)"] == "0.50"
    savings_headings = [key for key in alpha if key.startswith("Savings (£): ")]
    assert len(savings_headings) == 4
    assert alpha[savings_headings[0]] == "100000.00"
    assert alpha[savings_headings[1]] == "50000.00"
    assert alpha[savings_headings[2]] == ""
    assert alpha["Link"].endswith(
        reverse("plans:panel_plan", args=[round_.slug, world["Alpha"].council.gss_code])
    )
    page = _evidence(panel_client, round_).content.decode()
    assert "The CSV’s columns" in page
    assert "Barrier categories" in page


# --- Compare --------------------------------------------------------------------------------


def _compare(client, round_, *codes):
    url = reverse("plans:panel_analysis_compare", args=[round_.slug])
    return client.get(url, {"council": list(codes)} if codes else {})


def test_compare_shows_two_to_four_councils_theme_by_theme(panel_client, round_, world):
    codes = [world[name].council.gss_code for name in ("Bravo", "Alpha", "Hotel", "Charlie")]
    response = _compare(panel_client, round_, *codes)
    assert response.status_code == 200
    assert [plan.name for plan in response.context["plans"]] == [
        "Bravo District Council",
        "Alpha District Council",
        "Hotel County Council",
        "Charlie District Council",
    ]
    themes = response.context["themes"]
    assert [theme["number"] for theme in themes] == [1, 2, 3, 4]
    assert [len(theme["councils"]) for theme in themes] == [4, 4, 4, 4]
    assert response.context["column_class"] == "govuk-grid-column-one-quarter"
    html = response.content.decode()
    assert html.count('data-testid="compare-column"') == 16
    assert "We cannot hire planners." in html  # Alpha's barrier, under theme 4
    assert "£100,000: Shared services" in html


def test_compare_refuses_fewer_than_two_more_than_four_or_unsent(panel_client, round_, world):
    codes = {name: world[name].council.gss_code for name in world}
    draft = drafting_plan(council("Kilo District Council"), round_).council.gss_code
    cases = [
        ([codes["Alpha"]], "Choose at least 2 councils to compare"),
        ([codes["Alpha"], codes["Alpha"]], "Choose at least 2 councils to compare"),
        ([codes[n] for n in ("Alpha", "Bravo", "Charlie", "Delta", "Echo")], "no more than 4"),
        ([codes["Alpha"], draft], "Choose only councils that have submitted a plan"),
        ([codes["Alpha"], "E99999999"], "Choose only councils that have submitted a plan"),
    ]
    for chosen, message in cases:
        response = _compare(panel_client, round_, *chosen)
        assert response.status_code == 400
        html = response.content.decode()
        assert "There is a problem" in html
        assert message in html
        assert response.context["plans"] == []
        assert "Our plan." not in html
    # Nothing asked yet: the form only.
    response = _compare(panel_client, round_)
    assert response.status_code == 200
    assert "There is a problem" not in response.content.decode()


def test_compare_never_offers_an_unsent_council(panel_client, round_, world):
    html = _compare(panel_client, round_).content.decode()
    assert "Alpha District Council" in html
    assert "India District Council" not in html
    assert "Juliet District Council" not in html


# --- Access ---------------------------------------------------------------------------------

ROLES = ["panel", "officer", "councillor", "statutory_officer", "administrator", "signed_out"]


@pytest.mark.parametrize("role", ROLES)
def test_every_analysis_url_gives_each_role_its_exact_status(client, round_, role):
    alpha = council("Alpha District Council")
    bravo = council("Bravo District Council")
    submitted_plan(alpha, round_)
    submitted_plan(bravo, round_)
    users = {
        "panel": panel_member(email="panel@example.gov.uk"),
        "administrator": UserFactory(is_staff=True, is_superuser=True),
        "signed_out": None,
    }
    for member_role in (
        Membership.Role.OFFICER,
        Membership.Role.COUNCILLOR,
        Membership.Role.STATUTORY_OFFICER,
    ):
        users[member_role.value] = MembershipFactory(council=alpha, role=member_role).user
    slug = round_.slug
    compare = f"?council={alpha.gss_code}&council={bravo.gss_code}"
    urls = {
        "evidence": reverse("plans:panel_analysis_evidence", args=[slug]),
        "figures_csv": reverse("plans:panel_analysis_figures_csv", args=[slug]),
        "compare": reverse("plans:panel_analysis_compare", args=[slug]) + compare,
        "search": reverse("plans:panel_analysis_search", args=[slug]) + "?search=plan",
    }
    if users[role] is not None:
        force_login_verified(client, users[role])
    results = {name: client.get(url).status_code for name, url in urls.items()}
    expected = {"panel": 200, "signed_out": 302}.get(role, 403)
    assert results == dict.fromkeys(urls, expected)
    if role == "panel":
        assert "Our <mark>plan</mark>" in client.get(urls["search"]).content.decode()
    unknown = reverse("plans:panel_analysis_evidence", args=["no-such-round"])
    assert client.get(unknown).status_code == {"panel": 404, "signed_out": 302}.get(role, 403)


# With the session's second factor and the panel data's generation; the second time the same
# councils are asked for, the page keeps what it drew and asks only for the session, the user,
# the second factor and the generation.
COMPARE_QUERIES = 8
COMPARE_QUERIES_KEPT = 4


def test_compare_runs_the_same_queries_for_two_or_four_councils(
    panel_client, round_, django_assert_num_queries
):
    codes = [
        submitted_plan(council(f"{name} District Council"), round_).council.gss_code
        for name in ("Alpha", "Bravo", "Charlie", "Delta")
    ]
    panel_cache_clear()
    with django_assert_num_queries(COMPARE_QUERIES):
        assert len(_compare(panel_client, round_, *codes[:2]).context["plans"]) == 2
    panel_cache_clear()
    with django_assert_num_queries(COMPARE_QUERIES):
        assert len(_compare(panel_client, round_, *codes).context["plans"]) == 4
    with django_assert_num_queries(COMPARE_QUERIES_KEPT):
        assert len(_compare(panel_client, round_, *codes).context["plans"]) == 4


def test_sent_plans_without_narratives_keep_every_other_key(round_, world, panel_user):
    full = sent_plans(user=panel_user, round=round_, filters=TrackerFilters())
    slim = sent_plans(user=panel_user, round=round_, filters=TrackerFilters(), narratives=False)
    assert [plan.name for plan in slim] == [plan.name for plan in full]
    for whole, part in zip(full, slim, strict=True):
        expected = {
            **whole.content,
            "themes": [
                {key: value for key, value in theme.items() if key != "narrative"}
                for theme in whole.content["themes"]
            ],
        }
        assert part.content == expected
    assert slim[0].content["themes"][3]["barriers"][2]["title"] == "Planners"
