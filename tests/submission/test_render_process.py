"""The render process is kept between renders, and replaced when it must be: after a timeout,
after running out of memory, when it dies or is killed, and after a set number of renders."""

import base64
import io
import os
import signal
import subprocess
import sys

import pytest
from PIL import Image

from plans.pdf import render
from plans.pdf.render import RenderError, render_isolated, render_process_id, render_process_stop
from tests.submission.factories import approved_version
from tests.submission.test_pdf import _html
from tests.support.worker import ROOT

SHORT = "<!DOCTYPE html><html lang='en-GB'><title>Short</title><p>A short plan.</p></html>"
MEMORY_ERROR = "The plan needed more than {} MB of memory to print, so printing was stopped."


@pytest.fixture(autouse=True)
def _fresh_render_process(settings):
    """Each test starts with no render process and the default recycling."""
    settings.PDF_RENDER_RECYCLE_AFTER = 100
    render_process_stop()
    yield
    render_process_stop()


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _address_space_mb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) // 1024
    raise AssertionError("no VmSize")


def _image_plan(side: int, count: int = 1) -> str:
    """A plan with `count` blank PNG images: small to send, `side`² pixels each to decode."""
    out = io.BytesIO()
    Image.new("RGB", (side, side)).save(out, "PNG")
    data = base64.b64encode(out.getvalue()).decode()
    images = "".join(
        f"<img alt='Blank {index}' src='data:image/png;base64,{data}'>" for index in range(count)
    )
    return f"<!DOCTYPE html><html lang='en-GB'><title>Image</title>{images}</html>"


def test_render_isolated_reuses_one_process_between_renders():
    first = render_isolated(SHORT)
    pid = render_process_id()
    second = render_isolated(SHORT)
    assert pid is not None
    assert pid != os.getpid()
    assert render_process_id() == pid
    assert (first.page_count, second.page_count) == (1, 1)
    assert second.pdf.startswith(b"%PDF-")
    assert second.peak_memory_kb > 0


@pytest.mark.django_db
def test_render_isolated_renders_in_a_new_process_after_a_timed_out_render():
    render_isolated(SHORT)
    timed_out = render_process_id()
    with pytest.raises(RenderError) as error:
        render_isolated(_html(approved_version(narratives={1: "word " * 200_000})), timeout=1)
    assert str(error.value).startswith("The plan took longer than 1 seconds to print")
    assert _gone(timed_out)
    assert render_process_id() is None
    result = render_isolated(SHORT)
    fresh = render_process_id()
    assert result.page_count == 1
    assert fresh not in (None, timed_out)
    render_isolated(SHORT)
    assert render_process_id() == fresh


OUT_OF_MEMORY_SCRIPT = """
import os, sys
import django
django.setup()
from tests.submission.test_render_process import (
    MEMORY_ERROR, SHORT, _address_space_mb, _gone, _image_plan,
)
from plans.pdf.render import RenderError, render_isolated, render_process_id

cap = _address_space_mb() + 400
render_isolated(SHORT, memory_mb=cap)
reused = render_process_id()
try:
    render_isolated(_image_plan(8000), memory_mb=cap)
except RenderError as error:
    assert str(error).startswith(MEMORY_ERROR.format(cap)), str(error)
else:
    sys.exit("the image rendered under the cap")
assert _gone(reused), "the process that ran out of memory is still there"
assert render_process_id() is None
assert render_isolated(SHORT, memory_mb=cap).page_count == 1
assert render_process_id() not in (None, reused)
print("ok")
"""


def test_render_isolated_renders_in_a_new_process_after_a_render_runs_out_of_memory():
    """Run in a fresh process: the cap is this process's address space plus 400 MB, which a
    long test run (threads, malloc arenas already reserved) would make meaningless. A plan the
    short one fits under and a 192 MB image does not."""
    result = subprocess.run(
        [sys.executable, "-c", OUT_OF_MEMORY_SCRIPT],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "productivity.settings", "DEBUG": "true"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert (result.returncode, result.stdout.strip()) == (0, "ok"), result.stderr[-2000:]


def test_render_isolated_starts_a_new_process_for_another_memory_cap():
    render_isolated(SHORT)
    default_cap = render_process_id()
    cap = _address_space_mb() + 400
    render_isolated(SHORT, memory_mb=cap)
    assert render_process_id() not in (None, default_cap)
    assert _gone(default_cap)


def test_render_isolated_recycles_the_process_after_the_set_number_of_renders(settings):
    settings.PDF_RENDER_RECYCLE_AFTER = 2
    pids = []
    for _ in range(4):
        render_isolated(SHORT)
        pids.append(render_process_id())
    # The second render retires the first process; the third starts the next one.
    assert pids[1] is None
    assert pids[3] is None
    assert len({pids[0], pids[2]}) == 2


def test_render_isolated_recycles_nothing_before_the_set_number_of_renders(settings):
    settings.PDF_RENDER_RECYCLE_AFTER = 5
    pids = set()
    for _ in range(4):
        render_isolated(SHORT)
        pids.add(render_process_id())
    assert len(pids) == 1
    assert None not in pids


def test_render_isolated_survives_its_idle_process_being_killed():
    render_isolated(SHORT)
    killed = render_process_id()
    os.kill(killed, signal.SIGKILL)
    assert render_isolated(SHORT).page_count == 1
    assert render_process_id() not in (None, killed)
    assert _gone(killed)


def test_render_isolated_tries_a_fresh_process_when_a_reused_one_dies_mid_render(monkeypatch):
    render_isolated(SHORT)
    reused = render_process_id()
    send = render._send
    killed = []

    def send_then_kill_once(fd, data, deadline):
        send(fd, data, deadline)
        if not killed:
            killed.append(render_process_id())
            os.kill(killed[0], signal.SIGKILL)

    monkeypatch.setattr(render, "_send", send_then_kill_once)
    assert render_isolated(SHORT).page_count == 1
    assert killed == [reused]
    assert render_process_id() not in (None, reused)


def test_render_isolated_reports_a_fresh_process_that_dies_mid_render(monkeypatch):
    send = render._send

    def send_then_kill(fd, data, deadline):
        send(fd, data, deadline)
        os.kill(render_process_id(), signal.SIGKILL)

    monkeypatch.setattr(render, "_send", send_then_kill)
    with pytest.raises(RenderError) as error:
        render_isolated(SHORT, memory_mb=1000)
    assert str(error.value).startswith(MEMORY_ERROR.format(1000))
    assert render_process_id() is None
    monkeypatch.setattr(render, "_send", send)
    assert render_isolated(SHORT).page_count == 1


@pytest.mark.django_db
def test_render_process_holds_none_of_the_workers_connections():
    from django.db import connection

    connection.ensure_connection()
    render_isolated(SHORT)

    def sockets(pid):
        found = []
        for name in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{name}")
            except FileNotFoundError:  # the listing's own descriptor, closed since
                continue
            if target.startswith("socket:"):
                found.append(target)
        return found

    assert sockets(os.getpid())  # the database connection
    assert sockets(render_process_id()) == []


def test_render_process_is_not_shared_with_a_forked_process():
    render_isolated(SHORT)
    pid = os.fork()
    if pid == 0:  # pragma: no cover (reports through its exit status)
        os._exit(0 if render_process_id() is None else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert render_process_id() is not None
