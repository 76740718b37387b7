"""The figures and lists a plan carries beside its narrative.

KPIs with their values per period, actions, savings commitments, barriers, spend figures,
partners, links to the council's strategies and the cost of producing the plan, plus the
officer's own checklist of which guiding questions the plan answers. Every item that officers
edit carries an `edit_count` that goes up with every save, so a stale edit is refused, not applied.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from plans import kpi as kpi_rules

MONEY = {"max_digits": 14, "decimal_places": 2}
FIGURE = {"max_digits": 14, "decimal_places": 2}
PERCENT = {"max_digits": 5, "decimal_places": 2}


def _percent_range(field: str) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0, f"{field}__lte": 100})


def _not_negative(field: str) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0})


class EvidenceItem(models.Model):
    """What every edited item shares: the edit count that guards overwrites, and who saved."""

    edit_count = models.PositiveIntegerField(
        "edit count", default=1, help_text="Goes up with every save; guards against overwrites."
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField("last saved", auto_now=True)

    class Meta:
        abstract = True


class KpiUnit(models.TextChoices):
    PERCENT = "percent", "Percentage (%)"
    NUMBER = "number", "Number"
    POUNDS = "pounds", "Pounds (£)"
    DAYS = "days", "Days"
    HOURS = "hours", "Hours"


class KpiFrequency(models.TextChoices):
    MONTHLY = kpi_rules.MONTHLY, "Monthly"
    QUARTERLY = kpi_rules.QUARTERLY, "Quarterly"
    ANNUAL = kpi_rules.ANNUAL, "Yearly (financial year)"


class KPI(EvidenceItem):
    """A key performance indicator the plan will be monitored by (the Sevenoaks model)."""

    Unit = KpiUnit
    Frequency = KpiFrequency

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="kpis")
    theme = models.ForeignKey("plans.Theme", on_delete=models.PROTECT, related_name="kpis")
    code = models.CharField("code", max_length=30, help_text="For example LPI CS 1 or NI 157a.")
    name = models.CharField("short name", max_length=200)
    unit = models.CharField("unit", max_length=16, choices=Unit.choices)
    frequency = models.CharField(
        "how often it is measured", max_length=16, choices=Frequency.choices
    )
    higher_is_better = models.BooleanField("higher is better", default=True)
    baseline_value = models.DecimalField("baseline value", null=True, blank=True, **FIGURE)
    baseline_period = models.CharField("baseline period", max_length=50, blank=True)
    target_value = models.DecimalField("target", **FIGURE)
    tolerance = models.DecimalField(
        "tolerance",
        default=0,
        help_text="How far short of the target still counts as Caution, in the KPI's unit.",
        **FIGURE,
    )
    benchmark_value = models.DecimalField("benchmark value", null=True, blank=True, **FIGURE)
    benchmark_label = models.CharField(
        "benchmark source", max_length=100, blank=True, help_text="For example LGA October 2021."
    )
    data_owner = models.CharField("data owner", max_length=200, blank=True)
    data_provider = models.CharField("data provider", max_length=200, blank=True)
    commentary = models.TextField("commentary on the latest period", blank=True)

    class Meta:
        verbose_name = "KPI"
        verbose_name_plural = "KPIs"
        ordering = ["plan", "theme__number", "code", "pk"]
        constraints = [
            models.UniqueConstraint(
                "plan",
                Lower("code"),
                name="kpi_unique_code_per_plan",
                violation_error_message="You already have a KPI with this code",
            ),
            models.CheckConstraint(condition=Q(unit__in=KpiUnit.values), name="kpi_unit_valid"),
            models.CheckConstraint(
                condition=Q(frequency__in=KpiFrequency.values), name="kpi_frequency_valid"
            ),
            models.CheckConstraint(condition=Q(tolerance__gte=0), name="kpi_tolerance_positive"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("plans:kpi_detail", args=[self.plan_id, self.pk])

    # The rules below read `values` from a prefetch when there is one, so lists stay at a fixed
    # number of queries whatever the number of KPIs.

    @property
    def series(self) -> list["KpiValue"]:
        return sorted(self.values.all(), key=lambda value: value.period_start)

    @property
    def latest(self) -> "KpiValue | None":
        series = self.series
        return series[-1] if series else None

    def _value_at(self, period_start):
        for value in self.values.all():
            if value.period_start == period_start:
                return value
        return None

    @property
    def previous(self) -> "KpiValue | None":
        latest = self.latest
        if latest is None:
            return None
        return self._value_at(kpi_rules.previous_period(self.frequency, latest.period_start))

    @property
    def year_earlier(self) -> "KpiValue | None":
        latest = self.latest
        if latest is None:
            return None
        return self._value_at(kpi_rules.year_earlier(self.frequency, latest.period_start))

    @property
    def traffic_light(self) -> kpi_rules.TrafficLight:
        latest = self.latest
        return kpi_rules.traffic_light(
            value=latest.value if latest else None,
            target=self.target_value,
            tolerance=self.tolerance,
            higher_is_better=self.higher_is_better,
        )

    @property
    def short_trend(self) -> kpi_rules.Trend:
        return self._trend(self.previous)

    @property
    def long_trend(self) -> kpi_rules.Trend:
        return self._trend(self.year_earlier)

    def _trend(self, earlier) -> kpi_rules.Trend:
        latest = self.latest
        return kpi_rules.trend(
            current=latest.value if latest else None,
            earlier=earlier.value if earlier else None,
            higher_is_better=self.higher_is_better,
        )

    def period_label(self, period_start) -> str:
        return kpi_rules.period_label(self.frequency, period_start)

    def format(self, value) -> str:
        return kpi_rules.format_value(value, self.unit, exact=True)


class KpiValue(models.Model):
    """A KPI's value for one period (a month, a quarter or a financial year)."""

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="values")
    period_start = models.DateField(
        "period", help_text="The first day of the month, quarter or financial year."
    )
    value = models.DecimalField("value", **FIGURE)

    class Meta:
        verbose_name = "KPI value"
        ordering = ["kpi", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "period_start"], name="kpi_value_one_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_start__day=1), name="kpi_value_period_starts_a_month"
            ),
        ]

    def __str__(self):
        return f"{self.kpi.code} {self.period_start:%Y-%m}: {self.value}"

    @property
    def period_label(self) -> str:
        return kpi_rules.period_label(self.kpi.frequency, self.period_start)


