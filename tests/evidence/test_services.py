from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plans.content import content_as_text, plan_content
from plans.models import KPI, Action, Plan, QuestionCoverage, Revision, SpendFigures
from plans.services import evidence as services
from plans.services import kpis as kpi_services
from plans.services.evidence import EvidenceConflict
from tests.factories import CouncilFactory, councillor_of, officer_of
from tests.support.evidence import KPI_FIELDS, make_kpi

pytestmark = pytest.mark.django_db

ACTION = {
    "kind": "will_do",
    "description": "Launch an integrated customer portal",
    "workstream": "",
    "milestone_date": date(2024, 10, 31),
    "owner": "Head of Customer Services",
    "status": "planned",
}


def summaries(plan):
    return list(
        Revision.objects.filter(plan=plan).order_by("number").values_list("summary", flat=True)
    )


def test_kpi_create_records_a_revision_with_the_kpi_in_the_content(plan, officer):
    kpi = make_kpi(plan, officer)
    assert kpi.edit_count == 1
    assert kpi.theme.number == 1
    assert summaries(plan) == ["Added KPI LPI CS 1"]
    content = Revision.objects.get(plan=plan).content
    assert [k["code"] for k in content["themes"][0]["kpis"]] == ["LPI CS 1"]
    assert "kpis" not in content["themes"][1]


def test_kpi_update_refuses_a_stale_edit_count_and_keeps_the_newer_kpi(plan, officer):
    kpi = make_kpi(plan, officer)
    other = officer_of(plan.council)
    kpi_services.kpi_update(
        plan_id=plan.pk,
        kpi_id=kpi.pk,
        base_edit_count=1,
        theme_number=1,
        fields={**KPI_FIELDS, "target_value": Decimal("85")},
        user=other,
    )
    with pytest.raises(EvidenceConflict) as conflict:
        kpi_services.kpi_update(
            plan_id=plan.pk,
            kpi_id=kpi.pk,
            base_edit_count=1,
            theme_number=1,
            fields={**KPI_FIELDS, "target_value": Decimal("70")},
            user=officer,
        )
    kpi.refresh_from_db()
    assert conflict.value.code == "edit_conflict"
    assert conflict.value.current.target_value == Decimal("85")
    assert (kpi.target_value, kpi.edit_count) == (Decimal("85"), 2)
    assert summaries(plan) == ["Added KPI LPI CS 1", "Changed KPI LPI CS 1"]


def test_kpi_update_that_changes_nothing_records_no_revision(plan, officer):
    kpi = make_kpi(plan, officer)
    kpi_services.kpi_update(
        plan_id=plan.pk,
        kpi_id=kpi.pk,
        base_edit_count=1,
        theme_number=1,
        fields=dict(KPI_FIELDS),
        user=officer,
    )
    kpi.refresh_from_db()
    assert kpi.edit_count == 1
    assert Revision.objects.filter(plan=plan).count() == 1


def test_kpi_create_refuses_a_duplicate_code_in_any_case(plan, officer):
    make_kpi(plan, officer)
    with pytest.raises(ValidationError) as error:
        make_kpi(plan, officer, code="lpi cs 1")
    assert error.value.message_dict == {"code": ["You already have a KPI with the code lpi cs 1"]}
    assert KPI.objects.filter(plan=plan).count() == 1


def test_kpi_create_refuses_a_percentage_target_over_100(plan, officer):
    with pytest.raises(ValidationError) as error:
        make_kpi(plan, officer, target_value=Decimal("120"))
    assert error.value.message_dict == {"target_value": ["Enter a percentage between 0 and 100"]}
    assert KPI.objects.count() == 0


def test_kpi_value_set_adds_then_replaces_and_bumps_the_kpi_version(plan, officer, kpi):
    kpi_services.kpi_value_set(
        plan_id=plan.pk,
        kpi_id=kpi.pk,
        base_edit_count=1,
        period_start=date(2009, 10, 1),
        value=Decimal("64.56"),
        user=officer,
    )
    kpi_services.kpi_value_set(
        plan_id=plan.pk,
        kpi_id=kpi.pk,
        base_edit_count=2,
        period_start=date(2009, 10, 1),
        value=Decimal("64.60"),
        user=officer,
    )
    kpi.refresh_from_db()
    assert kpi.edit_count == 3
    assert list(kpi.values.values_list("period_start", "value")) == [
        (date(2009, 10, 1), Decimal("64.60"))
    ]
    assert summaries(plan)[1:] == [
        "Added the Q3 2009-10 value of KPI LPI CS 1",
        "Changed the Q3 2009-10 value of KPI LPI CS 1",
    ]


