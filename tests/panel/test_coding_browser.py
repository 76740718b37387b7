"""Coding journeys in a real browser, axe-checked on every page: a whole paragraph without
JavaScript, then the matrix filtered to district councils in the South East, a cell's quotes and
the paragraph behind one; and a selected span with JavaScript."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from councils.models import Council
from plans.models import Code, CodedExtract
from tests.panel.factories import council, panel_member, submitted_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SE = "South East"


@pytest.fixture
def councils(round_):
    sent_at = timezone.now() - timedelta(days=1)
    made = {}
    for name, tier, region in [
        ("Ashdown District Council", Council.Tier.DISTRICT, SE),
        ("Brookfield District Council", Council.Tier.DISTRICT, SE),
        ("Cliffe County Council", Council.Tier.COUNTY, SE),
        ("Dale District Council", Council.Tier.DISTRICT, "North West"),
    ]:
        made[name] = council(name, tier=tier, region=region)
        first = name.split()[0]
        submitted_plan(made[name], round_, sent_at=sent_at, text=f"{first} shares services")
    return made


def test_code_a_paragraph_then_read_the_matrix_without_javascript(
    page_without_js, check_page, sign_in, round_, councils
):
    page = page_without_js
    sign_in(page, panel_member(full_name="Pat Panel"))
    page.get_by_role("link", name="Ashdown District Council").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ashdown District Council")

    # Code the first paragraph with two codes.
    page.get_by_role("link", name="Code this paragraph (theme 1, block 1)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Code this paragraph")
    expect(page.get_by_test_id("passage")).to_have_text("1.1 Ashdown shares services")
    check_page(page, "code-paragraph-no-js")
    page.get_by_role("button", name="Save codes").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose at least one code")
    check_page(page, "code-paragraph-error-no-js")
    page.get_by_role("group", name="Barriers to productivity").get_by_label(
        "Housing", exact=True
    ).check()
    page.get_by_role("group", name="Issues raised in 2024").get_by_label(
        "Regulation", exact=True
    ).check()
    page.get_by_role("button", name="Save codes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ashdown District Council")
    assert page.url.endswith("?version=1#theme-1-p-1")
    extract = page.get_by_test_id("extract")
    expect(extract).to_have_count(1)
    expect(extract).to_contain_text("Housing")
    expect(extract).to_contain_text("Regulation")
    check_page(page, "plan-coded-no-js")
    extract_row = CodedExtract.objects.get()
    assert (extract_row.anchor, extract_row.start, extract_row.end) == ("theme-1-p-1", 0, 27)

    # Code Brookfield's too, and Cliffe's (a county: filtered out below).
    for name in ("Brookfield District Council", "Cliffe County Council"):
        page.goto(f"/panel/{round_.slug}/councils/{councils[name].gss_code}/")
        page.get_by_role("link", name="Code this paragraph (theme 1, block 2)").click()
        page.get_by_role("group", name="Barriers to productivity").get_by_label(
            "Housing", exact=True
        ).check()
        page.get_by_role("button", name="Save codes").click()

    # The matrix, filtered to district councils in the South East.
    page.get_by_test_id("panel-nav").get_by_role("link", name="Matrix of coded passages").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Matrix of coded passages")
    check_page(page, "matrix-no-js")
    page.get_by_role("group", name="Tier").get_by_label("District council").check()
    page.get_by_role("group", name="Region").get_by_label(SE).check()
    page.get_by_role("button", name="Apply filters").click()
    matrix = page.get_by_test_id("matrix")
    rows = matrix.locator("tbody").first.locator("tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Ashdown District Council")
    expect(rows.nth(1)).to_contain_text("Brookfield District Council")
    region = page.get_by_role("region", name=re.compile("Matrix of coded passages"))
    expect(region).to_have_attribute("tabindex", "0")
    check_page(page, "matrix-filtered-no-js")

    # Housing column: two passages in total among these councils, one in Ashdown's row.
    housing = Code.objects.get(round=round_, name="Housing", retired_at__isnull=True)
    ashdown = councils["Ashdown District Council"].gss_code
    cell = rows.nth(0).locator(f'a[href*="council={ashdown}"][href*="cell_code={housing.pk}"]')
    expect(cell).to_have_text("1 passage")
    cell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Housing: Ashdown District Council")
    expect(page.get_by_test_id("quote")).to_have_count(1)
    expect(page.get_by_test_id("quote")).to_contain_text("1.1 Ashdown shares services")
    check_page(page, "quotes-no-js")
    page.get_by_role("link", name=re.compile("read it in the plan")).click()
    assert page.url.endswith("?version=1#theme-1-p-1")
    expect(page.locator("#theme-1-p-1")).to_have_text("1.1 Ashdown shares services")


def test_code_a_selected_span_with_javascript(page, check_page, sign_in, round_, councils):
    sign_in(page, panel_member(full_name="Pat Panel"))
    gss = councils["Ashdown District Council"].gss_code
    page.goto(f"/panel/{round_.slug}/councils/{gss}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ashdown District Council")
    button = page.get_by_role("button", name="Code selection")
    expect(button).to_have_count(0)
    # Select "Ashdown shares" inside the first paragraph, as a reader dragging would.
    page.evaluate(
        """() => {
            const text = document.getElementById("theme-1-p-1").firstChild;
            const range = document.createRange();
            range.setStart(text, 4);
            range.setEnd(text, 18);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            text.parentElement.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
        }"""
    )
    expect(button).to_be_visible()
    check_page(page, "plan-selection-js")
    button.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Code the selected words")
    expect(page.get_by_test_id("passage")).to_have_text("Ashdown shares")
    check_page(page, "code-span-js")
    page.get_by_role("group", name="Issues raised in 2024").get_by_label(
        "Regulation", exact=True
    ).check()
    page.get_by_role("button", name="Save codes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ashdown District Council")
    expect(page.get_by_test_id("extract")).to_contain_text("Coded: “Ashdown shares”")
    check_page(page, "plan-span-coded-js")
    extract = CodedExtract.objects.get()
    assert (extract.start, extract.end, extract.quote) == (4, 18, "Ashdown shares")
    assert list(extract.codes.values_list("name", flat=True)) == ["Regulation"]


def test_a_panel_lead_curates_the_codebook_without_javascript(
    page_without_js, check_page, sign_in, round_, councils
):
    page = page_without_js
    lead = panel_member(full_name="Lee Lead")
    lead.is_panel_lead = True
    lead.save(update_fields=["is_panel_lead"])
    sign_in(page, lead)
    page.get_by_test_id("panel-nav").get_by_role("link", name="Codebook").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Codebook")
    check_page(page, "codebook-no-js")

    # Add a code under a parent; a name already in the codebook is refused, the text kept.
    page.get_by_role("link", name="Add a code").click()
    page.get_by_label("Name").fill("Housing")
    page.get_by_label("Definition").fill("Plans that share back-office services.")
    page.get_by_role("button", name="Add code").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("already in the codebook")
    expect(page.get_by_label("Definition")).to_have_value("Plans that share back-office services.")
    check_page(page, "code-add-error-no-js")
    page.get_by_label("Name").fill("Shared services")
    page.get_by_label("Parent code (optional)").select_option(label="Issues raised in 2024")
    page.get_by_role("button", name="Add code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shared services")
    check_page(page, "code-no-js")

    # A memo, then a second text: the first is kept.
    page.get_by_role("link", name=re.compile("Write a memo")).click()
    check_page(page, "code-memo-no-js")
    page.get_by_label("Memo").fill("First thoughts")
    page.get_by_role("button", name="Save memo").click()
    page.get_by_role("link", name=re.compile("Change the memo")).click()
    page.get_by_label("Memo").fill("Second thoughts")
    page.get_by_role("button", name="Save memo").click()
    expect(page.get_by_test_id("memo")).to_contain_text("Second thoughts")
    expect(page.get_by_test_id("memo-history")).to_contain_text("First thoughts")

    # Merge it into Regulation; it is retired and says where it went.
    page.get_by_role("link", name=re.compile("Merge into another code")).click()
    check_page(page, "code-merge-no-js")
    page.get_by_label("Merge into").select_option(label="Issues raised in 2024 › Regulation")
    page.get_by_role("button", name="Merge codes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Regulation")
    shared = Code.objects.get(round=round_, name="Shared services")
    assert shared.merged_into.name == "Regulation"

    # Retire Housing: it leaves the codebook's active list.
    page.goto(f"/panel/{round_.slug}/codebook/")
    page.get_by_role("link", name="Housing", exact=True).click()
    page.get_by_role("link", name=re.compile("Retire this code")).click()
    check_page(page, "code-retire-no-js")
    page.get_by_role("button", name="Retire the code").click()
    expect(page.get_by_test_id("retired-codes")).to_contain_text("Housing")
    expect(page.get_by_test_id("codebook").get_by_role("link", name="Housing")).to_have_count(0)
    check_page(page, "codebook-retired-no-js")
