"""Forms for sign-off: they parse input (types, formats, choices) and present it.

Every rule about what may be sent, decided or recorded lives in plans/services/signoff.py,
which raises errors keyed by these forms' field names; views place them next to the fields.
"""

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import (
    Button,
    Field,
    Fieldset,
    Layout,
    Size,
)
from django import forms
from django.core.exceptions import ValidationError

from plans.models import DecisionRecord, SignOffDecision
from plans.services.signoff import MAX_COMMENT_CHARACTERS, MAX_NOTE_CHARACTERS

RULE_NAMED = "named"
RULE_COUNT = "count"


class SendForSignOffForm(forms.Form):
    """Who must approve (named councillors, or a number of them) and a covering note."""

    rule = forms.ChoiceField(
        label="Who must approve the plan?",
        choices=[
            (RULE_NAMED, "Named councillors must all approve"),
            (RULE_COUNT, "A number of the council’s councillors must approve"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select who must approve the plan"},
    )
    councillors = forms.TypedMultipleChoiceField(
        label="If named: the councillors who must approve",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each councillor you select gets an email asking them to sign off the plan.",
        error_messages={"invalid_choice": "Select councillors of this council only"},
    )
    required_count = forms.IntegerField(
        label="If a number: how many approvals are needed",
        required=False,
        help_text="Every councillor of the council gets an email; the plan is approved once "
        "this many have approved it.",
        error_messages={"invalid": "The number of approvals must be a whole number, like 2"},
    )
    covering_note = forms.CharField(
        label="Covering note (optional)",
        required=False,
        widget=forms.Textarea,
        help_text="Tell councillors what has changed and anything they should know before they "
        "sign off.",
    )

    def __init__(self, *args, councillors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["councillors"].choices = [
            (membership.user_id, _person(membership.user.full_name, membership.title))
            for membership in councillors
        ]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            # Plain radios: GOV.UK's conditional reveal marks radios aria-expanded, which
            # axe reports as an ARIA error, so both follow-up questions are always shown.
            Fieldset(Field.radios("rule", legend_size=Size.MEDIUM)),
            Field.checkboxes("councillors", legend_size=Size.SMALL, small=True),
            Field.text("required_count", field_width=2, label_size=Size.SMALL),
            Field.textarea(
                "covering_note",
                label_size=Size.MEDIUM,
                rows=6,
                max_characters=MAX_NOTE_CHARACTERS,
            ),
            Button("continue", "Continue"),
        )

    def clean(self):
        """Keep the answer to the question the chosen radio asks, and require it."""
        cleaned = super().clean()
        rule = cleaned.get("rule")
        if rule == RULE_NAMED:
            cleaned["required_count"] = None
            if not cleaned.get("councillors") and "councillors" not in self.errors:
                self.add_error(
                    "councillors",
                    ValidationError("Select the councillors who must approve", code="required"),
                )
        elif rule == RULE_COUNT:
            cleaned["councillors"] = []
            if cleaned.get("required_count") is None and "required_count" not in self.errors:
                self.add_error(
                    "required_count",
                    ValidationError("Enter the number of approvals needed", code="required"),
                )
        return cleaned


class SignOffDecisionForm(forms.Form):
    """A councillor's decision: approve with the declaration, or request changes with a comment."""

    outcome = forms.ChoiceField(
        label="Do you approve this version of the plan?",
        choices=[
            (SignOffDecision.Outcome.APPROVE, "Yes, I approve it"),
            (SignOffDecision.Outcome.REQUEST_CHANGES, "No, I’m asking for changes"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you approve this version of the plan"},
    )
    declaration = forms.BooleanField(label="", required=False)
    comment = forms.CharField(
        label="If you are asking for changes: what needs to change?",
        required=False,
        widget=forms.Textarea,
        help_text="Officers will see your comment on the plan’s task list.",
    )
    version_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, council_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "declaration"
        ].label = f"I approve this plan for submission on behalf of {council_name}"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("version_sha256"),
            Fieldset(Field.radios("outcome", legend_size=Size.MEDIUM)),
            Field.checkbox("declaration"),
            Field.textarea(
                "comment", label_size=Size.SMALL, rows=5, max_characters=MAX_COMMENT_CHARACTERS
            ),
            Button("decide", "Send your decision"),
        )


class StatutoryCommentForm(forms.Form):
    # Not required here: the service refuses an empty comment (after tidying the text).
    text = forms.CharField(
        label="Your comment",
        required=False,
        widget=forms.Textarea,
        help_text="For example, whether the Monitoring Officer or the chief finance officer is "
        "content for the plan to be submitted. It prints with the plan’s sign-off record.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea(
                "text", label_size=Size.MEDIUM, rows=8, max_characters=MAX_COMMENT_CHARACTERS
            ),
            Button("add", "Add comment"),
        )


class DecisionRecordForm(forms.Form):
    """How the council decided. Only the route and the date are needed in the common case."""

    route = forms.ChoiceField(
        label="How did the council decide?",
        choices=DecisionRecord.Route.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the council decided"},
    )
    decision_date = DateInputField(
        label="Date of the meeting or decision",
        help_text="For example, 27 6 2024",
        require_all_fields=False,
    )
    decision_url = forms.URLField(
        label="Link to the published decision (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="The decision notice or minutes on your council’s website.",
        error_messages={
            "invalid": "Enter the link in the correct format, like https://www.example.gov.uk/"
        },
    )
    call_in_ends = DateInputField(
        label="Date the call-in period ends (optional)",
        required=False,
        require_all_fields=False,
        help_text="Cabinet, Leader and portfolio holder decisions: leave empty for 5 working "
        "days after the decision. Leave empty for full council and urgency decisions, which "
        "cannot be called in. The plan is not submitted before the end of this day.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision_date"].error_messages.update(
            {
                "required": "Enter the date of the meeting or decision",
                "incomplete": "The date of the decision must include a day, month and year",
            }
        )
        self.fields["call_in_ends"].error_messages.update(
            {"incomplete": "The date the call-in period ends must include a day, month and year"}
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(Field.radios("route", legend_size=Size.MEDIUM)),
            Field("decision_date"),
            Field.text("decision_url", label_size=Size.SMALL),
            Field("call_in_ends"),
            Button("save", "Save the decision"),
        )


def _person(name: str, title: str) -> str:
    return f"{name}, {title}" if title else name
