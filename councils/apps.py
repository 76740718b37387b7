from django.apps import AppConfig


class CouncilsConfig(AppConfig):
    name = "councils"
    verbose_name = "Councils and people"

    def ready(self):
        # Connects the sign-in receiver that decides whether the session owes a second factor.
        from councils.mfa import middleware  # noqa: F401
