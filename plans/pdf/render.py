"""Render HTML to a tagged PDF safely.

WeasyPrint only ever reads the portal's own static files and `data:` URLs (`PortalURLFetcher`);
anything else is refused and logged. Renders run in a child process with a memory cap
(RLIMIT_AS) and a wall-clock limit, so a pathological plan cannot hang or exhaust the worker:
the child is killed and the caller gets a `RenderError` it can show to people.

The child is forked once and kept: each process that renders has at most one, fed plans over a
pipe, because forking a fresh capped child for every render cost about as much as a tenth of a
typical render. The child is replaced when it times out, runs out of memory, dies or is killed,
when it has taken up half the room under its cap that it started with, and after
PDF_RENDER_RECYCLE_AFTER renders.
A render that fails in a child that had served earlier renders for want of memory (or because
that child died) is tried once more in a fresh child, so a plan fails only when it cannot print
in a fresh child within the cap and the time left.
"""

import gc
import logging
import mimetypes
import os
import pickle
import resource
import select
import signal
import stat
import struct
import threading
import time
from dataclasses import dataclass, replace

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from plans.pdf.tagging import pdf_with_table_scopes

logger = logging.getLogger(__name__)

# Relative URLs in the printed plan resolve against this origin, which is never contacted: the
# fetcher maps it onto the static files finders.
PORTAL_ORIGIN = "https://portal.invalid"
PDF_VARIANT = "pdf/ua-1"


class RenderError(Exception):
    """Rendering could not finish; `str(error)` is a plain reason people can act on."""


class PortalURLFetcher(URLFetcher):
    """Serve only the portal's static files and data: URLs; refuse and log everything else."""

    def __init__(self):
        super().__init__(timeout=1, allow_redirects=False, allowed_protocols={"data"})
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        static_prefix = PORTAL_ORIGIN + settings.STATIC_URL
        if url.startswith(static_prefix):
            relative = url[len(static_prefix) :].split("?")[0].split("#")[0]
            try:
                path = finders.find(relative) if relative else None
            except SuspiciousFileOperation:
                path = None
            if path:
                with open(path, "rb") as file:
                    body = file.read()
                content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body, {"Content-Type": content_type})
        self.refused.append(url)
        logger.warning("PDF rendering refused to fetch %s", url[:200])
        raise ValueError(f"The printed plan may not load {url[:200]}")


@dataclass(frozen=True)
class RenderResult:
    pdf: bytes
    page_count: int
    seconds: float
    body_pages: int = 0
    peak_memory_kb: int = 0
    refused: tuple[str, ...] = ()


def render_in_process(html: str) -> RenderResult:
    """Render in this process (no limits): the measuring stick and the child's job."""
    started = time.perf_counter()
    fetcher = PortalURLFetcher()
    document = HTML(string=html, base_url=PORTAL_ORIGIN + "/", url_fetcher=fetcher).render(
        pdf_variant=PDF_VARIANT
    )
    # WeasyPrint leaves /Scope off table header cells; add it before anyone hashes the file.
    pdf = pdf_with_table_scopes(document.write_pdf(pdf_variant=PDF_VARIANT))
    return RenderResult(
        pdf=pdf,
        page_count=len(document.pages),
        body_pages=_body_pages(document),
        seconds=time.perf_counter() - started,
        refused=tuple(fetcher.refused),
    )


def _body_pages(document) -> int:
    """Pages from the first theme up to the sign-off page: what the expected length measures."""
    first = last = None
    for index, page in enumerate(document.pages):
        if first is None and any(anchor.startswith("theme-") for anchor in page.anchors):
            first = index
        if "sign-off" in page.anchors:
            last = index
    if first is None:
        return 0
    return (last if last is not None else len(document.pages)) - first


_warmed = False


def _warm_up() -> None:
    """Load fonts and the default stylesheets once per process, so every child starts warm."""
    global _warmed
    if not _warmed:
        render_in_process("<!DOCTYPE html><html lang='en-GB'><title>.</title><p>.</p></html>")
        _warmed = True


# A request is the HTML's length in bytes and the render's time limit, then the HTML; an answer
# is the pickled (outcome, retire) pair's length, then the pair.
_REQUEST = struct.Struct("!Qd")
_ANSWER = struct.Struct("!Q")


class _TimedOut(Exception):
    pass


@dataclass
class _Child:
    """The render process, the pipes to it, and the process that forked it (and may use it)."""

    pid: int
    requests: int
    answers: int
    memory_mb: int
    owner: int
    renders: int = 0


_child: _Child | None = None
_lock = threading.Lock()


