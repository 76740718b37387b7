"""Demo evidence for the four demo councils, built from the facts in their real 2024 plans.

Figures come from the seeds: Sevenoaks' 2021 residents' survey against the LGA benchmark, its
383 FTE and 4.96% spend on consultancy, EDI and other non-service activity, and the quarterly
KPIs of the 2010 case study; South Derbyshire's five savings commitments, its "what we have done /
what we will do" tables, its barriers (some still awaiting wording) and the £2,500 the plan cost;
Dacorum's three barriers and its achieved and planned digital work. Sentences are our own.
Everything goes through the evidence services, so the demo history shows each addition.
"""

from datetime import date
from decimal import Decimal as D

from plans import kpi as kpi_rules
from plans.models import GuidingQuestion, Plan
from plans.services import evidence as services
from plans.services import kpis

LGA = "LGA October 2021"


def _kpi(
    code,
    name,
    unit,
    frequency,
    target,
    *,
    theme=1,
    tolerance="5",
    higher=True,
    benchmark=None,
    benchmark_label="",
    owner="",
    provider="",
    commentary="",
    baseline=None,
    baseline_period="",
    values=(),
):
    return {
        "theme": theme,
        "fields": {
            "code": code,
            "name": name,
            "unit": unit,
            "frequency": frequency,
            "higher_is_better": higher,
            "target_value": D(target),
            "tolerance": D(tolerance),
            "baseline_value": None if baseline is None else D(baseline),
            "baseline_period": baseline_period,
            "benchmark_value": None if benchmark is None else D(benchmark),
            "benchmark_label": benchmark_label,
            "data_owner": owner,
            "data_provider": provider,
            "commentary": commentary,
        },
        "values": values,
    }


def _survey(code, name, own, lga):
    return _kpi(
        code,
        name,
        "percent",
        kpi_rules.ANNUAL,
        "80",
        tolerance="10",
        benchmark=lga,
        benchmark_label=LGA if lga is not None else "",
        owner="Head of Policy",
        provider="Independent market research company",
        values=[("2021-22", own)],
    )


def _action(theme, kind, description, *, workstream="", status=None, milestone=None, owner=""):
    return {
        "theme": theme,
        "fields": {
            "kind": kind,
            "description": description,
            "workstream": workstream,
            "milestone_date": milestone,
            "owner": owner,
            "status": status or ("done" if kind == "done" else "planned"),
        },
    }


def _done(theme, description, **kwargs):
    return _action(theme, "done", description, **kwargs)


def _will(theme, description, **kwargs):
    return _action(theme, "will_do", description, **kwargs)


def _saving(theme, workstream, description, amount, start, end, period="", cashable=True):
    return {
        "theme": theme,
        "fields": {
            "workstream": workstream,
            "description": description,
            "amount": D(amount),
            "start_year": start,
            "end_year": end,
            "period_label": period,
            "is_cashable": cashable,
        },
    }


def _barrier(category, title, description="", ask=""):
    return {"category": category, "title": title, "description": description, "ask": ask}


