"""The slides PDF: checks, titles (bookmarks), text, and rendered images with a content-hash cache.

pypdf reads the structure (encryption, pages, outline); pypdfium2 extracts text and renders; Pillow
encodes. Rendering is cheap (about 5 ms a page at 1280 px) and encoding is what costs (WebP method 6:
about 120 ms a page), so pages are rendered one by one in this thread (PDFium is not thread-safe) and
encoded in a thread pool: Pillow releases the GIL while encoding, so two cores give about 2x with no
process start-up and the same bytes as a serial run.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import PIL
import pypdfium2 as pdfium
from PIL import Image
from pypdf import PdfReader

from scormkit.diagnostics import Report
from scormkit.model import Slide, SlidesOptions
from scormkit.source.hints import not_a_pdf

# WebP `method` (0 fast .. 6 slowest/smallest). Measured on module_src (18 slides, 1280 px, quality 82):
# method 6 takes 2.3 s serial and gives 812 kB, method 4 takes 1.2 s and gives 826 kB (+1.8 %). Halving
# the cold build time is worth more to a designer iterating on a deck than 2 % of package size.
WEBP_METHOD = 4
# Part of the cache key: bump when the rendering or encoding code changes the bytes it produces.
RENDER_SCHEME = f"scormkit-render-1;webp-method={WEBP_METHOD}"
EXTENSIONS = {"webp": "webp", "jpeg": "jpg", "png": "png"}


@dataclass
class Deck:
    """A PDF that opened cleanly: its bytes, page count and one bookmark title (or None) per page."""

    data: bytes
    pages: int
    bookmarks: list[str | None]


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def open_deck(path: Path | None, name: str, *, file: str, folder: str, where: str, line: int | None,
              report: Report) -> Deck | None:
    """Check that the slides PDF exists, is a PDF, is not encrypted and has pages; diagnostics at `where:line`."""
    if path is None:
        return None  # outside the module folder, already reported
    if not path.is_file():
        report.error(where, line, "slides.missing",
                     f"slides file {file!r} not found in {folder}; export your deck to PDF there or set slides.file")
        return None
    data = path.read_bytes()
    presentation = not_a_pdf(data, file)  # a .pptx renamed or picked by mistake: say how to export the PDF
    if presentation is not None:
        report.error(name, None, "slides.not-pdf", presentation)
        return None
    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
    except Exception as exc:  # pypdf raises many types on damaged files
        report.error(name, None, "slides.corrupt",
                     f"{file} is not a readable PDF ({_clean(str(exc)) or type(exc).__name__}); export the deck to PDF again")
        return None
    if encrypted:
        report.error(name, None, "slides.encrypted",
                     f"{file} is encrypted; remove the password (e.g. qpdf --decrypt in.pdf out.pdf) and export again")
        return None
    try:
        pages = len(reader.pages)
    except Exception as exc:
        report.error(name, None, "slides.corrupt",
                     f"{file} has a damaged page tree ({_clean(str(exc))}); export the deck to PDF again")
        return None
    if pages == 0:
        report.error(name, None, "slides.empty", f"{file} has no pages; export the deck again with its slides")
        return None
    try:
        with pdfium.PdfDocument(data) as doc:
            pdfium_pages = len(doc)
    except pdfium.PdfiumError as exc:
        report.error(name, None, "slides.corrupt",
                     f"{file} cannot be rendered ({_clean(str(exc))}); export the deck to PDF again")
        return None
    if pdfium_pages != pages:
        report.error(name, None, "slides.corrupt",
                     f"{file} is inconsistent (pypdf sees {pages} pages, PDFium {pdfium_pages}); export the deck to PDF again")
        return None
    return Deck(data, pages, _bookmarks(reader, pages))


def _bookmarks(reader: PdfReader, pages: int) -> list[str | None]:
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


def _page_text(page: pdfium.PdfPage) -> str:
    textpage = page.get_textpage()
    try:
        raw = textpage.get_text_bounded()
    finally:
        textpage.close()
    lines = (re.sub(r"\s+", " ", line).strip() for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def cache_key(data: bytes, options: SlidesOptions) -> str:
    digest = hashlib.sha256(data)
    for part in (options.format, options.width, options.quality, pdfium.PYPDFIUM_INFO, pdfium.PDFIUM_INFO,
                 PIL.__version__, RENDER_SCHEME):
        digest.update(b"\0" + str(part).encode())
    return digest.hexdigest()


def _render(page: pdfium.PdfPage, width: int) -> Image.Image:
    """The page at `width` pixels, aspect ratio kept, on white."""
    page_width, page_height = page.get_size()
    if page.get_rotation() in (90, 270):
        page_width, page_height = page_height, page_width
    image = page.render(scale=width / page_width).to_pil()
    height = max(1, round(width * page_height / page_width))
    if image.size != (width, height):  # PDFium rounds the bitmap size its own way
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    return image.convert("RGB")


def _encode(image: Image.Image, fmt: str, quality: int) -> bytes:
    out = io.BytesIO()
    if fmt == "webp":
        image.save(out, "WEBP", quality=quality, method=WEBP_METHOD)
    elif fmt == "jpeg":
        image.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    else:
        image.save(out, "PNG", compress_level=9)
    return out.getvalue()


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def render_deck(
    deck: Deck,
    options: SlidesOptions,
    *,
    cache_dir: Path | None = None,
    on_slide: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> tuple[list[Slide], dict[str, bytes]]:
    """Slides (title, text, image path and size) and the package assets: `slides/NNN.<ext>`, `slides.pdf`."""
    ext = EXTENSIONS[options.format]
    cache = cache_dir / cache_key(deck.data, options) if cache_dir is not None else None
    total = deck.pages
    images: dict[int, bytes] = {}
    slides: list[Slide] = []
    workers = workers or min(4, os.cpu_count() or 1)
    done = 0

    def finished(index: int, data: bytes) -> None:
        nonlocal done
        images[index] = data
        if cache is not None and not (cache / f"{index + 1:03d}.{ext}").is_file():
            _write_atomic(cache / f"{index + 1:03d}.{ext}", data)
        done += 1
        if on_slide is not None:
            on_slide(done, total)

    with pdfium.PdfDocument(deck.data) as doc, ThreadPoolExecutor(max_workers=workers) as pool:
        # At most 2 pages per worker wait in memory (a 3840 px page is 25 MB as pixels).
        pending: deque[tuple[int, Future[bytes]]] = deque()
        for index in range(total):
            page = doc[index]
            try:
                text = _page_text(page)
                cached = cache / f"{index + 1:03d}.{ext}" if cache is not None else None
                if cached is not None and cached.is_file():
                    data = cached.read_bytes()
                    with Image.open(io.BytesIO(data)) as image:
                        size = image.size
                    finished(index, data)
                else:
                    image = _render(page, options.width)
                    size = image.size
                    pending.append((index, pool.submit(_encode, image, options.format, options.quality)))
            finally:
                page.close()
            first_line = text.split("\n", 1)[0][:200] if text else ""
            title = deck.bookmarks[index] or first_line or f"Slide {index + 1}"
            slides.append(Slide(number=index + 1, title=title, text=text, image=f"slides/{index + 1:03d}.{ext}",
                                width=size[0], height=size[1]))
            while len(pending) >= 2 * workers:
                waiting_index, future = pending.popleft()
                finished(waiting_index, future.result())
        while pending:
            waiting_index, future = pending.popleft()
            finished(waiting_index, future.result())

    assets = {f"slides/{i + 1:03d}.{ext}": images[i] for i in range(total)}
    if options.download:
        assets["slides.pdf"] = deck.data
    return slides, assets