def render_isolated(
    html: str, *, timeout: float | None = None, memory_mb: int | None = None
) -> RenderResult:
    """Render in the capped child process within a time limit; raise RenderError if it cannot
    finish. Returns a RenderResult with the child's peak memory during this render."""
    timeout = settings.PDF_RENDER_TIMEOUT if timeout is None else timeout
    memory_mb = settings.PDF_RENDER_MEMORY_MB if memory_mb is None else memory_mb
    request = html.encode()
    with _lock:
        child = _child_for(memory_mb)
        # The clock starts when the plan is handed over, not while a process is being started.
        deadline = time.monotonic() + timeout
        outcome = _ask(child, request, timeout, deadline)
        if child.renders and (outcome is None or isinstance(outcome, MemoryError)):
            # The child may have been killed while idle, or left with less room by earlier
            # plans: only a fresh one can say that this plan is too big.
            logger.info("PDF rendering tries again in a fresh process")
            outcome = _ask(_child_for(memory_mb), request, timeout, deadline)
    if isinstance(outcome, RenderResult):
        return outcome
    if outcome is None or isinstance(outcome, MemoryError):
        logger.warning("PDF rendering ran out of memory or died")
        raise RenderError(
            f"The plan needed more than {memory_mb} MB of memory to print, so printing was "
            "stopped. It is probably far too long: shorten it, then ask for it to be sent again."
        )
    raise RenderError(f"The plan could not be printed: {outcome}")


def render_process_id() -> int | None:
    """The id of this process's render child, if it has one now."""
    child = _child
    return child.pid if child is not None and child.owner == os.getpid() else None


def render_process_stop() -> None:
    """Stop this process's render child, if it has one; the next render starts a fresh one."""
    with _lock:
        child = _child
        if child is not None and child.owner == os.getpid():
            _stop(child)


def _ask(child: _Child, request: bytes, timeout: float, deadline: float):
    """Send one plan to the child and wait for its outcome: a RenderResult, an exception, or
    None when the child died without answering. Stops the child on any failure."""
    try:
        try:
            _send(child.requests, _REQUEST.pack(len(request), timeout) + request, deadline)
            answer = _receive(child.answers, deadline)
        except BrokenPipeError:
            answer = None
    except _TimedOut:
        _stop(child)
        logger.warning("PDF rendering stopped after %.0f seconds", timeout)
        raise RenderError(
            f"The plan took longer than {timeout:.0f} seconds to print, so printing was "
            "stopped. It is probably far too long: shorten it, then ask for it to be sent again."
        ) from None
    except BaseException:  # the caller itself was stopped (a task's soft time limit)
        _stop(child)
        raise
    if answer is None:
        _stop(child)
        return None
    outcome, retire = answer
    if isinstance(outcome, MemoryError):
        _stop(child)  # a heap that ran out is not trusted with another plan
        return outcome
    child.renders += 1
    if retire or child.renders >= settings.PDF_RENDER_RECYCLE_AFTER:
        _stop(child, wait=False)
    return outcome


def _child_for(memory_mb: int) -> _Child:
    """This process's render child with this cap, started if there is none or it has died."""
    global _child
    child = _child
    if child is not None and (child.memory_mb != memory_mb or not _alive(child)):
        _stop(child)
        child = None
    if child is None:
        child = _child = _start(memory_mb)
    return child


def _start(memory_mb: int) -> _Child:
    _warm_up()
    requests_read, requests_write = os.pipe()
    answers_read, answers_write = os.pipe()
    # Objects that exist now are never collected in the child, so its garbage collector does
    # not touch (and copy) every page it shares with the parent.
    gc.freeze()
    pid = os.fork()
    gc.unfreeze()
    if pid == 0:  # pragma: no cover (the child answers through the pipe)
        _close_inherited(keep={0, 1, 2, requests_read, answers_write})
        _serve(requests_read, answers_write, memory_mb)
    os.close(requests_read)
    os.close(answers_write)
    os.set_blocking(requests_write, False)
    return _Child(pid, requests_write, answers_read, memory_mb, owner=os.getpid())


