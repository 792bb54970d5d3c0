"""What ships as the module's files: images under assets/ and the slides PDF, checked for size and content.

Images ship byte for byte and the PDF ships for the "Download slides" link, so what they hold reaches the learner:
an image too large to download or decode is an error; a file whose content is not what its name says (HTML named
.png), an SVG with script, or a PDF with JavaScript or embedded files is a warning, since the package still works
but carries something the author probably did not mean to ship.
"""

from __future__ import annotations

import mmap
import re
import stat
import warnings
from pathlib import Path
from typing import Any

from scormkit import limits
from scormkit.diagnostics import Report

# The first bytes of each raster format a browser shows (what `file` and browsers sniff).
_MAGIC = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
}
_SVG_ACTIVE = re.compile(rb"<script|\son[a-z]+\s*=|javascript:|<foreignObject", re.IGNORECASE)


def _looks_like(head: bytes) -> str:
    """What a file's first bytes say it is, in words for a message."""
    start = head.lstrip()[:256].lower()
    if start.startswith((b"<!doctype html", b"<html")) or b"<script" in start:
        return "HTML"
    if b"<svg" in start or start.startswith(b"<?xml"):
        return "SVG/XML"
    for suffix, magics in _MAGIC.items():
        if head.startswith(magics):
            return suffix.lstrip(".").upper()
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return "something else"


def _regular_file(
    path: Path,
    what: str,
    where: str,
    line: int | None,
    report: Report,
    *,
    missing: str,
    too_large: str,
    limit: int,
    fix: str,
) -> bool:
    """True when `path` is a readable regular file of at most `limit` bytes; else False, the reason reported (a FIFO
    would block the read forever, a huge file would be read whole)."""
    try:
        info = path.stat()
    except OSError as exc:
        report.error(where, line, missing, f"cannot read {what}: {exc.strerror}")
        return False
    if not stat.S_ISREG(info.st_mode):
        report.error(where, line, "source.not-a-file", f"{what} is not a regular file; replace it")
        return False
    if info.st_size > limit:
        size = f"{info.st_size / limits.MiB:.1f}".removesuffix(".0")
        report.error(
            where,
            line,
            too_large,
            f"{what} is {size} MiB; the limit is {limits.human(limit, 'bytes')} (docs/limits.md): {fix}",
        )
        return False
    return True


def check_image(path: Path, target: str, where: str, line: int | None, report: Report) -> bool:
    """Check one image of a Markdown field; False when it must not ship (errors reported), True otherwise."""
    if not _regular_file(
        path,
        f"the image {target!r}",
        where,
        line,
        report,
        missing="markdown.image-missing",
        too_large="markdown.image-too-large",
        limit=limits.IMAGE_BYTES,
        fix="save it smaller",
    ):
        return False
    try:
        with path.open("rb") as fh:
            data = fh.read(limits.IMAGE_BYTES + 1)
    except OSError as exc:
        report.error(where, line, "markdown.image-missing", f"cannot read the image {target!r}: {exc.strerror}")
        return False
    suffix = path.suffix.lower()
    if suffix == ".svg":
        if _SVG_ACTIVE.search(data):
            report.warning(
                where,
                line,
                "markdown.image-active",
                f"the SVG {target!r} holds script or event handlers; browsers do not run them in an "
                "<img>, but remove them or export a PNG",
            )
        return True
    kind = _looks_like(data[:512])
    if kind != suffix.lstrip(".").upper().replace("JPEG", "JPG"):
        report.warning(
            where,
            line,
            "markdown.image-content",
            f"the image {target!r} holds {kind}, not {suffix.lstrip('.').upper()}; browsers may refuse "
            "it: save it as a real image of that type",
        )
        return True
    pixels = _pixels(path)
    if pixels is not None and pixels > limits.IMAGE_PIXELS:
        report.error(
            where,
            line,
            "markdown.image-too-large",
            f"the image {target!r} has {pixels:,} pixels; the limit is {limits.IMAGE_PIXELS:,} "
            "(docs/limits.md): scale it down",
        )
        return False
    return True


# The first bytes of each font type @font-face loads (OpenType with TrueType or CFF outlines, WOFF 2).
_FONT_MAGIC = {".woff2": (b"wOF2",), ".ttf": (b"\x00\x01\x00\x00", b"true"), ".otf": (b"OTTO",)}


