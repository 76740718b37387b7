from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)

from councils.models import Council, Membership


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


# --- People ------------------------------------------------------------------------------------

EMAIL_ERRORS = {
    "required": "Enter the person’s email address",
    "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
}
ROLE_HELP = {
    Membership.Role.OFFICER: "Drafts the plan and sends it for sign-off.",
    Membership.Role.COUNCILLOR: "Approves the plan or asks for changes.",
    Membership.Role.STATUTORY_OFFICER: "Monitoring Officer or Section 151 officer: adds the "
    "statutory comment.",
}


def _email_field(label="Email address"):
    return forms.EmailField(
        label=label,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages=EMAIL_ERRORS,
    )


def _title_field():
    return forms.CharField(
        label="Job title or office (optional)",
        required=False,
        max_length=200,
        help_text="For example Leader of the Council, Monitoring Officer, Head of Strategy.",
        error_messages={"max_length": "The job title must be 200 characters or fewer"},
    )


def _role_field(label):
    return forms.ChoiceField(
        label=label,
        choices=Membership.Role.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the person’s role",
            "invalid_choice": "Select the person’s role",
        },
    )


def _manages_people_field():
    return forms.BooleanField(
        label="They can invite and remove the council’s people and change roles",
        required=False,
        help_text="Officers only.",
    )


class InvitationForm(forms.Form):
    """A council's people manager invites someone to one of the council's roles."""

    email = _email_field()
    role = _role_field("Role")
    manages_people = _manages_people_field()
    title = _title_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("email", field_width=20),
            Field.radios("role", legend_size=Size.SMALL),
            Field.checkbox("manages_people"),
            Field.text("title", field_width=20),
            Button("invite", "Send invitation"),
        )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class FirstOfficerInvitationForm(forms.Form):
    """A ministry administrator invites a council's officer who manages people."""

    council = forms.ModelChoiceField(
        label="Council",
        queryset=Council.objects.order_by("name"),
        empty_label="Select a council",
        error_messages={"required": "Select the council", "invalid_choice": "Select the council"},
    )
    email = _email_field()
    title = _title_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.select("council"),
            Field.text("email", field_width=20),
            Field.text("title", field_width=20),
            Button("invite_officer", "Send invitation"),
        )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class PanelInvitationForm(forms.Form):
    """A ministry administrator invites a member of the ministry panel."""

    email = _email_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("email", field_width=20), Button("invite_panel", "Send invitation")
        )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class MembershipChangeForm(forms.Form):
    """Change someone's role in the council and whether they manage people."""

    role = _role_field("Role")
    manages_people = _manages_people_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("role", legend_size=Size.SMALL),
            Field.checkbox("manages_people"),
            Button("save", "Save changes"),
        )


def _new_password_fields():
    first = forms.CharField(
        label="Create a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=" ".join(password_validation.password_validators_help_texts()),
        error_messages={"required": "Enter a password"},
    )
    second = forms.CharField(
        label="Confirm your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the password again"},
    )
    return first, second


def _passwords_match(form):
    first, second = form.cleaned_data.get("password1"), form.cleaned_data.get("password2")
    if first and second and first != second:
        form.add_error(
            "password2",
            forms.ValidationError("The passwords do not match", code="password_mismatch"),
        )


class AcceptInvitationForm(forms.Form):
    """Name and password for a new account (Django's validators run in the service)."""

    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your full name",
            "max_length": "Your full name must be 200 characters or fewer",
        },
    )
    password1, password2 = _new_password_fields()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("full_name", field_width=20),
            Field.text("password1", field_width=20),
            Field.text("password2", field_width=20),
            Button("accept", "Create account"),
        )

    def clean(self):
        _passwords_match(self)
        return self.cleaned_data


class PasswordResetRequestForm(PasswordResetForm):
    """Ask for a reset link; the email goes through the outbox, never straight to SMTP."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("email", field_width=20), Button("send", "Send reset link")
        )

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        from councils.services.people import password_reset_request

        password_reset_request(user=context["user"])


class NewPasswordForm(SetPasswordForm):
    """Choose a new password from a reset link."""

    new_password1, new_password2 = _new_password_fields()
    error_messages = {"password_mismatch": "The passwords do not match"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields["new_password2"].label = "Confirm your new password"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("new_password1", field_width=20),
            Field.text("new_password2", field_width=20),
            Button("save", "Change password"),
        )


class ChangePasswordForm(NewPasswordForm, PasswordChangeForm):
    """Change a signed-in account's password: the current one, then the new one twice."""

    old_password = forms.CharField(
        label="Current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your current password"},
    )
    error_messages = {
        "password_mismatch": "The passwords do not match",
        "password_incorrect": "Your current password is not correct",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.text("old_password", field_width=20),
            Field.text("new_password1", field_width=20),
            Field.text("new_password2", field_width=20),
            Button("save", "Change password"),
        )
