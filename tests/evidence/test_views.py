from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from plans.models import (
    KPI,
    Action,
    Barrier,
    KpiValue,
    Partner,
    Plan,
    QuestionCoverage,
    SavingsCommitment,
    SpendFigures,
    StrategyLink,
)
from plans.services import evidence as services
from plans.services import kpis as kpi_services
from tests.factories import CouncilFactory, PlanFactory, councillor_of, officer_of
from tests.support.evidence import KPI_FIELDS, make_kpi, make_kpis_directly
from tests.support.mfa import force_login_verified

pytestmark = pytest.mark.django_db


def read_urls(plan, items) -> list[str]:
    kpi = items["kpi"]
    return [
        reverse("plans:kpis", args=[plan.pk]),
        reverse("plans:kpi_template", args=[plan.pk]),
        reverse("plans:kpi_detail", args=[plan.pk, kpi.pk]),
        reverse("plans:theme_evidence", args=[plan.pk, 1]),
        reverse("plans:theme_evidence", args=[plan.pk, 4]),
        reverse("plans:context", args=[plan.pk]),
    ]


def change_urls(plan, items) -> list[str]:
    """Every add, change and delete page (each answers GET and POST)."""
    kpi = items["kpi"]
    urls = [
        reverse("plans:kpi_add", args=[plan.pk]),
        reverse("plans:kpi_import", args=[plan.pk]),
        reverse("plans:kpi_edit", args=[plan.pk, kpi.pk]),
        reverse("plans:kpi_delete", args=[plan.pk, kpi.pk]),
        reverse("plans:coverage", args=[plan.pk, 1]),
        reverse("plans:spend_figures", args=[plan.pk]),
        reverse("plans:plan_cost", args=[plan.pk]),
    ]
    for kind in ("actions", "savings", "barriers", "partners", "strategies"):
        urls.append(reverse(f"plans:{kind}_add", args=[plan.pk]))
        urls.append(reverse(f"plans:{kind}_edit", args=[plan.pk, items[kind].pk]))
        urls.append(reverse(f"plans:{kind}_delete", args=[plan.pk, items[kind].pk]))
    return urls


def value_urls(plan, items) -> list[str]:
    """The pages that only take a POST: adding and deleting a KPI's value."""
    kpi = items["kpi"]
    return [
        reverse("plans:kpi_value_add", args=[plan.pk, kpi.pk]),
        reverse("plans:kpi_value_delete", args=[plan.pk, kpi.pk, items["value"].pk]),
    ]


def evidence_urls(plan, items) -> list[str]:
    return read_urls(plan, items) + change_urls(plan, items)


def evidence_state(plan) -> dict:
    """Every evidence row of the plan with its edit count, and the plan's revisions."""
    return {
        model.__name__: sorted(
            model.objects.filter(plan=plan).values_list("pk", "edit_count", "updated_at")
        )
        for model in (KPI, Action, SavingsCommitment, Barrier, Partner, StrategyLink, SpendFigures)
    } | {
        "values": sorted(KpiValue.objects.filter(kpi__plan=plan).values_list("pk", "value")),
        "coverage": sorted(
            QuestionCoverage.objects.filter(plan=plan).values_list("pk", "answered")
        ),
        "revisions": plan.revisions.count(),
    }


def test_every_evidence_page_renders_for_an_officer(officer_client, plan, items):
    for url in evidence_urls(plan, items):
        assert officer_client.get(url).status_code == 200, url


def test_every_evidence_page_is_a_404_for_another_councils_officer(client, plan, items):
    force_login_verified(client, officer_of(CouncilFactory()))
    post_only = [
        reverse("plans:kpi_value_add", args=[plan.pk, items["kpi"].pk]),
        reverse("plans:kpi_value_delete", args=[plan.pk, items["kpi"].pk, items["value"].pk]),
    ]
    for url in evidence_urls(plan, items):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"base_edit_count": 1}).status_code == 404, url
    for url in post_only:
        assert (
            client.post(
                url, {"base_edit_count": 2, "period": "Q1 2024-25", "value": "1"}
            ).status_code
            == 404
        ), url
    assert KPI.objects.get().values.count() == 1
    assert (Action.objects.count(), Barrier.objects.count(), Partner.objects.count()) == (1, 1, 1)


