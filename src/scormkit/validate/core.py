"""validate_path and package_info: safety -> manifest -> XML -> detection -> XSD -> rules -> LMS profile."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lxml import etree

from scormkit.diagnostics import Diagnostic

from . import cmi5 as cmi5_rules
from . import content, scorm
from .findings import PackageResult, finding
from .package import DEFAULT_LIMITS, Limits, Package, ReadError, locate_manifest, open_package
from .profiles import PROFILES, SERVER_EXT, ProfileSubject, check_profile
from .xmlsafe import line_of, parse, text_of

_PLACEHOLDER = re.compile(rb"@@[A-Za-z_]")
OPENEDX_WARN_SIZE = 50 * 1024 * 1024


def _upload_size(pkg: Package) -> int:
    """What an LMS upload limit applies to: the zip file's size, or the folder's total (a zip of it is smaller)."""
    if pkg.kind == "zip":
        try:
            return pkg.path.stat().st_size
        except OSError:
            return 0
    return pkg.total_size


def _check_lms(lms: str | None) -> None:
    if lms is not None and lms not in PROFILES:
        raise ValueError(f"unknown LMS profile {lms!r}; expected one of {', '.join(PROFILES)}")


def _read_manifest(pkg: Package, name: str, out: list[Diagnostic]) -> etree._Element | None:
    try:
        data = pkg.read(name, pkg.limits.max_manifest)
    except ReadError as exc:
        out.append(exc.finding)
        return None
    root, found = parse(data, name)
    out.extend(found)
    if root is not None and _PLACEHOLDER.search(data):
        m = _PLACEHOLDER.search(data)
        line = data.count(b"\n", 0, m.start()) + 1 if m else None
        out.append(
            finding(
                "pkg.template-placeholder",
                name,
                line,
                "the manifest still holds @@ placeholders of an authoring-tool template",
            )
        )
    return root


def validate_path(path: Path, *, lms: str | None = None, limits: Limits = DEFAULT_LIMITS) -> PackageResult:
    """Validate one package: a .zip, an unzipped folder, or a bare imsmanifest.xml / cmi5.xml / tincan.xml.

    Never extracts anything to disk and never fetches anything. Raises ValueError only for an unknown `lms`.
    """
    return _validated(path, lms, limits)[0]


@dataclass
class _Parsed:
    """The manifest as validation parsed it, for `package_info` to read its facts from without parsing again."""

    root: etree._Element | None = None
    manifest: scorm.Manifest | None = None  # SCORM only


def _validated(path: Path, lms: str | None, limits: Limits) -> tuple[PackageResult, Package, _Parsed]:
    _check_lms(lms)
    path = Path(path)
    result = PackageResult(path=path, lms=lms)
    parsed = _Parsed()
    pkg = open_package(path, limits)
    try:
        _validate(pkg, result, lms, parsed)
    finally:
        pkg.close()
    # one finding per (code, file, line, message)
    result.findings = list(dict.fromkeys(result.findings))
    return result, pkg, parsed


def _check_files_of_any_standard(pkg: Package, upload: int) -> list[Diagnostic]:
    """Server-side files, size, compression and names: independent of the standard."""
    out: list[Diagnostic] = []
    scripts = [n for n in pkg.names if n.lower().endswith(SERVER_EXT)]  # same as ext_of(n) in SERVER_EXT
    if scripts:
        shown = ", ".join(scripts[:3]) + (f" and {len(scripts) - 3} more" if len(scripts) > 3 else "")
        out.append(finding("pkg.server-script", scripts[0], None, f"server-side files in the package: {shown}"))
    if pkg.kind != "file" and upload > OPENEDX_WARN_SIZE:
        out.append(finding("pkg.size", pkg.path.name, None, f"the package is {upload / 1024 / 1024:.1f} MB to upload"))
    out.extend(content.check_compression(pkg))
    out.extend(content.check_names(pkg))
    return out


def _validate(pkg: Package, result: PackageResult, lms: str | None, parsed: _Parsed) -> None:
    out = result.findings
    out.extend(pkg.findings)
    if any(f.code in ("pkg.not-found", "zip.corrupt", "pkg.special-file") for f in pkg.findings) and not pkg.sizes:
        return
    upload = _upload_size(pkg)
    out.extend(_check_files_of_any_standard(pkg, upload))
    name, prefix, found = locate_manifest(pkg)
    out.extend(found)
    if name is None:
        return
    result.manifest = name
    root = parsed.root = _read_manifest(pkg, name, out)
    if root is None:
        return
    files = None if pkg.kind == "file" else scorm.FileIndex(pkg.names, prefix)
    if pkg.kind == "file":
        out.append(finding("pkg.bare-manifest", name, None, "only the manifest was given; file presence not checked"))
    subject = _Subject(pkg, name, prefix, root, files, result, parsed)
    base, local = PurePosixPath(subject.rel).name, etree.QName(root).localname
    check = next((check for matches, check in STANDARDS if matches(base, local)), None)
    if check is None:
        out.append(finding("detect.unknown-root", name, line_of(root), f"unknown manifest root {root.tag!r}"))
        return
    if not check(subject):
        return
    if files is not None:
        out.extend(content.check_launch_references(pkg, prefix, files, subject.launch_pages))
    if lms is not None:
        profiled = ProfileSubject(result, parsed.manifest, pkg.names, upload, name, pkg.path.name)
        out.extend(check_profile(lms, profiled))


@dataclass
class _Subject:
    """One manifest under validation: what a standard's checks read, and the files they found it references."""

    pkg: Package
    name: str  # the manifest's path in the package
    prefix: str  # the folder holding it ("" at the root)
    root: etree._Element
    files: scorm.FileIndex | None  # None for a bare manifest file
    result: PackageResult  # the checks add their findings, standard and edition
    parsed: _Parsed
    launch_pages: list[str] = field(default_factory=list)  # the pages the LMS launches, for their references

    @property
    def rel(self) -> str:
        return self.name[len(self.prefix) :]


