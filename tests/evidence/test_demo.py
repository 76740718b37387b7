from decimal import Decimal

import pytest

from councils.models import Council
from plans.demo import demo_seed
from plans.models import KPI, Barrier, Plan, SavingsCommitment, SpendFigures
from plans.selectors.evidence import plan_evidence

pytestmark = pytest.mark.django_db


def test_demo_seed_gives_each_demo_plan_realistic_evidence():
    demo_seed()
    plans = {
        plan.council.gss_code: plan for plan in Plan.objects.select_related("council", "round")
    }
    sevenoaks, southderbyshire = plans["E07000111"], plans["E07000039"]
    calls = KPI.objects.get(plan=sevenoaks, code="LPI CS 1")
    assert calls.traffic_light.label == "Requires attention"
    assert (calls.short_trend.label, calls.long_trend.label) == ("Improving", "Getting worse")
    trust = KPI.objects.get(plan=sevenoaks, code="RS 2")
    assert (trust.latest.value, trust.benchmark_value) == (Decimal("86"), Decimal("53"))
    assert SpendFigures.objects.get(plan=sevenoaks).consultancy_percent == Decimal("4.96")
    evidence = plan_evidence(southderbyshire)
    assert evidence.savings_total == Decimal("11085200")
    assert sorted(
        SavingsCommitment.objects.filter(plan=southderbyshire, amount__gte=100000).values_list(
            "amount", flat=True
        )
    ) == [
        Decimal("500000"),
        Decimal("980000"),
        Decimal("1440000"),
        Decimal("2100000"),
        Decimal("6000000"),
    ]
    assert evidence.figures.plan_cost == Decimal("2500")
    assert set(
        Barrier.objects.filter(plan=plans["E07000096"]).values_list("category", flat=True)
    ) == {"funding_levels", "multi_year_settlements", "competitive_bidding"}
    assert sum(theme.questions_answered for theme in plan_evidence(sevenoaks).themes.values()) == 18
    assert Council.objects.get(gss_code="E06000047").plans.get().revision_count > 1
