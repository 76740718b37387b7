"""Forms for a plan's evidence. They validate input only; services make the change."""

from datetime import date
from decimal import Decimal, InvalidOperation

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.core.exceptions import ValidationError

from plans import kpi as kpi_rules
from plans.kpi_import import read_csv
from plans.models import KPI, Action, Barrier, Partner, SavingsCommitment

YES_NO = [("yes", "Yes"), ("no", "No")]
MAX_FIGURE = Decimal("999999999999.99")


def _yes_no(value) -> bool:
    return value == "yes"


class FigureField(forms.CharField):
    """A number typed as people type it ("£6,000,000", "64.56%", "1,200"), as a Decimal.

    Messages name the thing ("Enter the target", "The target must be a number").
    """

    def __init__(self, *, noun: str, minimum=None, maximum=None, whole=False, example="", **kwargs):
        self.noun, self.minimum, self.maximum, self.whole = noun, minimum, maximum, whole
        self.example = example
        kwargs.setdefault("error_messages", {"required": f"Enter {noun}"})
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        cleaned = text.replace(",", "").replace("£", "").removesuffix("%").strip()
        subject = self.noun.removeprefix("the ").removeprefix("an ").removeprefix("a ")
        subject = subject[:1].upper() + subject[1:]
        like = f", like {self.example}" if self.example else ""
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            kind = "a whole number" if self.whole else "a number"
            raise ValidationError(f"{subject} must be {kind}{like}", code="invalid") from None
        if not number.is_finite() or abs(number) > MAX_FIGURE:
            raise ValidationError(f"{subject} must be a number{like}", code="invalid")
        if self.whole and number != number.to_integral_value():
            raise ValidationError(f"{subject} must be a whole number{like}", code="invalid")
        if self.minimum is not None and self.maximum is not None:
            if not self.minimum <= number <= self.maximum:
                raise ValidationError(
                    f"{subject} must be between {self.minimum} and {self.maximum}",
                    code="out_of_range",
                )
        elif self.minimum is not None and number < self.minimum:
            amount = f"£{self.minimum}" if "£" in self.example else f"{self.minimum}"
            raise ValidationError(f"{subject} must be {amount} or more", code="out_of_range")
        return int(number) if self.whole else number.quantize(Decimal("0.01"))


class MoneyField(FigureField):
    def __init__(self, *, noun: str, **kwargs):
        super().__init__(noun=noun, minimum=Decimal(0), example="£2,500", **kwargs)


class PercentField(FigureField):
    def __init__(self, *, noun: str, **kwargs):
        super().__init__(
            noun=noun, minimum=Decimal(0), maximum=Decimal(100), example="4.96", **kwargs
        )


