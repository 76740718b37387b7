from django.db import migrations

from plans.codebook import codebook_seed


def seed(apps, schema_editor):
    Round = apps.get_model("plans", "Round")
    Code = apps.get_model("plans", "Code")
    Theme = apps.get_model("plans", "Theme")
    for round_ in Round.objects.all():
        codebook_seed(round_, Code=Code, Theme=Theme)


class Migration(migrations.Migration):
    dependencies = [("plans", "0014_coding")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
