"""Evidence forms parse what was typed; what the figures may be is the services' rule."""

from decimal import Decimal

import pytest

from plans.forms.evidence import ActionForm, SavingForm, SpendFiguresForm
from plans.forms.kpis import KpiForm, KpiValueForm
from plans.models import Theme
from tests.support.evidence import make_kpi

pytestmark = pytest.mark.django_db


def themes(plan):
    return Theme.objects.filter(round=plan.round).order_by("number")


def test_kpi_form_parses_a_percentage_over_100_and_leaves_the_range_to_the_service(plan):
    form = KpiForm(
        {
            "theme": "1",
            "code": "LPI CS 3",
            "name": "Calls",
            "unit": "percent",
            "frequency": "quarterly",
            "higher_is_better": "yes",
            "target_value": "120%",
            "tolerance": "-1",
            "base_edit_count": "0",
        },
        themes=themes(plan),
    )
    assert form.errors == {}
    assert (form.cleaned_data["target_value"], form.cleaned_data["tolerance"]) == (
        Decimal("120.00"),
        Decimal("-1.00"),
    )


def test_kpi_value_form_parses_the_period_and_any_number(plan, officer):
    kpi = make_kpi(plan, officer)
    form = KpiValueForm({"period": "Q1 2024-25", "value": "-5", "base_edit_count": "1"}, kpi=kpi)
    assert form.errors == {}
    assert form.cleaned_data["value"] == Decimal("-5.00")


def test_saving_form_parses_years_and_money_without_judging_them(plan):
    form = SavingForm(
        {
            "theme": "1",
            "description": "Income",
            "amount": "-£5",
            "start_year": "2029",
            "end_year": "1999",
            "is_cashable": "yes",
            "base_edit_count": "0",
        },
        themes=themes(plan),
    )
    assert form.errors == {}
    assert (form.cleaned_data["amount"], form.cleaned_data["end_year"]) == (Decimal("-5.00"), 1999)


def test_spend_figures_form_parses_a_percentage_over_100_but_not_a_fraction_of_a_person():
    form = SpendFiguresForm(
        {"agency_percent": "101%", "long_term_contractors": "1.5", "base_edit_count": "0"}
    )
    assert form.errors == {
        "long_term_contractors": [
            "Number of consultants or agency staff must be a whole number, like 3"
        ]
    }


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("31", "2", "2025", "The milestone date must be a real date"),
        ("1", "1", "1" * 5000, "The milestone date must be a real date"),
        ("1", "²", "2025", "The milestone date must be a real date"),
        ("1", "1", "", "The milestone date must include a year"),
    ],
)
def test_action_form_milestone_date_must_be_a_real_date(plan, day, month, year, message):
    form = ActionForm(
        {
            "theme": "1",
            "kind": "done",
            "description": "x",
            "status": "done",
            "milestone_date_0": day,
            "milestone_date_1": month,
            "milestone_date_2": year,
            "base_edit_count": "0",
        },
        themes=themes(plan),
    )
    assert form.errors == {"milestone_date": [message]}
