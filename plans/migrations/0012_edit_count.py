from django.db import migrations, models

EVIDENCE_MODELS = [
    "action",
    "barrier",
    "kpi",
    "partner",
    "savingscommitment",
    "spendfigures",
    "strategylink",
]

HELP_TEXT = "Goes up with every save; guards against overwrites."


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0011_audit_deadline_extensions"),
    ]

    operations = [
        migrations.RenameField(model_name="themesection", old_name="version", new_name="edit_count"),
        migrations.AlterField(
            model_name="themesection",
            name="edit_count",
            field=models.PositiveIntegerField(
                default=0, help_text=HELP_TEXT, verbose_name="edit count"
            ),
        ),
        *[
            migrations.RenameField(model_name=name, old_name="version", new_name="edit_count")
            for name in EVIDENCE_MODELS
        ],
        *[
            migrations.AlterField(
                model_name=name,
                name="edit_count",
                field=models.PositiveIntegerField(
                    default=1, help_text=HELP_TEXT, verbose_name="edit count"
                ),
            )
            for name in EVIDENCE_MODELS
        ],
    ]
