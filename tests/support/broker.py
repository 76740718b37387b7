"""The test run's own Redis database, read as the broker: what was handed to it, and clearing it."""

import base64
import json

import redis
from django.conf import settings

QUEUE = "celery"


def broker() -> redis.Redis:
    return redis.Redis.from_url(settings.CELERY_BROKER_URL)


def queued_tasks() -> list[tuple[str, tuple]]:
    """Every task waiting in the queue, as (task name without its module, positional args)."""
    tasks = []
    for raw in broker().lrange(QUEUE, 0, -1):
        message = json.loads(raw)
        body = json.loads(base64.b64decode(message["body"]))
        tasks.append((message["headers"]["task"].rsplit(".", 1)[-1], tuple(body[0])))
    return sorted(tasks, key=repr)
