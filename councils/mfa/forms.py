"""Forms for the second factor: they parse codes; the services decide whether they are right."""

import re

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.core.exceptions import ValidationError

# People paste codes with spaces or dashes in them ("123 456", "abcd-efgh"): those go.
_SEPARATORS = re.compile(r"[\s\-]+")


class AppCodeForm(forms.Form):
    """The 6-digit code an authenticator app shows."""

    token = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code the app shows for this service, for example 123456.",
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
            }
        ),
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def __init__(self, *args, button: str = "Continue", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("token", label_size=Size.SMALL, field_width=10), Button("verify", button)
        )

    def clean_token(self):
        token = _SEPARATORS.sub("", self.cleaned_data["token"])
        if not re.fullmatch(r"\d{6}", token):
            raise ValidationError(
                "Enter the 6-digit code from your authenticator app", code="format"
            )
        return token


class RecoveryCodeForm(forms.Form):
    """One of the ten recovery codes shown when the second factor was set up."""

    code = forms.CharField(
        label="Recovery code",
        help_text="One of the recovery codes you saved when you set up your second factor. "
        "Each code works once.",
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
        error_messages={"required": "Enter a recovery code"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("code", label_size=Size.SMALL, field_width=10), Button("verify", "Continue")
        )

    def clean_code(self):
        return _SEPARATORS.sub("", self.cleaned_data["code"]).lower()
