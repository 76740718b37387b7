"""Forms for a plan's evidence other than KPIs. They parse what was typed (types, required
fields, formats) and present it; what the values may be is the services' rule
(plans.services.evidence), shown next to the field by the view."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.core.exceptions import ValidationError

from plans.forms.fields import YES_NO, FigureField, GovukDateField, MoneyField, PercentField, yes_no
from plans.models import Action, Barrier, Partner, SavingsCommitment


class VersionedForm(forms.Form):
    """Carries the edit count of the item the editor loaded, so a stale save is refused."""

    base_edit_count = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0)

    def _helper(self, *fields, button="Save"):
        self.helper = FormHelper()
        self.helper.layout = Layout(Field("base_edit_count"), *fields, Button("save", button))


class ThemeChoiceMixin:
    def _theme_choices(self, themes):
        self.fields["theme"].choices = [("", "Select a theme")] + [
            (theme.number, f"{theme.number}. {theme.short_title}") for theme in themes
        ]
        self.fields["theme"].error_messages["invalid_choice"] = "Select a theme"


class ThemeQueryForm(forms.Form):
    """Reads `?theme=` on an add page: which of the round's themes to preselect.

    The link from a theme's page adds it, so it is a convenience, not an input: anything that is
    not one of the round's theme numbers ("²", a 5,000-digit number, 9 in a round of four
    themes) is ignored, and the page shows no theme selected, as if none had been asked for.
    """

    theme = forms.TypedChoiceField(coerce=int, required=False)

    def __init__(self, query, *, themes):
        super().__init__(query)
        self.fields["theme"].choices = [(theme.number, theme.number) for theme in themes]

    @classmethod
    def theme_number(cls, query, *, themes) -> int | None:
        """The asked-for theme's number, or None when none (or no real one) was asked for."""
        form = cls(query, themes=themes)
        if not form.is_valid():
            return None
        return form.cleaned_data["theme"] or None


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
    milestone_date = GovukDateField(
        noun="the milestone date",
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
        return {**initial, "theme": action.theme.number, "base_edit_count": action.edit_count}


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
    start_year = FigureField(label="Start year", noun="the start year", whole=True, example="2024")
    end_year = FigureField(label="End year", noun="the end year", whole=True, example="2029")
    period_label = forms.CharField(
        label="Period in words (optional)",
        max_length=100,
        required=False,
        help_text="For example over the next five years.",
    )
    is_cashable = forms.TypedChoiceField(
        label="Is the saving cashable?",
        choices=YES_NO,
        coerce=yes_no,
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

    def model_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}

    @classmethod
    def initial_for(cls, saving: SavingsCommitment) -> dict:
        initial = {name: getattr(saving, name) for name in cls.FIELDS}
        initial["amount"] = f"{saving.amount:f}".removesuffix(".00")
        initial["is_cashable"] = "yes" if saving.is_cashable else "no"
        return {**initial, "theme": saving.theme.number, "base_edit_count": saving.edit_count}


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
        return {**initial, "base_edit_count": barrier.edit_count}


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
        return {
            **{n: getattr(partner, n) for n in cls.FIELDS},
            "base_edit_count": partner.edit_count,
        }


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
        return {**{n: getattr(link, n) for n in cls.FIELDS}, "base_edit_count": link.edit_count}


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
        required=False,
        example="120",
    )
    edi_champions = FigureField(
        label="How many EDI champions do you have? (optional)",
        noun="the number of EDI champions",
        whole=True,
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
            return {"base_edit_count": 0}
        initial = {"base_edit_count": figures.edit_count, "notes": figures.notes}
        for name in cls.FIELDS[:-1]:
            value = getattr(figures, name)
            initial[name] = None if value is None else f"{value}".removesuffix(".00")
        return initial


class PlanCostForm(VersionedForm):
    FIELDS = ("plan_cost", "plan_cost_note")

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
            return {"base_edit_count": 0}
        cost = figures.plan_cost
        return {
            "base_edit_count": figures.edit_count,
            "plan_cost": None if cost is None else f"{cost}".removesuffix(".00"),
            "plan_cost_note": figures.plan_cost_note,
        }


class DeleteForm(VersionedForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("base_edit_count"), Button.warning("delete", "Yes, delete")
        )


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
