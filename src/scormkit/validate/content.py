"""Rules on the package's files rather than its manifest: compression methods, file names, Flash, the XSD control
documents, and the files a browser would fail to load from the launch page (read, never executed)."""

from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from typing import cast
from urllib.parse import unquote, urlsplit

from lxml import etree

from scormkit.diagnostics import Diagnostic

from .findings import finding
from .package import Package, ReadError
from .scorm import FileIndex
from .xmlsafe import line_of

# zip compression methods LMS extractors read (PHP's ZipArchive/libzip, Java's java.util.zip, .NET's
# System.IO.Compression all read these two; Deflate64 (9), bzip2 (12), LZMA (14), zstd (93), xz (95) and PPMd
# (98) break most of them)
READABLE_METHODS = {0: "stored", 8: "deflate"}
METHOD_NAMES = {
    1: "shrunk",
    6: "imploded",
    9: "Deflate64",
    12: "bzip2",
    14: "LZMA",
    93: "Zstandard",
    95: "xz",
    98: "PPMd",
    99: "AES-encrypted",
}
from scormkit.standards import XSI, XSI_SCHEMA_LOCATION  # noqa: E402

# what the launch-page crawl may read: enough for real launch pages, bounded for hostile ones
MAX_PAGES = 40
MAX_PAGE_BYTES = 2 * 1024 * 1024
MAX_MISSING = 20
MAX_LINKS = 5000  # references looked up in all (each lookup is a dictionary probe, bounded for hostile pages)


def check_compression(pkg: Package) -> list[Diagnostic]:
    if pkg.kind != "zip":
        return []
    odd: dict[str, list[str]] = {}
    for name, info in pkg._infos.items():
        if info.compress_type not in READABLE_METHODS:
            label = METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
            odd.setdefault(label, []).append(name)
    out = []
    for label, names in sorted(odd.items()):
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        out.append(
            finding(
                "zip.compression",
                names[0],
                None,
                f"{len(names)} entr{'y is' if len(names) == 1 else 'ies are'} compressed with {label} "
                f"({shown}); LMS extractors read only stored and deflate",
            )
        )
    return out


def check_names(pkg: Package) -> list[Diagnostic]:
    """Non-ASCII file names and Flash content."""
    out: list[Diagnostic] = []
    if pkg.kind == "file":
        return out
    odd = [n for n in pkg.names if not n.isascii()]
    if odd:
        shown = ", ".join(odd[:3]) + (f" and {len(odd) - 3} more" if len(odd) > 3 else "")
        out.append(
            finding("pkg.non-ascii-name", odd[0], None, f"{len(odd)} file name(s) with non-ASCII characters: {shown}")
        )
    flash = [n for n in pkg.names if n.lower().endswith(".swf")]
    if flash:
        shown = ", ".join(flash[:3]) + (f" and {len(flash) - 3} more" if len(flash) > 3 else "")
        out.append(
            finding(
                "pkg.flash",
                flash[0],
                None,
                f"{len(flash)} Flash file(s) ({shown}); no browser has run Flash since 2021",
            )
        )
    return out


def schema_locations(root: etree._Element) -> list[tuple[str, str, int | None]]:
    """(namespace, location, line) pairs of every xsi:schemaLocation in the manifest."""
    out: list[tuple[str, str, int | None]] = []
    located = cast(
        list[etree._Element], root.xpath("descendant-or-self::*[@xsi:schemaLocation]", namespaces={"xsi": XSI})
    )
    for el in located:
        parts = (el.get(XSI_SCHEMA_LOCATION) or "").split()
        out.extend((parts[i], parts[i + 1], line_of(el)) for i in range(0, len(parts) - 1, 2))
    return out


def check_control_documents(root: etree._Element, file: str, manifest_dir: str, files: FileIndex) -> list[Diagnostic]:
    """`pkg.control-documents`: the XSDs xsi:schemaLocation names must be in the package (ADL CTS, docs/lms-pitfalls.md rule 26).

    Only locations relative to the manifest are checked: a URL is fetched by whoever validates, and nothing here
    fetches anything.
    """
    missing: list[str] = []
    line = None
    for _ns, location, ln in schema_locations(root):
        parts = urlsplit(location)
        if parts.scheme or parts.netloc or location.startswith("/"):
            continue
        path = posixpath.normpath(posixpath.join(manifest_dir, unquote(parts.path)))
        if files.lookup(path)[0] != "ok" and path not in missing:
            missing.append(path)
            line = line or ln
    if not missing:
        return []
    shown = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
    return [
        finding(
            "pkg.control-documents",
            file,
            line,
            f"xsi:schemaLocation names {len(missing)} control document(s) the package lacks: {shown}; "
            "ADL's conformance test suite requires them at the package root (LMSs do not check)",
        )
    ]


# --- files a browser would request from the launch page -----------------------------------------------------