def test_items_of_another_plan_are_a_404_inside_your_own_plan(officer_client, plan, officer):
    other = PlanFactory()
    other_officer = officer_of(other.council)
    kpi = make_kpi(other, other_officer)
    action = services.action_create(
        plan_id=other.pk,
        theme_number=1,
        user=other_officer,
        fields={
            "kind": "done",
            "description": "x",
            "workstream": "",
            "milestone_date": None,
            "owner": "",
            "status": "done",
        },
    )
    assert (
        officer_client.get(reverse("plans:kpi_detail", args=[plan.pk, kpi.pk])).status_code == 404
    )
    assert (
        officer_client.get(reverse("plans:actions_edit", args=[plan.pk, action.pk])).status_code
        == 404
    )


def test_councillors_can_read_the_evidence_but_not_change_it(client, plan, items):
    force_login_verified(client, councillor_of(plan.council))
    assert client.get(reverse("plans:kpis", args=[plan.pk])).status_code == 200
    assert client.get(reverse("plans:context", args=[plan.pk])).status_code == 200
    assert client.get(reverse("plans:kpi_add", args=[plan.pk])).status_code == 403
    response = client.post(
        reverse("plans:actions_delete", args=[plan.pk, items["actions"].pk]), {"base_edit_count": 1}
    )
    assert response.status_code == 403
    assert Action.objects.count() == 1


@pytest.mark.parametrize("status", [Plan.Status.APPROVED, Plan.Status.SUBMITTED])
def test_every_evidence_change_is_a_409_once_the_plan_is_frozen(
    officer_client, plan, officer, items, status
):
    """A GET or POST of any add, change or delete page of an approved or submitted plan is the
    wrong-state page (409) and changes nothing; the read-only pages still work."""
    kpi_services.kpi_value_set(
        plan_id=plan.pk,
        kpi_id=items["kpi"].pk,
        base_edit_count=2,
        period_start=date(2010, 1, 1),
        value=Decimal("70"),
        user=officer,
    )
    Plan.objects.filter(pk=plan.pk).update(status=status)
    before = evidence_state(plan)
    post = {**KPI_POST, "base_edit_count": "1", "period": "Q1 2024-25", "value": "1"}
    for url in change_urls(plan, items):
        for response in (officer_client.get(url), officer_client.post(url, post)):
            assert response.status_code == 409, url
            assert "This plan cannot be changed now" in response.content.decode(), url
    for url in value_urls(plan, items):
        assert officer_client.post(url, {**post, "base_edit_count": "3"}).status_code == 409, url
    for url in read_urls(plan, items):
        assert officer_client.get(url).status_code == 200, url
    assert evidence_state(plan) == before


KPI_POST = {
    "theme": "1",
    "code": "LPI CS 3",
    "name": "Queries answered at first contact",
    "unit": "percent",
    "frequency": "quarterly",
    "higher_is_better": "yes",
    "target_value": "65",
    "tolerance": "2",
    "baseline_value": "",
    "baseline_period": "",
    "benchmark_value": "",
    "benchmark_label": "",
    "data_owner": "",
    "data_provider": "",
    "commentary": "",
    "base_edit_count": "0",
}


def test_kpi_add_saves_and_goes_to_the_kpi(officer_client, plan):
    response = officer_client.post(reverse("plans:kpi_add", args=[plan.pk]), KPI_POST)
    kpi = KPI.objects.get()
    assert response.status_code == 302
    assert response["Location"] == kpi.get_absolute_url()
    assert (kpi.code, kpi.target_value, kpi.tolerance) == ("LPI CS 3", Decimal("65"), Decimal("2"))


