"""Evidence for tests: a KPI's fields, and KPIs and items made through the services."""

from datetime import date
from decimal import Decimal

from plans.models import KPI, KpiValue
from plans.services import evidence as services
from plans.services import kpis as kpi_services

KPI_FIELDS = {
    "code": "LPI CS 1",
    "name": "Percentage of phone calls answered within 20 seconds",
    "unit": "percent",
    "frequency": "quarterly",
    "higher_is_better": True,
    "baseline_value": None,
    "baseline_period": "",
    "target_value": Decimal("80"),
    "tolerance": Decimal("5"),
    "benchmark_value": None,
    "benchmark_label": "",
    "data_owner": "Head of Customer Services",
    "data_provider": "Contact Centre Manager",
    "commentary": "",
}


def make_kpi(plan, user, theme_number=1, **overrides) -> KPI:
    return kpi_services.kpi_create(
        plan_id=plan.pk, theme_number=theme_number, fields={**KPI_FIELDS, **overrides}, user=user
    )


def make_kpis_directly(plan, user, count: int, values_each: int = 4) -> None:
    """Many KPIs with values, written straight to the database (for query-count tests)."""
    theme = plan.round.themes.get(number=1)
    kpis = KPI.objects.bulk_create(
        KPI(plan=plan, theme=theme, updated_by=user, **{**KPI_FIELDS, "code": f"K{n:04d}"})
        for n in range(count)
    )
    KpiValue.objects.bulk_create(
        KpiValue(
            kpi=kpi,
            period_start=date(2023 + (q // 4), [4, 7, 10, 1][q % 4], 1),
            value=Decimal(60 + q),
        )
        for kpi in kpis
        for q in range(values_each)
    )


def one_of_each(plan, officer) -> dict:
    """One of every kind of evidence item (a KPI with one value), keyed by URL kind."""
    kpi = make_kpi(plan, officer)
    kpi_services.kpi_value_set(
        plan_id=plan.pk,
        kpi_id=kpi.pk,
        base_edit_count=1,
        period_start=date(2009, 10, 1),
        value=Decimal("64.56"),
        user=officer,
    )
    return {
        "kpi": kpi,
        "value": kpi.values.get(),
        "actions": services.action_create(
            plan_id=plan.pk,
            theme_number=1,
            user=officer,
            fields={
                "kind": "done",
                "description": "Reviewed housing and planning",
                "workstream": "",
                "milestone_date": None,
                "owner": "",
                "status": "done",
            },
        ),
        "savings": services.saving_create(
            plan_id=plan.pk,
            theme_number=1,
            user=officer,
            fields={
                "workstream": "Transformation",
                "description": "New income and savings",
                "amount": Decimal("500000"),
                "start_year": 2024,
                "end_year": 2029,
                "period_label": "over the next five years",
                "is_cashable": True,
            },
        ),
        "barriers": services.barrier_create(
            plan_id=plan.pk,
            user=officer,
            fields={
                "category": "multi_year_settlements",
                "title": "Multiyear settlements",
                "description": "Six single-year settlements in a row.",
                "ask": "",
            },
        ),
        "partners": services.partner_create(
            plan_id=plan.pk,
            user=officer,
            fields={"name": "Kent Police", "sector": "police", "description": "Co-located"},
        ),
        "strategies": services.strategy_create(
            plan_id=plan.pk,
            user=officer,
            fields={"title": "Council Plan", "url": "https://www.example.gov.uk/council-plan"},
        ),
    }


ITEM_KINDS = ("actions", "savings", "barriers", "partners", "strategies")