def test_kpi_value_set_refuses_a_date_that_does_not_start_a_quarter(plan, officer, kpi):
    with pytest.raises(ValidationError) as error:
        kpi_services.kpi_value_set(
            plan_id=plan.pk,
            kpi_id=kpi.pk,
            base_edit_count=1,
            period_start=date(2009, 11, 1),
            value=Decimal("50"),
            user=officer,
        )
    assert error.value.message_dict == {"period": ["Enter a period this KPI is measured in"]}
    assert kpi.values.count() == 0


def test_kpi_value_set_refuses_a_stale_kpi_version(plan, officer, kpi):
    with pytest.raises(EvidenceConflict):
        kpi_services.kpi_value_set(
            plan_id=plan.pk,
            kpi_id=kpi.pk,
            base_edit_count=0,
            period_start=date(2009, 10, 1),
            value=Decimal("50"),
            user=officer,
        )
    assert kpi.values.count() == 0


@pytest.mark.parametrize("status", [Plan.Status.APPROVED, Plan.Status.SUBMITTED])
def test_services_refuse_an_approved_or_submitted_plan(plan, officer, status):
    """Once members approve a version the draft is frozen: nothing can be added or changed."""
    kpi = make_kpi(plan, officer)
    Plan.objects.filter(pk=plan.pk).update(status=status)
    calls = [
        lambda: make_kpi(plan, officer, code="NI 157a"),
        lambda: kpi_services.kpi_update(
            plan_id=plan.pk,
            kpi_id=kpi.pk,
            base_edit_count=1,
            theme_number=1,
            fields=dict(KPI_FIELDS),
            user=officer,
        ),
        lambda: kpi_services.kpi_delete(
            plan_id=plan.pk, kpi_id=kpi.pk, base_edit_count=1, user=officer
        ),
        lambda: services.action_create(
            plan_id=plan.pk, theme_number=1, fields=ACTION, user=officer
        ),
        lambda: services.spend_figures_save(
            plan_id=plan.pk, base_edit_count=0, fields={"agency_percent": Decimal(1)}, user=officer
        ),
        lambda: services.coverage_save(
            plan_id=plan.pk, theme_number=1, answered=[], seen=[], user=officer
        ),
    ]
    for call in calls:
        with pytest.raises(ValidationError) as error:
            call()
        assert error.value.code == "invalid_transition"
    assert KPI.objects.filter(plan=plan).count() == 1
    assert Action.objects.count() == 0
    assert Revision.objects.filter(plan=plan).count() == 1


def test_services_refuse_a_councillor_and_another_councils_officer(plan, officer):
    kpi = make_kpi(plan, officer)
    for outsider in (councillor_of(plan.council), officer_of(CouncilFactory())):
        with pytest.raises(PermissionDenied):
            make_kpi(plan, outsider, code="X 1")
        with pytest.raises(PermissionDenied):
            kpi_services.kpi_delete(
                plan_id=plan.pk, kpi_id=kpi.pk, base_edit_count=1, user=outsider
            )
    assert list(KPI.objects.values_list("code", flat=True)) == ["LPI CS 1"]


def test_kpi_delete_refuses_a_stale_edit_count(plan, officer, kpi):
    kpi_services.kpi_update(
        plan_id=plan.pk,
        kpi_id=kpi.pk,
        base_edit_count=1,
        theme_number=1,
        fields={**KPI_FIELDS, "name": "Calls answered"},
        user=officer,
    )
    with pytest.raises(EvidenceConflict):
        kpi_services.kpi_delete(plan_id=plan.pk, kpi_id=kpi.pk, base_edit_count=1, user=officer)
    assert KPI.objects.filter(pk=kpi.pk).exists()


def test_action_lifecycle_is_recorded_in_the_history(plan, officer):
    action = services.action_create(plan_id=plan.pk, theme_number=2, fields=ACTION, user=officer)
    services.action_update(
        plan_id=plan.pk,
        action_id=action.pk,
        base_edit_count=1,
        theme_number=2,
        fields={**ACTION, "status": "in_progress"},
        user=officer,
    )
    services.action_delete(plan_id=plan.pk, action_id=action.pk, base_edit_count=2, user=officer)
    assert summaries(plan) == [
        "Added an action in theme 2",
        "Changed an action in theme 2",
        "Removed an action in theme 2",
    ]
    assert Action.objects.count() == 0


