"""Forms the panel's analysis pages parse: the councils to compare and the search words."""

from django import forms

MIN_COMPARE, MAX_COMPARE = 2, 4


class CompareForm(forms.Form):
    """Two to four councils that have sent a plan, as repeated `council` GET parameters."""

    council = forms.MultipleChoiceField(
        label="Councils",
        required=False,
        error_messages={"invalid_choice": "Choose only councils that have submitted a plan"},
    )

    def __init__(self, data=None, *, councils: list[tuple[str, str]], **kwargs):
        if data is not None:
            # The page's selects send an empty value for each council not chosen.
            data = data.copy()
            data.setlist("council", [code for code in data.getlist("council") if code])
        super().__init__(data, **kwargs)
        self.fields["council"].choices = councils

    def clean_council(self) -> list[str]:
        chosen = list(dict.fromkeys(code for code in self.cleaned_data["council"] if code))
        if len(chosen) < MIN_COMPARE:
            raise forms.ValidationError("Choose at least 2 councils to compare", code="too_few")
        if len(chosen) > MAX_COMPARE:
            raise forms.ValidationError(
                "Choose no more than 4 councils to compare", code="too_many"
            )
        return chosen


class SearchForm(forms.Form):
    search = forms.CharField(
        label="Search the submitted plans",
        required=False,
        max_length=200,
        help_text="For example: shared services, “digital by default” or IT -consultants",
    )
