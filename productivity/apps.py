from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig as BaseAdminConfig


class ProductivityConfig(AppConfig):
    name = "productivity"
    verbose_name = "Portal"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from productivity.sessions import session_signed_in

        # Session bookkeeping, not workflow: the clock of the absolute limit starts at sign-in.
        user_logged_in.connect(session_signed_in, dispatch_uid="session_signed_in")


class AdminConfig(BaseAdminConfig):
    """The Django admin, on a site that also asks for a verified second factor."""

    default_site = "productivity.admin.AdminSite"
