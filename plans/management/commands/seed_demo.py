from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from councils.models import User
from plans.demo import (
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    demo_second_factors,
    demo_seed,
    demo_totp_uri,
)
from plans.demo.panel import demo_panel_seed
from plans.models import Round


class Command(BaseCommand):
    help = "Load demo rounds, users and plans (development only: refuses to run when DEBUG is off)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo only runs with DEBUG on: it creates known passwords.")
        accounts = demo_seed()
        accounts += demo_panel_seed(
            round_2024=Round.objects.get(slug="productivity-plans-2024"),
            admin=User.objects.get(email="admin@example.gov.uk"),
        )
        demo_second_factors([email for _role, email in accounts])
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD})\n")
        for role, email in accounts:
            self.stdout.write(f"  {role:<45} {email}")
        self.stdout.write(
            "\nCouncillors, statutory officers, the panel and the administrator also give a code"
            " from an authenticator app.\nAdd this demo secret to your app once; it works for"
            " every demo account:\n"
            f"  secret: {DEMO_TOTP_SECRET}\n"
            f"  address: {demo_totp_uri()}\n"
            "Passkeys need the portal's localhost address (browsers refuse them on 127.0.0.1).\n"
        )
