from datetime import datetime

from django.db import migrations

from plans.letter_2024 import ROUND_2024, THEMES_2024
from plans.rounds import round_seed_themes


def seed(apps, schema_editor):
    Round = apps.get_model("plans", "Round")
    Theme = apps.get_model("plans", "Theme")
    GuidingQuestion = apps.get_model("plans", "GuidingQuestion")
    values = dict(ROUND_2024)
    values["opens_at"] = datetime.fromisoformat(values["opens_at"])
    values["deadline"] = datetime.fromisoformat(values["deadline"])
    round_, _ = Round.objects.update_or_create(slug=values.pop("slug"), defaults=values)
    round_seed_themes(round_, THEMES_2024, Theme=Theme, GuidingQuestion=GuidingQuestion)

class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
