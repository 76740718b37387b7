from django.contrib.admin.apps import AdminConfig as BaseAdminConfig


class AdminConfig(BaseAdminConfig):
    """The Django admin, on a site that also asks for a verified second factor."""

    default_site = "productivity.admin.AdminSite"
