"""SCORM 1.2 / 2004 manifests: edition detection, XSD, content-packaging and sequencing rules."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import cast
from urllib.parse import unquote, urlsplit

from lxml import etree

from scormkit.diagnostics import Diagnostic
from scormkit.schemas import schema_for
from scormkit.standards import ADLCP_12 as ADLCP12
from scormkit.standards import ADLCP_2004 as ADLCP2004
from scormkit.standards import ADLNAV, ADLSEQ, IMSSS, LAUNCH_DATA_MAX_12, XML_BASE
from scormkit.standards import IMSCP_12 as CP12
from scormkit.standards import IMSCP_2004 as CP2004
from scormkit.standards import IMSMD_12 as IMSMD12

from .findings import finding
from .xmlsafe import line_of, text_of

MAX_XSD_FINDINGS = 20
SCHEMA_FILE_RE = re.compile(r"\.(xsd|dtd|xsx)$", re.IGNORECASE)


def detect(root: etree._Element, file: str) -> tuple[str | None, str | None, list[Diagnostic]]:
    """(standard, edition, findings) from <schemaversion> and the namespaces in use."""
    out: list[Diagnostic] = []
    ns = etree.QName(root).namespace
    if ns is None and etree.QName(root).localname == "manifest":
        return _detect_no_namespace(root, file)
    by_ns = _by_namespaces(root, ns)
    sv_el = root.find(f"{{{ns}}}metadata/{{{ns}}}schemaversion") if ns else None
    raw_sv = (sv_el.text or "").strip() if sv_el is not None else ""
    line = line_of(sv_el) if sv_el is not None else None
    by_sv = _by_schemaversion(raw_sv)
    if by_ns is None and by_sv is None:
        out.append(
            finding(
                "detect.unknown-root",
                file,
                line_of(root),
                f"root element {root.tag!r} is not an IMS content-packaging manifest",
            )
        )
        return None, None, out
    if by_sv is None:
        std, ed = by_ns  # type: ignore[misc]
        if std == "scorm2004" and ed is None:
            ed = "4th"
        shown = sv_el.text.strip() if sv_el is not None and sv_el.text else "missing"
        guess = "SCORM 1.2" if std == "scorm12" else f"SCORM 2004 {ed} Edition"
        out.append(
            finding(
                "detect.schemaversion", file, line, f"schemaversion is {shown!r}; guessed {guess} from the namespaces"
            )
        )
        return std, ed, out
    if by_ns is not None and by_ns[0] != by_sv[0]:
        out.append(
            finding(
                "detect.version-mismatch",
                file,
                line,
                f"schemaversion {raw_sv!r} says {by_sv[0]} but the namespaces are {by_ns[0]}'s;"
                " validated as " + by_ns[0],
            )
        )
        std = by_ns[0]
        return std, (by_ns[1] or "4th") if std == "scorm2004" else None, out
    return by_sv[0], by_sv[1], out


Edition = tuple[str, str | None]  # (standard, edition or None)


def _by_namespaces(root: etree._Element, ns: str | None) -> Edition | None:
    """The standard the namespaces in use say (and the edition, when only 4th Edition has the constructs)."""
    used = _namespaces_in_use(root) | {ns}
    if ns == CP12 or (ADLCP12 in used and ADLCP2004 not in used):
        return ("scorm12", None)
    if ns != CP2004:
        return None
    if {ADLCP2004, IMSSS, ADLSEQ, ADLNAV} & used:
        # 4th-Ed-only constructs decide between editions when schemaversion does not
        fourth = next(root.iter(f"{{{ADLCP2004}}}data", f"{{{ADLCP2004}}}map"), None) is not None
        return ("scorm2004", "4th" if fourth else None)
    return ("scorm2004", None)


def _by_schemaversion(text: str) -> Edition | None:
    """The standard and edition <schemaversion> names, if it names one."""
    sv_text = " ".join(text.split()).lower()
    if re.fullmatch(r"1\.2", sv_text):
        return ("scorm12", None)
    if "cam 1.3" in sv_text or "2nd" in sv_text:
        return ("scorm2004", "2nd")
    if "3rd" in sv_text:
        return ("scorm2004", "3rd")
    if "4th" in sv_text:
        return ("scorm2004", "4th")
    return None


def _namespaces_in_use(root: etree._Element) -> set[str]:
    """Namespaces declared on the root or used by an element or attribute name (cheaper than every nsmap)."""
    used: set[str] = set(root.nsmap.values())
    for el in root.iter():
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if tag[0] == "{":
            used.add(tag[1 : tag.index("}")])
        for key in cast("list[str]", el.keys()):
            if key[0] == "{":
                used.add(key[1 : key.index("}")])
    return used


def _detect_no_namespace(root: etree._Element, file: str) -> tuple[str | None, str | None, list[Diagnostic]]:
    """A <manifest> in no namespace: Moodle (namespace-blind parser) and Open edX (empty prefix) import it.

    It is read as SCORM 1.2 unless its schemaversion names a 2004 edition; no XSD applies to elements in no
    namespace, so the XSD step is skipped and the warning says so.
    """
    sv_el = root.find("metadata/schemaversion")
    raw_sv = (sv_el.text or "").strip() if sv_el is not None else ""
    sv_text = " ".join(raw_sv.split()).lower()
    std, ed = "scorm12", None
    for key, edition in (("cam 1.3", "2nd"), ("2nd", "2nd"), ("3rd", "3rd"), ("4th", "4th")):
        if key in sv_text:
            std, ed = "scorm2004", edition
            break
    label = "SCORM 1.2" if std == "scorm12" else f"SCORM 2004 {ed} Edition"
    return (
        std,
        ed,
        [
            finding(
                "detect.no-namespace",
                file,
                line_of(root),
                f"<manifest> has no XML namespace; read as {label} the way Moodle and Open edX import "
                "it (ADL-conformant LMSs reject it); the XSD was not checked",
            )
        ],
    )


def has_namespace(root: etree._Element) -> bool:
    return etree.QName(root).namespace is not None


def schema_set_name(standard: str | None, edition: str | None) -> str | None:
    if standard == "scorm12":
        return "scorm12"
    if standard == "scorm2004":
        return f"scorm2004-{edition or '4th'}"
    if standard == "cmi5":
        return "cmi5"
    return None


_ID_QUIRK = re.compile(r"atomic type 'xs:(ID|IDREF|NCName)'")
_ID_VALUE = re.compile(r"attribute 'identifier': '([^']*)' is not a valid value of the atomic type 'xs:ID'")
# XSD error classes that no LMS enforces (docs/validate.md, "XSD policy"): each is a warning with its own code.
# adlcp:datafromlms: the 1.2 CAM schema caps it at 255 characters, the 1.2 run-time's cmi.launch_data at 4,096,
# and LMSs store what the run-time allows.
_LENIENT_LENGTH = re.compile(
    rf"\{{{re.escape(ADLCP12)}\}}datafromlms': \[facet 'maxLength'\] "
    r"The value has a length of '(\d+)'"
)
_EMPTY_BOOLEAN = re.compile(r"attribute '[^']+': '' is not a valid value of the atomic type 'xs:boolean'")
# a child of imsss:sequencing the schema knows, only at another position (IMS SS fixes their order; LMSs read
# them by name)
_IMSSS_ORDER = re.compile(
    rf"^Element '\{{{re.escape(IMSSS)}\}}(controlMode|sequencingRules|"
    r"limitConditions|auxiliaryResources|rollupRules|objectives|randomizationControls|"
    r"deliveryControls)': This element is not expected\."
)


def _xsd_class(msg: str, set_name: str) -> str:
    """The rule code of one XSD error message: a warning class (no LMS enforces it) or xsd.invalid."""
    if IMSMD12 in msg and set_name == "scorm12":
        return "xsd.metadata"
    if _ID_QUIRK.search(msg) and "@@" not in msg:
        return "xsd.id-syntax"
    m = _LENIENT_LENGTH.search(msg)
    if m and int(m.group(1)) <= LAUNCH_DATA_MAX_12:
        return "xsd.length"
    if _EMPTY_BOOLEAN.search(msg):
        return "xsd.empty-boolean"
    if _IMSSS_ORDER.search(msg):
        return "xsd.imsss-order"
    return "xsd.invalid"


def check_xsd(
    root: etree._Element, set_name: str, file: str, *, shared_ids: frozenset[str] = frozenset()
) -> list[Diagnostic]:
    """XSD errors, each classified by `_xsd_class`. An identifier an item and a resource share is reported by
    `cp.identifier-shared` once, so its xs:ID error is dropped here."""
    schema = schema_for(set_name)
    if schema.validate(root.getroottree()):
        return []
    out: list[Diagnostic] = []
    errors = [
        e
        for e in cast("Iterable[etree._LogEntry]", schema.error_log)
        if not ((m := _ID_VALUE.search(e.message)) and m.group(1).strip() in shared_ids)
    ]
    for e in errors[:MAX_XSD_FINDINGS]:
        msg = e.message
        label = f"{set_name}, IMS MD 1.2" if IMSMD12 in msg and set_name == "scorm12" else set_name
        out.append(finding(_xsd_class(msg, set_name), file, e.line, f"XSD ({label}): {msg}"))
    if len(errors) > MAX_XSD_FINDINGS:
        out.append(finding("xsd.invalid", file, None, f"... and {len(errors) - MAX_XSD_FINDINGS} more XSD errors"))
    return out


def case_mismatch(file: str, line: int | None, what: str, real: str | None, attribute: str) -> Diagnostic:
    """cp.case-mismatch: `what` (a reference, said with its path) names `real` in another letter case."""
    return finding(
        "cp.case-mismatch",
        file,
        line,
        f"{what} but the package has {real!r} (case differs)",
        fix=f"change the {attribute} to {real!r} or rename the file",
    )


def decimal_of(text: str | None) -> Decimal | None:
    """The finite decimal number `text` spells (surrounding blanks allowed), else None."""
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def join_base(*parts: str | None) -> str:
    """Resolve xml:base values and an href the way RFC 3986 does for relative references."""
    base = ""
    for part in parts:
        if not part:
            continue
        part = part.strip()
        if (urlsplit(part).scheme and len(urlsplit(part).scheme) > 1) or part.startswith("/"):
            base = part
        else:
            base = posixpath.join(posixpath.dirname(base) if base and not base.endswith("/") else base, part)
    return base


@dataclass
class Resource:
    identifier: str
    raw_id: str
    href: str | None
    base: str
    scormtype: str | None
    line: int | None
    files: list[tuple[str, int | None]] = field(default_factory=list)  # resolved, line


@dataclass
class Manifest:
    """What the rules and `scormkit info` need from a parsed imsmanifest.xml."""

    root: etree._Element
    ns: str
    adlcp: str
    standard: str
    title: str | None = None
    default_org: str | None = None
    organizations: list[etree._Element] = field(default_factory=list)
    resources: dict[str, Resource] = field(default_factory=dict)
    resource_order: list[str] = field(default_factory=list)
    base_levels: set[str] = field(default_factory=set)  # "manifest", "resources", "resource"
    _shared: frozenset[str] | None = None  # cache of shared_identifiers()

    def q(self, local: str) -> str:
        return f"{{{self.ns}}}{local}"

    def items(self) -> list[etree._Element]:
        return [i for org in self.organizations for i in org.iter(self.q("item"))]

    def identified(self) -> list[tuple[etree._Element, str]]:
        """(element, local name) of the manifest, organizations, items and resources, in document order."""
        names = ("manifest", "organization", "item", "resource")
        tags = {self.q(n): n for n in names} | {n: n for n in names}  # "{}item" is iterated as "item"
        return [(el, tags[el.tag]) for el in self.root.iter(*(self.q(n) for n in names))]

    def leaf_items(self) -> list[etree._Element]:
        return [i for i in self.items() if i.get("identifierref")]


def load(root: etree._Element, standard: str) -> Manifest:
    ns = etree.QName(root).namespace or ""
    adlcp = ADLCP12 if standard == "scorm12" else ADLCP2004
    m = Manifest(root=root, ns=ns, adlcp=adlcp, standard=standard)
    orgs = root.find(m.q("organizations"))
    if orgs is not None:
        m.default_org = (orgs.get("default") or "").strip() or None
        m.organizations = orgs.findall(m.q("organization"))
    res_el = root.find(m.q("resources"))
    mbase = root.get(XML_BASE)
    rbase = res_el.get(XML_BASE) if res_el is not None else None
    if mbase:
        m.base_levels.add("manifest")
    if rbase:
        m.base_levels.add("resources")
    if res_el is not None:
        for r in res_el.findall(m.q("resource")):
            own = r.get(XML_BASE)
            if own:
                m.base_levels.add("resource")
            base = join_base(mbase, rbase, own)
            raw = r.get("identifier") or ""
            href = r.get("href")
            res = Resource(
                identifier=raw.strip(),
                raw_id=raw,
                href=href,
                base=base,
                scormtype=(r.get(f"{{{adlcp}}}scormtype") or r.get(f"{{{adlcp}}}scormType")),
                line=line_of(r),
            )
            for f in r.findall(m.q("file")):
                if f.get("href") is not None:
                    res.files.append((f.get("href") or "", line_of(f)))
            m.resources.setdefault(res.identifier, res)
            m.resource_order.append(res.identifier)
    if m.organizations:
        org = next(
            (o for o in m.organizations if (o.get("identifier") or "").strip() == m.default_org), m.organizations[0]
        )
        t = org.find(m.q("title"))
        m.title = (t.text or "").strip() if t is not None else None
    return m


def resolve(base: str, href: str) -> tuple[str | None, str]:
    """(package path or None when external, kind) for an href under an xml:base. kind: ok|external|absolute."""
    href = href.strip()
    parts = urlsplit(href)
    if parts.scheme and len(parts.scheme) > 1:
        return None, ("absolute" if parts.scheme.lower() == "file" else "external")
    if href.startswith("/") or href.startswith("\\"):
        return None, "absolute"
    full = join_base(base, parts.path) if base else parts.path
    fparts = urlsplit(full)
    if fparts.scheme and len(fparts.scheme) > 1:
        return None, "external"
    if full.startswith("/"):
        return None, "absolute"
    path = posixpath.normpath(unquote(full)) if full else full
    return path, "ok"


class FileIndex:
    """Exact and case-insensitive lookup of the package's files under the package root."""

    def __init__(self, names: list[str], prefix: str):
        self.names = [n[len(prefix) :] for n in names if n.startswith(prefix)]
        self.exact = set(self.names)
        self.lower: dict[str, str] = {}
        for n in self.names:
            self.lower.setdefault(n.lower(), n)
        # Every folder that holds a file, so a missing path is one set lookup (a scan per path was quadratic:
        # 40,000 missing files took 164 s).
        self.folders = {n[:i] for n in self.names for i in range(len(n)) if n[i] == "/"}

    def lookup(self, path: str) -> tuple[str, str | None]:
        """('ok', path) | ('case', real name) | ('missing', None)."""
        if path in self.exact:
            return "ok", path
        real = self.lower.get(path.lower())
        if real is not None:
            return "case", real
        # an href may name a folder's index (rare) or the listing may hold folders (tincan prototypes)
        if path.rstrip("/") in self.folders:
            return "ok", path
        return "missing", None


