from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from councils.models import User
from plans.demo import DEMO_PASSWORD, demo_seed
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
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD})\n")
        for role, email in accounts:
            self.stdout.write(f"  {role:<45} {email}")
        self.stdout.write("")
