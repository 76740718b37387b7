from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    """Sign in with an email address and password, with GOV.UK error wording."""

    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
        },
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )
    remember = forms.BooleanField(
        label="Remember me on this device for 12 hours",
        required=False,
        help_text="Do not tick this on a shared computer. Otherwise you are signed out when "
        "you close your browser.",
    )
    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account has been switched off. Contact your administrator.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template draws the <form>, with the `next` field
        self.helper.layout = Layout(
            Field.text("username", label_size=Size.SMALL, field_width=20),
            Field.text("password", label_size=Size.SMALL, field_width=20),
            Field.checkbox("remember", small=True),
            Button("sign_in", "Sign in"),
        )

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()
