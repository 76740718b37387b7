from django.core.management.base import BaseCommand

from councils.services import councils_load


class Command(BaseCommand):
    help = "Load or update the English councils from councils/data/councils_england.csv."

    def handle(self, *args, **options):
        created, updated = councils_load()
        self.stdout.write(f"Councils: {created} created, {updated} updated.")
