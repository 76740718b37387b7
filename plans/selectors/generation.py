"""What the panel's heavier pages compute, kept in the process until the data under them changes.

On PostgreSQL every insert, change or delete in a table the panel's pages read (councils, rounds,
themes, plans, versions, submissions, extensions, sign-off decisions and records, codes, coded
passages and the panel's notes) moves one sequence on,
by a trigger (migration 0019), whatever wrote it: a service, a bulk update, the admin or a shell.
Reading that sequence is one cheap query, so a computation kept under its inputs and the
sequence's value is never shown after the data changed. The one gap: a page computed while
another transaction is between its write and its commit is kept under the new value with the old
data; every kept result therefore also expires after PANEL_CACHE_SECONDS.

Read markers are not in the list (opening a plan writes one): pages combine them afresh.
On SQLite (the embedded default) nothing is kept.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import connection
from django.dispatch import receiver

SEQUENCE = "plans_panel_data_generation"
# The tables whose rows the panel's kept computations depend on.
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
MAX_ENTRIES = 256
# What the kept results that give their size (the drawn pages) may hold in one process.
MAX_BYTES = 96 * 1024 * 1024

T = TypeVar("T")
_kept: OrderedDict[Hashable, tuple[float, object, int]] = OrderedDict()
_kept_bytes = 0
_lock = threading.Lock()


# Within one GET request the sequence is read once (a page may keep several computations; a GET
# writes nothing they depend on). Outside one (a POST, a task, a shell) it is read on every call.
_request = threading.local()


@receiver(request_started, dispatch_uid="panel_generation_request_started")
def _request_started(environ=None, **kwargs) -> None:
    _request.safe = (environ or {}).get("REQUEST_METHOD") in ("GET", "HEAD")
    _request.generation = None


@receiver(request_finished, dispatch_uid="panel_generation_request_finished")
def _request_finished(**kwargs) -> None:
    _request.safe = False
    _request.generation = None


def panel_data_generation() -> int | None:
    """The sequence's value (changes with any write to TABLES), or None where nothing is kept."""
    if connection.vendor != "postgresql" or not settings.PANEL_CACHE_SECONDS:
        return None
    safe = getattr(_request, "safe", False)
    if safe and _request.generation is not None:
        return _request.generation
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_value, is_called FROM {SEQUENCE}")  # noqa: S608
        value, called = cursor.fetchone()
    generation = value if called else 0
    if safe:
        _request.generation = generation
    return generation


def panel_cached(
    key: tuple, build: Callable[[], T], *, size: Callable[[T], int] | None = None
) -> T:
    """`build()`, or what it returned for the same key while the panel's data has not changed.

    The key must hold every input of the computation (the user, the round, the filters); the
    result is shared within the process and must not be changed by the caller. `size` gives a
    large result's size in bytes: the oldest are dropped to keep the total under MAX_BYTES.
    """
    global _kept_bytes
    generation = panel_data_generation()
    if generation is None:
        return build()
    full_key = (connection.settings_dict["NAME"], generation, key)
    now = time.monotonic()
    with _lock:
        found = _kept.get(full_key)
        if found is not None and found[0] > now:
            _kept.move_to_end(full_key)
            return found[1]  # type: ignore[return-value]
    value = build()
    nbytes = size(value) if size else 0
    with _lock:
        replaced = _kept.pop(full_key, None)
        if replaced is not None:
            _kept_bytes -= replaced[2]
        _kept[full_key] = (now + settings.PANEL_CACHE_SECONDS, value, nbytes)
        _kept_bytes += nbytes
        while len(_kept) > MAX_ENTRIES or (_kept_bytes > MAX_BYTES and len(_kept) > 1):
            _kept_bytes -= _kept.popitem(last=False)[1][2]
    return value


def panel_cache_clear() -> None:
    global _kept_bytes
    with _lock:
        _kept.clear()
        _kept_bytes = 0
