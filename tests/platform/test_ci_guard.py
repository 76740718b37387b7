"""CI cannot pass on stand-ins: the suite fails when the real services were not exercised."""

import subprocess
import sys

from tests.platform.environment import ROOT, clean_environment


def test_required_services_guard_fails_a_run_on_sqlite_and_the_filesystem_broker(tmp_path):
    """A passing run on the embedded defaults alone still exits 1 when REQUIRE_REAL_SERVICES=1."""
    env = clean_environment(
        VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CELERY_BROKER_URL="filesystem://",
        REQUIRE_REAL_SERVICES="1",
        DJANGO_ALLOW_ASYNC_UNSAFE="true",
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/councils/test_sign_in.py::test_sign_in_page_is_open_to_signed_out_users"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout
    assert "1 passed" in result.stdout
    assert (
        "Real services were not exercised: no test ran on PostgreSQL; the Celery broker is not "
        "Redis; no browser test passed; no embedded test passed; no worker test passed"
    ) in result.stdout


def test_required_services_guard_is_off_without_the_switch(tmp_path):
    env = clean_environment(
        VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CELERY_BROKER_URL="filesystem://",
        DJANGO_ALLOW_ASYNC_UNSAFE="true",
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/councils/test_sign_in.py::test_sign_in_page_is_open_to_signed_out_users"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout
