"""Forms for a plan's KPIs, their values and the CSV upload of values. They parse what was
typed (types, required fields, formats, the period in the KPI's own terms) and present it; what
the figures may be is the services' rule (plans.services.kpis), shown next to the field by the
view."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.core.exceptions import ValidationError

from plans import kpi as kpi_rules
from plans.forms.evidence import ThemeChoiceMixin, VersionedForm
from plans.forms.fields import FigureField, yes_no
from plans.kpi_import import read_csv
from plans.models import KPI


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
        coerce=yes_no,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether a higher value is better"},
    )
    target_value = FigureField(label="Target", noun="the target", example="80")
    tolerance = FigureField(
        label="Tolerance",
        noun="the tolerance",
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
        initial["base_edit_count"] = kpi.edit_count
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
