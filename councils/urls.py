from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path, reverse_lazy

from councils.forms import ChangePasswordForm, NewPasswordForm, PasswordResetRequestForm
from councils.views import people

app_name = "councils"

urlpatterns = [
    path("people/", people.ministry_people, name="ministry_people"),
    path("councils/<str:gss_code>/people/", people.council_people, name="people"),
    path(
        "councils/<str:gss_code>/people/<int:membership_id>/change/",
        people.membership_change,
        name="membership_change",
    ),
    path(
        "councils/<str:gss_code>/people/<int:membership_id>/remove/",
        people.membership_remove,
        name="membership_remove",
    ),
    path(
        "invitations/<int:invitation_id>/resend/",
        people.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "invitations/<int:invitation_id>/withdraw/",
        people.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/accept/<str:token>/", people.invitation_accept, name="invitation_accept"),
    # Changing the password keeps this session (update_session_auth_hash) and ends the others.
    path(
        "account/password/",
        auth_views.PasswordChangeView.as_view(
            form_class=ChangePasswordForm,
            template_name="councils/password/change.html",
            success_url=reverse_lazy("councils:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "account/password/changed/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="councils/password/change_done.html"
        ),
        name="password_change_done",
    ),
    # Password reset: the same answer whether or not the address has an account.
    path(
        "password-reset/",
        login_not_required(
            auth_views.PasswordResetView.as_view(
                form_class=PasswordResetRequestForm,
                template_name="councils/password/reset_request.html",
                success_url=reverse_lazy("councils:password_reset_sent"),
            )
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        login_not_required(
            auth_views.PasswordResetDoneView.as_view(
                template_name="councils/password/reset_sent.html"
            )
        ),
        name="password_reset_sent",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        login_not_required(
            auth_views.PasswordResetConfirmView.as_view(
                form_class=NewPasswordForm,
                template_name="councils/password/reset_confirm.html",
                success_url=reverse_lazy("councils:password_reset_complete"),
            )
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        login_not_required(
            auth_views.PasswordResetCompleteView.as_view(
                template_name="councils/password/reset_complete.html"
            )
        ),
        name="password_reset_complete",
    ),
]
