"""What reaches the console: the portal's own messages at LOG_LEVEL, chatty libraries' only
from WARNING up."""

from productivity.celery import app
from tests.platform.environment import clean_environment, manage

# One INFO and one WARNING line from each logger, as the worker would log them.
LOG_EACH = """
import logging
for name in ("fontTools.subset", "weasyprint.progress", "celery.beat", "celery.worker.strategy",
             "celery.app.trace", "plans.services.delivery"):
    logging.getLogger(name).info("%s info", name)
    logging.getLogger(name).warning("%s warning", name)
"""


def _console(tmp_path, level: str) -> list[str]:
    env = clean_environment(DEBUG="true", VAR_DIR=str(tmp_path), LOG_LEVEL=level)
    result = manage("shell", "--no-imports", "-c", LOG_EACH, env=env)
    assert result.returncode == 0, result.stderr
    return result.stderr.splitlines()


def test_logging_keeps_fonttools_and_other_chatty_libraries_to_warnings(tmp_path):
    assert _console(tmp_path, "INFO") == [
        "fontTools.subset warning",
        "weasyprint.progress warning",
        "celery.beat warning",
        "celery.worker.strategy warning",
        "celery.app.trace info",
        "celery.app.trace warning",
        "plans.services.delivery info",
        "plans.services.delivery warning",
    ]


def test_logging_level_error_silences_the_libraries_warnings_too(tmp_path):
    assert _console(tmp_path, "ERROR") == []


def test_worker_keeps_reconnecting_to_the_broker_however_long_it_is_away():
    assert app.conf.broker_connection_max_retries is None