EVIDENCE = {
    "sevenoaks": {
        "kpis": [
            _survey("RS 1", "Residents satisfied with the way the council runs things", "81", "56"),
            _survey("RS 2", "Residents who trust the council", "86", "53"),
            _survey("RS 3", "Residents who agree the council provides value for money", "63", "43"),
            _survey(
                "RS 4", "Residents who feel well informed about services and benefits", "82", "57"
            ),
            _survey("RS 5", "Residents satisfied with refuse and recycling", "91", "75"),
            _survey("RS 6", "Contacting residents who found staff helpful", "81", None),
            _kpi(
                "LPI CS 1",
                "Percentage of phone calls answered within 20 seconds by the Contact Centre",
                "percent",
                kpi_rules.QUARTERLY,
                "80",
                owner="Head of Customer Services",
                provider="Contact Centre Manager",
                commentary="Staff shortages and the severe December weather held this back. "
                "Vacancies were held open towards budget savings and sickness absence rose; "
                "recruitment waits for the options paper on this service.",
                values=[("Q3 2008-09", "75.94"), ("Q2 2009-10", "62.93"), ("Q3 2009-10", "64.56")],
            ),
            _kpi(
                "LPI CS 3",
                "Percentage of all queries answered at first point of contact by "
                "the Contact Centre",
                "percent",
                kpi_rules.QUARTERLY,
                "65",
                tolerance="2",
                owner="Head of Customer Services",
                provider="Contact Centre Manager",
                commentary="More processes are moving into the Contact Centre; we expect to be "
                "within target by the year end.",
                values=[("Q3 2008-09", "60.54"), ("Q2 2009-10", "62.25"), ("Q3 2009-10", "63.73")],
            ),
            _kpi(
                "NI 157a",
                "Major planning applications processed within 13 weeks",
                "percent",
                kpi_rules.QUARTERLY,
                "80",
                owner="Head of Development Services",
                provider="Development Management Team Leader",
                values=[("Q3 2008-09", "70.37"), ("Q2 2009-10", "85.71"), ("Q3 2009-10", "82.61")],
            ),
            _kpi(
                "HR 1",
                "Full-time equivalent posts",
                "number",
                kpi_rules.ANNUAL,
                "383",
                tolerance="10",
                higher=False,
                baseline="409",
                baseline_period="2019",
                owner="Head of HR and OD",
                provider="HR systems team",
                commentary="Posts have fallen from 409 in 2019 while demand rose by about 20%; "
                "120 of the posts are our in-house waste and recycling crews.",
                values=[("2019-20", "409"), ("2024-25", "383")],
            ),
        ],
        "actions": [
            _done(
                1,
                "Made £8.8m of savings since 2011/12 and received no revenue support "
                "grant since April 2018.",
                workstream="Finance",
            ),
            _done(
                1,
                "Restructured in 2020 with fewer senior managers and redesigned teams "
                "around the Council Plan.",
                workstream="Structures",
            ),
            _done(
                1,
                "Built more than 40 new affordable homes through Quercus Housing.",
                workstream="Housing",
            ),
            _done(
                1,
                "Introduced hybrid working: at least 40% of time in the office, 60% for "
                "managers; productivity up 24% since 2019.",
                workstream="People",
            ),
            _will(
                1,
                "Write a policy for waste collection that looks for efficiency and "
                "productivity gains.",
                workstream="Waste and recycling",
                status="in_progress",
            ),
            _will(
                1,
                "Put the food waste collection requirements in place.",
                workstream="Waste and recycling",
            ),
            _done(
                3,
                "Kept consultancy, EDI and other non-service spend to 4.96% of staff budgets.",
                workstream="Spend control",
            ),
            _will(
                3,
                "Apply the Customer Insights team's waste reduction work to internal services.",
                workstream="Customer insights",
            ),
        ],
        "figures": {
            "consultancy_percent": D("4.96"),
            "facility_time_percent": D("0"),
            "edi_champions": 1,
            "notes": "The 4.96% covers consultancy (leaving out specialist Local Plan and "
            "capital project support), EDI and other non-service activity together. The Head "
            "of HR and OD is the organisation's Equalities Champion. Agency staff mainly cover "
            "refuse collection and none are appointed for the long term.",
        },
        "barriers": [
            _barrier(
                "multi_year_settlements",
                "Lack of long-term financial settlements",
                "Hard to improve productivity further without resources to invest.",
            ),
            _barrier(
                "competitive_bidding",
                "Short-term competitive grants",
                "Costly for smaller councils to bid for and manage, with no certainty of reward.",
            ),
            _barrier(
                "legislation",
                "Restrictive or frequently changing legislation",
                "For example no remote attendance for councillors, and an inflexible "
                "apprenticeship regime.",
            ),
            _barrier(
                "capital_funding",
                "Access to capital funding",
                "For regeneration and house building, and security for private funding in "
                "local schemes.",
            ),
            _barrier(
                "other",
                "Limits on council investment",
                "Our Property Investment Strategy has been set aside; our companies Quercus "
                "7 and Quercus Housing are affected.",
            ),
            _barrier("data_burden", "Central government data returns"),
            _barrier(
                "audit",
                "Overly complex rules for financial statements",
                "They discourage scrutiny and drive a failing public sector audit service.",
            ),
            _barrier("other", "Uncertainty about local government reform"),
            _barrier(
                "recruitment",
                "Competing with private sector and London salaries",
                "Notably in planning, democratic services and housing.",
            ),
        ],
        "partners": [
            ("Kent Police", "police", "Co-located with us; attend Scrutiny Committee."),
            (
                "NHS, including the One You public health team",
                "nhs",
                "Co-located; health and housing work with GP surgeries.",
            ),
            ("West Kent Housing", "housing", "Homes for local people; joint training."),
            ("Hft", "voluntary", "Affordable homes for local people."),
            ("Age UK", "voluntary", "Community solutions for patients referred by GPs."),
            (
                "Neighbouring councils",
                "council",
                "Shared council tax, business rates, benefits, audit and licensing services.",
            ),
            ("Town and parish councils", "council", ""),
        ],
        "strategies": [
            ("Council Plan", "https://www.sevenoaks.gov.uk/council-plan"),
            ("Community Plan", "https://www.sevenoaks.gov.uk/community-plan"),
        ],
        "answered": {1: [1, 2, 3, 6, 7], 2: [1, 3], 3: [1, 3, 4, 5, 6, 7, 8, 9], 4: [1, 2, 4]},
    },
    "southderbyshire": {
        "kpis": [
            _kpi(
                "OS 1",
                "Operational Services commercial income",
                "pounds",
                kpi_rules.ANNUAL,
                "183000",
                tolerance="15000",
                owner="Head of Operational Services",
                provider="Finance business partner",
                commentary="The Commercialisation Plan published in November 2022 aims for "
                "£153,000 in 2023/24, rising to £183,000 in 2025/26.",
                values=[("2023-24", "153000")],
            ),
        ],
        "savings": [
            _saving(
                1,
                "Transformation",
                "New and additional income and expenditure savings",
                "500000",
                2024,
                2028,
                "over the next five years",
            ),
            _saving(
                1,
                "Commercial and income",
                "New and additional income",
                "6000000",
                2024,
                2028,
                "over the next five years",
            ),
            _saving(
                1,
                "Asset management",
                "New and additional income and expenditure savings",
                "2100000",
                2024,
                2028,
                "over the next five years",
            ),
            _saving(
                3,
                "Managing spend",
                "New and additional income and expenditure savings",
                "1440000",
                2024,
                2028,
                "over the next five years",
            ),
            _saving(
                3,
                "Financial and treasury management",
                "Income and expenditure savings",
                "980000",
                2024,
                2028,
                "over the next five years",
            ),
            _saving(
                2,
                "Transformation",
                "Fleet management solution: fewer paper tickets",
                "1200",
                2024,
                2024,
                "a year",
            ),
            _saving(
                2,
                "Transformation",
                "Mail management solution: Legal staff time",
                "64000",
                2024,
                2027,
                "over four years",
                cashable=False,
            ),
        ],
        "actions": [
            _done(
                1,
                "Reviewed housing and planning, the two services most in need of improvement.",
                workstream="Transformation",
            ),
            _done(
                1,
                "Referred ourselves to the Social Housing Regulator and set up a Housing "
                "Services Improvement Working Group.",
                workstream="Transformation",
            ),
            _will(
                1,
                "Meet the Tenancy Consumer Standards.",
                workstream="Transformation",
                milestone=date(2025, 4, 30),
                status="in_progress",
                owner="Housing Services Improvement Working Group",
            ),
            _will(1, "Launch a New Ways of Working project.", workstream="Transformation"),
            _done(
                1,
                "Benchmarked fees and charges against other councils.",
                workstream="Commercial and income",
            ),
            _will(
                1,
                "Charge for pre-application planning advice (about £50,000 a year).",
                workstream="Commercial and income",
            ),
            _will(
                1,
                "Roll out Planning Performance Agreements (about £100,000 a year).",
                workstream="Commercial and income",
            ),
            _done(
                1,
                "Signed a new 30-year lease for Rosliston Forestry Centre with Forestry England.",
                workstream="Asset management",
            ),
            _will(
                1,
                "Build a business case to replace the main leisure centre and civic offices.",
                workstream="Asset management",
            ),
            _done(
                2,
                "Launched the mySouthDerbyshire customer portal and a tenant portal, open "
                "24 hours a day.",
                workstream="Digital",
            ),
            _done(
                2, "Moved corporate performance reporting to Microsoft Power BI.", workstream="Data"
            ),
            _will(
                2,
                "Go live with a fleet management solution.",
                workstream="Digital",
                milestone=date(2024, 6, 30),
                status="in_progress",
            ),
            _done(
                3,
                "Created a Procurement Lead post and a Spend Matters action team.",
                workstream="Managing spend",
            ),
            _will(
                3,
                "Train all procuring officers on the new Public Contract Regulations.",
                workstream="Managing spend",
            ),
            _will(
                3,
                "Assess our financial management against CIPFA's Financial Management Code.",
                workstream="Financial and treasury management",
            ),
        ],
        "barriers": [
            _barrier(
                "multi_year_settlements",
                "Multiyear settlements",
                "2024/25 is the sixth single-year settlement in a row; the last four-year "
                "settlement ended in 2019/20.",
                "A multi-year settlement in the first year after the General Election.",
            ),
            _barrier(
                "funding_levels",
                "Increase funding levels",
                "Sufficiency must come before distribution: the gap is about £4 billion.",
            ),
            _barrier("funding_levels", "Funding inequity"),
            _barrier(
                "council_tax",
                "Council tax flexibility",
                "The referendum limit is 2.99% or £5.",
                "Greater local flexibility over council tax levels.",
            ),
            _barrier(
                "legislation",
                "Emerging legislation and funding",
                "New duties such as in waste management.",
                "Adequate funding with every legislative reform.",
            ),
            _barrier("capital_funding", "Capital funding"),
            _barrier(
                "housing",
                "Council housing",
                "",
                "Stop Right to Buy, or let councils keep 100% of the receipts.",
            ),
            _barrier("housing", "Homelessness"),
            _barrier(
                "competitive_bidding", "End competitive bids", "", "Targeted funding instead."
            ),
        ],
        "cost": (D("2500"), "in senior officer time"),
        "partners": [
            ("Forestry England", "other", "New 30-year lease for Rosliston Forestry Centre."),
            (
                "ULEMco, BOC and Toyota Motor Manufacturing (UK)",
                "business",
                "£700,000 trial of hydrogen/diesel refuse vehicles.",
            ),
            ("A neighbouring council", "council", "Shared procurement and Land Charges."),
            ("District Councils' Network", "council", "Wording of our barriers section."),
        ],
        "strategies": [
            ("Council Plan 2024-2028", "https://www.southderbyshire.gov.uk/council-plan"),
            (
                "Medium Term Financial Strategy",
                "https://www.southderbyshire.gov.uk/medium-term-financial-strategy",
            ),
            (
                "Customer and Digital Projects Roadmap",
                "https://www.southderbyshire.gov.uk/digital-roadmap",
            ),
        ],
        "answered": {1: [1, 3, 4, 5], 2: [1, 4], 3: [1, 5], 4: [1, 4]},
    },
    "dacorum": {
        "actions": [
            _done(
                1, "Redesigned the housing service around tenant safety and the consumer standards."
            ),
            _done(1, "Refreshed our KPIs and introduced monthly performance clinics."),
            _done(
                2,
                "Bought a low-code digital platform and began rolling it out.",
                workstream="Future Dacorum",
            ),
            _done(
                2,
                "Finished phase 1 of the revenues and benefits redesign.",
                workstream="Future Dacorum",
            ),
            _done(
                2, "Revamped our telephony so fewer calls need action.", workstream="Future Dacorum"
            ),
            _will(
                2,
                "Launch an integrated customer portal.",
                workstream="Future Dacorum",
                milestone=date(2024, 10, 31),
            ),
            _will(2, "Add a complaints and FOI module.", workstream="Future Dacorum"),
            _will(
                2,
                "Let residents report abandoned vehicles and street care problems online.",
                workstream="Future Dacorum",
            ),
            _will(
                2, "Digitise and redesign our housing disrepair work.", workstream="Future Dacorum"
            ),
            _done(3, "Reduced our use of agency staff through better recruitment and retention."),
        ],
        "barriers": [
            _barrier(
                "funding_levels",
                "Reduced budgets",
                "Less room to invest now in productivity gains that pay back later.",
            ),
            _barrier(
                "multi_year_settlements",
                "Single-year settlements",
                "They work against long-term planning and investment.",
            ),
            _barrier(
                "competitive_bidding",
                "Competitive bidding for funds",
                "Unclear asks and long bidding processes waste time and resource.",
            ),
        ],
        "partners": [("Other local authorities", "council", "Shared learning on our plan.")],
        "strategies": [("Think Hemel: invest in Dacorum", "https://www.thinkhemel.com")],
        "answered": {1: [1, 2, 3], 2: [1, 4], 3: [1, 5], 4: [1, 4]},
    },
    "durham": {
        "actions": [
            _will(
                1,
                "Monitor this plan through our existing performance management "
                "arrangements and publish progress updates on our website.",
            ),
        ],
        "partners": [("NHS", "nhs", ""), ("Durham Constabulary", "police", "")],
        "strategies": [
            ("Council Plan", "https://www.durham.gov.uk/councilplan"),
            ("Medium-Term Financial Plan", "https://www.durham.gov.uk/mtfp"),
        ],
        "answered": {1: [1, 4]},
    },
}


