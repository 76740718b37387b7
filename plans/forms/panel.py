"""Forms the panel's pages parse: the tracker's search and filters, notes and extensions."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from councils.models import Council
from plans.models import TrackerStatus
from plans.selectors.panel import ORDERS, TrackerFilters


class TrackerFilterForm(forms.Form):
    """The tracker's GET parameters; anything it cannot parse is left out of the filters."""

    q = forms.CharField(label="Council name or GSS code", required=False, max_length=200)
    tier = forms.MultipleChoiceField(
        label="Tier",
        required=False,
        choices=Council.Tier.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    region = forms.MultipleChoiceField(
        label="Region", required=False, choices=(), widget=forms.CheckboxSelectMultiple
    )
    status = forms.MultipleChoiceField(
        label="Status",
        required=False,
        choices=TrackerStatus.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    submitted = forms.ChoiceField(
        label="Submitted",
        required=False,
        choices=[("", "Either"), ("yes", "Submitted"), ("no", "Not submitted yet")],
        widget=forms.RadioSelect,
    )
    order = forms.ChoiceField(
        label="List",
        required=False,
        choices=[("name", "Alphabetically"), ("region", "By region")],
        widget=forms.RadioSelect,
    )

    code = forms.IntegerField(label="Code", required=False, min_value=1)

    def __init__(self, data=None, *, regions: list[str], **kwargs):
        super().__init__(data, **kwargs)
        self.fields["region"].choices = [(region, region) for region in regions]

    def filters(self) -> TrackerFilters:
        """The filters the parameters describe; invalid values are dropped, not fatal."""
        if not self.is_bound:
            return TrackerFilters()
        self.is_valid()
        data = {
            name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors
        }
        order = data.get("order") or "name"
        return TrackerFilters(
            q=(data.get("q") or "").strip(),
            tiers=tuple(data.get("tier") or ()),
            regions=tuple(data.get("region") or ()),
            statuses=tuple(data.get("status") or ()),
            submitted=data.get("submitted") or "",
            order=order if order in ORDERS else "name",
            code=data.get("code"),
        )


class PanelNoteForm(forms.Form):
    text = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only the panel sees notes. Your name and the time are shown with it.",
        error_messages={"required": "Enter your note"},
        max_length=10_000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.textarea("text", label_size=Size.SMALL, rows=4),
            Button("save", "Save note"),
        )
