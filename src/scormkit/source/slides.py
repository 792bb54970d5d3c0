"""The slides PDF: checks, titles (bookmarks), text, and rendered images with a verified content-hash cache.

Nothing of the PDF is parsed in this process: `render.Workers` probes it (pypdf: encryption, page tree, outline;
PDFium: page count and sizes) and renders its pages in worker processes under memory and time limits, on every core.
What they found is cached by content (source/cache.py): a warm pack starts no worker, renders nothing and decodes no
image, and every cached image is checked against its hash before it is used.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scormkit.diagnostics import Report
from scormkit.fileasset import Asset, FileAsset, file_stat
from scormkit.model import Slide, SlidesOptions
from scormkit.source.assets import active_content_warning, scan_pdf
from scormkit.source.cache import RenderCache, sha256
from scormkit.source.hints import not_a_pdf
from scormkit.source.render import (
    EXTENSIONS,
    MAX_ASPECT,
    RENDER_SCHEME,
    Encoding,
    PageFailure,
    RenderLimits,
    Workers,
    default_workers,
    explain,
)

__all__ = ["EXTENSIONS", "Deck", "cache_key", "open_deck", "render_deck", "thumbnail_path"]


@dataclass
class Deck:
    """A PDF that opened cleanly: its file, page count and one bookmark title (or None) per page. Its bytes are not
    kept (64 MB for a 500-slide deck): they ship as a FileAsset, streamed and checked again when the zips are written."""

    path: Path
    pages: int
    bookmarks: list[str | None]
    sha256: str
    stat: tuple[int, int, int]  # (size, mtime_ns, inode) when read: a change mid-build is refused
    name: str = "slides.pdf"  # as shown in diagnostics
    file: str = "slides.pdf"  # as written in module.yaml
    probe: dict | None = None  # what the worker found, when it is not in the cache yet

    def asset(self) -> FileAsset:
        """The PDF as the package ships it (the "Download slides" link)."""
        return FileAsset(self.path, self.stat[0], self.sha256, self.stat)


#: The first bytes of the file that tell a presentation saved under the PDF's name (hints.not_a_pdf).
_HEAD = 65536


def open_deck(
    path: Path | None,
    name: str,
    *,
    file: str,
    folder: str,
    where: str,
    line: int | None,
    report: Report,
    cache: RenderCache | None = None,
    limits: RenderLimits = RenderLimits(),
    ships: bool = True,
) -> Deck | None:
    """Check that the slides PDF exists, is a PDF, is not encrypted and has pages of slide proportions;
    diagnostics at `where:line` (missing file) or on the PDF itself. `ships`: the PDF goes into the package for
    download (slides.download), so its active content is worth a warning; only its rendered pages ship otherwise."""
    if path is None:
        return None  # outside the module folder, already reported
    if not path.is_file():
        report.error(
            where,
            line,
            "slides.missing",
            f"slides file {file!r} not found in {folder}; export your deck to PDF there or set slides.file",
        )
        return None
    with path.open("rb") as handle:  # hashed in chunks: a large deck is never held whole
        stat = file_stat(handle.fileno())
        head = handle.read(_HEAD)
        handle.seek(0)
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    presentation = not_a_pdf(head, file)  # a .pptx renamed or picked by mistake: say how to export the PDF
    if presentation is not None:
        report.error(name, None, "slides.not-pdf", presentation)
        return None
    probe = cache.probe(digest) if cache is not None else None
    if probe is not None and "features" not in probe:
        probe = None  # recorded before probes read the catalogue: probed once again
    if probe is None:
        try:
            with Workers(path, file, Encoding("webp", 160, 1), workers=1, limits=limits) as workers:
                found = workers.probe()
        except PageFailure as failure:
            report.error(name, None, "slides.render-limit", explain(failure, limits, file))
            return None
        if found.error is not None:
            code, message = found.error
            report.error(name, None, code, message)
            return None
        probe = {
            "pages": found.pages,
            "sizes": [list(size) for size in found.sizes],
            "bookmarks": list(found.bookmarks),
            "features": list(found.features),
        }
        fresh = True  # cached by render_deck: a read that fails elsewhere writes nothing
    else:
        fresh = False
    if ships:
        active_content_warning(scan_pdf(path) | set(probe["features"]), file, where, line, report)
    bad = False
    for index, (width, height) in enumerate(probe["sizes"]):
        if not (width > 0 and height > 0 and max(width / height, height / width) <= MAX_ASPECT):
            bad = True
            report.error(
                name,
                None,
                "slides.page-size",
                f"page {index + 1} of {file} is {width:g} x {height:g} pt; a slide may be at most "
                f"{MAX_ASPECT:g} times as tall as it is wide, or as wide as it is tall: export the deck at a "
                "slide size such as 16:9 or 4:3",
            )
    if bad:
        return None
    return Deck(
        path,
        probe["pages"],
        probe["bookmarks"],
        digest,
        stat,
        name=name,
        file=file,
        probe=probe if fresh else None,
    )


def cache_key(data: bytes | str, options: SlidesOptions) -> str:
    """The render cache key of a PDF (its bytes or their SHA-256) at one set of slides options."""
    import PIL
    import pypdfium2

    digest = sha256(data) if isinstance(data, bytes) else data
    parts = [
        digest,
        options.format,
        options.width,
        options.quality,
        pypdfium2.PYPDFIUM_INFO,
        pypdfium2.PDFIUM_INFO,
        PIL.__version__,
        RENDER_SCHEME,
    ]
    return sha256("\0".join(str(part) for part in parts).encode())


def thumbnail_path(image: str) -> str:
    """Where the slide menu's thumbnail of the slide image `image` ("slides/001.webp") is shipped."""
    stem = image.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return f"slides/thumbs/{stem}.webp"


