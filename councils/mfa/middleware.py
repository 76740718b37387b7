"""Keep a signed-in user who owes a second factor on the sign-in pages until they give it."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from councils import permissions

# Whether this session must give a second factor; decided once at sign-in, so a page costs no
# extra queries for it.
SESSION_KEY = "second_factor_needed"
# Pages open before the second factor: signing in and out, setting one up, passkey ceremonies.
OPEN_NAMESPACES = {"mfa", "otp_webauthn"}
OPEN_URL_NAMES = {"login", "logout", "health"}


def second_factor_needed(user) -> bool:
    """Required by the user's role, or set up by choice (then it must be given too)."""
    return permissions.second_factor_required(user) or user_has_device(user)


@receiver(user_logged_in, dispatch_uid="second_factor_needed_at_sign_in")
def _decide_at_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = second_factor_needed(user)


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match and (match.namespace in OPEN_NAMESPACES or match.url_name in OPEN_URL_NAMES):
            return None
        if request.path.startswith(settings.STATIC_URL):
            return None
        needed = request.session.get(SESSION_KEY)
        if needed is None:
            needed = request.session[SESSION_KEY] = second_factor_needed(user)
        if not needed:
            return None
        next_url = request.get_full_path() if request.method == "GET" else reverse("home")
        step = "mfa:verify" if user_has_device(user) else "mfa:setup"
        return redirect(f"{reverse(step)}?{urlencode({'next': next_url})}")
