"""The panel's full-text search: sent versions only, spellings alike, acronyms as written,
filters combined, escaped snippets linking to the paragraph."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from councils.models import Council
from plans.markdown import render_markdown
from plans.models import PlanVersion, SearchParagraph, Submission
from plans.search import narrative_paragraphs, normalise_spelling, paragraph_anchor, split_query
from plans.selectors import analysis as selectors
from plans.selectors.panel import with_paragraph_anchors
from plans.services import delivery
from plans.services.signoff import plan_start_correction
from tests.factories import PlanFactory
from tests.panel.factories import (
    approved_unsent_plan,
    awaiting_plan,
    corrected_version,
    council,
    drafting_plan,
    send,
)
from tests.submission.factories import approved_version

pytestmark = pytest.mark.django_db


def _narrative(*paragraphs: str) -> dict[int, str]:
    return {1: "\n\n".join(paragraphs), 2: "", 3: "", 4: ""}


def _sent(name, round_, *paragraphs, tier=Council.Tier.DISTRICT):
    made = council(name, tier=tier)
    plan = PlanFactory(council=made, round=round_)
    version = approved_version(plan, narratives=_narrative(*paragraphs))
    send(version)
    return plan


@pytest.fixture
def plans(round_):
    return {
        "alpha": _sent(
            "Alpha District Council",
            round_,
            "1.1 Our organization shares IT with two neighbours.",
            "1.2 We analyze demand every month and it works.",
        ),
        "bravo": _sent(
            "Bravo Unitary Council",
            round_,
            "1.1 The organisation of SEND transport costs us more each year.",
            "1.2 We are piloting AI to answer letters.",
            tier=Council.Tier.UNITARY,
        ),
        "charlie": _sent(
            "Charlie District Council",
            round_,
            "1.1 We send every resident a letter about shared services.",
        ),
    }


def _search(client, round_, query, **params):
    url = reverse("plans:panel_analysis_search", args=[round_.slug])
    return client.get(url, {"search": query, **params})


def _found(response) -> list[tuple[str, int, int]]:
    page = response.context["page"]
    return [(r.council.split()[0], r.theme_number, r.position) for r in page.object_list]


def test_normalise_spelling_brings_american_forms_to_british_keeping_case():
    assert normalise_spelling("Organization, organizations; ORGANIZE it") == (
        "Organisation, organisations; ORGANISE it"
    )
    assert normalise_spelling("we analyze, analyzed and realized") == (
        "we analyse, analysed and realised"
    )
    assert normalise_spelling("size and prize") == "size and prise"  # both sides alike


def test_split_query_keeps_capitalised_words_apart_as_acronyms():
    assert split_query('IT "shared services" OR AI -agency send') == (
        '"shared services" OR -agency send',
        ["IT", "AI"],
    )


def test_narrative_paragraphs_are_numbered_as_the_reading_view_anchors_them():
    narrative = "## Heading\n\n1.1 First.\n\n- one\n- two\n\n| a | b |\n|---|---|\n| c | d |"
    assert narrative_paragraphs(narrative) == [
        (1, "Heading"),
        (2, "1.1 First."),
        (3, "one"),
        (4, "two"),
        (5, "a b c d"),
    ]
    anchored = with_paragraph_anchors(render_markdown(narrative), prefix="theme-1-p")
    assert re.findall(r'id="(theme-1-p-\d+)"', anchored) == [
        paragraph_anchor(1, n) for n in range(1, 6)
    ]
    assert '<li id="theme-1-p-3">one</li>' in anchored


@pytest.mark.parametrize("query", ["organisation", "organization", "organisations"])
def test_british_and_american_spellings_are_found_alike(panel_client, round_, plans, query):
    response = _search(panel_client, round_, query)
    assert response.status_code == 200
    assert _found(response) == [("Alpha", 1, 1), ("Bravo", 1, 1)]


def test_yse_and_yze_are_found_alike(panel_client, round_, plans):
    assert _found(_search(panel_client, round_, "analyse")) == [("Alpha", 1, 2)]
    assert _found(_search(panel_client, round_, "analyzing")) == [("Alpha", 1, 2)]


def test_acronyms_in_capitals_match_only_where_written_in_capitals(panel_client, round_, plans):
    assert _found(_search(panel_client, round_, "IT")) == [("Alpha", 1, 1)]
    assert _found(_search(panel_client, round_, "SEND")) == [("Bravo", 1, 1)]
    assert _found(_search(panel_client, round_, "AI")) == [("Bravo", 1, 2)]
    # Lower case is an ordinary word: "send" finds every form of it, "it" is a stop word.
    assert _found(_search(panel_client, round_, "send")) == [("Bravo", 1, 1), ("Charlie", 1, 1)]
    assert _found(_search(panel_client, round_, "it")) == []
    # An acronym with other words: both must be there.
    assert _found(_search(panel_client, round_, "IT neighbours")) == [("Alpha", 1, 1)]
    assert _found(_search(panel_client, round_, "IT letter")) == []


def test_snippets_mark_the_words_found(panel_client, round_, plans):
    response = _search(panel_client, round_, "organization")
    snippets = [str(result.snippet) for result in response.context["page"].object_list]
    assert "<mark>organization</mark>" in snippets[0]
    assert "<mark>organisation</mark>" in snippets[1]
    response = _search(panel_client, round_, "IT")
    assert "shares <mark>IT</mark> with" in str(response.context["page"].object_list[0].snippet)


def test_drafts_and_unsent_versions_never_match(panel_client, round_, plans):
    draft = drafting_plan(council("Delta District Council"), round_)
    section = draft.sections.get(theme__number=1)
    section.narrative = "DRAFT secret words"
    section.save(update_fields=["narrative"])
    awaiting_plan(council("Echo District Council"), round_)
    approved_unsent_plan(council("Foxtrot District Council"), round_)
    # A correction of a sent plan, approved but not sent: the sent text still matches, the
    # correction's does not.
    corrected_version(plans["charlie"], narratives=_narrative("1.1 Corrected secret words."))
    assert _found(_search(panel_client, round_, "secret")) == []
    assert _found(_search(panel_client, round_, "resident")) == [("Charlie", 1, 1)]
    assert SearchParagraph.objects.filter(plan__council__name__startswith="Delta").count() == 0


def test_search_combines_with_the_trackers_filters(panel_client, round_, plans):
    response = _search(panel_client, round_, "organisation", tier="unitary")
    assert _found(response) == [("Bravo", 1, 1)]
    # Removing the filter keeps the search words.
    url = reverse("plans:panel_analysis_search", args=[round_.slug])
    assert f'href="{url}?search=organisation">Remove filter' in response.content.decode()
    assert _found(_search(panel_client, round_, "organisation", q="alpha")) == [("Alpha", 1, 1)]
    response = _search(panel_client, round_, "organisation", tier="county")
    assert _found(response) == []
    assert "No paragraph of a submitted plan in this list matches" in response.content.decode()


def test_snippets_are_escaped(panel_client, round_):
    _sent("Golf District Council", round_, "1.1 <script>alert(1)</script> shared services.")
    response = _search(panel_client, round_, "shared services")
    html = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "<mark>shared</mark> <mark>services</mark>" in html


def test_a_result_links_to_its_paragraph_in_the_reading_view(panel_client, round_, plans):
    response = _search(panel_client, round_, "AI", tier="unitary")
    html = response.content.decode()
    gss = plans["bravo"].council.gss_code
    link = reverse("plans:panel_plan", args=[round_.slug, gss]) + "?tier=unitary&amp;version=1"
    assert f'href="{link}#theme-1-p-2"' in html
    reading = panel_client.get(reverse("plans:panel_plan", args=[round_.slug, gss])).content
    paragraph = re.search(rb'<p id="theme-1-p-2">(.*?)</p>', reading)
    assert paragraph.group(1) == b"1.2 We are piloting AI to answer letters."


def test_results_are_listed_by_council_then_place_twenty_a_page(panel_client, round_):
    _sent("Zulu District Council", round_, "1.1 Shared services.")
    paragraphs = [f"1.{n} Shared services paragraph {n}." for n in range(1, 25)]
    _sent("Kilo District Council", round_, *paragraphs)
    first = _search(panel_client, round_, "shared services")
    assert first.context["page"].paginator.count == 25
    assert _found(first) == [("Kilo", 1, n) for n in range(1, 21)]
    second = _search(panel_client, round_, "shared services", page="2")
    assert _found(second) == [("Kilo", 1, n) for n in range(21, 25)] + [("Zulu", 1, 1)]
    html = second.content.decode()
    assert 'href="?search=shared+services&amp;page=1"' in html
    assert 'aria-current="page">2<' in html


def test_without_postgresql_search_falls_back_to_a_substring_and_says_so(
    panel_client, round_, plans, monkeypatch
):
    monkeypatch.setattr(selectors, "search_is_full_text", lambda: False)
    response = _search(panel_client, round_, "ORGANIS")
    assert _found(response) == [("Bravo", 1, 1)]  # no spelling rules on the fallback
    html = response.content.decode()
    assert 'data-testid="simple-search"' in html
    assert "<mark>organis</mark>ation" in html


def test_the_backfill_indexes_the_latest_sent_version_of_each_plan(round_, plans):
    plan = plans["alpha"]
    corrected = corrected_version(plan, narratives=_narrative("1.1 The second version."))
    send(corrected)
    SearchParagraph.objects.all().delete()
    call_command("search_index_backfill", stdout=open("/dev/null", "w"))  # noqa: SIM115
    # Alpha's second version, Bravo's and Charlie's first: theme 1, and one line for each of
    # the three other themes.
    assert SearchParagraph.objects.count() == 4 + 5 + 4
    assert list(
        SearchParagraph.objects.filter(plan=plan, theme_number=1).values_list(
            "version__number", "text"
        )
    ) == [(2, "1.1 The second version.")]


def test_delivery_indexes_a_version_when_it_records_it_sent(round_, smtp_server):
    plan = PlanFactory(council=council("Hotel District Council"), round=round_)
    version = approved_version(plan, narratives=_narrative("1.1 Delivered words."))
    submission = Submission.objects.get(version=version)
    assert SearchParagraph.objects.filter(version=version).count() == 0
    delivery.submission_deliver(submission_id=submission.pk)
    assert list(
        SearchParagraph.objects.filter(version=version, theme_number=1).values_list(
            "text", flat=True
        )
    ) == ["1.1 Delivered words."]
    assert PlanVersion.objects.get(pk=version.pk).search_paragraphs.count() == 4
    plan_start_correction(plan=plan, user=version.created_by)
    assert SearchParagraph.objects.filter(version=version).count() == 4  # the sent text stays


# With the session's second factor and the panel data's generation; both searches follow a
# change, so the round and the regions are read too (they are kept otherwise).
SEARCH_QUERIES = 9


def test_search_runs_the_same_queries_whatever_the_number_of_results(
    panel_client, round_, django_assert_num_queries
):
    _sent("Alpha District Council", round_, "1.1 Shared IT services.")
    with django_assert_num_queries(SEARCH_QUERIES):
        response = _search(panel_client, round_, "shared services IT")
    assert response.context["page"].paginator.count == 1
    for name in ("Bravo", "Charlie", "Delta"):
        paragraphs = [f"1.{n} Shared IT services, part {n}." for n in range(1, 10)]
        _sent(f"{name} District Council", round_, *paragraphs)
    with django_assert_num_queries(SEARCH_QUERIES):
        response = _search(panel_client, round_, "shared services IT")
    assert response.context["page"].paginator.count == 28
    assert len(response.context["page"].object_list) == 20


def test_a_version_that_cannot_be_indexed_is_still_recorded_sent(
    round_, smtp_server, monkeypatch, caplog
):
    def broken(*, version):
        SearchParagraph.objects.create(
            plan_id=version.plan_id, version=version, theme_number=1, position=1, text="half"
        )
        raise ValueError("unreadable")

    monkeypatch.setattr(delivery, "search_index_version", broken)
    plan = PlanFactory(council=council("India District Council"), round=round_)
    version = approved_version(plan, narratives=_narrative("1.1 Words."))
    submission = delivery.submission_deliver(
        submission_id=Submission.objects.get(version=version).pk
    )
    assert submission.status == Submission.Status.SENT
    assert len(smtp_server.messages) == 1
    assert SearchParagraph.objects.count() == 0  # the half-built index was rolled back
    assert "Could not index version" in caplog.text
