"""cmi5.xml (course structure) and tincan.xml rules: the checks an LMS must make that the XSD cannot."""

from __future__ import annotations

import math
import posixpath
import re
from urllib.parse import parse_qsl, unquote, urlsplit

from lxml import etree

from scormkit.diagnostics import Diagnostic
from scormkit.standards import CMI5, is_absolute_iri
from scormkit.standards import CMI5_RESERVED_LAUNCH_PARAMETERS as RESERVED

from .findings import finding
from .scorm import FileIndex, case_mismatch
from .xmlsafe import line_of

MOVE_ON = {"Passed", "Completed", "CompletedAndPassed", "CompletedOrPassed", "NotApplicable"}


def _q(local: str) -> str:
    return f"{{{CMI5}}}{local}"


def check_cmi5(
    root: etree._Element, file: str, files: FileIndex | None, *, bare: bool
) -> tuple[list[Diagnostic], set[str]]:
    out: list[Diagnostic] = []
    referenced: set[str] = set()
    seen: dict[str, int | None] = {}
    for el in root.iter(_q("course"), _q("block"), _q("au"), _q("objective")):
        kind = etree.QName(el).localname
        ident = el.get("id")
        if ident is None:
            continue  # the XSD reports a missing id
        ident = ident.strip()
        if not is_absolute_iri(ident):
            out.append(finding("cmi5.id-not-iri", file, line_of(el), f"{kind} id {ident!r} is not an absolute IRI"))
        if ident in seen:
            out.append(
                finding(
                    "cmi5.duplicate-id",
                    file,
                    line_of(el),
                    f"{kind} id {ident!r} is already used at line {seen[ident]}",
                )
            )
        else:
            seen[ident] = line_of(el)
    for au in root.iter(_q("au")):
        au_id = (au.get("id") or "").strip()
        move_on = au.get("moveOn")
        if move_on is None:
            out.append(
                finding("cmi5.moveon", file, line_of(au), f"AU {au_id!r} has no moveOn; it defaults to NotApplicable")
            )
        url_el = au.find(_q("url"))
        if url_el is None or not (url_el.text or "").strip():
            continue  # XSD error
        url = (url_el.text or "").strip()
        line = line_of(url_el)
        if re.search(r"\s", url):
            out.append(finding("cmi5.url-invalid", file, line, f"AU url {url!r} contains whitespace"))
            continue
        parts = urlsplit(url)
        for key, _ in parse_qsl(parts.query, keep_blank_values=True):
            if key in RESERVED:
                out.append(
                    finding(
                        "cmi5.reserved-parameter",
                        file,
                        line,
                        f"AU url {url!r} sets {key!r}, which the LMS adds at launch",
                    )
                )
        if parts.scheme:
            if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
                out.append(finding("cmi5.url-invalid", file, line, f"AU url {url!r} is not an http(s) URL with a host"))
            continue
        if bare:
            out.append(
                finding(
                    "cmi5.relative-url-no-zip",
                    file,
                    line,
                    f"AU url {url!r} is relative, but cmi5.xml was given without a zip to resolve it",
                )
            )
            continue
        if parts.path.startswith("/") or parts.netloc:
            out.append(
                finding("cmi5.url-invalid", file, line, f"AU url {url!r} is not relative to cmi5.xml (starts with '/')")
            )
            continue
        path = posixpath.normpath(unquote(parts.path))
        if path.startswith(".."):
            out.append(finding("cmi5.url-invalid", file, line, f"AU url {url!r} points outside the package"))
            continue
        referenced.add(path)
        if files is not None:
            state, real = files.lookup(path)
            if state == "case":
                referenced.add(real or path)
                out.append(case_mismatch(file, line, f"AU url {url!r} names {path!r}", real, "url"))
            elif state == "missing":
                out.append(
                    finding("cmi5.au-file-missing", file, line, f"AU url {url!r}: {path!r} is not in the package")
                )
    return out, referenced


def check_tincan(root: etree._Element, file: str, files: FileIndex | None) -> tuple[list[Diagnostic], set[str]]:
    out: list[Diagnostic] = []
    referenced: set[str] = set()
    ns = etree.QName(root).namespace
    q = (lambda n: f"{{{ns}}}{n}") if ns else (lambda n: n)
    activities = list(root.iter(q("activity")))
    launches = []
    for act in activities:
        ident = (act.get("id") or "").strip()
        if not is_absolute_iri(ident):
            out.append(
                finding("tincan.id-not-iri", file, line_of(act), f"activity id {ident!r} is not an absolute IRI")
            )
        for launch in act.findall(q("launch")):
            if (launch.text or "").strip():
                launches.append(launch)
    if not launches:
        out.append(finding("tincan.launch-missing", file, line_of(root), "no activity has a <launch> element"))
    for launch in launches:
        url = (launch.text or "").strip()
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            continue
        path = posixpath.normpath(unquote(parts.path.lstrip("/")))
        referenced.add(path)
        if files is None:
            continue
        state, real = files.lookup(path)
        if state == "case":
            out.append(
                finding(
                    "cp.case-mismatch",
                    file,
                    line_of(launch),
                    f"launch {url!r} names {path!r} but the package has {real!r} (case differs)",
                )
            )
        elif state == "missing":
            out.append(
                finding(
                    "tincan.launch-file-missing", file, line_of(launch), f"launch file {path!r} is not in the package"
                )
            )
    return out, referenced


def _score(text: str | None) -> float | str | None:
    """masteryScore as a number when it is one (finite), else the text as written (rules report it)."""
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return text
    return value if math.isfinite(value) else text


def cmi5_info(root: etree._Element) -> dict:
    def text(el: etree._Element | None) -> str | None:
        if el is None:
            return None
        ls = el.find(_q("langstring"))
        return (ls.text or "").strip() if ls is not None else None

    course = root.find(_q("course"))
    aus = []
    for au in root.iter(_q("au")):
        url = au.find(_q("url"))
        ms = au.get("masteryScore")
        aus.append(
            {
                "id": (au.get("id") or "").strip(),
                "title": text(au.find(_q("title"))),
                "launch": (url.text or "").strip() if url is not None else None,
                "moveOn": au.get("moveOn"),
                "masteryScore": _score(ms),
            }
        )
    objectives = [
        {"id": (o.get("id") or "").strip(), "title": text(o.find(_q("title")))}
        for o in root.iter(_q("objective"))
        if o.get("id")
    ]
    return {
        "title": text(course.find(_q("title"))) if course is not None else None,
        "units": aus,
        "objectives": objectives,
    }
