"""LMS profiles (`--lms`): each LMS's known limits, in one table.

Sources are LMS-PITFALLS.md rule numbers (R11, R19-R22) and the vendors' documented support; where a fact
comes from general vendor documentation rather than a test here, the `source` field says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from .findings import Finding, finding
from .scorm import IMSSS, Manifest

MB = 1024 * 1024

# children of imsss:sequencing (and adlseq extensions) that drive sequencing/navigation behaviour; objectives
# (mastery via minNormalizedMeasure) and deliveryControls are read by the run-time, not by the sequencer
SEQUENCING_BEHAVIOUR = {"controlMode", "sequencingRules", "limitConditions", "auxiliaryResources", "rollupRules",
                        "randomizationControls", "constrainedChoiceConsiderations", "rollupConsiderations"}


@dataclass(frozen=True)
class Profile:
    name: str
    standards: frozenset[str]  # "scorm12", "scorm2004", "cmi5", "xapi" imported natively
    sequencing: bool  # implements SCORM 2004 sequencing and navigation
    mapinfo: bool  # imports manifests with imsss:mapInfo
    xml_base: str  # "all" | "resource" (resource-level only) | "none"
    first_resource_launch: bool  # launches the first <resource>, not the default organization's first item
    needs_item_titles: bool
    item_parameters: bool  # honours item/@parameters
    max_size: int | None  # upload limit in bytes
    forbidden_ext: tuple[str, ...]
    source: str


S12, S04, C5, XA = "scorm12", "scorm2004", "cmi5", "xapi"

PROFILES: dict[str, Profile] = {
    "moodle": Profile("Moodle", frozenset({S12, S04}), sequencing=False, mapinfo=False, xml_base="resource",
                      first_resource_launch=False, needs_item_titles=False, item_parameters=True, max_size=None,
                      forbidden_ext=(), source="LMS-PITFALLS 11, 20, 22; mod/scorm imports SCORM/AICC only "
                      "(xAPI/cmi5 need plugins)"),
    "canvas": Profile("Canvas", frozenset({S12, S04}), sequencing=True, mapinfo=True, xml_base="all",
                      first_resource_launch=False, needs_item_titles=False, item_parameters=True, max_size=None,
                      forbidden_ext=(), source="Canvas SCORM app (vendor docs): SCORM 1.2 and 2004"),
    "blackboard": Profile("Blackboard", frozenset({S12, S04}), sequencing=True, mapinfo=True, xml_base="all",
                          first_resource_launch=False, needs_item_titles=False, item_parameters=True, max_size=None,
                          forbidden_ext=(), source="Blackboard SCORM Engine (vendor docs): SCORM 1.2 and 2004"),
    "cornerstone": Profile("Cornerstone", frozenset({S12, S04, C5, XA}), sequencing=True, mapinfo=True,
                           xml_base="all", first_resource_launch=False, needs_item_titles=False, item_parameters=True,
                           max_size=None, forbidden_ext=(), source="LMS-PITFALLS 4, 7, 18 (run-time only); vendor docs"),
    "successfactors": Profile("SuccessFactors", frozenset({S12, S04}), sequencing=True, mapinfo=True, xml_base="all",
                              first_resource_launch=False, needs_item_titles=False, item_parameters=True,
                              max_size=None, forbidden_ext=(), source="LMS-PITFALLS 2, 11, 15; vendor docs"),
    "talentlms": Profile("TalentLMS", frozenset({S12, S04, C5, XA}), sequencing=True, mapinfo=True, xml_base="all",
                         first_resource_launch=False, needs_item_titles=False, item_parameters=True, max_size=None,
                         forbidden_ext=(), source="vendor docs: SCORM 1.2/2004, xAPI, cmi5"),
    "docebo": Profile("Docebo", frozenset({S12, S04, C5, XA}), sequencing=False, mapinfo=True, xml_base="all",
                      first_resource_launch=False, needs_item_titles=False, item_parameters=True, max_size=None,
                      forbidden_ext=(".php", ".php3", ".php4", ".php5", ".phtml", ".sh", ".py", ".pl", ".cgi",
                                     ".exe", ".htaccess"),
                      source="LMS-PITFALLS 11, 12"),
    "openedx": Profile("Open edX", frozenset({S12, S04}), sequencing=False, mapinfo=True, xml_base="none",
                       first_resource_launch=True, needs_item_titles=True, item_parameters=False, max_size=50 * MB,
                       forbidden_ext=(), source="LMS-PITFALLS 19, 21 (openedx-scorm-xblock)"),
}

# server-side files any LMS may refuse (default warning; an error under a profile that forbids them)
SERVER_EXT = (".php", ".php3", ".php4", ".php5", ".phtml", ".sh", ".py", ".pl", ".cgi", ".htaccess", ".asp",
              ".aspx", ".jsp")


def ext_of(name: str) -> str:
    base = name.rsplit("/", 1)[-1].lower()
    if base == ".htaccess":
        return ".htaccess"
    return "." + base.rsplit(".", 1)[-1] if "." in base else ""


def check_profile(key: str, standard: str | None, manifest: Manifest | None, names: list[str], total: int,
                  file: str, pkg_label: str) -> list[Finding]:
    p = PROFILES[key]
    out: list[Finding] = []
    tag = f"[{p.name}] "
    if standard and standard not in p.standards:
        out.append(finding("lms.unsupported-standard", file, None,
                           tag + f"{standard} is not imported natively (supported: {', '.join(sorted(p.standards))})"))
    if p.max_size is not None and total > p.max_size:
        out.append(finding("lms.package-size", pkg_label, None,
                           tag + f"the package is {total / MB:.1f} MB to upload; the limit is {p.max_size // MB} MB"))
    for n in names:
        if p.forbidden_ext and ext_of(n) in p.forbidden_ext:
            out.append(finding("lms.forbidden-file", n, None, tag + f"{n!r} is a file type the LMS rejects"))
    if manifest is None:
        return out
    root = manifest.root
    if manifest.standard == "scorm2004" and not p.sequencing:
        rules = [el for el in root.iter(f"{{{IMSSS}}}sequencing")
                 if any(isinstance(c.tag, str) and etree.QName(c).localname in SEQUENCING_BEHAVIOUR for c in el)]
        if rules:
            out.append(finding("lms.sequencing", file, rules[0].sourceline,
                               tag + f"{len(rules)} imsss:sequencing element(s) with rules the LMS does not "
                               "implement (LMS-PITFALLS 11)"))
    if not p.mapinfo:
        maps = list(root.iter(f"{{{IMSSS}}}mapInfo"))
        if maps:
            out.append(finding("lms.mapinfo", file, maps[0].sourceline,
                               tag + f"{len(maps)} imsss:mapInfo element(s); the importer aborts on them"))
    levels = manifest.base_levels
    bad = levels if p.xml_base == "none" else (levels - {"resource"} if p.xml_base == "resource" else set())
    if bad:
        out.append(finding("lms.xml-base", file, None,
                           tag + f"xml:base at the {', '.join(sorted(bad))} level is not applied by this LMS"))
    if p.first_resource_launch and manifest.resource_order:
        leaves = manifest.leaf_items()
        if leaves:
            want = (leaves[0].get("identifierref") or "").strip()
            first = manifest.resource_order[0]
            if want != first:
                out.append(finding("lms.first-resource", file, manifest.resources[first].line,
                                   tag + f"the first <resource> is {first!r} but the course starts with {want!r}"))
    if p.needs_item_titles:
        for item in manifest.items():
            t = item.find(manifest.q("title"))
            if t is None or not "".join(t.itertext()).strip():
                out.append(finding("lms.item-title", file, item.sourceline,
                                   tag + f"item {(item.get('identifier') or '').strip()!r} has no title"))
    if not p.item_parameters:
        params = [i for i in manifest.items() if (i.get("parameters") or "").strip()]
        if params:
            out.append(finding("lms.item-parameters", file, params[0].sourceline,
                               tag + f"{len(params)} item(s) use parameters, which the LMS ignores"))
    return out
