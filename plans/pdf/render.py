"""Render HTML to a tagged PDF safely.

WeasyPrint only ever reads the portal's own static files and `data:` URLs (`PortalURLFetcher`);
anything else is refused and logged. Each render runs in a forked child process with a memory
cap (RLIMIT_AS) and a wall-clock limit, so a pathological plan cannot hang or exhaust the worker:
the child is killed and the caller gets a `RenderError` it can show to people.
"""

import gc
import logging
import mimetypes
import os
import pickle
import resource
import select
import signal
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

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
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
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


def render_isolated(html: str, *, timeout: float | None = None, memory_mb: int | None = None):
    """Render in a forked child with a memory cap and a time limit; raise RenderError if it
    cannot finish. Returns a RenderResult with the child's peak memory."""
    timeout = settings.PDF_RENDER_TIMEOUT if timeout is None else timeout
    memory_mb = settings.PDF_RENDER_MEMORY_MB if memory_mb is None else memory_mb
    _warm_up()
    read_end, write_end = os.pipe()
    # Objects that exist now are never collected in the child, so its garbage collector does
    # not touch (and copy) every page it shares with the parent.
    gc.freeze()
    pid = os.fork()
    gc.unfreeze()
    if pid == 0:  # pragma: no cover (the child reports through the pipe)
        _child(html, write_end, read_end, timeout, memory_mb)
    os.close(write_end)
    started = time.monotonic()
    chunks = []
    timed_out = False
    finished = False
    try:
        while True:
            remaining = timeout - (time.monotonic() - started)
            if remaining <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([read_end], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(read_end, 1 << 20)
            if not chunk:
                finished = True
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
        if not finished:  # timed out, or the task itself was stopped (soft time limit)
            _kill(pid)
            os.waitpid(pid, 0)
        else:
            _reap_later(pid)
    if timed_out:
        logger.warning("PDF rendering stopped after %.0f seconds", timeout)
        raise RenderError(
            f"The plan took longer than {timeout:.0f} seconds to print, so printing was "
            "stopped. It is probably far too long: shorten it, then ask for it to be sent again."
        )
    outcome = None
    if chunks:
        try:
            outcome = pickle.loads(b"".join(chunks))
        except Exception:  # a child killed mid-write leaves a truncated pickle
            outcome = None
    if isinstance(outcome, RenderResult):
        return outcome
    if isinstance(outcome, MemoryError) or outcome is None:
        logger.warning("PDF rendering ran out of memory or died")
        raise RenderError(
            f"The plan needed more than {memory_mb} MB of memory to print, so printing was "
            "stopped. It is probably far too long: shorten it, then ask for it to be sent again."
        )
    raise RenderError(f"The plan could not be printed: {outcome}")


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


def _peak_virtual_bytes() -> int:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _child(html, write_end, read_end, timeout, memory_mb):  # pragma: no cover
    code = 0
    try:
        os.close(read_end)
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        # A second fence in case the parent itself is gone.
        signal.alarm(int(timeout) + 5)
        try:
            outcome = render_in_process(html)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            outcome = RenderResult(**{**outcome.__dict__, "peak_memory_kb": peak})
        except MemoryError as error:
            outcome, code = error, 3
        except Exception as error:
            # Libraries that run out of memory under the cap fail in their own ways.
            if _peak_virtual_bytes() >= limit * 0.9:
                outcome, code = MemoryError(), 3
            else:
                outcome, code = RuntimeError(f"{type(error).__name__}: {error}"[:500]), 2
        data = pickle.dumps(outcome)
        view = memoryview(data)
        while view:
            written = os.write(write_end, view)
            view = view[written:]
        os.close(write_end)  # the parent has its answer now, before this process is torn down
    except BaseException:
        code = 4
    finally:
        # Never run the parent's exit handlers (database connections, Celery) in the child.
        os._exit(code)