def shared_identifiers(m: Manifest) -> frozenset[str]:
    """Identifiers used exactly once by an item and once by a resource (and by nothing else).

    LMSs key items and resources in separate tables, so such a clash imports everywhere; only xs:ID (one ID
    space per document) forbids it. Any other repeat stays `cp.identifier-duplicate`.
    """
    if m._shared is not None:
        return m._shared
    kinds: dict[str, list[str]] = {}
    for el, local in m.identified():
        ident = (el.get("identifier") or "").strip()
        if ident:
            kinds.setdefault(ident, []).append(local)
    m._shared = frozenset(i for i, k in kinds.items() if sorted(k) == ["item", "resource"])
    return m._shared


def check_rules(m: Manifest, file: str, files: FileIndex | None) -> tuple[list[Diagnostic], set[str]]:
    """Content-packaging rules. Returns (findings, package paths referenced by the manifest)."""
    out = _check_identifiers(m, file) + _check_organizations(m, file) + _check_references(m, file)
    out += _check_xml_base(m, file)
    file_findings, referenced = _check_files(m, file, files)
    out += file_findings
    out.extend(_check_scores(m, file))
    out.extend(_check_titles(m, file))
    if m.standard == "scorm2004":
        out.extend(_check_sequencing(m, file))
    else:
        out.extend(_check_lom12(m, file))
    return out, referenced


