from django.db import migrations, models

from plans.letter_2024 import ROUND_2024, THEMES_2024


def mark_barrier_themes(apps, schema_editor):
    """The 2024 letter's barriers theme (theme 4) is the one its plans list barriers under."""
    Theme = apps.get_model("plans", "Theme")
    numbers = [theme["number"] for theme in THEMES_2024 if theme.get("collects_barriers")]
    Theme.objects.filter(round__slug=ROUND_2024["slug"], number__in=numbers).update(
        collects_barriers=True
    )


class Migration(migrations.Migration):
    dependencies = [("plans", "0008_vocabulary")]

    operations = [
        migrations.AddField(
            model_name="theme",
            name="collects_barriers",
            field=models.BooleanField(
                default=False,
                help_text="Plans list the barriers the government could help remove under this "
                "theme (at most one theme a round).",
                verbose_name="collects barriers",
            ),
        ),
        migrations.AddConstraint(
            model_name="theme",
            constraint=models.UniqueConstraint(
                condition=models.Q(collects_barriers=True),
                fields=("round",),
                name="theme_one_barriers_theme_per_round",
            ),
        ),
        migrations.RunPython(mark_barrier_themes, migrations.RunPython.noop),
    ]