def test_action_update_refuses_an_item_of_another_plan(plan, officer):
    other_plan_officer = officer_of(CouncilFactory())
    from tests.factories import PlanFactory

    other = PlanFactory(council=other_plan_officer.memberships.get().council)
    action = services.action_create(
        plan_id=other.pk, theme_number=1, fields=ACTION, user=other_plan_officer
    )
    with pytest.raises(Action.DoesNotExist):
        services.action_update(
            plan_id=plan.pk,
            action_id=action.pk,
            base_edit_count=1,
            theme_number=1,
            fields=ACTION,
            user=officer,
        )


def test_saving_create_refuses_negative_money_and_an_end_before_the_start(plan, officer):
    fields = {
        "workstream": "",
        "description": "Income",
        "amount": Decimal("-1"),
        "start_year": 2024,
        "end_year": 2023,
        "period_label": "",
        "is_cashable": True,
    }
    with pytest.raises(ValidationError) as error:
        services.saving_create(plan_id=plan.pk, theme_number=1, fields=fields, user=officer)
    assert error.value.message_dict == {
        "amount": ["The amount must be £0 or more"],
        "end_year": ["The end year must be the same as or after the start year"],
    }


def test_spend_figures_save_creates_once_then_guards_the_version(plan, officer):
    figures = services.spend_figures_save(
        plan_id=plan.pk,
        base_edit_count=0,
        fields={"consultancy_percent": Decimal("4.96")},
        user=officer,
    )
    assert figures.edit_count == 1
    with pytest.raises(EvidenceConflict):
        services.spend_figures_save(
            plan_id=plan.pk,
            base_edit_count=0,
            fields={"agency_percent": Decimal("2")},
            user=officer,
        )
    services.plan_cost_save(
        plan_id=plan.pk,
        base_edit_count=1,
        plan_cost=Decimal("2500"),
        plan_cost_note="in senior officer time",
        user=officer,
    )
    figures = SpendFigures.objects.get(plan=plan)
    assert (figures.consultancy_percent, figures.agency_percent, figures.plan_cost) == (
        Decimal("4.96"),
        None,
        Decimal("2500"),
    )
    assert figures.given() == [("Consultancy spend (% of total staff budget)", "4.96%")]


def test_spend_figures_save_refuses_a_percentage_over_100(plan, officer):
    with pytest.raises(ValidationError):
        services.spend_figures_save(
            plan_id=plan.pk,
            base_edit_count=0,
            fields={"agency_percent": Decimal("101")},
            user=officer,
        )
    assert SpendFigures.objects.count() == 0


def test_coverage_save_writes_only_what_each_officer_changed(plan, officer):
    """Two officers ticking different questions from pages loaded at the same time keep both
    ticks; nobody undoes a mark they did not touch."""
    questions = list(plan.round.themes.get(number=2).questions.order_by("number"))
    q1, q2, q3 = (q.pk for q in questions[:3])
    other = officer_of(plan.council)
    assert (
        services.coverage_save(
            plan_id=plan.pk, theme_number=2, answered=[q1], seen=[], user=officer
        )
        == 1
    )
    assert (
        services.coverage_save(plan_id=plan.pk, theme_number=2, answered=[q2], seen=[], user=other)
        == 1
    )
    # Unticking q1 and ticking q3 from a page that showed q1 ticked, q2 not.
    assert (
        services.coverage_save(
            plan_id=plan.pk, theme_number=2, answered=[q3], seen=[q1], user=officer
        )
        == 2
    )
    answered = set(
        QuestionCoverage.objects.filter(plan=plan, answered=True).values_list(
            "question_id", flat=True
        )
    )
    assert answered == {q2, q3}
    assert summaries(plan) == [
        "Marked 1 of 4 questions answered in theme 2",
        "Marked 2 of 4 questions answered in theme 2",
        "Marked 2 of 4 questions answered in theme 2",
    ]
    assert (
        services.coverage_save(
            plan_id=plan.pk, theme_number=2, answered=[q2, q3], seen=[q2, q3], user=officer
        )
        == 0
    )
    assert Revision.objects.filter(plan=plan).count() == 3


