"""The portal's URLs plus views that fail on purpose, for the error page tests."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.shortcuts import render
from django.urls import include, path


@login_not_required
def bad_request(request):
    raise SuspiciousOperation("A request the service cannot understand")


@login_not_required
def forbidden(request):
    raise PermissionDenied


@login_not_required
def throttled(request):
    return render(
        request,
        "429.html",
        {"message": "You entered the wrong password too many times. Wait 15 minutes."},
        status=429,
    )


@login_not_required
def broken(request):
    raise RuntimeError("Something broke with DATABASE_URL=postgres://portal:secret@db/portal")


urlpatterns = [
    path("test-errors/400/", bad_request),
    path("test-errors/403/", forbidden),
    path("test-errors/429/", throttled),
    path("test-errors/500/", broken),
    path("", include("productivity.urls")),
]