def _check_identifiers(m: Manifest, file: str) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    # identifiers unique after trimming (ADL pads them; xs:ID collapses whitespace)
    shared = shared_identifiers(m)
    seen: dict[str, int | None] = {}
    for el, _local in m.identified():
        ident = (el.get("identifier") or "").strip()
        if not ident:
            continue
        if ident in seen:
            if ident in shared:
                continue  # reported once below
            out.append(
                finding(
                    "cp.identifier-duplicate",
                    file,
                    line_of(el),
                    f"identifier {ident!r} is also used at line {seen[ident]}",
                )
            )
        else:
            seen[ident] = line_of(el)
    for ident in sorted(shared):
        out.append(
            finding(
                "cp.identifier-shared",
                file,
                seen.get(ident),
                f"item and resource share the identifier {ident!r}; Moodle, Open edX and SCORM engines "
                "import it (Docebo's own diagnostics package does this), ADL's conformance suite rejects "
                "it",
            )
        )
    return out


def _check_organizations(m: Manifest, file: str) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    root = m.root
    orgs_el = root.find(m.q("organizations"))
    org_ids = [(o.get("identifier") or "").strip() for o in m.organizations]
    if not m.organizations:
        out.append(
            finding(
                "cp.no-organization",
                file,
                line_of(orgs_el) if orgs_el is not None else None,
                "the manifest has no <organization>; Moodle imports it (launches the first resource), "
                "ADL-conformant LMSs reject it",
            )
        )
    elif m.default_org is not None and m.default_org not in org_ids:
        out.append(
            finding(
                "cp.default-organization-missing",
                file,
                line_of(orgs_el) if orgs_el is not None else None,
                f"organizations/@default {m.default_org!r} matches no organization "
                f"({', '.join(repr(i) for i in org_ids)}); Moodle imports it, ADL-conformant LMSs reject it",
            )
        )
    return out