def _close_inherited(keep: set[int]) -> None:
    """The child keeps its standard streams and its two pipes only. Any other descriptor it
    inherited (a database socket, the parent's pipes to a web server or a browser driver) would
    otherwise stay open as long as the child lives, and the other end would wait for it."""
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def _stop(child: _Child, *, wait: bool = True) -> None:
    """Close the pipes and kill the child; wait for it unless it finished its work cleanly."""
    global _child
    if _child is child:
        _child = None
    for fd in (child.requests, child.answers):
        try:
            os.close(fd)
        except OSError:
            pass
    try:
        os.kill(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    if wait:
        try:
            os.waitpid(child.pid, 0)
        except ChildProcessError:
            pass
    else:
        _reap_later(child.pid)


def _alive(child: _Child) -> bool:
    try:
        pid, _ = os.waitpid(child.pid, os.WNOHANG)
    except ChildProcessError:
        return False
    return pid == 0


def _forget_after_fork() -> None:
    """A process forked from this one (a worker pool, a web server) starts its own child: it
    closes its copies of the pipes, so the child sees the end of its input when its owner exits."""
    global _child, _lock
    _lock = threading.Lock()
    if _child is not None:
        for fd in (_child.requests, _child.answers):
            try:
                os.close(fd)
            except OSError:
                pass
        _child = None
    _exited.clear()


os.register_at_fork(after_in_child=_forget_after_fork)


def _send(fd: int, data: bytes, deadline: float) -> None:
    view = memoryview(data)
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    while view:
        _wait(poller, deadline)
        try:
            written = os.write(fd, view[: 1 << 16])
        except BlockingIOError:
            continue
        view = view[written:]


def _receive(fd: int, deadline: float):
    """The child's (outcome, retire) answer, or None if it died before giving all of it."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    header = _read(fd, _ANSWER.size, poller, deadline)
    if header is None:
        return None
    body = _read(fd, _ANSWER.unpack(header)[0], poller, deadline)
    if body is None:
        return None
    try:
        return pickle.loads(body)
    except Exception:
        return None


def _read(fd: int, size: int, poller, deadline: float) -> bytes | None:
    chunks, missing = [], size
    while missing:
        _wait(poller, deadline)
        chunk = os.read(fd, min(missing, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def _wait(poller, deadline: float) -> None:
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _TimedOut
        if poller.poll(remaining * 1000):
            return


_exited: list[int] = []


def _reap_later(pid: int) -> None:
    """Collect finished children without waiting for the kernel to tear the latest one down."""
    _exited.append(pid)
    for child in list(_exited):
        try:
            done, _ = os.waitpid(child, os.WNOHANG)
        except ChildProcessError:
            done = child
        if done:
            _exited.remove(child)


# --- In the child -------------------------------------------------------------------------------


def _serve(requests: int, answers: int, memory_mb: int):  # pragma: no cover
    """Render plans from the pipe until it closes, under the memory cap; never return."""
    code = 0
    try:
        # A warm shutdown of the worker lets its render finish; the child leaves when the
        # worker closes the pipe (or exits), and its alarm stops a render nobody waits for.
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, signal.SIG_IGN)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        _release_sockets(keep=(requests, answers))
        limit = memory_mb * 1024 * 1024
        # Memory given back inside this process is not always given back to the system: once
        # it holds more than half the room it started with, the worker replaces it.
        started = _status_bytes("VmSize")
        retire_at = started + (limit - started) / 2
        out_of_memory = _packed((MemoryError(), True))  # sendable when nothing else is
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        try:
            while True:
                header = _read_exactly(requests, _REQUEST.size)
                if header is None:
                    break
                length, timeout = _REQUEST.unpack(header)
                html = _read_exactly(requests, length)
                if html is None:
                    break
                signal.alarm(int(timeout) + 5)
                outcome = _render_capped(html.decode(), limit)
                retire = _status_bytes("VmSize") > retire_at
                _write_all(answers, _packed((outcome, retire)))
                signal.alarm(0)
                if isinstance(outcome, MemoryError) or retire:
                    break
                del html, outcome
                gc.collect()  # after answering, while the worker carries on
        except MemoryError:
            code = 3
            _write_all(answers, out_of_memory)
    except BaseException:
        code = code or 4
    finally:
        # Never run the parent's exit handlers (database connections, Celery) in the child.
        os._exit(code)


def _render_capped(html: str, limit: int):  # pragma: no cover
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")  # the peak memory reported is this render's
    except OSError:
        pass
    try:
        result = render_in_process(html)
        peak = _status_bytes("VmHWM") // 1024
        return replace(
            result, peak_memory_kb=peak or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        )
    except MemoryError:
        return MemoryError()
    except Exception as error:
        # Libraries that run out of memory under the cap fail in their own ways.
        if _status_bytes("VmPeak") >= limit * 0.9:
            return MemoryError()
        return RuntimeError(f"{type(error).__name__}: {error}"[:500])


def _release_sockets(keep) -> None:  # pragma: no cover
    """Point the connections inherited from the worker (database, broker, mail) at /dev/null,
    so this long-lived process does not hold them open. The descriptors stay taken, so a stale
    socket object that closes its descriptor cannot close a file this process opened since."""
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for name in os.listdir("/proc/self/fd"):
            fd = int(name)
            if fd <= 2 or fd == null or fd in keep:
                continue
            try:
                if stat.S_ISSOCK(os.fstat(fd).st_mode):
                    os.dup2(null, fd, inheritable=False)
            except OSError:
                pass
    finally:
        os.close(null)


def _status_bytes(field: str) -> int:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _packed(answer) -> bytes:
    data = pickle.dumps(answer)
    return _ANSWER.pack(len(data)) + data


def _read_exactly(fd: int, size: int) -> bytes | None:  # pragma: no cover
    chunks, missing = [], size
    while missing:
        chunk = os.read(fd, min(missing, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:  # pragma: no cover
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
