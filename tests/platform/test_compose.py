"""docker-compose.yml cannot run here, so check it against the code it starts."""

import importlib
import re
import shlex
from urllib.parse import urlsplit

import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app
from django.core.management import get_commands

from tests.platform.environment import ROOT, settings_variables

PORTAL_SERVICES = ("migrate", "web", "worker", "beat")
_INTERPOLATION = re.compile(r"\$\{(\w+):-([^}]*)\}")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _command(service) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def _environment(service) -> dict[str, str]:
    """The service's variables with `${NAME:-default}` replaced by its default."""
    return {
        name: _INTERPOLATION.sub(lambda match: match.group(2), str(value))
        for name, value in service["environment"].items()
    }


def test_compose_runs_the_whole_stack(compose):
    assert sorted(compose["services"]) == [
        "beat", "db", "mailpit", "migrate", "redis", "web", "worker",
    ]  # fmt: skip
    assert compose["services"]["db"]["image"] == "postgres:16"
    assert compose["services"]["redis"]["image"] == "redis:7"
    assert compose["services"]["mailpit"]["image"] == "axllent/mailpit:latest"
    assert compose["services"]["mailpit"]["ports"] == ["8025:8025"]
    assert compose["services"]["web"]["ports"] == ["8000:8000"]


def test_compose_web_serves_the_wsgi_application_with_gunicorn(compose):
    command = _command(compose["services"]["web"])
    assert command[:2] == ["gunicorn", "productivity.wsgi:application"]
    module_name, attribute = command[1].split(":")
    application = getattr(importlib.import_module(module_name), attribute)
    assert callable(application)


@pytest.mark.parametrize("name, role", [("worker", "worker"), ("beat", "beat")])
def test_compose_celery_services_start_the_portals_celery_app(compose, name, role):
    command = _command(compose["services"][name])
    assert command[:4] == ["celery", "-A", "productivity", role]
    app = find_app(command[2])
    assert isinstance(app, Celery)
    assert app is importlib.import_module("productivity.celery").app
    app.loader.import_default_modules()  # what the worker does on start: autodiscover tasks
    assert "councils.tasks.worker_heartbeat" in app.tasks


def test_compose_restarts_the_long_running_services(compose):
    """A worker or beat that exits for any reason (a broker outage included) comes back; the
    one-off migration does not run again."""
    restart = {name: compose["services"][name].get("restart") for name in PORTAL_SERVICES}
    assert restart == {
        "migrate": "no",
        "web": "unless-stopped",
        "worker": "unless-stopped",
        "beat": "unless-stopped",
    }


def test_compose_migrate_runs_an_existing_management_command(compose):
    command = _command(compose["services"]["migrate"])
    assert command[:3] == ["python", "manage.py", "migrate"]
    assert command[2] in get_commands()
    for name in ("web", "worker", "beat"):
        depends_on = compose["services"][name]["depends_on"]
        assert depends_on["migrate"] == {"condition": "service_completed_successfully"}


def test_compose_sets_only_variables_that_settings_read(compose):
    """A variable settings.py never reads would be a setting silently ignored."""
    known = settings_variables()
    for name in PORTAL_SERVICES:
        unknown = sorted(set(compose["services"][name]["environment"]) - known)
        assert unknown == [], f"{name} sets {unknown}, which settings.py never reads"


def test_compose_portal_services_share_one_environment(compose):
    environments = [compose["services"][name]["environment"] for name in PORTAL_SERVICES]
    assert all(environment == environments[0] for environment in environments)
    assert environments[0]["DEBUG"] == "false"


def test_compose_database_url_points_at_the_postgres_service(compose):
    db = compose["services"]["db"]["environment"]
    url = urlsplit(_environment(compose["services"]["web"])["DATABASE_URL"])
    assert (url.scheme, url.hostname, url.port) == ("postgres", "db", 5432)
    assert (url.username, url.password, url.path) == (
        db["POSTGRES_USER"],
        db["POSTGRES_PASSWORD"],
        f"/{db['POSTGRES_DB']}",
    )


def test_compose_broker_url_points_at_the_redis_service(compose):
    url = urlsplit(_environment(compose["services"]["worker"])["CELERY_BROKER_URL"])
    assert (url.scheme, url.hostname, url.port, url.path) == ("redis", "redis", 6379, "/0")


def test_compose_email_goes_to_the_smtp_catcher(compose):
    environment = _environment(compose["services"]["worker"])
    assert (environment["EMAIL_HOST"], environment["EMAIL_PORT"]) == ("mailpit", "1025")
    assert compose["services"]["worker"]["depends_on"]["mailpit"] == {
        "condition": "service_started"
    }


def test_compose_has_no_default_secret_key(compose):
    """`${SECRET_KEY:?...}`: compose refuses to start the stack unless SECRET_KEY is set."""
    secret_key = str(compose["x-portal-environment"]["SECRET_KEY"])
    assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]+\}", secret_key), secret_key


def test_dockerfile_carries_no_secret_key_and_runs_with_debug_off():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "    DEBUG=false \\\n" in dockerfile
    assert [line for line in dockerfile.splitlines() if "SECRET_KEY=" in line] == [
        "RUN DEBUG=false SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost \\"
    ]


def test_dockerfile_builds_on_the_python_the_project_requires():
    dockerfile = (ROOT / "Dockerfile").read_text()
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'requires-python = ">=3.11,<3.14"' in pyproject
    assert "\nFROM python:3.11-slim\n" in dockerfile
    assert "['project']['dependencies']" in dockerfile
    assert "pip install --no-deps -e ." in dockerfile
    assert "npm run build" in dockerfile
    assert "manage.py collectstatic --no-input" in dockerfile
