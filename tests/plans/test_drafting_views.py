"""The drafting pages: who may reach them, saving, conflicts, autosave and revisions."""

import json
import re
from html import unescape
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import Plan, Revision
from plans.services.drafting import section_save
from tests.factories import CouncilFactory, PlanFactory, councillor_of, officer_of
from tests.support.mfa import force_login_verified

pytestmark = pytest.mark.django_db


def _plan_urls(plan) -> list[str]:
    return [
        reverse("plans:tasklist", args=[plan.pk]),
        reverse("plans:section_edit", args=[plan.pk, 1]),
        reverse("plans:check", args=[plan.pk]),
        reverse("plans:revisions", args=[plan.pk]),
        reverse("plans:revision_compare", args=[plan.pk]) + "?older=1&newer=2",
    ]


def _all_urls(plan) -> list[str]:
    council = plan.council.gss_code
    return [
        reverse("plans:council", args=[council]),
        reverse("plans:plan_start", args=[council]),
        *_plan_urls(plan),
    ]


def _save(plan, user, text, *, number=1, base_edit_count=0, is_complete=False):
    section = plan.sections.get(theme__number=number)
    return section_save(section_id=section.pk, narrative=text, is_complete=is_complete,
                        base_edit_count=base_edit_count, user=user).section  # fmt: skip


def _textarea(response) -> str:
    match = re.search(
        r'<textarea[^>]*name="narrative"[^>]*>(.*?)</textarea>', response.content.decode(), re.S
    )
    return unescape(match.group(1)).lstrip("\n")


# --- Who may reach the pages ------------------------------------------------------------------


def test_every_drafting_url_sends_a_signed_out_user_to_sign_in(client, plan):
    for url in _all_urls(plan):
        for method in (client.get, client.post):
            response = method(url)
            assert (response.status_code, response["Location"]) == (
                302,
                f"/sign-in/?next={quote(url, safe='/')}",
            ), url


def test_every_plan_url_is_a_404_for_another_councils_officer(client, plan):
    force_login_verified(client, officer_of(CouncilFactory()))
    for url in _all_urls(plan):
        assert client.get(url).status_code == (405 if url.endswith("/start/") else 404), url
        assert client.post(url, {"round": plan.round.pk}).status_code == 404, url
    assert Plan.objects.count() == 1
    assert Revision.objects.count() == 0


def test_a_councillor_reads_the_plan_but_gets_403_on_the_theme_page(client, plan):
    """Councillors see the plan, its check page and history; editing a theme is a 403."""
    force_login_verified(client, councillor_of(plan.council))
    tasklist, edit, check, revisions, _ = _plan_urls(plan)
    assert [client.get(url).status_code for url in (tasklist, check, revisions)] == [200] * 3
    assert client.get(edit).status_code == 403
    response = client.post(edit, {"narrative": "x", "is_complete": "no", "base_edit_count": "0"})
    assert response.status_code == 403
    assert plan.sections.get(theme__number=1).narrative == ""


def test_a_councillor_cannot_start_a_plan(client, council):
    from tests.factories import RoundFactory

    round_ = RoundFactory()
    force_login_verified(client, councillor_of(council))
    url = reverse("plans:plan_start", args=[council.gss_code])
    # Refused whatever the form holds: a round, no round, or one that does not exist.
    answers = [
        client.post(url, data).status_code for data in ({"round": round_.pk}, {}, {"round": 0})
    ]
    assert answers == [403, 403, 403]
    assert Plan.objects.count() == 0


def test_the_theme_page_of_an_approved_plan_is_a_409_and_changes_nothing(client):
    from tests.submission.factories import approved_version

    version = approved_version()
    plan = version.plan
    force_login_verified(client, version.created_by)
    url = reverse("plans:section_edit", args=[plan.pk, 1])
    before = plan.sections.get(theme__number=1).narrative

    page = client.get(url)
    posted = client.post(url, {"narrative": "Changed", "is_complete": "yes", "base_edit_count": 1})

    assert page.status_code == 409
    assert posted.status_code == 409
    assert "so it can no longer be changed" in page.content.decode()
    assert plan.sections.get(theme__number=1).narrative == before
    tasklist = client.get(reverse("plans:tasklist", args=[plan.pk]))
    assert tasklist.context["can_edit"] is False


def test_a_theme_that_does_not_exist_is_a_404(officer_client, plan):
    assert officer_client.get(reverse("plans:section_edit", args=[plan.pk, 9])).status_code == 404


# --- Starting and saving ----------------------------------------------------------------------


def test_plan_start_view_starts_the_plan_once_and_shows_its_task_list(client, council):
    from tests.factories import RoundFactory

    round_ = RoundFactory()
    force_login_verified(client, officer_of(council))
    url = reverse("plans:plan_start", args=[council.gss_code])
    first = client.post(url, {"round": round_.pk})
    second = client.post(url, {"round": round_.pk})
    plan = Plan.objects.get()
    assert (first.status_code, first["Location"]) == (302, f"/plans/{plan.pk}/")
    assert (second.status_code, second["Location"]) == (302, f"/plans/{plan.pk}/")
    page = client.get(first["Location"]).content.decode()
    assert [page.count(f'id="theme-{n}-status"') for n in range(1, 6)] == [1, 1, 1, 1, 0]
    assert page.count("Not started") == 4
    assert "Check your plan" in page


