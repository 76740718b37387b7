from django.urls import path

from councils.mfa import views

app_name = "mfa"

urlpatterns = [
    path("sign-in/second-factor/", views.second_factor_verify, name="verify"),
    path("sign-in/recovery-code/", views.recovery_code_verify, name="recovery"),
    path("sign-in/set-up/", views.second_factor_setup, name="setup"),
    path("sign-in/set-up/app/", views.totp_setup, name="totp_setup"),
    path("sign-in/set-up/passkey-added/", views.passkey_added, name="passkey_added"),
    path("sign-in/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("account/sign-in-security/", views.account_security, name="account"),
    path(
        "account/sign-in-security/recovery-codes/",
        views.recovery_codes_renew,
        name="recovery_codes_renew",
    ),
]