def check_theme_file(path: Path, key: str, target: str, where: str, line: int | None, report: Report) -> bool:
    """Check the theme's logo, cover or font (module.yaml theme.<key>, type checked by the model); False when it
    must not ship. Unlike an image of the description, each is on the learner's first screen, so a file that is
    not what its name says, or is too large for a first screen, is an error."""
    setting, limit = f"theme.{key} {target!r}", limits.LIMITS["theme_file_bytes"].value
    if not path.exists():
        report.error(where, line, "theme.file-missing", f"{setting} not found; add the file or correct the path")
        return False
    if not _regular_file(
        path,
        setting,
        where,
        line,
        report,
        missing="theme.file-missing",
        too_large="theme.file-too-large",
        limit=limit,
        fix="subset the font or convert it to WOFF 2" if key == "font" else "save it smaller",
    ):
        return False
    with path.open("rb") as fh:
        data = fh.read(limit)
    suffix = path.suffix.lower()
    expected = suffix.lstrip(".").upper().replace("JPEG", "JPG")
    if key == "font":
        found = next((s.lstrip(".").upper() for s, magics in _FONT_MAGIC.items() if data.startswith(magics)), None)
        kind = found or _looks_like(data[:512])
    else:
        kind = _looks_like(data[:512])
        if suffix == ".svg":
            expected = "SVG/XML"
    if kind != expected:
        report.error(
            where,
            line,
            "theme.file-content",
            f"{setting} holds {kind}, not {suffix.lstrip('.').upper()}; browsers would not show it: "
            "save it as a real file of that type",
        )
        return False
    if suffix == ".svg" and _SVG_ACTIVE.search(data):
        report.error(
            where,
            line,
            "theme.file-content",
            f"{setting} holds script or event handlers; remove them or export the logo as a PNG",
        )
        return False
    pixels = _pixels(path) if key != "font" and suffix != ".svg" else None
    if pixels is not None and pixels > limits.IMAGE_PIXELS:
        report.error(
            where,
            line,
            "theme.file-too-large",
            f"{setting} has {pixels:,} pixels; the limit is {limits.IMAGE_PIXELS:,} (docs/limits.md): scale it down",
        )
        return False
    return True


def _pixels(path: Path) -> int | None:
    """width x height from the image header (nothing is decoded), or None when Pillow cannot tell."""
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # DecompressionBombWarning: we judge the size ourselves
        try:
            with Image.open(path) as image:
                return image.width * image.height
        except Image.DecompressionBombError:
            return limits.IMAGE_PIXELS + 1
        except Exception:
            return None


# Names of the PDF features that run code or carry files: JavaScript actions, launch actions, attached files.
_PDF_ACTIVE = {
    b"/JavaScript": "JavaScript",
    b"/JS": "JavaScript",
    b"/Launch": "launch actions",
    b"/EmbeddedFile": "embedded files",
    b"/EmbeddedFiles": "embedded files",
}
_PDF_NAME = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFiles?)(?![A-Za-z0-9])")


def _in_stream(data: Any, at: int) -> bool:
    """Whether offset `at` lies in a stream's body: a photo's compressed bytes or a slide's text ("see the /JS docs")
    hold such names by chance (one in the 12.7 MB benchmark deck of photos), and they are content, not actions.
    Looked up backwards for each match only (matches are rare), so the scan stays one fast regex pass."""
    opened = data.rfind(b"stream", 0, at)
    return opened != -1 and opened != data.rfind(b"endstream", 0, at) + len(b"end")


def scan_pdf(path: Path) -> set[str]:
    """The features that run code or carry files named in the slides PDF's raw bytes, outside stream bodies: a scan
    bounded by the file itself, with no parser in this process. The catalogue (names tree, open action), which may
    sit in a compressed object stream, is read by the probing worker (pdfworker.probe: `features`)."""
    found: set[str] = set()
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return found
        with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            found.update(
                _PDF_ACTIVE[b"/" + m.group(1)] for m in _PDF_NAME.finditer(data) if not _in_stream(data, m.start())
            )
    except (OSError, ValueError):
        pass
    return found


def active_content_warning(found: set[str], name: str, where: str, line: int | None, report: Report) -> None:
    """Warn when the slides PDF carries JavaScript, launch actions or embedded files: it ships for download."""
    if found:
        report.warning(
            where,
            line,
            "slides.active-content",
            f"{name} contains {' and '.join(sorted(found))}; it ships as is for the 'Download slides' "
            "link: export the PDF again without them, or set slides.download: false",
        )
