"""LMS profiles (`--lms`): each LMS's known limits, in one table.

Sources are docs/lms-pitfalls.mdnumbers (R11, R19-R22) and the vendors' documented support; where a fact
comes from general vendor documentation rather than a test here, the `source` field says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass

from lxml import etree

from scormkit.diagnostics import Diagnostic
from scormkit.standards import SERVER_SIDE_SUFFIXES

from .findings import PackageResult, finding
from .moodle import check_passing_score
from .scorm import IMSSS, Manifest, external_launches, openedx_untitled, resolve
from .xmlsafe import line_of

MB = 1024 * 1024
ALL_EDITIONS = frozenset({"2nd", "3rd", "4th"})
# Docebo's refused extensions (issue 13, from Docebo's help page), plus .php (docs/lms-pitfalls.md rule 12)
DOCEBO_REFUSED = (
    ".php",
    ".phps",
    ".ph3",
    ".php4",
    ".php5",
    ".shtml",
    ".asp",
    ".aspx",
    ".jsp",
    ".rb",
    ".pl",
    ".cgi",
    ".py",
    ".sh",
    ".htaccess",
)

# children of imsss:sequencing (and adlseq extensions) that drive sequencing/navigation behaviour; objectives
# (mastery via minNormalizedMeasure) and deliveryControls are read by the run-time, not by the sequencer
SEQUENCING_BEHAVIOUR = {
    "controlMode",
    "sequencingRules",
    "limitConditions",
    "auxiliaryResources",
    "rollupRules",
    "randomizationControls",
    "constrainedChoiceConsiderations",
    "rollupConsiderations",
}


@dataclass(frozen=True)
class Profile:
    name: str
    standards: frozenset[str]  # "scorm12", "scorm2004", "cmi5", "xapi" imported natively
    _: KW_ONLY
    source: str
    sequencing: bool = True  # implements SCORM 2004 sequencing and navigation
    mapinfo: bool = True  # imports manifests with imsss:mapInfo
    xml_base: str = "all"  # "all" | "resource" (resource-level only) | "none"
    # launches the first <resource> with an href, not the default organization's first item
    first_resource_launch: bool = False
    needs_item_titles: bool = False
    item_parameters: bool = True  # honours item/@parameters
    max_size: int | None = None  # upload limit in bytes
    forbidden_ext: tuple[str, ...] = ()
    editions: frozenset[str] = ALL_EDITIONS  # SCORM 2004 editions taken, when scorm2004 is in standards
    single_sco: bool = False  # refuses packages with more than one SCO
    ascii_names: bool = False  # refuses non-ASCII file names
    external_launch: bool = True  # launches content from another host (external URLs, dispatch packages)
    moodle_launch: bool = False  # sets cmi.scaled_passing_score with Moodle's get_scorm_default loop
    cmi5_xblock: bool = False  # Open edX: cmi5 only through the cmi5 xblock 0.1.3, which records little


S12, S04, C5, XA = "scorm12", "scorm2004", "cmi5", "xapi"
# Each profile names where its LMS differs from the defaults above (a careful, complete SCORM player).

PROFILES: dict[str, Profile] = {
    "moodle": Profile(
        "Moodle",
        frozenset({S12, S04}),
        sequencing=False,
        mapinfo=False,
        xml_base="resource",
        moodle_launch=True,
        source="docs/lms-pitfalls.md rules 11, 20, 22, 23; mod/scorm imports SCORM/AICC only (xAPI/cmi5 need plugins)",
    ),
    "canvas": Profile("Canvas", frozenset({S12, S04}), source="Canvas SCORM app (vendor docs): SCORM 1.2 and 2004"),
    "blackboard": Profile(
        "Blackboard",
        frozenset({S12, S04}),
        source="Blackboard SCORM Engine (vendor docs): SCORM 1.2 and 2004",
    ),
    "cornerstone": Profile(
        "Cornerstone",
        frozenset({S12, S04, C5, XA}),
        source="docs/lms-pitfalls.md rules 4, 7, 18 (run-time only); vendor docs",
    ),
    "successfactors": Profile(
        "SuccessFactors", frozenset({S12, S04}), source="docs/lms-pitfalls.md rules 2, 11, 15; vendor docs"
    ),
    "talentlms": Profile(
        "TalentLMS",
        frozenset({S12, C5, XA}),
        source="TalentLMS help (content types): SCORM 1.2, xAPI (Tin Can) and cmi5; SCORM 2004 is "
        "not supported (docs/lms-pitfalls.md rule 29)",
    ),
    "docebo": Profile(
        "Docebo",
        frozenset({S12, S04, C5, XA}),
        sequencing=False,
        forbidden_ext=DOCEBO_REFUSED,
        editions=frozenset({"3rd"}),
        source="Docebo help (SCORM support): SCORM 1.2 and 2004 3rd Edition only; refused extensions "
        "as listed; docs/lms-pitfalls.md rules 11, 12, 29",
    ),
    "openedx": Profile(
        "Open edX",
        frozenset({S12, S04}),
        sequencing=False,
        xml_base="none",
        first_resource_launch=True,
        needs_item_titles=True,
        item_parameters=False,
        max_size=50 * MB,
        cmi5_xblock=True,
        source="docs/lms-pitfalls.md rules 19, 21, 29 (openedx-scorm-xblock: update_package_fields, "
        "find_titles_recursively; cmi5 xblock 0.1.3)",
    ),
    "knowbe4": Profile(
        "KnowBe4",
        frozenset({S04}),
        editions=frozenset({"4th"}),
        source="KnowBe4 help (upload your own content): SCORM 2004 4th Edition (docs/lms-pitfalls.md rule 29)",
    ),
    "absorb": Profile(
        "Absorb",
        frozenset({S12, S04, C5, XA}),
        external_launch=False,
        source="Absorb help (course uploads): no externally hosted launch and no dispatch packages",
    ),
    "riseup": Profile(
        "Rise Up",
        frozenset({S12, S04}),
        max_size=1024 * MB,
        single_sco=True,
        ascii_names=True,
        source="Rise Up help (SCORM import): one SCO per package, no accented file names, 1 GB (docs/lms-pitfalls.md rule 29)",
    ),
    "latitude": Profile(
        "Latitude",
        frozenset({S12, S04}),
        max_size=500 * MB,
        editions=frozenset({"2nd", "3rd"}),
        source="Latitude Learning help (SCORM): SCORM 1.2 and 2004 up to 3rd Edition, 500 MB",
    ),
    "lms365": Profile(
        "LMS365",
        frozenset({S12, S04}),
        source="issue 13 names LMS365 without limits; SCORM 1.2 and 2004 from its public product description "
        "(not checked against a help page here)",
    ),
    "fuse": Profile("Fuse", frozenset({S12}), source="Fuse help (SCORM content): SCORM 1.2 only"),
    "ilias": Profile(
        "ILIAS",
        frozenset({S12, S04, C5, XA}),
        source="issue 13 names ILIAS without limits; SCORM 1.2/2004 learning modules and the xAPI/cmi5 object "
        "from its public documentation (not checked against a page here)",
    ),
    "chamilo": Profile(
        "Chamilo",
        frozenset({S12, S04}),
        sequencing=False,
        source="issue 13 names Chamilo without limits; SCORM 1.2 and a partial 2004 (no sequencing) from "
        "its public documentation (not checked against a page here)",
    ),
    "totara": Profile(
        "Totara",
        frozenset({S12, S04}),
        sequencing=False,
        xml_base="resource",
        moodle_launch=True,
        source="Totara's mod_scorm is Moodle's (same import and launch code: docs/lms-pitfalls.md rules 11, 22, 23); "
        "the mapInfo abort was seen on Moodle 4.5 only, so it is not claimed here",
    ),
}

# server-side files any LMS may refuse (default warning; an error under a profile that forbids them)
SERVER_EXT = SERVER_SIDE_SUFFIXES


def ext_of(name: str) -> str:
    base = name.rsplit("/", 1)[-1].lower()
    if base == ".htaccess":
        return ".htaccess"
    return "." + base.rsplit(".", 1)[-1] if "." in base else ""


@dataclass(frozen=True)
class ProfileSubject:
    """What an LMS profile is checked against."""

    result: PackageResult  # the package's result so far: its standard and edition
    manifest: Manifest | None  # None for cmi5.xml and tincan.xml
    names: list[str]  # the package's file names
    total: int  # bytes to upload
    file: str  # the manifest's name in the package
    pkg_label: str  # the package's own name, where a finding is about the whole upload


def check_profile(key: str, subject: ProfileSubject) -> list[Diagnostic]:
    """The findings of LMS profile `key`: each check of the package, then each check of its manifest."""
    profile = PROFILES[key]
    tag = f"[{profile.name}] "
    out = [d for check in PACKAGE_CHECKS for d in check(profile, subject, tag)]
    if subject.manifest is not None:
        out += [d for check in MANIFEST_CHECKS for d in check(profile, subject.manifest, subject.file, tag)]
    return out


def _standard(p: Profile, subject: ProfileSubject, tag: str) -> list[Diagnostic]:
    standard, edition = subject.result.standard, subject.result.edition
    if standard and standard not in p.standards:
        supported = ", ".join(sorted(p.standards))
        message = f"{standard} is not imported natively (supported: {supported})"
        return [finding("lms.unsupported-standard", subject.file, None, tag + message)]
    if standard == S04 and edition and edition not in p.editions:
        taken = ", ".join(f"{e} Edition" for e in sorted(p.editions))
        message = f"SCORM 2004 {edition} Edition; the LMS takes {taken}"
        return [finding("lms.unsupported-edition", subject.file, None, tag + message)]
    return []


def _cmi5_tracking(p: Profile, subject: ProfileSubject, tag: str) -> list[Diagnostic]:
    if subject.result.standard != C5 or not p.cmi5_xblock:
        return []
    message = (
        "Open edX's cmi5 xblock (0.1.3) records no grade, completion or resume from standard "
        "cmi5 statements: it grades only a single PUT whose verb display has an 'en' key, and "
        "keeps only a state document named 'suspendData'"
    )
    return [finding("lms.cmi5-tracking", subject.file, None, tag + message)]


def _package_size(p: Profile, subject: ProfileSubject, tag: str) -> list[Diagnostic]:
    if p.max_size is None or subject.total <= p.max_size:
        return []
    message = f"the package is {subject.total / MB:.1f} MB to upload; the limit is {p.max_size // MB} MB"
    return [finding("lms.package-size", subject.pkg_label, None, tag + message)]


def _forbidden_files(p: Profile, subject: ProfileSubject, tag: str) -> list[Diagnostic]:
    refused = [n for n in subject.names if p.forbidden_ext and ext_of(n) in p.forbidden_ext]
    return [finding("lms.forbidden-file", n, None, tag + f"{n!r} is a file type the LMS rejects") for n in refused]


def _file_names(p: Profile, subject: ProfileSubject, tag: str) -> list[Diagnostic]:
    odd = [n for n in subject.names if not n.isascii()] if p.ascii_names else []
    if not odd:
        return []
    message = f"{len(odd)} file name(s) with accents or other non-ASCII characters, e.g. {odd[0]!r}"
    return [finding("lms.file-name", odd[0], None, tag + message)]


def _single_sco(p: Profile, manifest: Manifest, file: str, tag: str) -> list[Diagnostic]:
    if not p.single_sco:
        return []
    scos = {
        ref
        for item in manifest.leaf_items()
        if (ref := (item.get("identifierref") or "").strip()) in manifest.resources
        and (manifest.resources[ref].scormtype or "").strip().lower() == "sco"
    }
    if len(scos) <= 1:
        return []
    message = f"{len(scos)} SCOs ({', '.join(sorted(scos)[:5])}); the LMS takes one per package"
    return [finding("lms.multi-sco", file, None, tag + message)]


def _external_launch(p: Profile, manifest: Manifest, file: str, tag: str) -> list[Diagnostic]:
    if p.external_launch:
        return []
    return [
        finding(
            "lms.external-launch",
            file,
            res.line,
            tag + f"resource {res.identifier!r} launches {url!r} from another host",
        )
        for res, url in external_launches(manifest)
    ]


def _sequencing(p: Profile, manifest: Manifest, file: str, tag: str) -> list[Diagnostic]:
    if manifest.standard != "scorm2004" or p.sequencing:
        return []
    rules = [
        el
        for el in manifest.root.iter(f"{{{IMSSS}}}sequencing")
        if any(isinstance(c.tag, str) and etree.QName(c).localname in SEQUENCING_BEHAVIOUR for c in el)
    ]
    if not rules:
        return []
    message = (
        f"{len(rules)} imsss:sequencing element(s) with rules the LMS does not implement (docs/lms-pitfalls.md rule 11)"
    )
    return [finding("lms.sequencing", file, line_of(rules[0]), tag + message)]


def _mapinfo(p: Profile, manifest: Manifest, file: str, tag: str) -> list[Diagnostic]:
    maps = [] if p.mapinfo else list(manifest.root.iter(f"{{{IMSSS}}}mapInfo"))
    if not maps:
        return []
    message = f"{len(maps)} imsss:mapInfo element(s); the importer aborts on them"
    return [finding("lms.mapinfo", file, line_of(maps[0]), tag + message)]


def _passing_score(p: Profile, manifest: Manifest, file: str, tag: str) -> list[Diagnostic]:
    return check_passing_score(manifest, file, p.name) if p.moodle_launch else []


def _xml_base(p: Profile, manifest: Manifest, file: str, tag: str) -> list[Diagnostic]:
    levels = manifest.base_levels
    bad = levels if p.xml_base == "none" else (levels - {"resource"} if p.xml_base == "resource" else set())
    if not bad:
        return []
    message = f"xml:base at the {', '.join(sorted(bad))} level is not applied by this LMS"
    return [finding("lms.xml-base", file, None, tag + message)]


def _first_resource_launch(p: Profile, manifest: Manifest, file: str, tag: str) -> list[Diagnostic]:
    return _first_resource(manifest, file, tag) if p.first_resource_launch else []


def _item_titles(p: Profile, manifest: Manifest, file: str, tag: str) -> list[Diagnostic]:
    if not p.needs_item_titles:
        return []
    return [
        finding(
            "lms.item-title",
            file,
            line_of(node),
            tag + f"{kind} {(node.get('identifier') or '').strip()!r} has no title (or an empty "
            "one); the xblock crashes reading it",
        )
        for node, kind in openedx_untitled(manifest)
    ]


def _item_parameters(p: Profile, manifest: Manifest, file: str, tag: str) -> list[Diagnostic]:
    params = [] if p.item_parameters else [i for i in manifest.items() if (i.get("parameters") or "").strip()]
    if not params:
        return []
    message = f"{len(params)} item(s) use parameters, which the LMS ignores"
    return [finding("lms.item-parameters", file, line_of(params[0]), tag + message)]


#: The checks of an LMS profile, in the order their findings are listed: of the package, then of its manifest.
PACKAGE_CHECKS: tuple[Callable[[Profile, ProfileSubject, str], list[Diagnostic]], ...] = (
    _standard,
    _cmi5_tracking,
    _package_size,
    _forbidden_files,
    _file_names,
)
MANIFEST_CHECKS: tuple[Callable[[Profile, Manifest, str, str], list[Diagnostic]], ...] = (
    _single_sco,
    _external_launch,
    _sequencing,
    _mapinfo,
    _passing_score,
    _xml_base,
    _first_resource_launch,
    _item_titles,
    _item_parameters,
)


def _first_resource(manifest: Manifest, file: str, tag: str) -> list[Diagnostic]:
    """Open edX launches the first <resource> that has an href attribute (openedx-scorm-xblock,
    update_package_fields: `resources/resource[@href]`), whatever the organization says; a leading resource
    without href is skipped, so it is harmless."""
    first = next(
        (
            r
            for r in manifest.root.iterfind(f"{manifest.q('resources')}/{manifest.q('resource')}")
            if r.get("href") is not None
        ),
        None,
    )
    org = next(
        (o for o in manifest.organizations if (o.get("identifier") or "").strip() == manifest.default_org),
        manifest.organizations[0] if manifest.organizations else None,
    )
    leaves = [i for i in org.iter(manifest.q("item")) if i.get("identifierref")] if org is not None else []
    if first is None or not leaves:
        return []
    want = (leaves[0].get("identifierref") or "").strip()
    got = (first.get("identifier") or "").strip()
    if got == want:
        return []
    res = manifest.resources.get(want)
    # the same launch file under another resource is launched all the same
    if (
        res is not None
        and res.href
        and first.get("href") is not None
        and resolve(res.base, res.href)[0]
        == resolve(manifest.resources[got].base if got in manifest.resources else "", first.get("href") or "")[0]
    ):
        return []
    return [
        finding(
            "lms.first-resource",
            file,
            line_of(first),
            tag + f"the first <resource> with an href is {got!r} (launches {first.get('href')!r}) but the "
            f"course starts with {want!r}",
        )
    ]
