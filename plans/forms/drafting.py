from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size
from django import forms
from django.core.exceptions import ValidationError

from plans.markdown import MAX_NARRATIVE_CHARACTERS, normalise_text, validate_narrative_length


class SectionForm(forms.Form):
    """A theme's narrative and whether the officer has finished it."""

    narrative = forms.CharField(
        label="Your answer",
        required=False,
        widget=forms.Textarea,
        help_text=(
            "Write in Markdown: ## for a heading, 1.1 to start a numbered paragraph, "
            "- for a bullet, | for a table and [text](https://…) for a link."
        ),
    )
    is_complete = forms.TypedChoiceField(
        label="Have you completed this theme?",
        choices=[
            ("yes", "Yes, I’ve completed this theme"),
            ("no", "No, I’ll come back to it later"),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you have completed this theme"},
    )
    base_edit_count = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, theme_title: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["narrative"].label = theme_title or "Your answer"
        self.helper = FormHelper()
        # The template draws the <form> (it carries the autosave status inside it).
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("base_edit_count"),
            Field.textarea(
                "narrative",
                label_size=Size.MEDIUM,
                rows=22,
                max_characters=MAX_NARRATIVE_CHARACTERS,
                threshold=75,
            ),
            Fieldset(Field.radios("is_complete", legend_size=Size.SMALL, small=True)),
            Button("save", "Save and return to your plan"),
        )

    def clean_narrative(self):
        text = normalise_text(self.cleaned_data["narrative"])
        try:
            validate_narrative_length(text)
        except ValidationError as error:
            raise ValidationError(
                f"Your answer must be {MAX_NARRATIVE_CHARACTERS:,} characters or fewer",
                code=error.code,
            ) from None
        return text

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_complete") and not cleaned.get("narrative"):
            self.add_error(
                "narrative", ValidationError("Enter your answer for this theme", code="required")
            )
        return cleaned


class StartPlanForm(forms.Form):
    round = forms.IntegerField(widget=forms.HiddenInput)


class CompareRevisionsForm(forms.Form):
    older = forms.TypedChoiceField(label="Compare revision", coerce=int)
    newer = forms.TypedChoiceField(label="with revision", coerce=int)

    def __init__(self, *args, numbers: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(number, f"Revision {number}") for number in numbers]
        self.fields["older"].choices = choices
        self.fields["newer"].choices = choices
        self.helper = FormHelper()
        # The template draws the <form>, with the comparison page as its action.
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.select("older"), Field.select("newer"), Button("compare", "Compare")
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("older") is not None and cleaned.get("older") == cleaned.get("newer"):
            self.add_error("newer", "Choose two different revisions to compare")
        return cleaned
