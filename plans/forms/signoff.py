"""Forms for sign-off: they validate input only; the services decide what is allowed."""

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
from django.utils import timezone

from plans.markdown import normalise_text
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
        min_value=1,
        help_text="Every councillor of the council gets an email; the plan is approved once "
        "this many have approved it.",
        error_messages={
            "invalid": "The number of approvals must be a whole number, like 2",
            "min_value": "The number of approvals must be 1 or more",
        },
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
        self.fields["required_count"].max_value = len(self.fields["councillors"].choices)
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

    def clean_covering_note(self):
        note = normalise_text(self.cleaned_data["covering_note"])
        if len(note) > MAX_NOTE_CHARACTERS:
            raise ValidationError(
                f"The covering note must be {MAX_NOTE_CHARACTERS:,} characters or fewer",
                code="max_length",
            )
        return note

    def clean_required_count(self):
        count = self.cleaned_data["required_count"]
        maximum = self.fields["required_count"].max_value
        if count is not None and count > maximum:
            raise ValidationError(
                f"The number of approvals must be {maximum} or fewer: the council has "
                f"{maximum} councillor{'s' if maximum != 1 else ''} who can sign off",
                code="max_value",
            )
        return count

    def clean(self):
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
        self.council_name = council_name
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

    def clean_comment(self):
        return normalise_text(self.cleaned_data["comment"])

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        if outcome == SignOffDecision.Outcome.APPROVE and not cleaned.get("declaration"):
            self.add_error(
                "declaration",
                ValidationError(
                    f"Confirm that you approve this plan for submission on behalf of "
                    f"{self.council_name}",
                    code="required",
                ),
            )
        if outcome == SignOffDecision.Outcome.REQUEST_CHANGES and not cleaned.get("comment"):
            self.add_error(
                "comment",
                ValidationError("Enter the changes you are asking for", code="required"),
            )
        comment = cleaned.get("comment") or ""
        if len(comment) > MAX_COMMENT_CHARACTERS:
            self.add_error(
                "comment",
                ValidationError(
                    f"Your comment must be {MAX_COMMENT_CHARACTERS:,} characters or fewer",
                    code="max_length",
                ),
            )
        return cleaned


class StatutoryCommentForm(forms.Form):
    text = forms.CharField(
        label="Your comment",
        widget=forms.Textarea,
        help_text="For example, whether the Monitoring Officer or the chief finance officer is "
        "content for the plan to be submitted. It prints with the plan’s sign-off record.",
        error_messages={"required": "Enter your comment"},
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

    def clean_text(self):
        text = normalise_text(self.cleaned_data["text"])
        if not text:
            raise ValidationError("Enter your comment", code="required")
        if len(text) > MAX_COMMENT_CHARACTERS:
            raise ValidationError(
                f"Your comment must be {MAX_COMMENT_CHARACTERS:,} characters or fewer",
                code="max_length",
            )
        return text


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

    def clean_decision_date(self):
        value = self.cleaned_data["decision_date"]
        if value and value > timezone.localdate():
            raise ValidationError(
                "The date of the decision must be today or in the past", code="date_in_future"
            )
        return value


def _person(name: str, title: str) -> str:
    return f"{name}, {title}" if title else name