def test_section_edit_saves_and_returns_to_the_plan_and_the_text_comes_back(officer_client, plan):
    url = reverse("plans:section_edit", args=[plan.pk, 2])
    text = "## Our approach\n\n1.1 We share services with Tunbridge Wells.\n\n- one\n- two"
    response = officer_client.post(
        url, {"narrative": text, "is_complete": "yes", "base_edit_count": "0"}
    )
    assert (response.status_code, response["Location"]) == (302, f"/plans/{plan.pk}/")
    section = plan.sections.get(theme__number=2)
    assert (section.narrative, section.is_complete, section.edit_count) == (text, True, 1)
    again = officer_client.get(url)
    assert again.status_code == 200
    assert _textarea(again) == text
    assert 'name="base_edit_count" value="1"' in again.content.decode()


def test_section_edit_shows_errors_and_keeps_the_text(officer_client, plan):
    url = reverse("plans:section_edit", args=[plan.pk, 1])
    response = officer_client.post(url, {"narrative": "Half written", "base_edit_count": "0"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "is_complete": ["Select whether you have completed this theme"]
    }
    assert _textarea(response) == "Half written"
    assert Revision.objects.count() == 0


def test_section_edit_conflict_keeps_the_users_text_and_shows_the_newer_one(client, plan):
    """The second editor gets a 409 page with their own text and the newer saved text."""
    first, second = officer_of(plan.council), officer_of(plan.council, user__full_name="Sam Two")
    _save(plan, first, "The first officer's text")
    force_login_verified(client, second)
    url = reverse("plans:section_edit", args=[plan.pk, 1])
    response = client.post(
        url, {"narrative": "The second officer's text", "is_complete": "no", "base_edit_count": "0"}
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert _textarea(response) == "The second officer's text"
    theirs = re.search(r'<textarea[^>]*id="conflict-text"[^>]*>(.*?)</textarea>', page, re.S)
    assert unescape(theirs.group(1)).lstrip("\n") == "The first officer's text"
    assert 'name="base_edit_count" value="1"' in page
    assert response.context["form"].non_field_errors() == [
        "Someone else saved this theme while you were editing it. Your text has not been "
        "saved: compare it with theirs below, combine them, then save again"
    ]
    assert plan.sections.get(theme__number=1).narrative == "The first officer's text"
    # Saving again from the conflict page builds on the newer save.
    resolved = client.post(
        url, {"narrative": "Both texts", "is_complete": "no", "base_edit_count": "1"}
    )
    assert resolved.status_code == 302
    assert plan.sections.get(theme__number=1).narrative == "Both texts"


# --- Autosave ---------------------------------------------------------------------------------


def test_autosave_returns_the_new_edit_count_and_the_time_saved(officer_client, plan):
    url = reverse("plans:section_edit", args=[plan.pk, 1])
    response = officer_client.post(
        url, {"narrative": "Draft", "is_complete": "no", "base_edit_count": "0"},
        headers={"Accept": "application/json"},
    )  # fmt: skip
    section = plan.sections.get(theme__number=1)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {
        "edit_count": 1,
        "saved_at": timezone.localtime(section.updated_at).strftime("%-I:%M%p").lower(),
    }
    assert list(Revision.objects.values_list("summary", flat=True)) == ["Autosaved theme 1"]


def test_autosave_of_an_untouched_theme_changes_nothing(officer_client, plan):
    url = reverse("plans:section_edit", args=[plan.pk, 1])
    response = officer_client.post(
        url, {"narrative": "", "is_complete": "no", "base_edit_count": "0"},
        headers={"Accept": "application/json"},
    )  # fmt: skip
    assert response.status_code == 200
    assert set(json.loads(response.content)) == {"edit_count", "saved_at"}
    assert json.loads(response.content)["edit_count"] == 0
    assert Revision.objects.count() == 0


def test_autosave_conflict_is_a_409_json_answer(client, plan):
    first = officer_of(plan.council, user__full_name="Alex First")
    _save(plan, first, "Saved first")
    force_login_verified(client, officer_of(plan.council))
    response = client.post(
        reverse("plans:section_edit", args=[plan.pk, 1]),
        {"narrative": "Autosaved second", "is_complete": "no", "base_edit_count": "0"},
        headers={"Accept": "application/json"},
    )  # fmt: skip
    assert response.status_code == 409
    assert json.loads(response.content) == {
        "conflict": True,
        "edit_count": 1,
        "updated_by": "Alex First",
        "message": "Someone else has saved this theme. Save the page to compare your text "
        "with theirs.",
    }
    assert plan.sections.get(theme__number=1).narrative == "Saved first"


def test_autosave_with_invalid_input_is_a_400_json_answer(officer_client, plan):
    response = officer_client.post(
        reverse("plans:section_edit", args=[plan.pk, 1]),
        {"narrative": "x" * 30_001, "is_complete": "no", "base_edit_count": "0"},
        headers={"Accept": "application/json"},
    )  # fmt: skip
    assert response.status_code == 400
    assert json.loads(response.content) == {
        "errors": {
            "narrative": [
                {"message": "Your answer must be 30,000 characters or fewer", "code": "max_length"}
            ]
        }
    }


# --- Check, revisions and compare -------------------------------------------------------------


def test_check_page_shows_the_plan_in_order_and_lists_empty_themes(officer_client, plan, officer):
    _save(plan, officer, "# Workforce\n\nWe **merged** teams.", number=1)
    _save(plan, officer, "Technology answer", number=3)
    response = officer_client.get(reverse("plans:check", args=[plan.pk]))
    assert response.status_code == 200
    assert [section.theme.number for section in response.context["empty_sections"]] == [2, 4]
    page = response.content.decode()
    assert "2 themes are still empty." in page
    assert "<h2>Workforce</h2>\n<p>We <strong>merged</strong> teams.</p>" in page
    assert page.index("Workforce") < page.index("Technology answer")


def test_revision_list_shows_every_revision_newest_first(officer_client, plan, officer):
    edit_count = _save(plan, officer, "One").edit_count
    _save(plan, officer, "Two", base_edit_count=edit_count)
    response = officer_client.get(reverse("plans:revisions", args=[plan.pk]))
    assert response.status_code == 200
    assert [(r.number, r.summary, r.author) for r in response.context["revisions"]] == [
        (2, "Saved theme 1", officer),
        (1, "Saved theme 1", officer),
    ]
    assert response.context["form"].initial == {"older": 1, "newer": 2}


def test_revision_compare_shows_lines_added_and_removed(officer_client, plan, officer):
    edit_count = _save(plan, officer, "Keep\nOld line").edit_count
    _save(plan, officer, "Keep\nNew line", base_edit_count=edit_count)
    response = officer_client.get(
        reverse("plans:revision_compare", args=[plan.pk]), {"older": "2", "newer": "1"}
    )
    assert response.status_code == 200
    assert (response.context["before"].number, response.context["after"].number) == (1, 2)
    theme_1 = response.context["diff"][0]
    assert [(line.kind, line.text) for line in theme_1.lines] == [
        ("same", "Keep"),
        ("removed", "Old line"),
        ("added", "New line"),
    ]
    assert [section.changed for section in response.context["diff"]] == [True, False, False, False]


@pytest.mark.parametrize(
    "query, errors",
    [
        ({"older": "1", "newer": "1"}, {"newer": ["Choose two different revisions to compare"]}),
        (
            {"older": "1", "newer": "7"},
            {"newer": ["Select a valid choice. 7 is not one of the available choices."]},
        ),
    ],
)
def test_revision_compare_refuses_a_bad_pair(officer_client, plan, officer, query, errors):
    edit_count = _save(plan, officer, "One").edit_count
    _save(plan, officer, "Two", base_edit_count=edit_count)
    response = officer_client.get(reverse("plans:revision_compare", args=[plan.pk]), query)
    assert response.status_code == 400
    assert response.context["form"].errors == errors


# --- Queries ----------------------------------------------------------------------------------


def _large_plan():
    """A plan with eight extra themes, many questions, long answers and 60 revisions."""
    plan = PlanFactory()
    officer = officer_of(plan.council)
    for number in range(5, 13):
        theme = plan.round.themes.create(number=number, title=f"Extra {number}",
                                         short_title=f"Extra {number}")  # fmt: skip
        plan.sections.create(theme=theme)
    theme_1 = plan.round.themes.get(number=1)
    for number in range(theme_1.questions.count() + 1, 31):
        theme_1.questions.create(number=number, text=f"Question {number}?")
    for index in range(60):
        section = plan.sections.get(theme__number=index % 12 + 1)
        _save(plan, officer, f"1.{index} " + "Words " * 400, number=section.theme.number,
              base_edit_count=section.edit_count, is_complete=index % 2 == 0)  # fmt: skip
    return plan, officer


def _small_plan():
    plan = PlanFactory()
    return plan, officer_of(plan.council)


TASKLIST_QUERIES = 17  # any plan size: plan, sections, evidence, sign-off, submission, deadline
THEME_PAGE_QUERIES = 6


@pytest.mark.parametrize("make_plan", [_small_plan, _large_plan], ids=["small", "large"])
def test_task_list_runs_a_fixed_number_of_queries(client, django_assert_num_queries, make_plan):
    plan, officer = make_plan()
    force_login_verified(client, officer)
    with django_assert_num_queries(TASKLIST_QUERIES):
        assert client.get(reverse("plans:tasklist", args=[plan.pk])).status_code == 200


@pytest.mark.parametrize("make_plan", [_small_plan, _large_plan], ids=["small", "large"])
def test_theme_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries, make_plan):
    plan, officer = make_plan()
    force_login_verified(client, officer)
    with django_assert_num_queries(THEME_PAGE_QUERIES):
        response = client.get(reverse("plans:section_edit", args=[plan.pk, 1]))
    assert response.status_code == 200