def test_content_as_text_shows_evidence_changes(plan, officer, kpi):
    kpi_services.kpi_value_set(
        plan_id=plan.pk,
        kpi_id=kpi.pk,
        base_edit_count=1,
        period_start=date(2009, 10, 1),
        value=Decimal("64.56"),
        user=officer,
    )
    services.plan_cost_save(
        plan_id=plan.pk,
        base_edit_count=0,
        plan_cost=Decimal("2500"),
        plan_cost_note="in senior officer time",
        user=officer,
    )
    text = dict(content_as_text(plan_content(plan)))
    assert text["Theme 1: Transforming services (KPIs, actions and figures)"] == [
        "KPI LPI CS 1 Percentage of phone calls answered within 20 seconds: target 80% "
        "(higher is better), tolerance 5%",
        "  Data owner: Head of Customer Services",
        "  Data provider: Contact Centre Manager",
        "  Q3 2009-10: 64.56%",
    ]
    assert text["Figures and context"] == [
        "Cost of producing the plan: £2,500 in senior officer time"
    ]


def test_plan_content_without_evidence_keeps_its_earlier_shape(plan):
    content = plan_content(plan)
    assert set(content) == {"schema", "council", "round", "themes"}
    assert set(content["themes"][0]) == {"number", "title", "short_title", "narrative"}


SAVING = {
    "workstream": "",
    "description": "Income",
    "amount": Decimal("1000"),
    "start_year": 2024,
    "end_year": 2029,
    "period_label": "",
    "is_cashable": True,
}


def test_saving_create_refuses_years_outside_2000_to_2100_by_field(plan, officer):
    fields = {**SAVING, "start_year": 1999, "end_year": 2101}
    with pytest.raises(ValidationError) as error:
        services.saving_create(plan_id=plan.pk, theme_number=1, fields=fields, user=officer)
    assert error.value.message_dict == {
        "start_year": ["The start year must be between 2000 and 2100"],
        "end_year": ["The end year must be between 2000 and 2100"],
    }
    assert Revision.objects.filter(plan=plan).count() == 0


def test_action_create_refuses_a_milestone_outside_1900_to_2100_by_field(plan, officer):
    fields = {**ACTION, "milestone_date": date(1850, 1, 1)}
    with pytest.raises(ValidationError) as error:
        services.action_create(plan_id=plan.pk, theme_number=1, fields=fields, user=officer)
    assert error.value.message_dict == {
        "milestone_date": ["The milestone date must be between 1900 and 2100"]
    }
    assert Action.objects.count() == 0


def test_kpi_create_refuses_a_negative_tolerance_by_field(plan, officer):
    with pytest.raises(ValidationError) as error:
        make_kpi(plan, officer, tolerance=Decimal("-1"), unit="pounds", target_value=Decimal(-5))
    assert error.value.message_dict == {
        "target_value": ["Enter a figure of 0 or more"],
        "tolerance": ["The tolerance must be 0 or more"],
    }
    assert KPI.objects.count() == 0


def test_spend_figures_save_refuses_figures_out_of_range_by_field(plan, officer):
    fields = {
        "agency_percent": Decimal("100.5"),
        "consultancy_percent": Decimal("-1"),
        "long_term_contractors": -1,
        "edi_spend": Decimal("-0.01"),
        "edi_hours": Decimal("-2"),
        "edi_champions": -3,
        "facility_time_percent": Decimal("100"),
    }
    with pytest.raises(ValidationError) as error:
        services.spend_figures_save(plan_id=plan.pk, base_edit_count=0, fields=fields, user=officer)
    assert error.value.message_dict == {
        "agency_percent": ["Agency spend must be between 0 and 100"],
        "consultancy_percent": ["Consultancy spend must be between 0 and 100"],
        "long_term_contractors": ["The number of consultants or agency staff must be 0 or more"],
        "edi_spend": ["EDI spend must be £0 or more"],
        "edi_hours": ["EDI time must be 0 or more"],
        "edi_champions": ["The number of EDI champions must be 0 or more"],
    }
    with pytest.raises(ValidationError) as error:
        services.plan_cost_save(
            plan_id=plan.pk,
            base_edit_count=0,
            plan_cost=Decimal(-1),
            plan_cost_note="",
            user=officer,
        )
    assert error.value.message_dict == {"plan_cost": ["The cost must be £0 or more"]}
    assert SpendFigures.objects.count() == 0


def test_saving_create_gives_the_rules_and_the_models_own_checks_at_once(plan, officer):
    fields = {**SAVING, "amount": Decimal("-1"), "description": "x" * 301}
    with pytest.raises(ValidationError) as error:
        services.saving_create(plan_id=plan.pk, theme_number=1, fields=fields, user=officer)
    assert error.value.message_dict == {
        "amount": ["The amount must be £0 or more"],
        "description": ["Ensure this value has at most 300 characters (it has 301)."],
    }