def _check_references(m: Manifest, file: str) -> list[Diagnostic]:
    """Every item and dependency identifierref names a resource; an item's resource has an href."""
    out: list[Diagnostic] = []
    for item in m.items():
        ref = item.get("identifierref")
        if ref is None:
            continue
        res = m.resources.get(ref.strip())
        if res is None:
            out.append(
                finding(
                    "cp.identifierref-unresolved",
                    file,
                    line_of(item),
                    f"item {(item.get('identifier') or '').strip()!r} refers to resource {ref.strip()!r}, "
                    "which does not exist",
                )
            )
        elif not (res.href or "").strip():
            out.append(
                finding(
                    "cp.item-resource-no-href",
                    file,
                    line_of(item),
                    f"item {(item.get('identifier') or '').strip()!r} launches resource "
                    f"{res.identifier!r}, which has no href",
                )
            )
    for r_el in m.root.iter(m.q("dependency")):
        ref = (r_el.get("identifierref") or "").strip()
        if ref not in m.resources:
            out.append(
                finding(
                    "cp.identifierref-unresolved",
                    file,
                    line_of(r_el),
                    f"dependency refers to resource {ref!r}, which does not exist",
                )
            )
    return out


def _check_xml_base(m: Manifest, file: str) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    if m.base_levels & {"manifest", "resources"}:
        levels = ", ".join(sorted(m.base_levels & {"manifest", "resources"}))
        out.append(
            finding(
                "cp.xml-base",
                file,
                None,
                f"xml:base is set at the {levels} level; resolved as the standard says, but Moodle "
                "applies only resource-level xml:base and Open edX none (docs/lms-pitfalls.md rule 22)",
            )
        )
    return out


