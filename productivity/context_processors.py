from django.conf import settings

from productivity.sessions import session_seconds_left


def service(request):
    context = {"service_name": settings.SERVICE_NAME}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # For the timeout warning (templates/includes/timeout_warning.html).
        context["session_seconds_left"] = session_seconds_left(request)
        context["session_warning_seconds"] = settings.SESSION_WARNING_SECONDS
        context["session_idle_seconds"] = settings.SESSION_IDLE_TIMEOUT_SECONDS
    return context