def test_kpi_add_with_bad_input_shows_errors_and_keeps_what_was_typed(officer_client, plan):
    data = {
        **KPI_POST,
        "target_value": "eighty",
        "tolerance": "-1",
        "code": "",
        "name": "Calls <b>answered</b>",
    }
    response = officer_client.post(reverse("plans:kpi_add", args=[plan.pk]), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Target must be a number, like 80" in page
    assert "Enter the KPI code" in page
    assert 'value="Calls &lt;b&gt;answered&lt;/b&gt;"' in page
    assert 'value="-1"' in page
    # Once it parses, the service's rules speak, next to their fields.
    data.update(target_value="80", code="LPI CS 3")
    response = officer_client.post(reverse("plans:kpi_add", args=[plan.pk]), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "The tolerance must be 0 or more" in page
    assert 'value="Calls &lt;b&gt;answered&lt;/b&gt;"' in page
    assert KPI.objects.count() == 0


def test_kpi_add_refuses_a_percentage_target_over_100(officer_client, plan):
    response = officer_client.post(
        reverse("plans:kpi_add", args=[plan.pk]), {**KPI_POST, "target_value": "120"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "target_value": ["Enter a percentage between 0 and 100"]
    }
    assert KPI.objects.count() == 0


def test_kpi_edit_from_a_stale_page_is_a_conflict_that_keeps_both(
    officer_client, plan, officer, items
):
    kpi = items["kpi"]  # edit count 2 after its value
    kpi_services.kpi_update(
        plan_id=plan.pk,
        kpi_id=kpi.pk,
        base_edit_count=2,
        theme_number=1,
        fields={**KPI_FIELDS, "name": "Their name"},
        user=officer,
    )
    data = {**KPI_POST, "code": "LPI CS 1", "name": "My name", "base_edit_count": "2"}
    response = officer_client.post(reverse("plans:kpi_edit", args=[plan.pk, kpi.pk]), data)
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this KPI while you were editing it" in page
    assert 'value="My name"' in page
    assert "Their name" in page
    assert 'name="base_edit_count" value="3"' in page
    kpi.refresh_from_db()
    assert kpi.name == "Their name"


def test_kpi_value_add_rejects_a_period_that_does_not_exist(officer_client, plan, items):
    kpi = items["kpi"]
    response = officer_client.post(
        reverse("plans:kpi_value_add", args=[plan.pk, kpi.pk]),
        {"period": "Q5 2009-10", "value": "70", "base_edit_count": "2"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter a quarterly period, like Q1 2024-25" in page
    assert 'value="Q5 2009-10"' in page
    assert kpi.values.count() == 1


def test_kpi_value_add_and_delete(officer_client, plan, items):
    kpi = items["kpi"]
    url = reverse("plans:kpi_value_add", args=[plan.pk, kpi.pk])
    response = officer_client.post(
        url, {"period": "Q2 2009-10", "value": "62.93", "base_edit_count": "2"}
    )
    assert response.status_code == 302
    value = kpi.values.get(period_start=date(2009, 7, 1))
    response = officer_client.post(
        reverse("plans:kpi_value_delete", args=[plan.pk, kpi.pk, value.pk]),
        {"base_edit_count": "3"},
    )
    assert response.status_code == 302
    assert list(kpi.values.values_list("value", flat=True)) == [Decimal("64.56")]


def test_action_add_with_an_impossible_date_keeps_the_input(officer_client, plan):
    data = {
        "theme": "2",
        "kind": "will_do",
        "description": "Launch a customer portal",
        "workstream": "",
        "milestone_date_0": "31",
        "milestone_date_1": "2",
        "milestone_date_2": "2025",
        "owner": "",
        "status": "planned",
        "base_edit_count": "0",
    }
    response = officer_client.post(reverse("plans:actions_add", args=[plan.pk]), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "The milestone date must be a real date" in page
    assert "Launch a customer portal" in page
    assert 'value="31"' in page
    data["milestone_date_1"] = "3"
    response = officer_client.post(reverse("plans:actions_add", args=[plan.pk]), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:theme_evidence", args=[plan.pk, 2])
    assert Action.objects.get().milestone_date == date(2025, 3, 31)


def test_saving_add_refuses_negative_money_and_an_end_before_the_start(officer_client, plan):
    data = {
        "theme": "1",
        "description": "Income",
        "workstream": "",
        "amount": "-5",
        "start_year": "2029",
        "end_year": "2024",
        "period_label": "",
        "is_cashable": "yes",
        "base_edit_count": "0",
    }
    response = officer_client.post(reverse("plans:savings_add", args=[plan.pk]), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "amount": ["The amount must be £0 or more"],
        "end_year": ["The end year must be the same as or after the start year"],
    }
    assert 'value="-5"' in page
    data.update(amount="£6,000,000", start_year="2024", end_year="2029")
    assert (
        officer_client.post(reverse("plans:savings_add", args=[plan.pk]), data).status_code == 302
    )
    assert SavingsCommitment.objects.get().amount == Decimal("6000000")


def test_spend_figures_refuse_percentages_outside_0_to_100(officer_client, plan):
    data = {
        "agency_percent": "101",
        "consultancy_percent": "4.96",
        "base_edit_count": "0",
        "long_term_contractors": "1.5",
        "edi_spend": "",
        "edi_hours": "",
        "edi_champions": "",
        "facility_time_percent": "",
        "notes": "",
    }
    response = officer_client.post(reverse("plans:spend_figures", args=[plan.pk]), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "long_term_contractors": [
            "Number of consultants or agency staff must be a whole number, like 3"
        ]
    }
    assert 'value="4.96"' in page
    assert 'value="101"' in page
    data["long_term_contractors"] = "-1"
    response = officer_client.post(reverse("plans:spend_figures", args=[plan.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "agency_percent": ["Agency spend must be between 0 and 100"],
        "long_term_contractors": ["The number of consultants or agency staff must be 0 or more"],
    }
    assert SpendFigures.objects.count() == 0


def test_strategy_link_refuses_a_javascript_address(officer_client, plan):
    response = officer_client.post(
        reverse("plans:strategies_add", args=[plan.pk]),
        {"title": "Plan", "url": "javascript:alert(1)", "base_edit_count": "0"},
    )
    assert response.status_code == 400
    assert StrategyLink.objects.count() == 0


def test_delete_from_a_stale_page_is_refused(officer_client, plan, officer, items):
    barrier = items["barriers"]
    services.barrier_update(
        plan_id=plan.pk,
        barrier_id=barrier.pk,
        base_edit_count=1,
        fields={"category": "funding_levels", "title": "", "description": "", "ask": ""},
        user=officer,
    )
    response = officer_client.post(
        reverse("plans:barriers_delete", args=[plan.pk, barrier.pk]), {"base_edit_count": "1"}
    )
    assert response.status_code == 409
    assert Barrier.objects.filter(pk=barrier.pk).exists()


def test_kpi_import_page_lists_each_bad_row_and_saves_nothing(officer_client, plan, items):
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = b"kpi_code,period,value\nLPI CS 1,Q1 2009-10,60\nLPI CS 1,Q2 2009-10,n/a\n"
    response = officer_client.post(
        reverse("plans:kpi_import", args=[plan.pk]), {"file": SimpleUploadedFile("v.csv", csv)}
    )
    assert response.status_code == 400
    assert "Row 3: the value &#x27;n/a&#x27; is not a number" in response.content.decode()
    assert items["kpi"].values.count() == 1


def test_tasklist_shows_questions_answered_per_theme(officer_client, plan, officer):
    questions = list(plan.round.themes.get(number=1).questions.values_list("pk", flat=True))
    services.coverage_save(
        plan_id=plan.pk, theme_number=1, answered=questions[:-1], seen=[], user=officer
    )
    page = officer_client.get(reverse("plans:tasklist", args=[plan.pk])).content.decode()
    assert f"{len(questions) - 1} of {len(questions)} questions answered" in page
    assert "0 of 4 questions answered" in page


def test_check_page_shows_evidence_in_theme_order_and_unanswered_questions(
    officer_client, plan, items
):
    page = officer_client.get(reverse("plans:check", args=[plan.pk])).content.decode()
    order = [
        page.index(text)
        for text in (
            'id="theme-1-heading"',
            "LPI CS 1",
            "Reviewed housing and planning",
            "£500,000",
            'id="theme-4-heading"',
            "Multiyear settlements",
            "Kent Police",
            "Council Plan",
        )
    ]
    assert order == sorted(order)
    assert "Not yet marked:" in page
    assert "Total savings committed: <strong>£500,000</strong>" in page


@pytest.mark.parametrize("count", [5, 200])
def test_check_page_runs_a_fixed_number_of_queries(
    officer_client, plan, officer, count, django_assert_num_queries
):
    make_kpis_directly(plan, officer, count)
    url = reverse("plans:check", args=[plan.pk])
    with django_assert_num_queries(CHECK_QUERIES):
        assert officer_client.get(url).status_code == 200


@pytest.mark.parametrize("count", [5, 200])
def test_kpi_list_runs_a_fixed_number_of_queries(
    officer_client, plan, officer, count, django_assert_num_queries
):
    make_kpis_directly(plan, officer, count)
    url = reverse("plans:kpis", args=[plan.pk])
    with django_assert_num_queries(KPI_LIST_QUERIES):
        response = officer_client.get(url)
    assert response.content.decode().count('data-testid="traffic-light"') == count


@pytest.mark.parametrize("count", [5, 200])
def test_theme_evidence_runs_a_fixed_number_of_queries(
    officer_client, plan, officer, count, django_assert_num_queries
):
    """The page's KPI figures and traffic lights come from the view's prefetched context."""
    make_kpis_directly(plan, officer, count)
    url = reverse("plans:theme_evidence", args=[plan.pk, 1])
    with django_assert_num_queries(THEME_EVIDENCE_QUERIES):
        response = officer_client.get(url)
    assert response.content.decode().count('class="govuk-tag govuk-tag--') == count


CHECK_QUERIES = 16  # includes the length meter
THEME_EVIDENCE_QUERIES = 15
KPI_LIST_QUERIES = 6


def test_kpi_add_refuses_a_code_a_spreadsheet_would_run_as_a_formula(officer_client, plan):
    response = officer_client.post(
        reverse("plans:kpi_add", args=[plan.pk]), {**KPI_POST, "code": "=HYPERLINK(1)"}
    )
    assert response.status_code == 400
    assert "The code must start with a letter or a number" in response.content.decode()
    assert KPI.objects.count() == 0


def test_revision_comparison_shows_evidence_changes(officer_client, plan, officer, items):
    """Revision 1 added the KPI, revision 2 its Q3 value: the comparison shows that line."""
    response = officer_client.get(
        reverse("plans:revision_compare", args=[plan.pk]), {"older": 1, "newer": 2}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Theme 1: Transforming services (KPIs, actions and figures)" in page
    assert "Q3 2009-10: 64.56%" in page


@pytest.mark.parametrize("name", ["kpi_add", "actions_add", "savings_add"])
@pytest.mark.parametrize("asked", ["²", "1" * 5000, "9", "0", "-1", "1.5", ""])
def test_add_pages_ignore_a_theme_parameter_that_is_not_one_of_the_rounds(
    officer_client, plan, name, asked
):
    """`?theme=` only preselects a theme; anything else is ignored, never a server error."""
    response = officer_client.get(reverse(f"plans:{name}", args=[plan.pk]), {"theme": asked})
    assert response.status_code == 200
    assert response.context["form"].initial["theme"] is None
    if name != "kpi_add":
        assert response.context["back_url"] == plan.get_absolute_url()


@pytest.mark.parametrize("name", ["kpi_add", "actions_add", "savings_add"])
def test_add_pages_preselect_the_theme_asked_for(officer_client, plan, name):
    response = officer_client.get(reverse(f"plans:{name}", args=[plan.pk]), {"theme": "3"})
    assert response.status_code == 200
    assert response.context["form"].initial["theme"] == 3
    assert '<option value="3" selected>' in response.content.decode()


@pytest.mark.parametrize("asked", ["²", "1" * 5000, "9"])
def test_action_add_refuses_a_posted_theme_that_is_not_one_of_the_rounds(
    officer_client, plan, asked
):
    data = {
        "theme": asked,
        "kind": "done",
        "description": "Reviewed housing",
        "status": "done",
        "base_edit_count": "0",
    }
    response = officer_client.post(reverse("plans:actions_add", args=[plan.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors == {"theme": ["Select a theme"]}
    assert Action.objects.count() == 0


def test_a_plan_frozen_while_the_form_was_posted_gets_the_409_and_keeps_the_input(
    officer_client, plan, officer, monkeypatch
):
    """The page saw a draft, but the service found the plan approved under its lock."""

    def approve_first(**kwargs):
        Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.APPROVED)
        return original(**kwargs)

    original = services.action_create
    monkeypatch.setattr(services, "action_create", approve_first)
    data = {
        "theme": "2",
        "kind": "done",
        "description": "Reviewed housing and planning",
        "status": "done",
        "base_edit_count": "0",
    }
    response = officer_client.post(reverse("plans:actions_add", args=[plan.pk]), data)
    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [
        "This plan is approved, so it can no longer be changed. To change it, start a correction "
        "from the plan's page"
    ]
    assert "Reviewed housing and planning" in response.content.decode()
    assert Action.objects.count() == 0