def _check_scorm(m: _Subject) -> bool:
    out, result = m.result.findings, m.result
    std, ed, det = scorm.detect(m.root, m.name)
    out.extend(det)
    if std is None:
        return False
    result.standard, result.edition = std, ed
    result.schema_set = schema_set = scorm.schema_set_name(std, ed)
    manifest = m.parsed.manifest = scorm.load(m.root, std)
    # no XSD declares elements in no namespace (detect.no-namespace says so)
    if schema_set is not None and scorm.has_namespace(m.root):
        out.extend(scorm.check_xsd(m.root, schema_set, m.name, shared_ids=scorm.shared_identifiers(manifest)))
    rules, referenced = scorm.check_rules(manifest, m.name, m.files)
    out.extend(rules)
    if m.files is not None:
        out.extend(content.check_control_documents(m.root, m.name, posixpath.dirname(m.rel), m.files))
        extra = scorm.unlisted(m.files, referenced, m.rel)
        if extra:
            shown = ", ".join(extra[:5]) + (f" and {len(extra) - 5} more" if len(extra) > 5 else "")
            message = f"{len(extra)} package file(s) not listed in any resource: {shown}"
            out.append(finding("cp.file-unlisted", m.prefix + extra[0], None, message))
    m.launch_pages = scorm.launch_paths(manifest)
    return True


def _check_cmi5(m: _Subject) -> bool:
    out = m.result.findings
    if etree.QName(m.root).namespace != cmi5_rules.CMI5:
        message = f"root {m.root.tag!r} is not a cmi5 courseStructure in namespace {cmi5_rules.CMI5}"
        out.append(finding("detect.unknown-root", m.name, line_of(m.root), message))
        return False
    m.result.standard, m.result.schema_set = "cmi5", "cmi5"
    out.extend(scorm.check_xsd(m.root, "cmi5", m.name))
    rules, referenced = cmi5_rules.check_cmi5(m.root, m.name, m.files, bare=m.pkg.kind == "file")
    out.extend(rules)
    m.launch_pages = sorted(referenced)  # cmi5: the relative AU urls
    return True


def _check_tincan(m: _Subject) -> bool:
    out = m.result.findings
    m.result.standard = "xapi"
    out.append(finding("xsd.not-checked", m.name, None, "no official tincan.xml XSD exists; checked by rules only"))
    rules, referenced = cmi5_rules.check_tincan(m.root, m.name, m.files)
    out.extend(rules)
    m.launch_pages = sorted(referenced)  # tincan.xml: the <launch> files
    return True


