"""Findings and the rule table: every code the validator can report, with its default severity and one-line fix.

Codes are stable (documented in docs/validate.md); a test checks that the doc table and RULES agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from scormkit.diagnostics import Diagnostic, Diagnostics, Severity, by_severity
from scormkit.standards import IMSCP_12

ERR, WARN, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    what: str
    fix: str


_RULES: list[Rule] = [
    # -- package / zip safety (checked before anything is read) --
    Rule(
        "pkg.not-found",
        ERR,
        "the path does not exist or is neither a zip, a folder nor a manifest file",
        "pass a .zip, an unzipped package folder, or an imsmanifest.xml / cmi5.xml / tincan.xml",
    ),
    Rule(
        "zip.corrupt",
        ERR,
        "the zip cannot be read (bad central directory, CRC or header mismatch)",
        "re-create the zip with a standard tool",
    ),
    Rule(
        "zip.absolute-path",
        ERR,
        "an entry name is absolute (/x or C:x)",
        "zip the files with paths relative to the package root",
    ),
    Rule(
        "zip.parent-traversal", ERR, "an entry name contains '..' (zip slip)", "remove '..' segments from entry names"
    ),
    Rule(
        "zip.backslash",
        ERR,
        "an entry name contains a backslash (Windows separator)",
        "re-zip with a tool that writes '/' separators (e.g. 7-Zip, or `zip -r` on macOS/Linux)",
    ),
    Rule("zip.symlink", ERR, "an entry (or folder member) is a symbolic link", "replace the link with the real file"),
    Rule(
        "pkg.special-file",
        ERR,
        "the path or a folder member is a FIFO, socket or device, not a regular file; not read",
        "validate a zip, a folder of regular files or a manifest file",
    ),
    Rule("zip.duplicate-name", ERR, "two entries have the same name", "re-create the zip so each path appears once"),
    Rule(
        "zip.case-collision",
        ERR,
        "two entries differ only in letter case (they collide on Windows/macOS servers)",
        "rename one of the files",
    ),
    Rule("zip.encrypted", ERR, "an entry is encrypted; an LMS cannot read it", "re-zip without a password"),
    Rule(
        "zip.bomb",
        ERR,
        "an entry's compression ratio or size is beyond the safety limits (zip bomb)",
        "do not ship highly compressible giant files; keep each file under the limit",
    ),
    Rule(
        "zip.too-large",
        ERR,
        "total uncompressed size or entry count beyond the safety limits",
        "split the package or remove unused media",
    ),
    Rule(
        "zip.junk",
        WARN,
        "OS junk entries (__MACOSX/, .DS_Store, Thumbs.db, desktop.ini)",
        "zip without OS metadata (macOS: `zip -r -X pkg.zip . -x '.*' -x '__MACOSX'`)",
    ),
    Rule(
        "zip.compression",
        ERR,
        "an entry is compressed with a method other than stored or deflate (Deflate64, bzip2, "
        "LZMA, ...); LMS extractors cannot read it",
        "re-create the zip with plain deflate (e.g. `zip -r`, or 7-Zip with -mm=Deflate)",
    ),
    Rule(
        "pkg.no-manifest",
        ERR,
        "no imsmanifest.xml, cmi5.xml or tincan.xml found",
        "add the manifest at the package root",
    ),
    Rule(
        "pkg.manifest-not-at-root",
        ERR,
        "the manifest is inside a folder, not at the package root",
        "zip the contents of the folder that holds the manifest, not the folder itself",
    ),
    Rule(
        "pkg.manifest-name-case",
        ERR,
        "the manifest file name has the wrong letter case",
        "rename it to exactly imsmanifest.xml / cmi5.xml / tincan.xml",
    ),
    Rule(
        "pkg.manifest-too-large",
        ERR,
        "the manifest is larger than the parser limit",
        "remove inline data from the manifest",
    ),
    Rule(
        "pkg.multiple-manifests",
        INFO,
        "more than one kind of manifest at the root; the first in the order "
        "imsmanifest.xml, cmi5.xml, tincan.xml was validated",
        "ship one manifest per package",
    ),
    Rule(
        "pkg.bare-manifest",
        INFO,
        "a manifest file was given without its package; file presence was not checked",
        "validate the zip or the folder to check files too",
    ),
    Rule(
        "pkg.template-placeholder",
        ERR,
        "authoring-tool template placeholders (@@...) are still in the manifest",
        "build the course with the authoring tool; do not upload the template",
    ),
    Rule(
        "pkg.server-script",
        WARN,
        "server-side script or config files (.php .sh .py .htaccess ...) in the package",
        "remove them: some LMSs (Docebo) reject such packages",
    ),
    Rule(
        "pkg.size",
        WARN,
        "the package is larger than 50 MB (Open edX rejects larger; uploads time out elsewhere)",
        "compress media or host large video outside the package",
    ),
    # -- XML --
    Rule(
        "pkg.non-ascii-name",
        WARN,
        "file names with non-ASCII characters (accents, ...); some LMSs and web servers mangle them and the links 404",
        "rename the files with ASCII letters, digits, '-', '_' and '.'",
    ),
    Rule(
        "pkg.flash",
        WARN,
        "Flash (.swf) content; no browser has run it since 2021",
        "replace the Flash content with HTML5",
    ),
    Rule(
        "pkg.control-documents",
        WARN,
        "a SCORM package lacks XSD control documents its xsi:schemaLocation names; "
        "ADL's conformance test suite requires them at the root (docs/lms-pitfalls.md rule 26)",
        "ship the named .xsd files at the package root (scormkit pack does)",
    ),
    Rule(
        "html.missing-file",
        WARN,
        "the launch page (or a page or stylesheet it loads) references a file that is not "
        "in the package; the browser gets a 404",
        "add the file or fix the reference",
    ),
    Rule("xml.not-well-formed", ERR, "the manifest is not well-formed XML", "fix the XML syntax at the given line"),
    Rule(
        "xml.entity-declaration",
        ERR,
        "the DOCTYPE declares entities (XXE / billion laughs); never resolved",
        "remove the DOCTYPE: manifests need no entities",
    ),
    Rule("xml.external-dtd", ERR, "the DOCTYPE references an external DTD; never fetched", "remove the DOCTYPE"),
    Rule("xml.doctype", WARN, "the manifest has a DOCTYPE (ignored)", "remove the DOCTYPE"),
    # -- detection / XSD --
    Rule(
        "detect.unknown-root",
        ERR,
        "the manifest root element or namespace is not a known standard",
        "use the root element and namespace of SCORM 1.2, SCORM 2004, cmi5 or tincan.xml",
    ),
    Rule(
        "detect.no-namespace",
        WARN,
        "the <manifest> has no XML namespace; Moodle and Open edX import it as SCORM 1.2 "
        "(or the edition its schemaversion names), ADL-conformant LMSs reject it; the XSD is not checked",
        f'declare xmlns="{IMSCP_12}" (SCORM 1.2) on <manifest>',
    ),
    Rule(
        "detect.schemaversion",
        WARN,
        "schemaversion missing or unknown; the edition was guessed from namespaces",
        "set <schemaversion> to 1.2, CAM 1.3, 2004 3rd Edition or 2004 4th Edition",
    ),
    Rule(
        "detect.version-mismatch",
        WARN,
        "schemaversion disagrees with the manifest namespaces",
        "make <schemaversion> match the namespaces used",
    ),
    Rule(
        "xsd.invalid",
        ERR,
        "the manifest does not validate against the official XSD of its edition",
        "fix the element or attribute named in the message",
    ),
    Rule(
        "xsd.id-syntax",
        WARN,
        "an identifier is not a valid xs:ID/NCName (e.g. starts with a digit or has spaces); "
        "most LMSs import it, ADL's conformance suite rejects it",
        "start identifiers with a letter or '_' and use only letters, digits, '-', '_' and '.'",
    ),
    Rule(
        "xsd.length",
        WARN,
        "adlcp:datafromlms is longer than the SCORM 1.2 XSD's 255 characters but within the "
        "4,096 the 1.2 run-time gives cmi.launch_data; LMSs store it",
        "keep launch data under 255 characters for ADL's conformance suite",
    ),
    Rule(
        "xsd.empty-boolean",
        WARN,
        'a boolean attribute is empty (attr=""); LMSs read it as its default',
        "write true or false, or drop the attribute",
    ),
    Rule(
        "xsd.imsss-order",
        WARN,
        "children of imsss:sequencing are not in the order IMS SS fixes; LMSs read them by name",
        "order them controlMode, sequencingRules, limitConditions, auxiliaryResources, rollupRules, "
        "objectives, randomizationControls, deliveryControls",
    ),
    Rule(
        "xsd.metadata",
        WARN,
        "inline SCORM 1.2 IMS MD metadata does not validate (against scormkit's patched copy "
        "of imsmd_rootv1p2p1.xsd); LMSs ignore inline metadata",
        "fix or remove the <lom> element named",
    ),
    Rule(
        "xsd.not-checked", INFO, "the manifest has no official XSD (tincan.xml)", "nothing to do; see docs/validate.md"
    ),
    # -- content packaging (SCORM 1.2 / 2004) --
    Rule(
        "cp.identifier-duplicate",
        ERR,
        "two identifiers are equal after trimming whitespace",
        "give every organization, item and resource a unique identifier",
    ),
    Rule(
        "cp.identifier-shared",
        WARN,
        "an item and a resource share one identifier; LMSs key them apart and import "
        "it, xs:ID (ADL's conformance suite) forbids it",
        "give the item and the resource different identifiers",
    ),
    Rule(
        "cp.identifierref-unresolved",
        ERR,
        "an item or dependency identifierref matches no resource",
        "point identifierref at an existing resource identifier",
    ),
    Rule(
        "cp.default-organization-missing",
        WARN,
        "organizations/@default matches no organization; Moodle imports it "
        "(uses the first organization), ADL-conformant LMSs reject it",
        "set organizations/@default to the identifier of an organization",
    ),
    Rule(
        "cp.no-organization",
        WARN,
        "the manifest has no organization; Moodle imports it and launches the first "
        "resource, most LMSs reject it or show nothing",
        "add an <organization> with an <item> per SCO",
    ),
    Rule(
        "cp.item-resource-no-href",
        ERR,
        "an item's resource has no href, so there is nothing to launch",
        "add href (the launch file) to the resource",
    ),
    Rule(
        "cp.href-absolute",
        ERR,
        "an href starts with '/' or is a file: URL (ADL CTS rejects it)",
        "make hrefs relative to the package root",
    ),
    Rule(
        "cp.xml-base",
        WARN,
        "xml:base is used at manifest or resources level; some LMSs (Moodle) apply only the resource-level xml:base",
        "put xml:base on each resource, or write full relative hrefs",
    ),
    Rule(
        "cp.launch-missing",
        ERR,
        "a resource's launch file (href) is not in the package",
        "add the file or fix the href",
    ),
    Rule(
        "cp.file-missing",
        WARN,
        "a <file href> listed in the manifest is not in the package; LMSs import it, the link fails at run time",
        "add the file or remove the <file> entry",
    ),
    Rule(
        "cp.case-mismatch",
        ERR,
        "a referenced path differs from the package file only in letter case; it works on "
        "Windows and fails on Linux/S3-hosted LMSs",
        "make the href's case match the file name exactly",
    ),
    Rule(
        "cp.file-unlisted",
        WARN,
        "package files not listed in any resource",
        "list every file in a <file href> of its resource",
    ),
    Rule(
        "cp.external-launch",
        WARN,
        "a SCO launches an absolute URL (another host, or plain http:); a cross-origin SCO "
        "cannot reach the LMS API and an https LMS blocks http: as mixed content",
        "ship the SCO inside the package and launch it with a relative href",
    ),
    Rule(
        "cp.title-missing",
        WARN,
        'an organization, or an item Open edX reads (isvisible="true"), has no title or an '
        "empty one; Open edX's SCORM xblock crashes on upload (docs/lms-pitfalls.md rule 21)",
        "give it a non-empty <title>",
    ),
    Rule("cp.masteryscore-range", ERR, "adlcp:masteryscore is not a number between 0 and 100", "use a value 0-100"),
    Rule("cp.measure-range", ERR, "imsss:minNormalizedMeasure is not a number between -1 and 1", "use a value -1..1"),
    Rule(
        "seq.delivery-controls",
        WARN,
        "a SCORM 2004 SCO item has no imsss:deliveryControls completionSetByContent/"
        "objectiveSetByContent=true; SuccessFactors then marks it complete on exit (docs/lms-pitfalls.md rule 11)",
        '<imsss:sequencing><imsss:deliveryControls completionSetByContent="true" objectiveSetByContent="true"/>'
        "</imsss:sequencing>",
    ),
    Rule(
        "seq.mapinfo",
        WARN,
        "imsss:mapInfo (global objectives) is used; Moodle 4.5's importer aborts on it (docs/lms-pitfalls.md rule 20)",
        "drop mapInfo unless global objectives are needed",
    ),
    Rule(
        "lom.too-long",
        WARN,
        "a SCORM 1.2 metadata/title value exceeds the length LMSs keep (description 1000, "
        "title 200 characters; docs/lms-pitfalls.md rule 12)",
        "shorten the text",
    ),
    # -- cmi5 --
    Rule(
        "cmi5.id-not-iri",
        ERR,
        "a course/block/AU/objective id is not an absolute IRI",
        "use ids like https://example.org/course/1",
    ),
    Rule(
        "cmi5.duplicate-id",
        ERR,
        "the same id is used twice in cmi5.xml",
        "give every course, block, AU and objective its own id",
    ),
    Rule(
        "cmi5.moveon",
        WARN,
        "an AU has no moveOn (defaults to NotApplicable: satisfied without launch)",
        "set moveOn, e.g. CompletedOrPassed",
    ),
    Rule(
        "cmi5.url-invalid",
        ERR,
        "an AU url is not a valid URL (spaces, absolute path, bad scheme)",
        "use an absolute https:// URL or a path relative to cmi5.xml",
    ),
    Rule(
        "cmi5.relative-url-no-zip",
        ERR,
        "an AU url is relative but cmi5.xml was given alone (no zip to resolve it)",
        "ship cmi5.xml in a zip with the AU files, or use absolute URLs",
    ),
    Rule(
        "cmi5.au-file-missing",
        ERR,
        "a relative AU url names a file absent from the package",
        "add the file or fix the url",
    ),
    Rule(
        "cmi5.reserved-parameter",
        ERR,
        "an AU url query uses a launch parameter the LMS adds (endpoint, fetch, actor, registration, activityId)",
        "remove that parameter from the AU url",
    ),
    # -- tincan.xml --
    Rule(
        "tincan.launch-missing",
        ERR,
        "no activity in tincan.xml has a <launch>",
        "add <launch>index.html</launch> to the course activity",
    ),
    Rule(
        "tincan.launch-file-missing",
        ERR,
        "the tincan.xml launch file is not in the package",
        "add the file or fix <launch>",
    ),
    Rule(
        "tincan.id-not-iri",
        ERR,
        "an activity id is not an absolute IRI (docs/lms-pitfalls.md rule 17)",
        "use ids like https://example.org/activity/1",
    ),
    # -- LMS profiles (--lms) --
    Rule(
        "lms.unsupported-standard",
        WARN,
        "the chosen LMS does not import this standard natively",
        "publish for a standard the LMS supports (see docs/validate.md, LMS profiles)",
    ),
    Rule(
        "lms.sequencing",
        WARN,
        "SCORM 2004 sequencing/navigation rules are used; the chosen LMS ignores them",
        "do not rely on sequencing: one SCO, or the LMS's own course flow",
    ),
    Rule(
        "lms.mapinfo",
        ERR,
        "imsss:mapInfo is used; Moodle's importer aborts on it (docs/lms-pitfalls.md rule 20)",
        "remove mapInfo",
    ),
    Rule(
        "lms.xml-base",
        ERR,
        "the chosen LMS does not apply this xml:base, so the files will not be found",
        "write full relative hrefs (Open edX) or resource-level xml:base only (Moodle)",
    ),
    Rule(
        "lms.first-resource",
        ERR,
        "Open edX launches the first <resource>, which is not the default organization's first SCO (docs/lms-pitfalls.md rule 21)",
        "list the launch SCO's resource first",
    ),
    Rule(
        "lms.item-title",
        ERR,
        'an organization, or an item the xblock reads (isvisible="true"), has no title or an '
        "empty one; Open edX's SCORM xblock crashes (docs/lms-pitfalls.md rule 21)",
        "give it a non-empty <title>",
    ),
    Rule(
        "lms.unsupported-edition",
        WARN,
        "the chosen LMS imports this standard, but not this edition",
        "publish the edition the LMS takes (scormkit pack --target scorm2004 --edition ...)",
    ),
    Rule(
        "lms.multi-sco",
        ERR,
        "the package has more than one SCO and the chosen LMS takes one SCO per package",
        "publish one SCO per package",
    ),
    Rule(
        "lms.file-name",
        ERR,
        "the chosen LMS refuses file names with accents or other non-ASCII characters",
        "rename the files with ASCII characters",
    ),
    Rule(
        "lms.external-launch",
        ERR,
        "the chosen LMS does not launch content from another host (no external launch, no dispatch packages)",
        "upload the content itself, not a launcher for a remote copy",
    ),
    Rule(
        "lms.passing-score",
        WARN,
        "Moodle's launch loop would hand the SCO another cmi.scaled_passing_score than its "
        "primary objective's (the last objective row wins; an objective without minNormalizedMeasure stores 1.0; "
        "docs/lms-pitfalls.md rule 23)",
        "give every imsss:objective of the item the primary objective's minNormalizedMeasure, "
        "or list no other objectives",
    ),
    Rule(
        "lms.cmi5-tracking",
        WARN,
        "Open edX's cmi5 xblock (0.1.3) records no grade, completion or resume from "
        "standard cmi5 statements: it grades only a single PUT whose verb display has an 'en' key and stores only "
        "a state document named 'suspendData' (docs/lms-pitfalls.md rule 29)",
        "check the grade in the Open edX gradebook after a test launch; use the SCORM 1.2 package for graded units",
    ),
    Rule(
        "lms.item-parameters",
        WARN,
        "item parameters are ignored by the chosen LMS",
        "put the query in the resource href",
    ),
    Rule(
        "lms.package-size",
        ERR,
        "the package exceeds the chosen LMS's upload limit",
        "compress media or host it outside the package",
    ),
    Rule("lms.forbidden-file", ERR, "the chosen LMS rejects packages containing this file type", "remove the file"),
]

RULES: dict[str, Rule] = {r.code: r for r in _RULES}


def finding(
    code: str, file: str, line: int | None, message: str, *, severity: Severity | None = None, fix: str | None = None
) -> Diagnostic:
    """A diagnostic of rule `code`: its severity and fix unless given."""
    rule = RULES[code]
    return Diagnostic(file, line, severity or rule.severity, code, message, fix or rule.fix)


@dataclass
class PackageResult(Diagnostics):
    """What validate_path returns for one package."""

    path: Path
    standard: str | None = None  # "scorm12" | "scorm2004" | "cmi5" | "xapi" | None
    edition: str | None = None  # "2nd" | "3rd" | "4th" | None
    schema_set: str | None = None
    lms: str | None = None
    manifest: str | None = None  # path of the manifest inside the package
    findings: list[Diagnostic] = field(default_factory=list)

    def _all(self) -> list[Diagnostic]:
        return self.findings

    @property
    def valid(self) -> bool:
        return self.ok

    def sorted_findings(self) -> list[Diagnostic]:
        return sorted(self.findings, key=by_severity)

    @property
    def label(self) -> str:
        """Human name of what was detected."""
        if self.standard == "scorm12":
            return "SCORM 1.2"
        if self.standard == "scorm2004":
            return f"SCORM 2004 {self.edition} Edition" if self.edition else "SCORM 2004"
        if self.standard == "cmi5":
            return "cmi5"
        if self.standard == "xapi":
            return "xAPI (tincan.xml)"
        return "unknown"
