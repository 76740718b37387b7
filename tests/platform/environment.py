"""The environment variables productivity/settings.py reads, found by reading its source."""

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "productivity" / "settings.py"
_READERS = {"env_bool", "env_list", "env_int"}


def settings_variables() -> set[str]:
    """Every name passed to os.environ.get(...) or an env_* helper in settings.py."""
    names = set()
    for node in ast.walk(ast.parse(SETTINGS.read_text())):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        is_environ_get = (
            isinstance(func, ast.Attribute)
            and func.attr == "get"
            and isinstance(func.value, ast.Attribute)
            and func.value.attr == "environ"
        )
        is_helper = isinstance(func, ast.Name) and func.id in _READERS
        if (is_environ_get or is_helper) and isinstance(node.args[0], ast.Constant):
            names.add(node.args[0].value)
    return names


def clean_environment(**values: str) -> dict[str, str]:
    """This process's environment without any setting settings.py reads, plus `values`."""
    env = {key: value for key, value in os.environ.items() if key not in settings_variables()}
    # Test-run switches that a deployment never has.
    for name in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "REQUIRE_REAL_SERVICES"):
        env.pop(name, None)
    env.update(values)
    return env


def manage(*args: str, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
