"""A sequence that every write to the tables the panel's kept computations read moves on
(PostgreSQL only; see plans/selectors/generation.py)."""

from django.db import migrations

SEQUENCE = "plans_panel_data_generation"
TABLES = (
    "councils_council",
    "plans_round",
    "plans_theme",
    "plans_plan",
    "plans_planversion",
    "plans_submission",
    "plans_deadlineextension",
    "plans_code",
    "plans_codedextract",
    "plans_extractcode",
    "plans_signoffrequest",
    "plans_signoffdecision",
    "plans_decisionrecord",
    "plans_panelnote",
    "plans_panelnoterevision",
)
FUNCTION = "plans_panel_data_changed"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}")
    schema_editor.execute(
        f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN PERFORM nextval('{SEQUENCE}'); RETURN NULL; END $$"
    )
    for table in TABLES:
        # Row triggers fire only for rows written (an UPDATE that matches nothing, or changes
        # nothing, moves nothing); TRUNCATE has a statement trigger of its own.
        schema_editor.execute(
            f"CREATE TRIGGER {FUNCTION}_rows AFTER INSERT OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {FUNCTION}_changes AFTER UPDATE ON {table} FOR EACH ROW "
            f"WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION {FUNCTION}()"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {FUNCTION}_truncate AFTER TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        for suffix in ("rows", "changes", "truncate"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {FUNCTION}_{suffix} ON {table}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    schema_editor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0018_audit_actions"),
        ("councils", "0004_coding"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
