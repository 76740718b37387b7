from datetime import datetime

from django.db import migrations

from plans.letter_2024 import ROUND_2024, THEMES_2024


def seed(apps, schema_editor):
    Round = apps.get_model("plans", "Round")
    Theme = apps.get_model("plans", "Theme")
    GuidingQuestion = apps.get_model("plans", "GuidingQuestion")
    values = dict(ROUND_2024)
    values["opens_at"] = datetime.fromisoformat(values["opens_at"])
    values["deadline"] = datetime.fromisoformat(values["deadline"])
    round_, _ = Round.objects.update_or_create(slug=values.pop("slug"), defaults=values)
    for definition in THEMES_2024:
        theme, _ = Theme.objects.update_or_create(
            round=round_,
            number=definition["number"],
            defaults={
                "title": definition["title"],
                "short_title": definition["short_title"],
                "introduction": definition["introduction"],
            },
        )
        for number, text in enumerate(definition["questions"], start=1):
            GuidingQuestion.objects.update_or_create(
                theme=theme, number=number, defaults={"text": text}
            )


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