def _check_files(m: Manifest, file: str, files: FileIndex | None) -> tuple[list[Diagnostic], set[str]]:
    """Every href and <file> in the package (in the right case); returns the findings and the paths referenced."""
    out: list[Diagnostic] = []
    referenced: set[str] = set()
    missing_reported: set[str] = set()

    def check_path(res: Resource, href: str, line: int | None, launch: bool) -> None:
        path, kind = resolve(res.base, href)
        if kind == "absolute":
            out.append(finding("cp.href-absolute", file, line, f"href {href!r} is not relative to the package"))
            return
        if path is None:
            if launch and kind == "external":
                out.append(finding("cp.external-launch", file, line, external_launch_message(res.identifier, href)))
            return
        if path.startswith("../") or path == "..":
            out.append(finding("cp.href-absolute", file, line, f"href {href!r} points outside the package"))
            return
        referenced.add(path)
        if files is None:
            return
        state, real = files.lookup(path)
        if state != "ok" and path in missing_reported:
            return
        if state == "case":
            missing_reported.add(path)
            referenced.add(real or path)
            out.append(case_mismatch(file, line, f"{path!r} is referenced", real, "href"))
        elif state == "missing":
            missing_reported.add(path)
            if launch:
                out.append(
                    finding(
                        "cp.launch-missing",
                        file,
                        line,
                        f"launch file {path!r} of resource {res.identifier!r} is not in the package",
                    )
                )
            else:
                out.append(
                    finding(
                        "cp.file-missing", file, line, f"{path!r} (resource {res.identifier!r}) is not in the package"
                    )
                )

    for ident in dict.fromkeys(m.resource_order):
        res = m.resources[ident]
        if res.href and res.href.strip():
            check_path(res, res.href, res.line, True)
        for href, line in res.files:
            check_path(res, href, line, False)
    # external metadata files (adlcp:location)
    for loc in m.root.iter(f"{{{m.adlcp}}}location"):
        href = (loc.text or "").strip()
        if href:
            path, _ = resolve("", href)
            if path:
                referenced.add(path)
                if files is not None and files.lookup(path)[0] == "missing":
                    out.append(
                        finding(
                            "cp.file-missing",
                            file,
                            line_of(loc),
                            f"metadata file {path!r} (adlcp:location) is not in the package",
                        )
                    )
    return out, referenced