#: The standards a manifest can be, each recognised by its file name and root element (first match wins), with
#: its checks; a check returns False when the manifest is not what it looked like and validation stops there.
STANDARDS: tuple[tuple[Callable[[str, str], bool], Callable[[_Subject], bool]], ...] = (
    (lambda base, local: base.lower() == "imsmanifest.xml" or local == "manifest", _check_scorm),
    (lambda base, local: local == "courseStructure" or base == "cmi5.xml", _check_cmi5),
    (lambda base, local: local == "tincan" or base == "tincan.xml", _check_tincan),
)


def package_info(path: Path) -> dict:
    """What `scormkit info` prints: standard, edition, title, SCOs/AUs, launch, mastery, objectives, files, sizes.

    Also carries "valid" and "errors" (codes) from a full validation, so `info` can say if something is wrong.
    """
    path = Path(path)
    result, pkg, parsed = _validated(path, None, DEFAULT_LIMITS)
    info: dict = {
        "path": str(path),
        "standard": result.standard,
        "edition": result.edition,
        "schema_set": result.schema_set,
        "label": result.label,
        "manifest": result.manifest,
        "title": None,
        "units": [],
        "launch": None,
        "mastery": None,
        "objectives": [],
        "files": [{"path": n, "size": s} for n, s in sorted(pkg.sizes.items())],
        "total_size": pkg.total_size,
        "valid": result.valid,
        "errors": sorted({f.code for f in result.errors}),
    }
    if result.manifest is None or any(
        f.code.startswith(("zip.", "xml.")) and f.severity.value == "error" for f in result.findings
    ):
        return info
    root = parsed.root
    if root is None:
        return info
    if parsed.manifest is not None:  # SCORM 1.2 or 2004
        _scorm_info(parsed.manifest, info)
    elif result.standard == "cmi5":
        c = cmi5_rules.cmi5_info(root)
        info["title"], info["objectives"] = c["title"], c["objectives"]
        info["units"] = c["units"]
        info["launch"] = c["units"][0]["launch"] if c["units"] else None
        scores = {u["masteryScore"] for u in c["units"] if u["masteryScore"] is not None}
        info["mastery"] = scores.pop() if len(scores) == 1 else (sorted(scores) or None)
    elif result.standard == "xapi":
        ns = etree.QName(root).namespace
        q = (lambda n: f"{{{ns}}}{n}") if ns else (lambda n: n)
        acts = list(root.iter(q("activity")))
        for a in acts:
            launch = a.find(q("launch"))
            name = a.find(q("name"))
            unit = {
                "id": (a.get("id") or "").strip(),
                "title": (name.text or "").strip() if name is not None else None,
                "launch": (launch.text or "").strip() if launch is not None else None,
            }
            info["units"].append(unit)
            if unit["launch"] and info["launch"] is None:
                info["launch"], info["title"] = unit["launch"], unit["title"]
    return info


def _scorm_info(m: scorm.Manifest, info: dict) -> None:
    info["title"] = m.title
    masteries = []
    for item in m.leaf_items():
        res = m.resources.get((item.get("identifierref") or "").strip())
        t = item.find(m.q("title"))
        unit = {
            "id": (item.get("identifier") or "").strip(),
            "title": text_of(t).strip() if t is not None else None,
            "scormtype": (res.scormtype or "").lower() or None if res else None,
            "launch": None,
            "mastery": None,
        }
        if res is not None and res.href:
            path, _ = scorm.resolve(res.base, res.href)
            unit["launch"] = (path or res.href.strip()) + (item.get("parameters") or "").strip()
        if m.standard == "scorm12":
            ms = item.find(f"{{{m.adlcp}}}masteryscore")
            if ms is not None:
                unit["mastery"] = (ms.text or "").strip()
        else:
            mnm = item.find(f".//{{{scorm.IMSSS}}}primaryObjective/{{{scorm.IMSSS}}}minNormalizedMeasure")
            if mnm is not None:
                unit["mastery"] = (mnm.text or "").strip()
        if unit["mastery"] is not None:
            masteries.append(unit["mastery"])
        info["units"].append(unit)
    if info["units"]:
        info["launch"] = info["units"][0]["launch"]
    info["mastery"] = masteries[0] if len(set(masteries)) == 1 else (masteries or None)
    objectives = []
    for obj in m.root.iter(f"{{{scorm.IMSSS}}}primaryObjective", f"{{{scorm.IMSSS}}}objective"):
        oid = (obj.get("objectiveID") or "").strip()
        if oid and oid not in objectives:
            objectives.append(oid)
    info["objectives"] = [{"id": o} for o in objectives]
