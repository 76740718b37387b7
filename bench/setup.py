"""Django set-up for the benchmarks: a database of their own, created and migrated if needed."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "productivity.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# Benchmarks run the portal as a development server does (the floor's settings turn DEBUG off).
os.environ.setdefault("DEBUG", "true")


def django_ready(*, migrate: bool = True) -> None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import dj_database_url
        import psycopg2

        config = dj_database_url.parse(url)
        connection = psycopg2.connect(
            dbname="postgres",
            user=config["USER"] or "postgres",
            host=config["HOST"] or "127.0.0.1",
            port=config["PORT"] or 5432,
        )
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
        connection.close()
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]