class ActionKind(models.TextChoices):
    DONE = "done", "What we have done"
    WILL_DO = "will_do", "What we will do"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DELAYED = "delayed", "Delayed"


class Action(EvidenceItem):
    """Something the council has done or will do under a theme (the South Derbyshire tables)."""

    Kind = ActionKind
    Status = ActionStatus

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="actions")
    theme = models.ForeignKey("plans.Theme", on_delete=models.PROTECT, related_name="actions")
    kind = models.CharField("done or to do", max_length=16, choices=Kind.choices)
    description = models.TextField("action")
    workstream = models.CharField("workstream", max_length=100, blank=True)
    milestone_date = models.DateField("milestone date", null=True, blank=True)
    owner = models.CharField("owner", max_length=200, blank=True)
    status = models.CharField("status", max_length=16, choices=Status.choices)

    class Meta:
        verbose_name = "action"
        ordering = ["plan", "theme__number", "kind", "workstream", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ActionKind.values), name="action_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values), name="action_status_valid"
            ),
        ]

    def __str__(self):
        return self.description[:80]


class SavingsCommitment(EvidenceItem):
    """An amount the council commits to save or raise over a period."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="savings")
    theme = models.ForeignKey("plans.Theme", on_delete=models.PROTECT, related_name="savings")
    workstream = models.CharField("theme or workstream", max_length=100, blank=True)
    description = models.CharField("what the saving is", max_length=300)
    amount = models.DecimalField("amount in pounds", **MONEY)
    start_year = models.PositiveSmallIntegerField("start year")
    end_year = models.PositiveSmallIntegerField("end year")
    period_label = models.CharField(
        "period in words", max_length=100, blank=True, help_text="For example over five years."
    )
    is_cashable = models.BooleanField("cashable", default=True)

    class Meta:
        verbose_name = "savings commitment"
        ordering = ["plan", "theme__number", "start_year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="saving_amount_not_negative",
                violation_error_message="The amount must be £0 or more",
            ),
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="saving_end_not_before_start",
                violation_error_message="The end year must be the same as or after the start year",
            ),
        ]

    def __str__(self):
        return f"£{self.amount:,.0f}: {self.description}"[:100]


class BarrierCategory(models.TextChoices):
    MULTI_YEAR_SETTLEMENTS = "multi_year_settlements", "Multi-year settlements"
    FUNDING_LEVELS = "funding_levels", "Funding levels"
    COMPETITIVE_BIDDING = "competitive_bidding", "Competitive bidding for funds"
    CAPITAL_FUNDING = "capital_funding", "Capital funding"
    COUNCIL_TAX = "council_tax", "Council tax flexibility"
    LEGISLATION = "legislation", "Legislation and regulation"
    DATA_BURDEN = "data_burden", "Data returns burden"
    RECRUITMENT = "recruitment", "Recruitment and pay"
    AUDIT = "audit", "Audit and accounts"
    HOUSING = "housing", "Housing"
    OTHER = "other", "Other"


class Barrier(EvidenceItem):
    """A barrier the government could help remove, in a category the panel counts."""

    Category = BarrierCategory

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="barriers")
    theme = models.ForeignKey("plans.Theme", on_delete=models.PROTECT, related_name="barriers")
    category = models.CharField("category", max_length=32, choices=Category.choices)
    title = models.CharField("heading", max_length=200, blank=True)
    description = models.TextField("in your own words", blank=True)
    ask = models.TextField("what you ask of government", blank=True)

    class Meta:
        verbose_name = "barrier"
        ordering = ["plan", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=BarrierCategory.values), name="barrier_category_valid"
            ),
        ]

    def __str__(self):
        return self.title or self.get_category_display()


class SpendFigures(EvidenceItem):
    """The figures the 2024 letter asks for under wasteful spend, and the plan's own cost."""

    plan = models.OneToOneField(
        "plans.Plan", on_delete=models.CASCADE, related_name="spend_figures"
    )
    agency_percent = models.DecimalField(
        "agency spend (% of total staff budget)", null=True, blank=True, **PERCENT
    )
    consultancy_percent = models.DecimalField(
        "consultancy spend (% of total staff budget)", null=True, blank=True, **PERCENT
    )
    long_term_contractors = models.PositiveIntegerField(
        "consultants or agency staff in post for over a year", null=True, blank=True
    )
    edi_spend = models.DecimalField("EDI spend (£ a year)", null=True, blank=True, **MONEY)
    edi_hours = models.DecimalField("EDI time (hours a year)", null=True, blank=True, **FIGURE)
    edi_champions = models.PositiveIntegerField("EDI champions", null=True, blank=True)
    facility_time_percent = models.DecimalField(
        "trade union facility time (% of pay bill)", null=True, blank=True, **PERCENT
    )
    notes = models.TextField("notes on these figures", blank=True)
    plan_cost = models.DecimalField(
        "cost of producing the plan (£)", null=True, blank=True, **MONEY
    )
    plan_cost_note = models.CharField("how the cost was made up", max_length=200, blank=True)

    FIGURE_FIELDS = (
        "agency_percent",
        "consultancy_percent",
        "long_term_contractors",
        "edi_spend",
        "edi_hours",
        "edi_champions",
        "facility_time_percent",
    )

    class Meta:
        verbose_name = "spend figures"
        verbose_name_plural = "spend figures"
        constraints = [
            models.CheckConstraint(
                condition=_percent_range("agency_percent"), name="spend_agency_percent_range"
            ),
            models.CheckConstraint(
                condition=_percent_range("consultancy_percent"),
                name="spend_consultancy_percent_range",
            ),
            models.CheckConstraint(
                condition=_percent_range("facility_time_percent"),
                name="spend_facility_time_percent_range",
            ),
            models.CheckConstraint(
                condition=_not_negative("edi_spend"), name="spend_edi_spend_not_negative"
            ),
            models.CheckConstraint(
                condition=_not_negative("edi_hours"), name="spend_edi_hours_not_negative"
            ),
            models.CheckConstraint(
                condition=_not_negative("plan_cost"), name="spend_plan_cost_not_negative"
            ),
        ]

    def __str__(self):
        return f"Spend figures for {self.plan}"

    def given(self) -> list[tuple[str, str]]:
        """The figures the council gave, as (label, shown value) in a fixed order."""
        shown = []
        for name in self.FIGURE_FIELDS:
            value = getattr(self, name)
            if value is None:
                continue
            field = self._meta.get_field(name)
            if name.endswith("percent"):
                text = kpi_rules.format_value(value, KpiUnit.PERCENT, exact=True)
            elif name == "edi_spend":
                text = kpi_rules.format_value(value, KpiUnit.POUNDS, exact=True)
            elif name == "edi_hours":
                text = kpi_rules.format_value(value, KpiUnit.HOURS, exact=True)
            else:
                text = f"{value:,}"
            shown.append((field.verbose_name[:1].upper() + field.verbose_name[1:], text))
        return shown


