"""The councils × codes matrix, its totals by tier and region, the quotes behind each cell and
the quotes CSV: counts against hand-computed expectations, a fixed number of queries."""

import csv
import io

import pytest
from django.urls import reverse

from councils.models import Council
from plans.models import Code
from plans.selectors.coding import coding_matrix
from plans.selectors.panel import TrackerFilters
from plans.services.coding import extract_code
from tests.panel.factories import council, drafting_plan, panel_member, submitted_plan

pytestmark = pytest.mark.django_db

FIRST, SECOND = "theme-1-p-1", "theme-1-p-2"
SE, NW = "South East", "North West"


def named(round_, name):
    return Code.objects.get(round=round_, name=name, retired_at__isnull=True)


def code(user, plan, anchor, *codes, **span):
    return extract_code(
        user=user,
        plan=plan,
        version=plan.versions.order_by("-number").first(),
        anchor=anchor,
        codes=list(codes),
        **span,
    )


@pytest.fixture
def coded(round_, panel_user):
    """Four submitted councils, one still drafting, and six coded passages:

    Alpha (district, SE): ¶1 Housing + Regulation, ¶2 Housing
    Beta (district, SE):  ¶1 Regulation
    Gamma (county, SE):   ¶2 Housing
    Delta (unitary, NW):  ¶1 Housing
    """
    plans = {
        "alpha": submitted_plan(council("Alpha District Council", region=SE), round_),
        "beta": submitted_plan(council("Beta District Council", region=SE), round_),
        "gamma": submitted_plan(
            council("Gamma County Council", tier=Council.Tier.COUNTY, region=SE), round_
        ),
        "delta": submitted_plan(
            council("Delta Council", tier=Council.Tier.UNITARY, region=NW), round_
        ),
    }
    drafting_plan(council("Epsilon District Council", region=SE), round_)
    housing, regulation = named(round_, "Housing"), named(round_, "Regulation")
    code(panel_user, plans["alpha"], FIRST, housing, regulation)
    code(panel_user, plans["alpha"], SECOND, housing)
    code(panel_user, plans["beta"], FIRST, regulation)
    code(panel_user, plans["gamma"], SECOND, housing)
    code(panel_user, plans["delta"], FIRST, housing)
    return plans


def _columns(matrix, *labels):
    """The cells of the named columns, row by row, as {council: (n, ...)}."""
    index = [[column["label"] for column in matrix.columns].index(label) for label in labels]
    return {row["council"]["name"]: tuple(row["cells"][i] for i in index) for row in matrix.rows}


def _totals(groups, matrix, *labels):
    index = [[column["label"] for column in matrix.columns].index(label) for label in labels]
    return {group["label"]: tuple(group["cells"][i] for i in index) for group in groups}


def test_matrix_counts_extracts_per_council_and_code(panel_user, round_, coded):
    matrix = coding_matrix(user=panel_user, round=round_, filters=TrackerFilters())
    # Alphabetical rows, submitted councils only (Epsilon is still drafting).
    assert [row["council"]["name"] for row in matrix.rows] == [
        "Alpha District Council",
        "Beta District Council",
        "Delta Council",
        "Gamma County Council",
    ]
    assert _columns(matrix, "Housing", "Regulation") == {
        "Alpha District Council": (2, 1),
        "Beta District Council": (0, 1),
        "Delta Council": (1, 0),
        "Gamma County Council": (1, 0),
    }
    housing = [column["label"] for column in matrix.columns].index("Housing")
    assert matrix.totals[housing] == 4
    assert sum(matrix.totals) == 6  # six code applications on five passages
    assert _totals(matrix.tier_totals, matrix, "Housing", "Regulation") == {
        "County council": (1, 0),
        "District council": (2, 2),
        "Unitary authority": (1, 0),
    }
    assert _totals(matrix.region_totals, matrix, "Housing", "Regulation") == {
        NW: (1, 0),
        SE: (3, 2),
    }


def test_matrix_by_theme_counts_passages(panel_user, round_, coded):
    matrix = coding_matrix(user=panel_user, round=round_, filters=TrackerFilters(), by="theme")
    assert [column["key"] for column in matrix.columns] == [1, 2, 3, 4]
    assert {row["council"]["name"]: row["cells"] for row in matrix.rows} == {
        "Alpha District Council": [2, 0, 0, 0],
        "Beta District Council": [1, 0, 0, 0],
        "Delta Council": [1, 0, 0, 0],
        "Gamma County Council": [1, 0, 0, 0],
    }
    assert matrix.totals == [5, 0, 0, 0]


def test_matrix_follows_the_trackers_filters_and_the_code_filter(panel_user, round_, coded):
    filters = TrackerFilters(tiers=("district",), regions=(SE,))
    matrix = coding_matrix(user=panel_user, round=round_, filters=filters)
    assert _columns(matrix, "Housing", "Regulation") == {
        "Alpha District Council": (2, 1),
        "Beta District Council": (0, 1),
    }
    by_code = TrackerFilters(code=named(round_, "Regulation").pk)
    matrix = coding_matrix(user=panel_user, round=round_, filters=by_code)
    assert [row["council"]["name"] for row in matrix.rows] == [
        "Alpha District Council",
        "Beta District Council",
    ]


def test_a_retired_code_leaves_the_matrix(panel_user, round_, coded):
    Code.objects.filter(pk=named(round_, "Regulation").pk).update(retired_at="2026-01-01T00:00Z")
    matrix = coding_matrix(user=panel_user, round=round_, filters=TrackerFilters())
    assert "Regulation" not in [column["label"] for column in matrix.columns]
    assert sum(matrix.totals) == 4