def demo_evidence_seed(plan: Plan, officer, *, source: str = "") -> None:
    """Add the demo council's evidence to its plan, through the evidence services (`source`:
    another demo council's evidence, for made-up plans such as the benchmarks')."""
    data = EVIDENCE.get(source or _slug_for(plan))
    if data is None:
        return
    for item in data.get("kpis", []):
        kpi = kpis.kpi_create(
            plan_id=plan.pk, theme_number=item["theme"], fields=item["fields"], user=officer
        )
        for period, value in item["values"]:
            kpis.kpi_value_set(
                plan_id=plan.pk,
                kpi_id=kpi.pk,
                base_edit_count=kpi.edit_count,
                user=officer,
                period_start=kpi_rules.parse_period(kpi.frequency, period),
                value=D(value),
            )
            kpi.edit_count += 1
    for item in data.get("actions", []):
        services.action_create(
            plan_id=plan.pk, theme_number=item["theme"], fields=item["fields"], user=officer
        )
    for item in data.get("savings", []):
        services.saving_create(
            plan_id=plan.pk, theme_number=item["theme"], fields=item["fields"], user=officer
        )
    for fields in data.get("barriers", []):
        services.barrier_create(plan_id=plan.pk, fields=fields, user=officer)
    edit_count = 0
    if "figures" in data:
        edit_count = services.spend_figures_save(
            plan_id=plan.pk, base_edit_count=0, fields=data["figures"], user=officer
        ).edit_count
    if "cost" in data:
        amount, note = data["cost"]
        services.plan_cost_save(
            plan_id=plan.pk,
            base_edit_count=edit_count,
            plan_cost=amount,
            plan_cost_note=note,
            user=officer,
        )
    for name, sector, description in data.get("partners", []):
        services.partner_create(
            plan_id=plan.pk,
            user=officer,
            fields={"name": name, "sector": sector, "description": description},
        )
    for title, url in data.get("strategies", []):
        services.strategy_create(plan_id=plan.pk, user=officer, fields={"title": title, "url": url})
    for theme_number, numbers in data.get("answered", {}).items():
        ids = GuidingQuestion.objects.filter(
            theme__round=plan.round, theme__number=theme_number, number__in=numbers
        ).values_list("pk", flat=True)
        services.coverage_save(
            plan_id=plan.pk, theme_number=theme_number, answered=ids, seen=[], user=officer
        )


def _slug_for(plan: Plan) -> str:
    from plans.demo import DEMO_COUNCILS  # the package imports this module

    return DEMO_COUNCILS.get(plan.council.gss_code, "")
