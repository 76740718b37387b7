"""Forms of the panel's codebook, coding and memo pages (they parse; the services decide)."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from plans.selectors.coding import CodeGroup


def _code_choices(groups: list[CodeGroup]) -> list[tuple[int, str]]:
    choices = []
    for group in groups:
        choices.append((group.code.pk, group.code.name))
        choices += [(child.pk, f"{group.code.name} › {child.name}") for child in group.children]
    return choices


class CodeForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=120,
        help_text="A few words, unique in the codebook. You can use up to 120 characters.",
        error_messages={"required": "Enter the code’s name"},
    )
    definition = forms.CharField(
        label="Definition",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2_000,
        help_text="One sentence saying which passages get this code. You can use up to 2,000 "
        "characters.",
        error_messages={"required": "Enter the code’s definition"},
    )
    parent = forms.TypedChoiceField(
        label="Parent code (optional)",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Codes have two levels: a code under a parent cannot have codes under it.",
        error_messages={"invalid_choice": "Choose a top-level code from the list, or none"},
    )

    def __init__(self, *args, parents: list[CodeGroup], submit: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", "None: a top-level code")] + [
            (group.code.pk, group.code.name) for group in parents
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("name"),
            Field.textarea("definition", rows=3, max_characters=2_000),
            Field.select("parent"),
            Button("save", submit),
        )


class CodeMergeForm(forms.Form):
    into = forms.TypedChoiceField(
        label="Merge into",
        coerce=int,
        help_text="Every passage coded with this code gets the code you choose instead.",
        error_messages={
            "required": "Choose the code to merge into",
            "invalid_choice": "Choose the code to merge into from the list",
        },
    )

    def __init__(self, *args, codes: list[CodeGroup], exclude: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].choices = [("", "Choose a code")] + [
            (pk, label) for pk, label in _code_choices(codes) if pk != exclude
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.select("into"), Button("merge", "Merge codes"))


class CodeMemoForm(forms.Form):
    text = forms.CharField(
        label="Memo",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20_000,
        help_text="What the panel makes of this code. Only the panel sees it; every earlier "
        "text is kept. You can use up to 20,000 characters.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.textarea("text", label_size=Size.SMALL, rows=8, max_characters=20_000),
            Button("save", "Save memo"),
        )


class PassageCodeForm(forms.Form):
    """The codes for one passage: a whole paragraph, or (from a selection) a character range."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    anchor = forms.RegexField(regex=r"^theme-\d+-p-\d+$", widget=forms.HiddenInput)
    start = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    end = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    quote = forms.CharField(
        widget=forms.HiddenInput, required=False, strip=False, max_length=100_000
    )
    codes = forms.TypedMultipleChoiceField(
        label="Codes",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one code"},
    )

    def __init__(self, *args, codes: list[CodeGroup], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["codes"].choices = _code_choices(codes)