class PartnerSector(models.TextChoices):
    NHS = "nhs", "NHS and health"
    POLICE = "police", "Police and fire"
    COUNCIL = "council", "Other councils"
    VOLUNTARY = "voluntary", "Voluntary and community sector"
    HOUSING = "housing", "Housing providers"
    BUSINESS = "business", "Businesses"
    EDUCATION = "education", "Schools, colleges and universities"
    OTHER = "other", "Other"


class Partner(EvidenceItem):
    """An organisation the council worked with."""

    Sector = PartnerSector

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="partners")
    name = models.CharField("name", max_length=200)
    sector = models.CharField("sector", max_length=16, choices=Sector.choices)
    description = models.CharField("what you did together", max_length=500, blank=True)

    class Meta:
        verbose_name = "partner"
        ordering = ["plan", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sector__in=PartnerSector.values), name="partner_sector_valid"
            ),
        ]

    def __str__(self):
        return self.name


class StrategyLink(EvidenceItem):
    """A link to one of the council's own strategies or plans."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="strategies")
    title = models.CharField("title", max_length=200)
    url = models.URLField("web address", max_length=500)

    class Meta:
        verbose_name = "strategy link"
        ordering = ["plan", "title", "pk"]

    def __str__(self):
        return self.title


class QuestionCoverage(models.Model):
    """The officer's own note that the plan answers one guiding question; guides, never blocks."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="coverage")
    question = models.ForeignKey(
        "plans.GuidingQuestion", on_delete=models.PROTECT, related_name="coverage"
    )
    answered = models.BooleanField("answered", default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField("last saved", auto_now=True)

    class Meta:
        verbose_name = "question coverage"
        verbose_name_plural = "question coverage"
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "question"], name="coverage_one_per_plan_question"
            ),
        ]

    def __str__(self):
        return f"{self.plan}: question {self.question_id} answered={self.answered}"
