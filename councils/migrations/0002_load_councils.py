import csv
from pathlib import Path

from django.db import migrations

CSV = Path(__file__).resolve().parent.parent / "data" / "councils_england.csv"


def load(apps, schema_editor):
    Council = apps.get_model("councils", "Council")
    with open(CSV, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            Council.objects.update_or_create(
                gss_code=row["code"],
                defaults={
                    "short_code": row["short_code"],
                    "name": row["name"],
                    "nice_name": row["nice_name"],
                    "tier": row["tier"],
                    "region": row["region"],
                },
            )


class Migration(migrations.Migration):
    dependencies = [("councils", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
