"""The PDF worker process: `python -m scormkit.pdfworker FD MEMORY_BYTES PDF FILE FORMAT WIDTH QUALITY ROLE`.

Started by scormkit.source.render, which sends jobs over the socket FD: ("probe",) or ("page", index), None to stop.
ROLE is "probe" or "render": only a probing worker loads pypdf (19 MB of a worker's 40 MB; rendering needs PDFium
and Pillow alone). The worker limits its own address space before it imports PDFium, opens the PDF itself and answers each job with
("probe", Probe), ("page", RenderedPage) or ("failed", job, reason). It imports nothing of scormkit but this file
and the standard scormkit package, so it starts in the time the interpreter, pypdfium2 and Pillow take.

The encoder and its settings were chosen by measurement (time vs bytes vs PSNR against a lossless render, over the
whole slide and over its smallest text): `python benchmarks/bench_encoders.py`, table in docs/performance.md. WebP
method 2 gives 0.42x the bytes of pdftoppm's JPEG q85 at higher fidelity, small text included (method 0: 0.57x, too
many for the zip-bytes goal, for 70 % of the time); methods 4-6 save 4-7 % more for 2.4x-3.7x the time. JPEG stays
available (`slides.format: jpeg`).
"""

from __future__ import annotations

import io
import re
import sys
from dataclasses import dataclass

#: WebP `method` (0 fastest .. 6 smallest); see the table above.
WEBP_METHOD = 2
#: The slide menu's thumbnails: this many pixels wide (shown at half that in CSS pixels, sharp on HiDPI screens),
#: WebP at this quality. Made here from the lossless render while it is in memory: made in the packing process they
#: cost a decode of every shipped slide and a resize, one page after another (3-8 s of a 100-slide pack).
THUMB_WIDTH = 160
THUMB_QUALITY = 70
#: Part of the render cache key: bump when the rendering or encoding code changes the bytes it produces.
RENDER_SCHEME = f"scormkit-render-3;webp-method={WEBP_METHOD};thumb={THUMB_WIDTH}q{THUMB_QUALITY}"
#: Most pages a deck may have: a module is a lesson, not a library (100,000 pages would keep a build busy for hours).
MAX_PAGES = 2000
#: Pages a render worker renders with one open document before it closes it and opens it again. PDFium keeps what it
#: parsed for each page it rendered (the page's streams, its images) until the document is closed: a worker that
#: rendered 250 pages of the 500-slide benchmark deck held 61 MB, one that reopens every 25 pages 36 MB (opening
#: costs about a millisecond). The bytes of a page do not depend on it: each page is rendered on its own.
REOPEN_PAGES = 25


@dataclass(frozen=True)
class Probe:
    """What opening the PDF gave: an error (code, message), or the page count, sizes in points and bookmarks."""

    error: tuple[str, str] | None = None
    pages: int = 0
    sizes: tuple[tuple[float, float], ...] = ()
    bookmarks: tuple[str | None, ...] = ()
    #: What the document catalogue holds that runs code or carries files ("JavaScript", "embedded files"...).
    features: tuple[str, ...] = ()


@dataclass(frozen=True)
class RenderedPage:
    index: int
    text: str
    width: int
    height: int
    data: bytes
    thumb: bytes  # the slide menu's thumbnail, WebP, THUMB_WIDTH pixels wide


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def probe(pdf_path: str, file: str) -> Probe:
    """The checks of a slides PDF that need a parser (PDFium, then pypdf)."""
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
                return error(
                    "slides.too-many-pages",
                    f"{file} has {pages:,} pages, more than the {MAX_PAGES:,} a "
                    "module can carry; split the deck into several modules",
                )
            sizes = tuple(doc.get_page_size(index) for index in range(pages))
        finally:
            doc.close()
    try:
        reader = PdfReader(pdf_path)
        encrypted = reader.is_encrypted
    except Exception as exc:  # pypdf raises many types on damaged files
        return error(
            "slides.corrupt",
            f"{file} is not a readable PDF ({_clean(str(exc)) or type(exc).__name__}); export the deck to PDF again",
        )
    if encrypted:
        return error(
            "slides.encrypted",
            f"{file} is encrypted; remove the password (e.g. qpdf --decrypt in.pdf out.pdf) and export again",
        )
    try:
        reader_pages = len(reader.pages)
    except Exception as exc:
        return error(
            "slides.corrupt", f"{file} has a damaged page tree ({_clean(str(exc))}); export the deck to PDF again"
        )
    if reader_pages == 0:
        return error("slides.empty", f"{file} has no pages; export the deck again with its slides")
    if pdfium_error is not None:
        return error("slides.corrupt", f"{file} cannot be rendered ({pdfium_error}); export the deck to PDF again")
    if reader_pages != pages:
        return error(
            "slides.corrupt",
            f"{file} is inconsistent (pypdf sees {reader_pages} pages, PDFium {pages}); export the deck to PDF again",
        )
    return Probe(
        pages=pages, sizes=sizes, bookmarks=tuple(_bookmarks(reader, pages)), features=_catalogue_features(reader)
    )


