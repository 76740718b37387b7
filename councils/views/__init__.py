from django.shortcuts import redirect, render

from councils import permissions
from councils.selectors import councils_for_user
from plans.selectors import sign_off_requests_awaiting


def home(request):
    """Where signing in lands: plans awaiting the user's sign-off, and their councils.

    A user of one council with nothing awaiting them goes straight to that council.
    """
    if permissions.is_panel(request.user):
        return redirect("plans:panel_home")
    councils = list(councils_for_user(user=request.user))
    awaiting = list(sign_off_requests_awaiting(request.user))
    if len(councils) == 1 and not awaiting and not permissions.is_panel(request.user):
        return redirect("plans:council", gss_code=councils[0].gss_code)
    return render(
        request,
        "councils/home.html",
        {
            "councils": councils,
            "sign_offs": awaiting,
            "is_panel": permissions.is_panel(request.user),
            "is_ministry_admin": permissions.is_ministry_admin(request.user),
        },
    )