_URL_ATTRS = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "object": ("data",),
    "input": ("src",),
    "link": ("href",),
}
_FOLLOW = (".html", ".htm", ".xhtml", ".css")
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""", re.IGNORECASE)
_TEMPLATE = re.compile(r"\{\{|\$\{|<%|%>|\{%")


class _Links(HTMLParser):
    """Collects (url, line) of the resources an HTML page makes the browser load, and its <base href>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, int]] = []
        self.base: str | None = None
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v for k, v in attrs if v is not None}
        line = self.getpos()[0]
        if tag == "base" and "href" in a and self.base is None:
            self.base = a["href"].strip()
        if tag == "link" and not (
            {"stylesheet", "icon", "preload", "modulepreload", "manifest"} & set((a.get("rel") or "").lower().split())
        ):
            return  # rel=alternate/canonical/... are not fetched
        for attr in _URL_ATTRS.get(tag, ()):
            if attr not in a:
                continue
            if attr == "srcset":
                for candidate in a[attr].split(","):
                    url = candidate.strip().split(" ")[0]
                    if url:
                        self.links.append((url, line))
            else:
                self.links.append((a[attr], line))
        if "style" in a:
            self.links.extend((m.group(2) or m.group(4), line) for m in _CSS_URL.finditer(a["style"]))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            line = self.getpos()[0]
            self.links.extend(
                (m.group(2) or m.group(4), line + data.count("\n", 0, m.start())) for m in _CSS_URL.finditer(data)
            )


def _local_target(page: str, url: str, base: str | None) -> str | None:
    """The package path a relative URL on `page` names; None for URLs that leave the package or are generated."""
    url = url.strip()
    if not url or url.startswith(("#", "//")) or _TEMPLATE.search(url):
        return None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None  # http(s):, data:, javascript:, mailto:, blob: ...
    if base is not None:
        bparts = urlsplit(base)
        if bparts.scheme or bparts.netloc or base.startswith("/"):
            return None
    if parts.path.startswith("/") or not parts.path:
        return None
    folder = posixpath.dirname(page)
    if base:
        folder = posixpath.normpath(posixpath.join(folder, base if base.endswith("/") else posixpath.dirname(base)))
    path = posixpath.normpath(posixpath.join(folder, unquote(parts.path)))
    return None if path.startswith("../") or path == ".." else path


def _links_of(name: str, data: bytes) -> tuple[list[tuple[str, int]], str | None]:
    text = data.decode("utf-8", "replace")
    if name.lower().endswith(".css"):
        return [(m.group(2) or m.group(4), text.count("\n", 0, m.start()) + 1) for m in _CSS_URL.finditer(text)], None
    parser = _Links()
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError):  # html.parser gives up on some broken markup: keep what it found
        pass
    return parser.links, parser.base


def check_launch_references(pkg: Package, prefix: str, files: FileIndex, launch_pages: list[str]) -> list[Diagnostic]:
    """`html.missing-file`: what the launch pages (and the pages and stylesheets they load) reference but the
    package lacks: the 404s a browser would hit. Scripts are not run; URLs built by JavaScript are not seen."""
    out: list[Diagnostic] = []
    queue = [p for p in dict.fromkeys(launch_pages) if p.lower().endswith(_FOLLOW) and files.lookup(p)[0] == "ok"]
    seen = set(queue)
    reported: set[str] = set()
    read = looked = 0
    while queue and read < MAX_PAGES:
        page = queue.pop(0)
        full = prefix + page
        if pkg.sizes.get(full, 0) > MAX_PAGE_BYTES:
            continue
        if pkg.kind == "dir" and not (pkg.path / full).is_file():
            continue  # never open a FIFO or device that sits under a page's name
        try:
            data = pkg.read(full, MAX_PAGE_BYTES)
        except (ReadError, OSError):
            continue
        read += 1
        links, base = _links_of(page, data)
        budget = MAX_LINKS - looked
        looked += min(len(links), max(budget, 0))
        for url, line in links[: max(budget, 0)]:
            target = _local_target(page, url, base)
            if target is None:
                continue
            state, real = files.lookup(target)
            if state == "ok":
                if target.lower().endswith(_FOLLOW) and target not in seen:
                    seen.add(target)
                    queue.append(target)
                continue
            if target in reported or len(reported) >= MAX_MISSING:
                continue
            reported.add(target)
            if state == "case":
                out.append(
                    finding(
                        "cp.case-mismatch",
                        prefix + page,
                        line,
                        f"{page} loads {url!r}, but the package has {real!r} (case differs)",
                        fix=f"change the reference to {real!r} or rename the file",
                    )
                )
            else:
                out.append(
                    finding(
                        "html.missing-file",
                        prefix + page,
                        line,
                        f"{page} loads {url!r}: {target!r} is not in the package (the browser gets a 404)",
                    )
                )
    return out
