from datetime import date
from decimal import Decimal

import pytest

from plans.models import KPI, KpiValue
from plans.services import evidence as services

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
    return services.kpi_create(
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


@pytest.fixture
def kpi(plan, officer):
    return make_kpi(plan, officer)
