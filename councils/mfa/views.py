"""Sign-in pages: password (with "remember me"), second factor, set-up, recovery codes."""

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render, resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from councils import permissions
from councils.forms import SignInForm
from councils.mfa import services
from councils.mfa.forms import AppCodeForm, RecoveryCodeForm
from councils.mfa.selectors import second_factors_of
from plans.views.errors import add_service_errors
from productivity import sessions
from productivity.http import client_ip

# Recovery codes wait here between being made and being shown, once.
NEW_CODES_SESSION_KEY = "mfa_new_recovery_codes"


def session_remember(request, remember: bool) -> None:
    """A remembered session lasts to the absolute limit (12 hours from sign-in) on this device;
    any other ends with the browser."""
    if remember:
        sessions.session_remember(request)
    else:
        request.session.set_expiry(0)


class SignInView(auth_views.LoginView):
    template_name = "registration/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        session_remember(self.request, form.cleaned_data.get("remember", False))
        return response


sign_in = login_not_required(SignInView.as_view())


def sign_in_username(request, credentials=None) -> str | None:
    """The account a sign-in attempt names, as the sign-in form reads it (trimmed, lower
    case), so throttling counts "Jo@X" and "jo@x " as the same account."""
    username = (credentials or {}).get("username") or request.POST.get("username")
    return username.strip().lower() if username else None


def locked_out(request, original_response=None, credentials=None):
    """The page for an account locked from this address after too many wrong passwords."""
    try:
        reset_url = reverse("password_reset")
    except NoReverseMatch:  # a portal without password reset pages
        reset_url = None
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": settings.AXES_COOLOFF_MINUTES, "reset_url": reset_url},
        status=429,
    )


def _next_url(request) -> str:
    """Where to go once the second factor is given: `next` if it is on this site, else home."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _passkey_context(request) -> dict:
    return {
        "begin_registration_url": reverse("otp_webauthn:credential-registration-begin"),
        "complete_registration_url": reverse("otp_webauthn:credential-registration-complete"),
        "begin_authentication_url": reverse("otp_webauthn:credential-authentication-begin"),
        "complete_authentication_url": reverse("otp_webauthn:credential-authentication-complete"),
    }


def second_factor_verify(request):
    """The second step of signing in: a passkey, a code from the app, or a recovery code."""
    next_url = _next_url(request)
    if request.user.is_verified():
        return redirect(next_url)
    factors = second_factors_of(request.user)
    if not factors.any:
        return redirect(_with_next("mfa:setup", next_url))
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.totp_verify(user=request.user, token=form.cleaned_data["token"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            otp_login(request, device)
            return redirect(next_url)
    context = {"form": form, "factors": factors, "next": next_url, **_passkey_context(request)}
    return render(request, "registration/mfa/verify.html", context)


def recovery_code_verify(request):
    """Sign in with a recovery code instead of the app or a passkey."""
    next_url = _next_url(request)
    if request.user.is_verified():
        return redirect(next_url)
    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.recovery_code_use(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            otp_login(request, device)
            return redirect(next_url)
    return render(request, "registration/mfa/recovery.html", {"form": form, "next": next_url})


def _may_add(request) -> bool:
    return services.second_factor_may_add(user=request.user, verified=request.user.is_verified())


def second_factor_setup(request):
    """Choose a second factor: a passkey (where the browser has one) or an authenticator app."""
    next_url = _next_url(request)
    if not _may_add(request):
        return redirect(_with_next("mfa:verify", next_url))
    context = {
        "next": next_url,
        "required": permissions.second_factor_required(request.user),
        **_passkey_context(request),
    }
    return render(request, "registration/mfa/setup.html", context)


QR_SCALE = 5


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _qr_svg(qr) -> str:
    """The QR code as inline SVG that shrinks with the column on a narrow screen (WCAG 1.4.10):
    a viewBox lets app-chart's max-width scale the drawing, not just crop it."""
    width, height = qr.symbol_size(scale=QR_SCALE)
    svg = qr.svg_inline(
        scale=QR_SCALE, dark="#0b0c0c", title="QR code for your app", svgclass="app-chart"
    )
    return svg.replace("<svg ", f'<svg viewBox="0 0 {width} {height}" ', 1)


def totp_setup(request):
    """Set up an authenticator app: QR code and secret, then a code from the app."""
    next_url = _next_url(request)
    if not _may_add(request):
        return redirect(_with_next("mfa:verify", next_url))
    device = services.totp_device_start(user=request.user)
    form = AppCodeForm(request.POST or None, button="Continue")
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.totp_device_confirm(
                user=request.user, token=form.cleaned_data["token"], ip_address=client_ip(request)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            otp_login(request, device)
            request.session[NEW_CODES_SESSION_KEY] = codes
            return redirect(_with_next("mfa:recovery_codes", next_url))
    secret = b32encode(device.bin_key).decode().rstrip("=")
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "next": next_url,
        "secret": _grouped(secret),
        "qr_svg": _qr_svg(qr),
    }
    return render(request, "registration/mfa/totp_setup.html", context)


@require_POST
def passkey_added(request):
    """Where the passkey set-up page goes once the browser has saved a passkey: recovery codes
    the first time, else on."""
    next_url = _next_url(request)
    if not second_factors_of(request.user).passkeys or not request.user.is_verified():
        return redirect(_with_next("mfa:setup", next_url))
    codes = services.passkey_added(user=request.user, ip_address=client_ip(request))
    if not codes:
        return redirect(next_url)
    request.session[NEW_CODES_SESSION_KEY] = codes
    return redirect(_with_next("mfa:recovery_codes", next_url))


def recovery_codes(request):
    """The new recovery codes, shown once."""
    next_url = _next_url(request)
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    if not codes:
        return redirect(next_url)
    return render(
        request, "registration/mfa/recovery_codes.html", {"codes": codes, "next": next_url}
    )


def account_security(request):
    """The user's second factors, and a way to add one (optional for officers)."""
    factors = second_factors_of(request.user)
    context = {
        "factors": factors,
        "required": permissions.second_factor_required(request.user),
        "may_add": _may_add(request),
    }
    return render(request, "registration/mfa/account.html", context)


@require_POST
def recovery_codes_renew(request):
    """Replace the recovery codes (only with a second factor given in this session)."""
    if not request.user.is_verified():
        return redirect(_with_next("mfa:verify", reverse("mfa:account")))
    request.session[NEW_CODES_SESSION_KEY] = services.recovery_codes_replace(
        user=request.user, ip_address=client_ip(request)
    )
    return redirect(_with_next("mfa:recovery_codes", reverse("mfa:account")))