def launch_paths(m: Manifest) -> list[str]:
    """Package paths of the files items launch (resolved href, query and fragment dropped), in item order."""
    out: list[str] = []
    for item in m.leaf_items():
        res = m.resources.get((item.get("identifierref") or "").strip())
        if res is None or not (res.href or "").strip():
            continue
        path, kind = resolve(res.base, res.href or "")
        if kind == "ok" and path and path not in out:
            out.append(path)
    return out


def external_launch_message(ident: str, href: str) -> str:
    scheme = urlsplit(href.strip()).scheme.lower()
    if scheme == "http":
        return (
            f"resource {ident!r} launches {href.strip()!r} over plain http: an https LMS blocks it as mixed "
            "content, and from another host the SCO cannot reach the LMS API"
        )
    return (
        f"resource {ident!r} launches {href.strip()!r} from another host: a cross-origin SCO cannot reach the "
        "LMS API, so nothing is recorded"
    )


def external_launches(m: Manifest) -> list[tuple[Resource, str]]:
    """Resources launched by an item whose href is an absolute URL (after xml:base)."""
    out = []
    for item in m.leaf_items():
        res = m.resources.get((item.get("identifierref") or "").strip())
        if res is not None and res.href and resolve(res.base, res.href)[1] == "external":
            out.append((res, join_base(res.base, res.href.strip())))
    return list({id(r): (r, h) for r, h in out}.values())


def openedx_untitled(m: Manifest) -> list[tuple[etree._Element, str]]:
    """Organizations and items that Open edX's SCORM xblock reads a title from, whose title is missing or empty.

    openedx-scorm-xblock (openedxscorm/scormxblock.py, find_titles_recursively) reads the <title> of every
    organization, then recurses only into child items whose isvisible attribute is literally "true"; a missing
    title raises AttributeError and an empty one a TypeError (its XSS filter calls re.sub on None), so the
    upload fails. Items it never visits cannot crash it.
    """
    out: list[tuple[etree._Element, str]] = []

    def visit(node: etree._Element, kind: str) -> None:
        t = node.find(m.q("title"))
        if t is None or t.text is None or not t.text.strip():
            out.append((node, kind))
        for child in node.findall(m.q("item")):
            if child.get("isvisible") == "true":
                visit(child, "item")

    for org in m.organizations:
        visit(org, "organization")
    return out


