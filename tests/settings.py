"""The settings a test run uses: the portal's own, read with DEBUG explicitly on.

The portal starts with DEBUG off unless told otherwise (and then needs SECRET_KEY, https and a
host list). A test run, like `make run`, is a development setting: it says so here, before the
settings are read, and every process a test starts (a worker, gunicorn, manage.py) inherits it.
pytest-django still runs each test with settings.DEBUG off.
"""

import os

os.environ.setdefault("DEBUG", "true")
# Every test's process (and the gunicorn, worker and manage.py processes tests start) closes its
# database connection after each request, so none is left open when the test database goes.
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "0")

from productivity.settings import *  # noqa: E402, F403
