from django.shortcuts import redirect, render

from councils import permissions
from councils.selectors import councils_for_user


def home(request):
    """Where signing in lands: the user's council, or a choice when they have several."""
    councils = list(councils_for_user(user=request.user))
    if len(councils) == 1 and not permissions.is_panel(request.user):
        return redirect("plans:council", gss_code=councils[0].gss_code)
    return render(
        request,
        "councils/home.html",
        {"councils": councils, "is_panel": permissions.is_panel(request.user)},
    )
