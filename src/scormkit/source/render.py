"""PDF work in worker processes, each under memory and time limits: a hostile PDF becomes an error, never an abort.

PDFium is not thread-safe and aborts the whole process when an allocation fails (a form drawing itself a billion
times, a flate bomb), so nothing of a slides PDF is parsed in the scormkit process: workers started from a fork
server (no threads of the caller are inherited) open the document themselves, probe it (pypdf: encryption, page tree,
outline; PDFium: page count and sizes) and render pages, each job under `RenderLimits`. The caller sees a worker
that dies or overruns as a `PageFailure` naming the page, and every worker is killed before the caller returns.

Pages go out one at a time to whichever worker is free, so the pages of a deck are rendered and encoded on every
core; each page is encoded independently, so the bytes do not depend on the number of workers or their order.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

#: Most pages a deck may have: a module is a lesson, not a library (a 100,000-page PDF would keep a build busy
#: for an hour).
MAX_PAGES = 2000
#: Largest ratio between a page's sides: 4 covers every slide, A-series and letter page, portrait or landscape,
#: and keeps a slide at the widest setting (3840 px) under 15,360 px tall, within WebP's 16,383 px limit.
MAX_ASPECT = 4.0
EXTENSIONS = {"webp": "webp", "jpeg": "jpg", "png": "png"}


@dataclass(frozen=True)
class RenderLimits:
    """What one worker may use for one job (probing the PDF, or one page)."""

    #: Address space of a worker (RLIMIT_AS). A 3840 px page is 33 MB of pixels; a real deck's page needs
    #: under 150 MB; a flate bomb or a fan-out of forms needs gigabytes, and PDFium aborts at the limit.
    memory_bytes: int = 1 << 30
    #: Wall-clock seconds per job. A real page takes tens of milliseconds even on a loaded machine.
    seconds: float = 30.0


@dataclass(frozen=True)
class Encoding:
    """How slide images are written: format, pixel width, quality (the module's slides options)."""

    format: str
    width: int
    quality: int


@dataclass(frozen=True)
class Probe:
    """What opening the PDF gave: an error (code, message), or the page count, sizes in points and bookmarks."""

    error: tuple[str, str] | None = None
    pages: int = 0
    sizes: tuple[tuple[float, float], ...] = ()
    bookmarks: tuple[str | None, ...] = ()


@dataclass(frozen=True)
class RenderedPage:
    index: int
    text: str
    width: int
    height: int
    data: bytes


class PageFailure(Exception):
    """A job broke its limits or PDFium failed: `index` is the page (None for the probe), `reason` says how."""

    def __init__(self, index: int | None, reason: str):
        super().__init__(reason)
        self.index = index
        self.reason = reason


# ---- the worker side ---------------------------------------------------------------------------------------------

def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _probe(pdf_path: str, file: str) -> Probe:
    """The checks of a slides PDF that need a parser, run in the worker (pypdf and PDFium)."""
    import pypdfium2 as pdfium
    from pypdf import PdfReader

    def error(code: str, message: str) -> Probe:
        return Probe(error=(code, message))

    # PDFium first: it counts pages without building the page tree, so a 100,000-page file is refused at once.
    pages, sizes, pdfium_error = 0, (), None
    try:
        doc = pdfium.PdfDocument(pdf_path)
    except pdfium.PdfiumError as exc:
        pdfium_error = _clean(str(exc))
    else:
        try:
            pages = len(doc)
            if pages > MAX_PAGES:
                return error("slides.too-many-pages", f"{file} has {pages:,} pages, more than the {MAX_PAGES:,} a "
                                                      "module can carry; split the deck into several modules")
            sizes = tuple(doc.get_page_size(index) for index in range(pages))
        finally:
            doc.close()
    try:
        reader = PdfReader(pdf_path)
        encrypted = reader.is_encrypted
    except Exception as exc:  # pypdf raises many types on damaged files
        return error("slides.corrupt", f"{file} is not a readable PDF ({_clean(str(exc)) or type(exc).__name__}); "
                                       "export the deck to PDF again")
    if encrypted:
        return error("slides.encrypted", f"{file} is encrypted; remove the password (e.g. qpdf --decrypt in.pdf out.pdf) "
                                         "and export again")
    try:
        reader_pages = len(reader.pages)
    except Exception as exc:
        return error("slides.corrupt", f"{file} has a damaged page tree ({_clean(str(exc))}); export the deck to PDF again")
    if reader_pages == 0:
        return error("slides.empty", f"{file} has no pages; export the deck again with its slides")
    if pdfium_error is not None:
        return error("slides.corrupt", f"{file} cannot be rendered ({pdfium_error}); export the deck to PDF again")
    if reader_pages != pages:
        return error("slides.corrupt", f"{file} is inconsistent (pypdf sees {reader_pages} pages, PDFium {pages}); "
                                       "export the deck to PDF again")
    return Probe(pages=pages, sizes=sizes, bookmarks=tuple(_bookmarks(reader, pages)))


def _bookmarks(reader, pages: int) -> list[str | None]:
    """The title of the first outline entry (document order) pointing at each page."""
    titles: list[str | None] = [None] * pages

    def walk(entries: list) -> None:
        for entry in entries:
            if isinstance(entry, list):
                walk(entry)
                continue
            try:
                index = reader.get_destination_page_number(entry)
            except Exception:
                continue  # a broken or external destination: no title from it
            title = _clean(str(entry.title or ""))
            if 0 <= index < pages and title and titles[index] is None:
                titles[index] = title

    try:
        walk(reader.outline)
    except Exception:
        pass  # a damaged outline only costs the titles
    return titles


def _page_text(page) -> str:
    textpage = page.get_textpage()
    try:
        raw = textpage.get_text_bounded()
    finally:
        textpage.close()
    lines = (re.sub(r"\s+", " ", line).strip() for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def render_image(page, width: int):
    """The page at `width` pixels, aspect ratio kept, on white, as an RGB Pillow image."""
    from PIL import Image

    page_width, page_height = page.get_size()
    if page.get_rotation() in (90, 270):
        page_width, page_height = page_height, page_width
    # rev_byteorder: PDFium writes RGB(A) in the order Pillow reads, so no channel swap is needed.
    image = page.render(scale=width / page_width, rev_byteorder=True).to_pil()
    height = max(1, round(width * page_height / page_width))
    if image.size != (width, height):  # PDFium rounds the bitmap size its own way
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    return image.convert("RGB")


def encode_image(image, encoding: Encoding) -> bytes:
    from scormkit.source.encoding import encode

    return encode(image, encoding.format, encoding.quality)


def _render_page(doc, index: int, encoding: Encoding) -> RenderedPage:
    page = doc[index]
    try:
        text = _page_text(page)
        image = render_image(page, encoding.width)
    finally:
        page.close()
    return RenderedPage(index, text, image.width, image.height, encode_image(image, encoding))


def _worker(conn: Connection, pdf_path: str, file: str, encoding: Encoding, limits: RenderLimits) -> None:
    """Serve jobs until told to stop: ("probe",) or ("page", index)."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it kills the workers
    import pypdfium2 as pdfium

    doc = None
    while True:
        job = conn.recv()
        if job is None:
            break
        try:
            if job[0] == "probe":
                conn.send(("probe", _probe(pdf_path, file)))
                continue
            if doc is None:
                doc = pdfium.PdfDocument(pdf_path)
            conn.send(("page", _render_page(doc, job[1], encoding)))
        except MemoryError:
            conn.send(("failed", job, "memory"))
        except Exception as exc:  # PDFium reports damaged pages as PdfiumError; Pillow as OSError/ValueError
            conn.send(("failed", job, f"error: {_clean(str(exc)) or type(exc).__name__}"))


# ---- the caller side ---------------------------------------------------------------------------------------------

def _context():
    # A fork server that preloads only this module: workers start in milliseconds, inherit no thread (rich's
    # progress bar runs one) and never re-run the CLI's __main__.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["scormkit.source.render"])
    return context


def _describe(process) -> str:
    code = process.exitcode
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"memory:{name}"
    return f"exit:{code}"


class Workers:
    """A few worker processes for one PDF; use as a context manager (every worker is killed on exit)."""

    def __init__(self, pdf_path: Path, file: str, encoding: Encoding, *, workers: int,
                 limits: RenderLimits = RenderLimits()):
        self.pdf_path, self.file, self.encoding, self.limits = str(pdf_path), file, encoding, limits
        self.count = max(1, workers)
        self.processes: list = []
        self.conns: list[Connection] = []

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self, count: int) -> None:
        context = _context()
        while len(self.processes) < count:
            parent, child = context.Pipe()
            process = context.Process(target=_worker, args=(child, self.pdf_path, self.file, self.encoding, self.limits),
                                      daemon=True)
            process.start()
            child.close()
            self.processes.append(process)
            self.conns.append(parent)

    def close(self) -> None:
        for conn in self.conns:
            try:
                conn.send(None)
            except OSError:
                pass
        for process in self.processes:
            process.join(timeout=2)
            if process.is_alive():
                process.kill()
                process.join()
        for conn in self.conns:
            conn.close()
        self.processes, self.conns = [], []

    def _kill(self, slot: int) -> None:
        self.processes[slot].kill()
        self.processes[slot].join()

    def _run(self, jobs: list[tuple]) -> Iterator[tuple]:
        """Send `jobs` to free workers, one job in flight per worker; yield each result as it comes. Raises
        PageFailure for the first job that fails, overruns its time or kills its worker."""
        import time

        self._start(min(self.count, len(jobs)) if jobs else 1)
        queue = list(reversed(jobs))
        busy: dict[int, tuple[tuple, float]] = {}  # slot -> (job, deadline)

        def dispatch(slot: int) -> None:
            if queue:
                job = queue.pop()
                self.conns[slot].send(job)
                busy[slot] = (job, time.monotonic() + self.limits.seconds)

        for slot in range(len(self.processes)):
            dispatch(slot)
        while busy:
            timeout = max(0.0, min(deadline for _, deadline in busy.values()) - time.monotonic())
            ready = wait([self.conns[s] for s in busy] + [self.processes[s].sentinel for s in busy], timeout)
            for slot in list(busy):
                job, deadline = busy[slot]
                conn, process = self.conns[slot], self.processes[slot]
                if conn in ready or conn.poll():
                    try:
                        message = conn.recv()
                    except (EOFError, OSError):
                        message = None
                    if message is not None:
                        del busy[slot]
                        if message[0] == "failed":
                            raise PageFailure(_index(message[1]), message[2])
                        dispatch(slot)
                        yield message
                        continue
                if process.sentinel in ready or not process.is_alive():
                    process.join()
                    raise PageFailure(_index(job), _describe(process))
                if time.monotonic() >= deadline:
                    self._kill(slot)
                    raise PageFailure(_index(job), "time")

    def probe(self) -> Probe:
        """Open the PDF in a worker and check it (`Probe.error` says what is wrong)."""
        (message,) = list(self._run([("probe",)]))
        return message[1]

    def pages(self, indices: list[int]) -> Iterator[RenderedPage]:
        """Render and encode the pages at `indices` (0-based), yielded as they finish, in any order."""
        for message in self._run([("page", index) for index in indices]):
            yield message[1]


def _index(job: tuple) -> int | None:
    return job[1] if job and job[0] == "page" else None


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def explain(failure: PageFailure, limits: RenderLimits) -> str:
    """The user's words for a failed job."""
    where = f"page {failure.index + 1}" if failure.index is not None else "the file"
    reason = failure.reason
    if reason.startswith("memory"):
        stopped = f" (PDFium stopped with {reason.split(':', 1)[1]})" if ":" in reason else ""
        return (f"{where} needs more than {limits.memory_bytes >> 20} MB of memory to render{stopped}; simplify it "
                "(flatten nested drawings and transparency, downsample huge images) and export the deck to PDF again")
    if reason == "time":
        return (f"{where} takes more than {limits.seconds:g} s to render; simplify it (flatten nested drawings and "
                "transparency, downsample huge images) and export the deck to PDF again")
    if reason.startswith("exit:"):
        return f"the renderer stopped on {where} (exit status {reason[5:]}); export the deck to PDF again"
    return f"{where} cannot be rendered ({reason.removeprefix('error: ')}); export the deck to PDF again"

