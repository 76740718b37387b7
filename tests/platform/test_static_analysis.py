"""Static analysis is part of the suite: ruff, bandit with no high-severity finding, Django's
deployment checks failing on any warning, and pip-audit of the installed dependencies where the
vulnerability data can be reached (the test says plainly when it cannot)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils.crypto import get_random_string

from tests.platform.environment import ROOT, clean_environment, manage
from tests.platform.test_settings import PRODUCTION

BIN = Path(sys.executable).parent
# pip-audit asks PyPI for the vulnerability data; a machine without internet gets none.
AUDIT_TIMEOUT = 20


def _run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def test_ruff_finds_nothing_and_the_code_is_formatted():
    check = _run(str(BIN / "ruff"), "check", ".")
    assert (check.returncode, check.stdout) == (0, "All checks passed!\n"), check.stdout
    formatted = _run(str(BIN / "ruff"), "format", "--check", ".")
    assert formatted.returncode == 0, formatted.stdout


def test_bandit_finds_no_high_severity_issue():
    """The portal's code (pyproject.toml's [tool.bandit] leaves out tests and installed
    packages) at high severity only (-lll)."""
    result = _run(
        str(BIN / "bandit"), "-c", "pyproject.toml", "-r", ".", "-lll", "-f", "json", "-q"
    )
    report = json.loads(result.stdout)
    assert report["results"] == [], report["results"]
    assert report["metrics"]["_totals"]["SEVERITY.HIGH"] == 0
    scanned = {Path(name).parts[0] for name in report["metrics"] if name != "_totals"}
    assert {"councils", "plans", "productivity"} <= scanned
    assert not scanned & {"tests", ".venv", "node_modules"}
    assert result.returncode == 0


def test_check_deploy_fails_on_no_warning_with_production_values():
    env = clean_environment(SECRET_KEY=get_random_string(64), **PRODUCTION)
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert (result.returncode, result.stdout) == (
        0,
        "System check identified no issues (0 silenced).\n",
    ), result.stderr


def test_pip_audit_finds_no_known_vulnerability_in_the_installed_dependencies():
    try:
        result = _run(
            str(BIN / "pip-audit"),
            "--local",
            "--format",
            "json",
            "--progress-spinner",
            "off",
            "--timeout",
            str(AUDIT_TIMEOUT),
            timeout=AUDIT_TIMEOUT * 6,
        )
    except subprocess.TimeoutExpired:
        pytest.skip("pip-audit: the vulnerability data (PyPI) could not be reached in time")
    if not result.stdout.strip():
        pytest.skip(f"pip-audit could not run: {result.stderr.strip()[-300:]}")
    dependencies = json.loads(result.stdout)["dependencies"]
    audited = [dependency for dependency in dependencies if "skip_reason" not in dependency]
    if not audited:
        # With no network every package reads "Dependency not found on PyPI": nothing audited.
        pytest.skip(
            f"pip-audit: the vulnerability data (PyPI) could not be reached; none of the "
            f"{len(dependencies)} installed dependencies was audited"
        )
    vulnerable = {
        dependency["name"]: [vuln["id"] for vuln in dependency["vulns"]]
        for dependency in audited
        if dependency.get("vulns")
    }
    assert vulnerable == {}
    assert result.returncode == 0, result.stderr
