"""The Celery application: tasks are thin callers of services (see plans/tasks.py)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "productivity.settings")

app = Celery("productivity")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
