"""Which theme collects barriers is data on the round's themes, and one loop seeds them."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from plans.letter_2024 import ROUND_2024, THEMES_2024
from plans.models import Barrier, GuidingQuestion, Theme
from plans.rounds import round_seed_themes
from plans.services import evidence as services
from tests.factories import PlanFactory, RoundFactory, officer_of
from tests.support.mfa import force_login_verified

pytestmark = pytest.mark.django_db

BARRIER = {"category": "funding_levels", "title": "Funding", "description": "", "ask": ""}


def _theme(number: int, *, collects_barriers: bool = False) -> dict:
    return {
        "number": number,
        "short_title": f"Theme {number}",
        "title": f"The theme numbered {number}",
        "introduction": "",
        "collects_barriers": collects_barriers,
        "questions": [f"question {number}.1", f"question {number}.2"],
    }


@pytest.fixture
def middle_barriers_plan():
    """A round of three themes whose barriers go under theme 2, not the last one."""
    round_ = RoundFactory(themes=[_theme(1), _theme(2, collects_barriers=True), _theme(3)])
    plan = PlanFactory(round=round_)
    return plan, officer_of(plan.council)


def test_the_2024_round_collects_barriers_under_its_fourth_theme_only():
    themes = Theme.objects.filter(round__slug=ROUND_2024["slug"])
    assert list(themes.filter(collects_barriers=True).values_list("number", flat=True)) == [4]
    assert themes.count() == len(THEMES_2024) == 4


def test_round_seed_themes_twice_changes_nothing():
    round_ = RoundFactory(themes=False)
    for _ in range(2):
        round_seed_themes(round_, THEMES_2024, Theme=Theme, GuidingQuestion=GuidingQuestion)
    assert list(round_.themes.values_list("number", "collects_barriers")) == [
        (1, False),
        (2, False),
        (3, False),
        (4, True),
    ]
    assert GuidingQuestion.objects.filter(theme__round=round_).count() == sum(
        len(theme["questions"]) for theme in THEMES_2024
    )


def test_barrier_create_files_barriers_under_the_rounds_barriers_theme(middle_barriers_plan):
    plan, officer = middle_barriers_plan
    barrier = services.barrier_create(plan_id=plan.pk, fields=BARRIER, user=officer)
    assert barrier.theme.number == 2


def test_barrier_create_is_refused_when_the_round_asks_for_no_barriers():
    plan = PlanFactory(round=RoundFactory(themes=[_theme(1), _theme(2)]))
    with pytest.raises(ValidationError) as error:
        services.barrier_create(plan_id=plan.pk, fields=BARRIER, user=officer_of(plan.council))
    assert error.value.code == "no_barriers_theme"
    assert Barrier.objects.count() == 0


def test_barrier_pages_follow_the_barriers_theme_not_the_last_theme(client, middle_barriers_plan):
    plan, officer = middle_barriers_plan
    force_login_verified(client, officer)
    add = client.post(
        reverse("plans:barriers_add", args=[plan.pk]), {**BARRIER, "base_edit_count": 0}
    )
    assert add.status_code == 302
    assert add["Location"] == reverse("plans:theme_evidence", args=[plan.pk, 2])
    two = client.get(reverse("plans:theme_evidence", args=[plan.pk, 2])).content.decode()
    three = client.get(reverse("plans:theme_evidence", args=[plan.pk, 3])).content.decode()
    assert "KPIs, actions, barriers and savings" in two
    assert reverse("plans:barriers_add", args=[plan.pk]) in two
    assert "KPIs, actions and savings" in three
    assert reverse("plans:barriers_add", args=[plan.pk]) not in three


def test_barrier_add_is_a_404_when_the_round_asks_for_no_barriers(client):
    plan = PlanFactory(round=RoundFactory(themes=[_theme(1), _theme(2)]))
    force_login_verified(client, officer_of(plan.council))
    assert client.get(reverse("plans:barriers_add", args=[plan.pk])).status_code == 404
