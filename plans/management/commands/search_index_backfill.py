from django.core.management.base import BaseCommand

from plans.services.search import search_index_backfill


class Command(BaseCommand):
    help = "Index the latest sent version of every plan for the panel's full-text search."

    def handle(self, *args, **options):
        count = search_index_backfill()
        self.stdout.write(f"Indexed {count} sent version{'s' if count != 1 else ''}.")