def render_deck(
    deck: Deck,
    options: SlidesOptions,
    *,
    cache_dir: Path | None = None,
    cache: RenderCache | None = None,
    on_slide: Callable[[int, int], None] | None = None,
    workers: int | None = None,
    limits: RenderLimits = RenderLimits(),
    report: Report | None = None,
) -> tuple[list[Slide], dict[str, Asset]] | None:
    """Slides (title, text, image path and size) and the package assets: `slides/NNN.<ext>`, their thumbnails
    (`thumbnail_path`) and `slides.pdf`.

    Pages missing from the cache are rendered in `workers` processes (default: every core). A page that breaks
    the limits is reported to `report` and None is returned (without `report`, PageFailure is raised)."""
    if cache is None and cache_dir is not None:
        cache = RenderCache(cache_dir)
    ext = EXTENSIONS[options.format]
    total = deck.pages
    if cache is not None and deck.probe is not None:
        cache.put_probe(deck.sha256, deck.probe)
    key = cache_key(deck.sha256, options)
    record = cache.render(key) if cache is not None else None
    pages: list[dict | None] = [None] * total
    # Page index -> (slide image, thumbnail): files of the cache (checked, streamed into the zips), or the bytes of
    # this build's renders, kept until the cache is committed after the zips.
    images: dict[int, tuple[Asset, Asset]] = {}
    if record is not None and len(record.get("pages", ())) == total:
        for index, page in enumerate(record["pages"]):
            data = cache.image(page["sha256"]) if cache is not None else None
            thumb = cache.image(page["thumb"]) if cache is not None and data is not None else None
            if data is not None and thumb is not None:  # a missing, replaced or truncated image is rendered again
                pages[index], images[index] = page, (data, thumb)
    done = 0

    def finished() -> None:
        nonlocal done
        done += 1
        if on_slide is not None:
            on_slide(done, total)

    for _ in images:  # the cached pages count as done at once
        finished()
    missing = [index for index in range(total) if pages[index] is None]
    if missing:
        encoding = Encoding(options.format, options.width, options.quality)
        count = min(workers or default_workers(), len(missing))
        try:
            with Workers(deck.path, deck.file, encoding, workers=count, limits=limits) as pool:
                for page in pool.pages(missing):
                    pages[page.index] = {
                        "text": page.text,
                        "width": page.width,
                        "height": page.height,
                        "sha256": cache.put_image(page.data) if cache is not None else sha256(page.data),
                        "thumb": cache.put_image(page.thumb) if cache is not None else sha256(page.thumb),
                    }
                    images[page.index] = (page.data, page.thumb)
                    finished()
        except PageFailure as failure:
            if report is None:
                raise
            report.error(deck.name, None, "slides.render-limit", explain(failure, limits, deck.file))
            return None
        if file_stat(deck.path) != deck.stat:
            message = f"{deck.file} changed while its slides were rendered; wait until it is saved and pack again"
            if report is None:
                raise ValueError(message)
            report.error(deck.name, None, "slides.changed", message)
            return None
        if cache is not None:
            cache.put_render(key, {"pages": pages})

    slides: list[Slide] = []
    for index, page in enumerate(pages):
        assert page is not None
        text = page["text"]
        first_line = text.split("\n", 1)[0][:200] if text else ""
        title = deck.bookmarks[index] or first_line or f"Slide {index + 1}"
        slides.append(
            Slide(
                number=index + 1,
                title=title,
                text=text,
                image=f"slides/{index + 1:03d}.{ext}",
                width=page["width"],
                height=page["height"],
            )
        )
    assets: dict[str, Asset] = {}
    for slide in slides:
        assets[slide.image], assets[thumbnail_path(slide.image)] = images[slide.number - 1]
    if options.download:
        assets["slides.pdf"] = deck.asset()
    return slides, assets
