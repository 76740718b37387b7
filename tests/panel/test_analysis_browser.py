"""The panel's analysis journeys in a real browser, with and without JavaScript, axe-checked on
every page: structured evidence, compare four councils (also 320 px wide), search and open a
result at its paragraph."""

import re

import pytest
from playwright.sync_api import expect

from tests.panel.analysis_factories import evidence_plan
from tests.panel.factories import council, drafting_plan, panel_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAMES = ["Ashdown", "Brookfield", "Cliffe", "Dunmore"]


@pytest.fixture
def councils(round_):
    made = {}
    for index, name in enumerate(NAMES):
        made[name] = evidence_plan(
            council(f"{name} District Council"),
            round_,
            barriers=(("recruitment", f"{name} planners", f"{name} cannot hire planners."),),
            narratives={
                1: f"1.1 {name} has a digital front door.\n\n"
                f"1.2 {name} shares its organization with a neighbour.",
                2: f"2.1 {name} works with partners.",
                3: "3.1 We spend little on agency staff.",
                4: "4.1 Settlements are too short.",
            },
            savings=((1, str(1000 * (index + 1))),),
        ).council
    drafting_plan(council("Eastwick District Council"), round_)
    return made


def _journey(page, check_page, sign_in, round_, *, js: bool):
    sign_in(page, panel_member(full_name="Pat Panel"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{round_.name}: who has submitted")

    # Structured evidence, from the tracker: the barriers in the councils' own words.
    page.get_by_role("link", name="Structured evidence").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Structured evidence across the plans"
    )
    page.get_by_role("group", name="Tier").get_by_label("District council").check()
    page.get_by_role("button", name="Apply filters").click()
    assert "tier=district" in page.url
    expect(page.get_by_test_id("evidence-base")).to_contain_text("4 plans")
    details = page.get_by_test_id("barrier-recruitment")
    details.get_by_text("Recruitment and pay: 4 plans").click()
    expect(details).to_contain_text("Brookfield cannot hire planners.")
    check_page(page, f"analysis-evidence-{js}")

    # Compare four councils, shareable by URL.
    page.get_by_role("link", name="Compare councils").click()
    page.get_by_role("button", name="Compare").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose at least 2 councils to compare"
    )
    check_page(page, f"analysis-compare-error-{js}")
    for number, name in enumerate(NAMES, start=1):
        page.get_by_label(re.compile(f"^Council {number}")).select_option(
            label=f"{name} District Council"
        )
    page.get_by_role("button", name="Compare").click()
    assert page.url.count("council=") == 4
    themes = page.get_by_test_id("compare-theme")
    expect(themes).to_have_count(4)
    first = themes.first
    expect(first.get_by_role("heading", level=3)).to_have_text(
        [f"{name} District Council" for name in NAMES]
    )
    expect(first).to_contain_text("Cliffe shares its organization with a neighbour.")
    check_page(page, f"analysis-compare-{js}")
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    # One council after another: each column is as wide as the theme's section.
    widths = first.get_by_test_id("compare-column").evaluate_all(
        "columns => columns.map(column => column.getBoundingClientRect().width)"
    )
    section = first.evaluate("section => section.getBoundingClientRect().width")
    assert len(widths) == 4 and all(width >= section - 1 for width in widths)
    check_page(page, f"analysis-compare-320-{js}")
    page.set_viewport_size({"width": 1280, "height": 800})

    # Search and open a result at its paragraph.
    page.get_by_role("link", name="Search the plans").click()
    page.get_by_label("Search the text of the submitted plans").fill("organisation")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_test_id("search-count")).to_have_text("4 paragraphs found")
    results = page.get_by_test_id("search-results").locator("li")
    expect(results.nth(1)).to_contain_text("Brookfield shares its organization")
    expect(results.nth(1).locator("mark")).to_have_text("organization")
    check_page(page, f"analysis-search-{js}")
    results.nth(1).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Brookfield District Council")
    assert page.url.endswith("#theme-1-p-2")
    paragraph = page.locator("#theme-1-p-2")
    expect(paragraph).to_have_text("1.2 Brookfield shares its organization with a neighbour.")
    expect(paragraph).to_be_in_viewport()


def test_analysis_journey_without_javascript(
    page_without_js, check_page, sign_in, round_, councils
):
    _journey(page_without_js, check_page, sign_in, round_, js=False)


def test_analysis_journey_with_javascript(page, check_page, sign_in, round_, councils):
    _journey(page, check_page, sign_in, round_, js=True)
