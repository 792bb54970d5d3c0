"""PDF work in worker processes, each under memory and time limits: a hostile PDF becomes an error, never an abort.

PDFium is not thread-safe and aborts the whole process when an allocation fails (a form drawing itself a billion
times, a flate bomb), so nothing of a slides PDF is parsed in the scormkit process: `Workers` starts
`python -m scormkit.pdfworker` processes (a fresh interpreter each: nothing of the caller, no thread, no __main__ is
inherited) that limit their own address space, open the document themselves, probe it (PDFium: page count and
sizes; pypdf: encryption, page tree, outline) and render pages. A job that fails, overruns its time or kills its
worker is a `PageFailure` naming the page, and every worker is killed before `Workers` is left.

Pages go out one at a time to whichever worker is free, so a deck is rendered and encoded on every core; each page
is encoded on its own, so the bytes depend neither on the number of workers nor on their order.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from scormkit.pdfworker import MAX_PAGES, RENDER_SCHEME, Probe, RenderedPage

__all__ = [
    "EXTENSIONS",
    "MAX_ASPECT",
    "MAX_PAGES",
    "RENDER_SCHEME",
    "Encoding",
    "PageFailure",
    "Probe",
    "RenderLimits",
    "RenderedPage",
    "Workers",
    "default_workers",
    "explain",
]

#: Largest ratio between a page's sides: 4 covers every slide, A-series and letter page, portrait or landscape,
#: and keeps a slide at the widest setting (3840 px) under 15,360 px tall, within WebP's 16,383 px limit.
MAX_ASPECT = 4.0
EXTENSIONS = {"webp": "webp", "jpeg": "jpg", "png": "png"}
#: Seconds a worker may take to start (a fresh interpreter importing PDFium, Pillow and pypdf; slow on a loaded CI).
STARTUP_SECONDS = 120.0


@dataclass(frozen=True)
class RenderLimits:
    """What one worker may use for one job (probing the PDF, or one page)."""

    #: Address space of a worker (RLIMIT_AS). A worker with a real deck open peaks near 150 MB and a 3840 px page
    #: is 33 MB of pixels; a flate bomb or a fan-out of forms wants gigabytes, and PDFium aborts at the limit.
    memory_bytes: int = 1 << 30
    #: Wall-clock seconds per job. A real page takes tens of milliseconds, even on a loaded machine.
    seconds: float = 30.0


@dataclass(frozen=True)
class Encoding:
    """How slide images are written: format, pixel width, quality (the module's slides options)."""

    format: str
    width: int
    quality: int


class PageFailure(Exception):
    """A job broke its limits or PDFium failed: `index` is the page (None for the probe), `reason` says how."""

    def __init__(self, index: int | None, reason: str):
        super().__init__(reason)
        self.index = index
        self.reason = reason


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _index(job: tuple) -> int | None:
    return job[1] if job and job[0] == "page" else None


class _Worker:
    def __init__(self, pdf_path: str, file: str, encoding: Encoding, limits: RenderLimits, role: str):
        import scormkit

        ours, theirs = socket.socketpair()
        env = dict(os.environ)
        # The child imports scormkit from where this process did, whatever the caller's PYTHONPATH.
        root = str(Path(scormkit.__file__).resolve().parents[1])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "scormkit.pdfworker",
                str(theirs.fileno()),
                str(limits.memory_bytes),
                pdf_path,
                file,
                encoding.format,
                str(encoding.width),
                str(encoding.quality),
                role,
            ],
            pass_fds=(theirs.fileno(),),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,  # PDFium's and Python's last words on an abort: the caller explains instead
        )
        theirs.close()
        self.conn = Connection(ours.detach())
        self.job: tuple | None = None
        self.deadline = 0.0

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()

    def stopped(self) -> str:
        """Why the process ended (it has)."""
        code = self.process.wait()
        if code < 0:
            try:
                return f"memory:{signal.Signals(-code).name}"
            except ValueError:
                return f"memory:signal {-code}"
        return f"exit:{code}"