def _catalogue_features(reader) -> tuple[str, ...]:
    """JavaScript, launch actions and attached files named by the catalogue (names tree, open action): what the
    scan of the raw bytes cannot see when they sit in compressed object streams."""
    found: set[str] = set()
    try:
        root = reader.trailer["/Root"]
        names = root.get("/Names") or {}
        if "/JavaScript" in names:
            found.add("JavaScript")
        if "/EmbeddedFiles" in names:
            found.add("embedded files")
        action = root.get("/OpenAction")
        if hasattr(action, "get") and action.get("/S") in ("/JavaScript", "/Launch"):
            found.add("JavaScript" if action.get("/S") == "/JavaScript" else "launch actions")
    except Exception:  # a damaged catalogue: the deck reader has said what it could
        return ()
    return tuple(sorted(found))


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


def page_text(page) -> str:
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
    # rev_byteorder: PDFium writes the channels in the order Pillow reads, so no swap is needed.
    image = page.render(scale=width / page_width, rev_byteorder=True).to_pil()
    height = max(1, round(width * page_height / page_width))
    if image.size != (width, height):  # PDFium rounds the bitmap size its own way
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    return image.convert("RGB")


def encode(image, fmt: str, quality: int) -> bytes:
    """`image` (RGB) as WebP, JPEG or PNG bytes; the same image always gives the same bytes."""
    out = io.BytesIO()
    if fmt == "webp":
        image.save(out, "WEBP", quality=quality, method=WEBP_METHOD)
    elif fmt == "jpeg":
        image.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    else:
        image.save(out, "PNG", compress_level=9)
    return out.getvalue()


def thumbnail(image) -> bytes:
    """The slide menu's thumbnail of the rendered page `image` (RGB), as WebP bytes."""
    from PIL import Image

    height = max(1, round(image.height * THUMB_WIDTH / image.width))
    # reducing_gap: a box reduction to twice the size first, then Lanczos: 8x faster than Lanczos from full size.
    small = image.resize((THUMB_WIDTH, height), Image.Resampling.LANCZOS, reducing_gap=2.0)
    out = io.BytesIO()
    small.save(out, "WEBP", quality=THUMB_QUALITY, method=4)
    return out.getvalue()


def render_page(doc, index: int, fmt: str, width: int, quality: int) -> RenderedPage:
    page = doc[index]
    try:
        text = page_text(page)
        image = render_image(page, width)
    finally:
        page.close()
    return RenderedPage(index, text, image.width, image.height, encode(image, fmt, quality), thumbnail(image))


def serve(fd: int, memory_bytes: int, pdf_path: str, file: str, fmt: str, width: int, quality: int, role: str) -> None:
    import resource
    import signal
    from multiprocessing.connection import Connection

    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it kills the workers
    conn = Connection(fd)
    # Loaded before "ready": the job deadlines then time the job alone.
    import PIL.Image  # noqa: F401
    import pypdfium2 as pdfium

    if role == "probe":
        import pypdf  # noqa: F401

    conn.send(("ready",))
    doc, rendered = None, 0
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return  # the parent is gone
        if job is None:
            return
        try:
            if job[0] == "probe":
                conn.send(("probe", probe(pdf_path, file)))
                continue
            if doc is not None and rendered >= REOPEN_PAGES:
                doc.close()
                doc = None
            if doc is None:
                doc, rendered = pdfium.PdfDocument(pdf_path), 0
            rendered += 1
            conn.send(("page", render_page(doc, job[1], fmt, width, quality)))
        except MemoryError:
            conn.send(("failed", job, "memory"))
        except Exception as exc:  # PDFium reports damaged pages as PdfiumError; Pillow as OSError/ValueError
            conn.send(("failed", job, f"error: {_clean(str(exc)) or type(exc).__name__}"))


if __name__ == "__main__":
    # Run the module under its own name, so what it sends unpickles as scormkit.pdfworker.* in the parent.
    from scormkit.pdfworker import serve as _serve

    fd, memory, pdf, name, fmt, width, quality, role = sys.argv[1:9]
    _serve(int(fd), int(memory), pdf, name, fmt, int(width), int(quality), role)
