"""The Django admin, open only to administrators who have given a second factor."""

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.utils.decorators import method_decorator


class AdminSite(admin.AdminSite):
    site_header = "Submit a productivity plan: administration"

    def has_permission(self, request):
        return super().has_permission(request) and request.user.is_verified()

    @method_decorator(login_not_required)
    def login(self, request, extra_context=None):
        # One way in: the portal's own sign-in, then its second-factor step.
        return redirect_to_login(
            request.GET.get(REDIRECT_FIELD_NAME, request.get_full_path()), "login"
        )