class MilestoneDateField(DateInputField):
    """The GOV.UK date input, with messages that say what to fix."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.error_messages["required"] = "Enter the milestone date"
        self.error_messages["incomplete"] = "The milestone date must include a day, month and year"
        for sub_field, name in zip(self.fields, ("day", "month", "year"), strict=True):
            sub_field.error_messages["incomplete"] = f"The milestone date must include a {name}"
            sub_field.validators = []

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        try:
            day, month, year = int(day), int(month), int(year)
            if year < 1900 or year > 2100:
                raise ValueError
            return date(year, month, day)
        except ValueError:
            raise ValidationError(
                "The milestone date must be a real date", code="invalid"
            ) from None


class VersionedForm(forms.Form):
    """Carries the version of the item the editor loaded, so a stale save is refused."""

    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0)

    def _helper(self, *fields, button="Save"):
        self.helper = FormHelper()
        self.helper.layout = Layout(Field("base_version"), *fields, Button("save", button))


class ThemeChoiceMixin:
    def _theme_choices(self, themes):
        self.fields["theme"].choices = [("", "Select a theme")] + [
            (theme.number, f"{theme.number}. {theme.short_title}") for theme in themes
        ]


class KpiForm(ThemeChoiceMixin, VersionedForm):
    theme = forms.TypedChoiceField(
        label="Theme", coerce=int, error_messages={"required": "Select a theme"}
    )
    code = forms.CharField(
        label="Code",
        max_length=30,
        help_text="The reference your council uses, for example LPI CS 1 or NI 157a.",
        error_messages={
            "required": "Enter the KPI code",
            "max_length": "The code must be 30 characters or fewer",
        },
    )
    name = forms.CharField(
        label="Short name",
        max_length=200,
        help_text="For example Percentage of phone calls answered within 20 seconds.",
        error_messages={
            "required": "Enter the short name",
            "max_length": "The short name must be 200 characters or fewer",
        },
    )
    unit = forms.ChoiceField(
        label="Unit",
        choices=KPI.Unit.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the unit"},
    )
    frequency = forms.ChoiceField(
        label="How often is it measured?",
        choices=KPI.Frequency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how often it is measured"},
    )
    higher_is_better = forms.TypedChoiceField(
        label="Is a higher value better?",
        choices=[("yes", "Yes, higher is better"), ("no", "No, lower is better")],
        coerce=_yes_no,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether a higher value is better"},
    )
    target_value = FigureField(label="Target", noun="the target", example="80")
    tolerance = FigureField(
        label="Tolerance",
        noun="the tolerance",
        minimum=Decimal(0),
        example="5",
        help_text="How far short of the target still counts as Caution rather than Requires "
        "attention, in the same unit. Enter 0 for none.",
    )
    baseline_value = FigureField(
        label="Baseline value (optional)", noun="the baseline value", required=False, example="62.9"
    )
    baseline_period = forms.CharField(
        label="Baseline period (optional)",
        max_length=50,
        required=False,
        help_text="For example Q3 2008-09 or 2021.",
        error_messages={"max_length": "The baseline period must be 50 characters or fewer"},
    )
    benchmark_value = FigureField(
        label="Benchmark value (optional)",
        noun="the benchmark value",
        required=False,
        example="56",
        help_text="A comparable figure, for example the LGA's national survey result.",
    )
    benchmark_label = forms.CharField(
        label="Benchmark source (optional)",
        max_length=100,
        required=False,
        help_text="For example LGA October 2021.",
        error_messages={"max_length": "The benchmark source must be 100 characters or fewer"},
    )
    data_owner = forms.CharField(label="Data owner (optional)", max_length=200, required=False)
    data_provider = forms.CharField(
        label="Data provider (optional)", max_length=200, required=False
    )
    commentary = forms.CharField(
        label="Commentary on the latest period (optional)",
        required=False,
        max_length=3000,
        widget=forms.Textarea,
        help_text="What explains the latest figure and what you are doing about it.",
        error_messages={"max_length": "The commentary must be 3,000 characters or fewer"},
    )

    FIELDS = (
        "code",
        "name",
        "unit",
        "frequency",
        "higher_is_better",
        "target_value",
        "tolerance",
        "baseline_value",
        "baseline_period",
        "benchmark_value",
        "benchmark_label",
        "data_owner",
        "data_provider",
        "commentary",
    )

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self._theme_choices(themes)
        self._helper(
            Field.select("theme"),
            Field.text("code", field_width=10),
            Field.text("name"),
            Field.radios("unit", legend_size=Size.SMALL, small=True),
            Field.radios("frequency", legend_size=Size.SMALL, small=True),
            Field.radios("higher_is_better", legend_size=Size.SMALL, small=True, inline=True),
            Field.text("target_value", field_width=10),
            Field.text("tolerance", field_width=10),
            Field.text("baseline_value", field_width=10),
            Field.text("baseline_period", field_width=20),
            Field.text("benchmark_value", field_width=10),
            Field.text("benchmark_label", field_width=20),
            Field.text("data_owner"),
            Field.text("data_provider"),
            Field.textarea("commentary", rows=4, max_characters=3000),
            button="Save KPI",
        )

    def clean(self):
        cleaned = super().clean()
        unit = cleaned.get("unit")
        for name, noun in (
            ("target_value", "target"),
            ("baseline_value", "baseline value"),
            ("benchmark_value", "benchmark value"),
        ):
            value = cleaned.get(name)
            if unit == KPI.Unit.PERCENT and value is not None and not 0 <= value <= 100:
                self.add_error(
                    name,
                    ValidationError(
                        f"The {noun} must be between 0 and 100 for a percentage",
                        code="out_of_range",
                    ),
                )
            elif unit in ("pounds", "days", "hours") and value is not None and value < 0:
                self.add_error(
                    name, ValidationError(f"The {noun} must be 0 or more", code="out_of_range")
                )
        return cleaned

    def clean_code(self):
        code = " ".join(self.cleaned_data["code"].split())
        # Spreadsheets treat a cell starting with = + - @ as a formula.
        if not code[:1].isalnum():
            raise ValidationError("The code must start with a letter or a number", code="invalid")
        return code

    def model_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}

    @classmethod
    def initial_for(cls, kpi: KPI) -> dict:
        initial = {name: getattr(kpi, name) for name in cls.FIELDS}
        initial["higher_is_better"] = "yes" if kpi.higher_is_better else "no"
        initial["theme"] = kpi.theme.number
        initial["base_version"] = kpi.version
        for name in ("target_value", "tolerance", "baseline_value", "benchmark_value"):
            if initial[name] is not None:
                initial[name] = kpi_rules.format_value(initial[name], "number").replace(",", "")
        return initial


class KpiValueForm(VersionedForm):
    period = forms.CharField(
        label="Period",
        max_length=30,
        error_messages={"required": "Enter the period"},
    )
    value = FigureField(label="Value", noun="the value", example="64.56")

    def __init__(self, *args, kpi: KPI, **kwargs):
        super().__init__(*args, **kwargs)
        self.kpi = kpi
        example = kpi_rules.PERIOD_EXAMPLES[kpi.frequency]
        self.fields["period"].help_text = f"For example {example}."
        self._helper(
            Field.text("period", field_width=10),
            Field.text("value", field_width=10),
            button="Save value",
        )

    def clean_period(self):
        text = self.cleaned_data["period"]
        start = kpi_rules.parse_period(self.kpi.frequency, text)
        if start is None:
            example = kpi_rules.PERIOD_EXAMPLES[self.kpi.frequency]
            raise ValidationError(
                f"Enter a {self.kpi.get_frequency_display().lower()} period, like {example}",
                code="invalid_period",
            )
        return start

    def clean_value(self):
        value = self.cleaned_data["value"]
        problem = kpi_rules.value_problem(value, self.kpi.unit)
        if problem:
            raise ValidationError(problem, code="out_of_range")
        return value


class KpiImportForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV file",
        help_text="Columns kpi_code, period and value. Up to 5,000 rows and 2MB.",
        error_messages={"required": "Select a CSV file", "empty": "The selected file is empty"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field("file"), Button("upload", "Upload and check"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise ValidationError("The selected file must be a CSV", code="not_csv")
        self.rows = read_csv(upload)
        return upload


class ActionForm(ThemeChoiceMixin, VersionedForm):
    theme = forms.TypedChoiceField(
        label="Theme", coerce=int, error_messages={"required": "Select a theme"}
    )
    kind = forms.ChoiceField(
        label="Is this something you have done or will do?",
        choices=Action.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you have done this or will do it"},
    )
    description = forms.CharField(
        label="Action",
        max_length=1000,
        widget=forms.Textarea,
        help_text="One action, in a sentence or two.",
        error_messages={
            "required": "Enter the action",
            "max_length": "The action must be 1,000 characters or fewer",
        },
    )
    workstream = forms.CharField(
        label="Workstream (optional)",
        max_length=100,
        required=False,
        help_text="For example Commercial and income.",
    )
    milestone_date = MilestoneDateField(
        label="Milestone date (optional)",
        required=False,
        require_all_fields=False,
        help_text="For example 31 3 2025.",
    )
    owner = forms.CharField(label="Owner (optional)", max_length=200, required=False)
    status = forms.ChoiceField(
        label="Status",
        choices=Action.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the status"},
    )

    FIELDS = ("kind", "description", "workstream", "milestone_date", "owner", "status")

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self._theme_choices(themes)
        self._helper(
            Field.select("theme"),
            Field.radios("kind", legend_size=Size.SMALL, small=True),
            Field.textarea("description", rows=3, max_characters=1000),
            Field.text("workstream"),
            Field("milestone_date"),
            Field.text("owner"),
            Field.radios("status", legend_size=Size.SMALL, small=True),
            button="Save action",
        )

    def model_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}

    @classmethod
    def initial_for(cls, action: Action) -> dict:
        initial = {name: getattr(action, name) for name in cls.FIELDS}
        return {**initial, "theme": action.theme.number, "base_version": action.version}


class SavingForm(ThemeChoiceMixin, VersionedForm):
    theme = forms.TypedChoiceField(
        label="Theme", coerce=int, error_messages={"required": "Select a theme"}
    )
    description = forms.CharField(
        label="What is the saving?",
        max_length=300,
        help_text="For example New and additional income from fees and charges.",
        error_messages={
            "required": "Enter what the saving is",
            "max_length": "The description must be 300 characters or fewer",
        },
    )
    workstream = forms.CharField(label="Workstream (optional)", max_length=100, required=False)
    amount = MoneyField(label="Amount in pounds", noun="the amount in pounds")
    start_year = FigureField(
        label="Start year",
        noun="the start year",
        whole=True,
        minimum=2000,
        maximum=2100,
        example="2024",
    )
    end_year = FigureField(
        label="End year",
        noun="the end year",
        whole=True,
        minimum=2000,
        maximum=2100,
        example="2029",
    )
    period_label = forms.CharField(
        label="Period in words (optional)",
        max_length=100,
        required=False,
        help_text="For example over the next five years.",
    )
    is_cashable = forms.TypedChoiceField(
        label="Is the saving cashable?",
        choices=YES_NO,
        coerce=_yes_no,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the saving is cashable"},
    )

    FIELDS = (
        "description",
        "workstream",
        "amount",
        "start_year",
        "end_year",
        "period_label",
        "is_cashable",
    )

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self._theme_choices(themes)
        self._helper(
            Field.select("theme"),
            Field.text("description"),
            Field.text("workstream"),
            Field.text("amount", field_width=10),
            Field.text("start_year", field_width=4),
            Field.text("end_year", field_width=4),
            Field.text("period_label"),
            Field.radios("is_cashable", legend_size=Size.SMALL, small=True, inline=True),
            button="Save savings commitment",
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start is not None and end is not None and end < start:
            self.add_error(
                "end_year",
                ValidationError(
                    "The end year must be the same as or after the start year", code="before_start"
                ),
            )
        return cleaned

    def model_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}

    @classmethod
    def initial_for(cls, saving: SavingsCommitment) -> dict:
        initial = {name: getattr(saving, name) for name in cls.FIELDS}
        initial["amount"] = f"{saving.amount:f}".removesuffix(".00")
        initial["is_cashable"] = "yes" if saving.is_cashable else "no"
        return {**initial, "theme": saving.theme.number, "base_version": saving.version}


class BarrierForm(VersionedForm):
    category = forms.ChoiceField(
        label="What kind of barrier is it?",
        choices=Barrier.Category.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of barrier it is"},
    )
    title = forms.CharField(
        label="Heading (optional)",
        max_length=200,
        required=False,
        help_text="Your own short name for it, for example Funding inequity.",
    )
    description = forms.CharField(
        label="Describe the barrier (optional)",
        max_length=3000,
        required=False,
        widget=forms.Textarea,
        help_text="In your own words. You can leave this empty while you agree the wording.",
    )
    ask = forms.CharField(
        label="What do you ask of government? (optional)",
        max_length=1000,
        required=False,
        widget=forms.Textarea,
        help_text="For example at least a three-year settlement.",
    )

    FIELDS = ("category", "title", "description", "ask")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper(
            Field.radios("category", legend_size=Size.SMALL, small=True),
            Field.text("title"),
            Field.textarea("description", rows=4, max_characters=3000),
            Field.textarea("ask", rows=3, max_characters=1000),
            button="Save barrier",
        )

    def model_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}

    @classmethod
    def initial_for(cls, barrier: Barrier) -> dict:
        initial = {name: getattr(barrier, name) for name in cls.FIELDS}
        return {**initial, "base_version": barrier.version}


class PartnerForm(VersionedForm):
    name = forms.CharField(
        label="Name of the organisation",
        max_length=200,
        error_messages={"required": "Enter the name of the organisation"},
    )
    sector = forms.ChoiceField(
        label="Sector",
        choices=Partner.Sector.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the sector"},
    )
    description = forms.CharField(
        label="What did you do together? (optional)", max_length=500, required=False
    )

    FIELDS = ("name", "sector", "description")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper(
            Field.text("name"),
            Field.radios("sector", legend_size=Size.SMALL, small=True),
            Field.text("description"),
            button="Save partner",
        )

    def model_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}

    @classmethod
    def initial_for(cls, partner) -> dict:
        return {**{n: getattr(partner, n) for n in cls.FIELDS}, "base_version": partner.version}


class StrategyForm(VersionedForm):
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter the title"}
    )
    url = forms.URLField(
        label="Web address",
        max_length=500,
        assume_scheme="https",
        help_text="For example https://www.example.gov.uk/council-plan.",
        error_messages={
            "required": "Enter the web address",
            "invalid": "Enter a web address in the correct format, like "
            "https://www.example.gov.uk/council-plan",
        },
    )

    FIELDS = ("title", "url")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper(Field.text("title"), Field.text("url"), button="Save link")

    def clean_url(self):
        url = self.cleaned_data["url"]
        if not url.lower().startswith(("https://", "http://")):
            raise ValidationError(self.fields["url"].error_messages["invalid"], code="invalid")
        return url

    def model_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}

    @classmethod
    def initial_for(cls, link) -> dict:
        return {**{n: getattr(link, n) for n in cls.FIELDS}, "base_version": link.version}


class SpendFiguresForm(VersionedForm):
    agency_percent = PercentField(
        label="Agency spend as a percentage of total staff budget (optional)",
        noun="agency spend",
        required=False,
    )
    consultancy_percent = PercentField(
        label="Consultancy spend as a percentage of total staff budget (optional)",
        noun="consultancy spend",
        required=False,
    )
    long_term_contractors = FigureField(
        label="How many consultants or agency staff have been in post for over a year? (optional)",
        noun="the number of consultants or agency staff",
        whole=True,
        minimum=0,
        required=False,
        example="3",
    )
    edi_spend = MoneyField(
        label="Spend on equality, diversity and inclusion (EDI) a year, in pounds (optional)",
        noun="EDI spend",
        required=False,
    )
    edi_hours = FigureField(
        label="Staff time on EDI a year, in hours (optional)",
        noun="EDI time",
        minimum=0,
        required=False,
        example="120",
    )
    edi_champions = FigureField(
        label="How many EDI champions do you have? (optional)",
        noun="the number of EDI champions",
        whole=True,
        minimum=0,
        required=False,
        example="1",
    )
    facility_time_percent = PercentField(
        label="Trade union facility time as a percentage of the pay bill (optional)",
        noun="facility time",
        required=False,
    )
    notes = forms.CharField(
        label="Notes on these figures (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        help_text="For example what a figure includes or leaves out.",
    )

    FIELDS = (
        "agency_percent",
        "consultancy_percent",
        "long_term_contractors",
        "edi_spend",
        "edi_hours",
        "edi_champions",
        "facility_time_percent",
        "notes",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper(
            *(Field.text(name, field_width=10) for name in self.FIELDS[:-1]),
            Field.textarea("notes", rows=3, max_characters=2000),
            button="Save figures",
        )

    def model_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}

    @classmethod
    def initial_for(cls, figures) -> dict:
        if figures is None:
            return {"base_version": 0}
        initial = {"base_version": figures.version, "notes": figures.notes}
        for name in cls.FIELDS[:-1]:
            value = getattr(figures, name)
            initial[name] = None if value is None else f"{value}".removesuffix(".00")
        return initial


class PlanCostForm(VersionedForm):
    plan_cost = MoneyField(
        label="What did producing this plan cost, in pounds? (optional)",
        noun="the cost",
        required=False,
    )
    plan_cost_note = forms.CharField(
        label="How was the cost made up? (optional)",
        max_length=200,
        required=False,
        help_text="For example in senior officer time.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper(
            Field.text("plan_cost", field_width=10), Field.text("plan_cost_note"), button="Save"
        )

    @classmethod
    def initial_for(cls, figures) -> dict:
        if figures is None:
            return {"base_version": 0}
        cost = figures.plan_cost
        return {
            "base_version": figures.version,
            "plan_cost": None if cost is None else f"{cost}".removesuffix(".00"),
            "plan_cost_note": figures.plan_cost_note,
        }


class DeleteForm(VersionedForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field("base_version"), Button.warning("delete", "Yes, delete"))


class CoverageForm(forms.Form):
    answered = forms.TypedMultipleChoiceField(
        label="Which of these questions does your plan answer?",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="This is a checklist for you. It does not stop you sending the plan.",
    )
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answered"].choices = [
            (question.pk, f"{question.text[:1].upper()}{question.text[1:]}")
            for question in questions
        ]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("seen"),
            Field.checkboxes("answered", legend_size=Size.MEDIUM, small=True),
            Button("save", "Save checklist"),
        )

    def clean_seen(self):
        text = self.cleaned_data["seen"]
        try:
            return {int(part) for part in text.split(",") if part}
        except ValueError:
            raise ValidationError("Reload the page and try again", code="invalid") from None

    @staticmethod
    def initial_for(questions) -> dict:
        answered = [question.pk for question in questions if question.answered]
        return {"answered": answered, "seen": ",".join(str(pk) for pk in answered)}