class Workers:
    """Up to `workers` worker processes for one PDF; use as a context manager (every worker is killed on exit)."""

    def __init__(
        self, pdf_path: Path, file: str, encoding: Encoding, *, workers: int, limits: RenderLimits = RenderLimits()
    ):
        self.pdf_path, self.file, self.encoding, self.limits = str(pdf_path), file, encoding, limits
        self.count = max(1, workers)
        self.workers: list[_Worker] = []

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        # Killed, not asked to stop: a worker holds nothing the build needs once its pages are received, and its own
        # exit (PDFium closing the document, the interpreter's teardown) took 0.4 s of a 2-core pack's wall clock.
        for worker in self.workers:
            worker.kill()
            worker.conn.close()
        self.workers = []

    def _run(self, jobs: list[tuple]) -> Iterator[tuple]:
        """Send `jobs` to free workers, one job in flight per worker, and yield each answer as it comes. Raises
        PageFailure for the first job that fails, overruns its time or ends its worker."""
        role = "probe" if any(job[0] == "probe" for job in jobs) else "render"
        while len(self.workers) < min(self.count, max(1, len(jobs))):
            worker = _Worker(self.pdf_path, self.file, self.encoding, self.limits, role)
            # Until it says "ready", a worker is starting (interpreter, imports): that is not the first job's time.
            worker.job, worker.deadline = ("start",), time.monotonic() + STARTUP_SECONDS
            self.workers.append(worker)
        queue = list(reversed(jobs))

        def dispatch(worker: _Worker) -> None:
            worker.job = queue.pop() if queue else None
            if worker.job is not None:
                worker.conn.send(worker.job)
                worker.deadline = time.monotonic() + self.limits.seconds

        for worker in self.workers:
            if worker.job is None:
                dispatch(worker)
        while True:
            busy = [w for w in self.workers if w.job is not None]
            if not busy:
                return
            timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            ready = wait([w.conn for w in busy], timeout)
            for worker in busy:
                job = worker.job
                assert job is not None
                if worker.conn in ready:
                    try:
                        message = worker.conn.recv()
                    except (EOFError, OSError):  # the worker died: PDFium aborted, or the kernel killed it
                        worker.kill()
                        raise PageFailure(_index(job), worker.stopped()) from None
                    if message[0] == "failed":
                        raise PageFailure(_index(message[1]), message[2])
                    dispatch(worker)
                    if message[0] != "ready":
                        yield message
                elif time.monotonic() >= worker.deadline:
                    worker.kill()
                    raise PageFailure(_index(job), "time")

    def probe(self) -> Probe:
        """Open the PDF in a worker and check it (`Probe.error` says what is wrong)."""
        (message,) = list(self._run([("probe",)]))
        return message[1]

    def pages(self, indices: list[int]) -> Iterator[RenderedPage]:
        """Render and encode the pages at `indices` (0-based), yielded as they finish, in any order."""
        for message in self._run([("page", index) for index in indices]):
            yield message[1]


def explain(failure: PageFailure, limits: RenderLimits, file: str) -> str:
    """The user's words for a failed job on the PDF `file`."""
    where = f"page {failure.index + 1} of {file}" if failure.index is not None else f"opening {file}"
    reason = failure.reason
    simplify = (
        "simplify it (flatten nested drawings and transparency, downsample huge images) and export the deck "
        "to PDF again"
    )
    if reason.startswith("memory"):
        stopped = f", PDFium stopped with {reason.split(':', 1)[1]}" if ":" in reason else ""
        return f"{where} needs more than {limits.memory_bytes >> 20} MB of memory to render{stopped}; {simplify}"
    if reason == "time":
        return f"{where} takes more than {limits.seconds:g} s to render; {simplify}"
    if reason.startswith("exit:"):
        return f"the renderer stopped on {where} (exit status {reason[5:]}); export the deck to PDF again"
    return f"{where} cannot be rendered ({reason.removeprefix('error: ')}); export the deck to PDF again"