def _check_titles(m: Manifest, file: str) -> list[Diagnostic]:
    out = []
    for node, kind in openedx_untitled(m):
        ident = (node.get("identifier") or "").strip()
        out.append(
            finding(
                "cp.title-missing",
                file,
                line_of(node),
                f"{kind} {ident!r} has no title (or an empty one); Open edX's SCORM xblock crashes on "
                "upload when it reads it",
            )
        )
    return out


def _check_scores(m: Manifest, file: str) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    if m.standard == "scorm12":
        for el in m.root.iter(f"{{{m.adlcp}}}masteryscore"):
            v = decimal_of(el.text)
            if v is None or not (0 <= v <= 100):
                out.append(
                    finding(
                        "cp.masteryscore-range",
                        file,
                        line_of(el),
                        f"adlcp:masteryscore {(el.text or '').strip()!r} is not a number 0-100",
                    )
                )
    else:
        for el in m.root.iter(f"{{{IMSSS}}}minNormalizedMeasure"):
            v = decimal_of(el.text)
            if v is None or not (-1 <= v <= 1):
                out.append(
                    finding(
                        "cp.measure-range",
                        file,
                        line_of(el),
                        f"imsss:minNormalizedMeasure {(el.text or '').strip()!r} is not a number -1..1",
                    )
                )
    return out


def _delivery_ok(seq: etree._Element | None) -> bool:
    if seq is None:
        return False
    dc = seq.find(f"{{{IMSSS}}}deliveryControls")
    return (
        dc is not None
        and (dc.get("completionSetByContent") or "").strip() in ("true", "1")
        and (dc.get("objectiveSetByContent") or "").strip() in ("true", "1")
    )


def _check_sequencing(m: Manifest, file: str) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    collection = {(s.get("ID") or "").strip(): s for s in m.root.iter(f"{{{IMSSS}}}sequencing") if s.get("ID")}
    for item in m.leaf_items():
        res = m.resources.get((item.get("identifierref") or "").strip())
        if res is None or (res.scormtype or "").strip().lower() != "sco":
            continue
        seq = item.find(f"{{{IMSSS}}}sequencing")
        ok = _delivery_ok(seq)
        if not ok and seq is not None and seq.get("IDRef"):
            ok = _delivery_ok(collection.get((seq.get("IDRef") or "").strip()))
        if not ok:
            out.append(
                finding(
                    "seq.delivery-controls",
                    file,
                    line_of(item),
                    f"SCO item {(item.get('identifier') or '').strip()!r} lacks deliveryControls "
                    'completionSetByContent/objectiveSetByContent="true"; SuccessFactors marks it '
                    "complete on exit",
                )
            )
    maps = list(m.root.iter(f"{{{IMSSS}}}mapInfo"))
    if maps:
        out.append(
            finding(
                "seq.mapinfo",
                file,
                line_of(maps[0]),
                f"{len(maps)} imsss:mapInfo element(s): Moodle 4.5's importer aborts on them (PHP 8, "
                "mod/scorm/datamodels/scormlib.php line 378; docs/lms-pitfalls.md rule 20), so the package does not "
                "import into Moodle",
            )
        )
    return out


def _text_len(el: etree._Element) -> int:
    return len(text_of(el).strip())


def _check_lom12(m: Manifest, file: str) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for el in m.root.iter():
        if not isinstance(el.tag, str):
            continue
        q = etree.QName(el)
        if q.namespace == m.ns and q.localname == "title" and _text_len(el) > 200:
            out.append(
                finding(
                    "lom.too-long", file, line_of(el), f"title is {_text_len(el)} characters; SCORM 1.2 LMSs keep 200"
                )
            )
        elif q.namespace not in (m.ns, m.adlcp) and q.localname == "description" and _text_len(el) > 1000:
            out.append(
                finding(
                    "lom.too-long",
                    file,
                    line_of(el),
                    f"metadata description is {_text_len(el)} characters; the limit is 1000",
                )
            )
    return out


def unlisted(files: FileIndex, referenced: set[str], manifest_rel: str) -> list[str]:
    from .package import JUNK_RE

    out = []
    for n in files.names:
        if n == manifest_rel or n in referenced or JUNK_RE.search(n) or SCHEMA_FILE_RE.search(n):
            continue
        out.append(n)
    return out
