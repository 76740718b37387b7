"""Settings come from the environment; the defaults are the embedded ones `make run` uses."""

import json

from django.core import mail
from django.utils.crypto import get_random_string

from tests.platform.environment import clean_environment, manage, settings_variables

PRODUCTION = {
    "DEBUG": "false",
    "ALLOWED_HOSTS": "plans.example.gov.uk",
    "DATABASE_URL": "postgres://portal:secret@db.internal:5432/portal",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    "EMAIL_HOST": "smtp.example.gov.uk",
    "EMAIL_PORT": "587",
    "EMAIL_USE_TLS": "true",
}

SHOW_SETTINGS = """
import json
from django.conf import settings
from django.db import connection
database = settings.DATABASES["default"]
out = {
    "engine": database["ENGINE"], "name": str(database["NAME"]),
    "options": database.get("OPTIONS", {}), "broker": settings.CELERY_BROKER_URL,
    "transport": settings.CELERY_BROKER_TRANSPORT_OPTIONS,
    "email_backend": settings.EMAIL_BACKEND, "email_path": str(settings.EMAIL_FILE_PATH),
    "time_zone": settings.TIME_ZONE, "debug": settings.DEBUG,
    "email": [settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS],
}
if database["ENGINE"].endswith("sqlite3"):
    with connection.cursor() as cursor:
        out["journal_mode"] = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        out["busy_timeout"] = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
print(json.dumps(out))
"""


def test_check_deploy_prints_no_warnings_with_production_values():
    """`manage.py check --deploy` is silent when production values come from the environment."""
    env = clean_environment(SECRET_KEY=get_random_string(64), **PRODUCTION)
    result = manage("check", "--deploy", env=env)
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "System check identified no issues (0 silenced).\n",
        "",
    )


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off():
    result = manage("check", env=clean_environment(**PRODUCTION))
    assert result.returncode == 1
    assert "ImproperlyConfigured: Set SECRET_KEY when DEBUG is off." in result.stderr


def test_models_and_migrations_agree_in_a_bare_environment(tmp_path):
    """`makemigrations --check` needs no key: it runs as a contributor or CI would, with nothing
    set, and finds every model change already in a migration."""
    result = manage(
        "makemigrations", "--check", "--dry-run", env=clean_environment(VAR_DIR=str(tmp_path))
    )
    assert (result.returncode, result.stdout.strip()) == (0, "No changes detected"), result.stderr


def test_settings_read_production_values_from_the_environment():
    env = clean_environment(SECRET_KEY=get_random_string(64), **PRODUCTION)
    result = manage("shell", "--no-imports", "-c", SHOW_SETTINGS, env=env)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["engine"] == "django.db.backends.postgresql"
    assert shown["name"] == "portal"
    assert shown["broker"] == "redis://redis.internal:6379/0"
    assert shown["transport"] == {"visibility_timeout": 3600}
    assert shown["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert shown["email"] == ["smtp.example.gov.uk", 587, True]
    assert shown["time_zone"] == "Europe/London"
    assert shown["debug"] is False


def test_settings_start_with_debug_off_and_refuse_to_start_without_secret_key(tmp_path):
    """A server started with no settings at all is not a debug server with a public key."""
    result = manage("check", env=clean_environment(VAR_DIR=str(tmp_path)))
    assert result.returncode == 1
    assert "ImproperlyConfigured: Set SECRET_KEY when DEBUG is off." in result.stderr


def test_settings_default_to_sqlite_wal_filesystem_broker_and_mail_files(tmp_path):
    """With DEBUG on and nothing else (`make run`) the portal runs embedded: everything lives
    under VAR_DIR."""
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        SHOW_SETTINGS,
        env=clean_environment(DEBUG="true", VAR_DIR=str(tmp_path)),
    )
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    broker = tmp_path / "broker"
    assert shown == {
        "engine": "django.db.backends.sqlite3",
        "name": str(tmp_path / "db.sqlite3"),
        "options": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
        "broker": "filesystem://",
        "transport": {
            "data_folder_in": str(broker / "queue"),
            "data_folder_out": str(broker / "queue"),
            "processed_folder": str(broker / "processed"),
            "control_folder": str(broker / "control"),
            "store_processed": False,
            "polling_interval": 0.1,
        },
        "email_backend": "productivity.mail.EmlFileBackend",
        "email_path": str(tmp_path / "mail"),
        "time_zone": "Europe/London",
        "debug": True,
        "email": ["", 25, False],
        "journal_mode": "wal",
        "busy_timeout": 20000,
    }
    # kombu's filesystem transport needs its folders before the first message.
    assert sorted(path.name for path in broker.iterdir()) == ["control", "processed", "queue"]


def test_settings_reject_a_port_that_is_not_a_number():
    result = manage("check", env=clean_environment(DEBUG="true", EMAIL_PORT="twenty-five"))
    assert result.returncode == 1
    assert "EMAIL_PORT must be a whole number, not 'twenty-five'." in result.stderr


def test_settings_variables_are_the_documented_ones():
    """Every variable settings.py reads is listed in the README's configuration table."""
    from tests.platform.environment import ROOT

    readme = (ROOT / "README.md").read_text()
    missing = sorted(name for name in settings_variables() if f"`{name}`" not in readme)
    assert missing == []
    assert {"DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"} < (
        settings_variables()
    )


def test_eml_file_backend_writes_one_file_per_message(settings, tmp_path):
    settings.EMAIL_BACKEND = "productivity.mail.EmlFileBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    sent = mail.send_mail("Plan submitted", "Body text", "from@example.gov.uk", ["to@example.org"])
    files = list((tmp_path / "mail").glob("*.eml"))
    assert sent == 1
    assert len(files) == 1
    raw = files[0].read_bytes()
    assert b"Subject: Plan submitted\r\n" in raw
    assert b"To: to@example.org\r\n" in raw