def test_matrix_is_three_queries_for_3_or_10_councils(
    panel_user, round_, django_assert_num_queries
):
    housing = named(round_, "Housing")
    for index in range(10):
        plan = submitted_plan(council(f"Council {index:02}"), round_)
        code(panel_user, plan, FIRST, housing)
        if index == 2:
            with django_assert_num_queries(3):
                small = coding_matrix(user=panel_user, round=round_, filters=TrackerFilters())
    with django_assert_num_queries(3):
        large = coding_matrix(user=panel_user, round=round_, filters=TrackerFilters())
    assert (len(small.rows), len(large.rows)) == (3, 10)
    column = [column["label"] for column in large.columns].index("Housing")
    assert large.totals[column] == 10


def test_the_matrix_page_queries_do_not_grow_with_councils(panel_client, panel_user, round_):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    housing = named(round_, "Housing")
    url = reverse("plans:panel_matrix", args=[round_.slug])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert panel_client.get(url, {"tier": "district"}).status_code == 200
        return len(queries)

    for index in range(3):
        code(panel_user, submitted_plan(council(f"Small {index}"), round_), FIRST, housing)
    few = count()
    for index in range(7):
        code(panel_user, submitted_plan(council(f"More {index}"), round_), SECOND, housing)
    assert count() == few


def test_matrix_page_links_each_cell_to_its_quotes_and_the_quotes_to_the_paragraph(
    panel_client, round_, coded
):
    response = panel_client.get(
        reverse("plans:panel_matrix", args=[round_.slug]), {"tier": "district", "region": SE}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="region"' in page and 'tabindex="0"' in page
    assert page.index("Alpha District Council") < page.index("Beta District Council")
    assert "Gamma County Council" not in page
    housing = named(round_, "Housing")
    cell = (
        reverse("plans:panel_quotes", args=[round_.slug])
        + f"?tier=district&amp;region=South+East&amp;council={coded['alpha'].council.gss_code}"
        + f"&amp;cell_code={housing.pk}"
    )
    assert f'href="{cell}"' in page
    quotes = panel_client.get(cell.replace("&amp;", "&"))
    assert quotes.status_code == 200
    text = quotes.content.decode()
    assert text.count('data-testid="quote"') == 2
    plan_url = reverse("plans:panel_plan", args=[round_.slug, coded["alpha"].council.gss_code])
    assert f'href="{plan_url}?version=1#{FIRST}"' in text
    assert f'href="{plan_url}?version=1#{SECOND}"' in text
    # The cell's quotes as CSV: the same two passages, with their code.
    csv_url = reverse("plans:panel_quotes_csv", args=[round_.slug]) + cell[cell.index("?") :]
    assert f'href="{csv_url}"' in text
    rows = list(
        csv.reader(io.StringIO(panel_client.get(csv_url.replace("&amp;", "&")).content.decode()))
    )
    assert [(row[0], row[1]) for row in rows[1:]] == [("Housing", "Alpha District Council")] * 2
    # The paragraph the link points at carries that anchor.
    reading = panel_client.get(plan_url, {"version": 1}).content.decode()
    assert f'id="{FIRST}"' in reading


def test_quotes_csv_has_a_row_per_code_and_neutralises_formulas(panel_client, panel_user, round_):
    plan = submitted_plan(
        council("Alpha District Council", region=SE), round_, text="=HYPERLINK(evil)"
    )
    housing, regulation = named(round_, "Housing"), named(round_, "Regulation")
    code(panel_user, plan, FIRST, housing, regulation)
    code(panel_user, plan, FIRST, housing, start=4, end=20, quote="=HYPERLINK(evil)")
    response = panel_client.get(reverse("plans:panel_quotes_csv", args=[round_.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Code",
        "Council",
        "GSS code",
        "Tier",
        "Region",
        "Theme",
        "Version",
        "Quote",
        "Link",
    ]
    body = sorted(rows[1:], key=lambda row: (row[0], row[7]))
    assert [(row[0], row[7]) for row in body] == [
        ("Housing", "'=HYPERLINK(evil)"),
        ("Housing", "1.1 =HYPERLINK(evil)"),
        ("Regulation", "1.1 =HYPERLINK(evil)"),
    ]
    assert body[0][1:7] == [
        "Alpha District Council",
        plan.council.gss_code,
        "District council",
        SE,
        "1. Transforming services",
        "1",
    ]
    assert body[0][8] == (
        "http://testserver"
        + reverse("plans:panel_plan", args=[round_.slug, plan.council.gss_code])
        + f"?version=1#{FIRST}"
    )
    # Filtered to one code: that code's rows only.
    only = panel_client.get(
        reverse("plans:panel_quotes_csv", args=[round_.slug]), {"code": regulation.pk}
    )
    assert len(list(csv.reader(io.StringIO(only.content.decode())))) == 2


def test_the_panel_pages_link_to_the_codebook_and_the_matrix(panel_client, round_, coded):
    gss = coded["alpha"].council.gss_code
    for url in (
        reverse("plans:panel_tracker", args=[round_.slug]),
        reverse("plans:panel_plan", args=[round_.slug, gss]),
    ):
        page = panel_client.get(url).content.decode()
        nav = page.split('data-testid="panel-nav"')[1].split("</nav>")[0]
        assert reverse("plans:panel_codebook", args=[round_.slug]) in nav
        assert reverse("plans:panel_matrix", args=[round_.slug]) in nav


def test_nobody_outside_the_panel_gets_matrix_counts(round_, coded):
    officer_like = panel_member()
    officer_like.is_panel_member = False
    matrix = coding_matrix(user=officer_like, round=round_, filters=TrackerFilters())
    assert (matrix.rows, sum(matrix.totals)) == ([], 0)
