"""Session limits, "remember me", the keep-alive endpoint, and keeping what a signed-out POST
carried.

- A session ends after SESSION_IDLE_TIMEOUT_SECONDS without a request from the user, and
  SESSION_ABSOLUTE_SECONDS after sign-in whatever happens. Its cookie ends with the browser,
  unless the user chose to be remembered on the device (`session_remember`), and then lasts to
  the absolute limit at most.
- A POST that arrives signed out at a page that needs sign-in (a theme saved after the session
  ended) is kept in the anonymous session under its path, without passwords or the CSRF token;
  sign-in cycles the session key but keeps its data, and the page hands the fields back once
  (`signed_out_post_take`), within an hour.
"""

import time
from datetime import UTC, datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.views.decorators.http import require_POST

LAST_ACTIVITY = "session_last_activity"
SIGNED_IN_AT = "session_signed_in_at"
STASH = "session_signed_out_posts"
STASH_SECONDS = 60 * 60
# Activity is written to the session at most this often (or a thirtieth of the idle timeout,
# if that is shorter), not on every request.
ACTIVITY_RESOLUTION_SECONDS = 60
# Scripts that poll on their own (not the user doing something) send this header, so a page
# left open does not keep its session alive for ever.
BACKGROUND_HEADER = "X-Session-Activity"


def session_signed_in(sender, request, user, **kwargs) -> None:
    """Start the session's clocks at sign-in (connected to user_logged_in)."""
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_ACTIVITY] = now


def session_remember(request) -> None:
    """Keep the signed-in session after the browser closes, up to the absolute limit.

    Call it right after `login()` when the user chose to be remembered on this device.
    """
    signed_in_at = request.session.get(SIGNED_IN_AT) or int(time.time())
    request.session[SIGNED_IN_AT] = signed_in_at
    request.session.set_expiry(
        datetime.fromtimestamp(signed_in_at + settings.SESSION_ABSOLUTE_SECONDS, tz=UTC)
    )


def session_seconds_left(request) -> int:
    """Seconds before the signed-in session ends if the user does nothing more."""
    now = int(time.time())
    idle_end = request.session.get(LAST_ACTIVITY, now) + settings.SESSION_IDLE_TIMEOUT_SECONDS
    absolute_end = request.session.get(SIGNED_IN_AT, now) + settings.SESSION_ABSOLUTE_SECONDS
    return max(0, min(idle_end, absolute_end) - now)


def _resolution() -> int:
    return min(ACTIVITY_RESOLUTION_SECONDS, settings.SESSION_IDLE_TIMEOUT_SECONDS // 30)


class SessionTimeoutMiddleware:
    """Signs out a session idle too long or signed in too long ago; records activity."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            signed_in_at = session.setdefault(SIGNED_IN_AT, now)
            last_activity = session.get(LAST_ACTIVITY, now)
            idle = now - last_activity >= settings.SESSION_IDLE_TIMEOUT_SECONDS
            too_old = now - signed_in_at >= settings.SESSION_ABSOLUTE_SECONDS
            if idle or too_old:
                logout(request)
                request.session_timed_out = True
            elif (
                now - last_activity >= _resolution() or LAST_ACTIVITY not in session
            ) and request.headers.get(BACKGROUND_HEADER) != "background":
                session[LAST_ACTIVITY] = now
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Messages are ready only once every middleware has seen the request.
        if getattr(request, "session_timed_out", False):
            messages.info(request, "You were signed out for your security. Sign in again.")


class SignedOutPostMiddleware:
    """Keeps the fields of a POST that needs sign-in but arrives signed out.

    Runs before LoginRequiredMiddleware, which then sends the user to sign in with `next=` the
    page. A script's POST (Accept: application/json) gets a 401 instead and keeps its own text.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            request.method != "POST"
            or request.user.is_authenticated
            or not getattr(view_func, "login_required", True)
        ):
            return None
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({"signed_out": True}, status=401)
        fields = {
            name: request.POST.getlist(name)
            for name in request.POST
            if name != "csrfmiddlewaretoken" and "password" not in name.lower()
        }
        if not fields:
            return None
        stash = _fresh(request.session.get(STASH, {}))
        stash[request.path] = {"at": int(time.time()), "fields": fields}
        request.session[STASH] = stash
        return None


def signed_out_post_take(request) -> dict[str, list[str]] | None:
    """The fields a signed-out POST to this page carried, once, if kept within the hour."""
    stash = _fresh(request.session.get(STASH, {}))
    kept = stash.pop(request.path, None)
    if kept is not None or STASH in request.session:
        if stash:
            request.session[STASH] = stash
        else:
            request.session.pop(STASH, None)
    return kept["fields"] if kept else None


def _fresh(stash: dict) -> dict:
    oldest = int(time.time()) - STASH_SECONDS
    return {path: kept for path, kept in stash.items() if kept["at"] > oldest}


@require_POST
def session_keep_alive(request):
    """The timeout warning's "Stay signed in": records activity now."""
    request.session[LAST_ACTIVITY] = int(time.time())
    return JsonResponse({"seconds_left": session_seconds_left(request)})
