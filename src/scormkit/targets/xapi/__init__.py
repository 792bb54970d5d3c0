"""xAPI (Tin Can): tincan.xml, the player with the `xapi` runtime adapter, and xapi.json (activity definitions).

tincan.xml follows Rustici's Tin Can prototypes (shared/corpus/manifests/tincan): namespace
the tincan.xsd namespace (standards.TINCAN), one course activity with name, description and a launch path. No official
tincan.xsd exists to validate against (corpus README), so the file is checked by `scormkit validate`'s tincan.xml
rules after writing.
Launch parameters, statements and resume: docs/xapi-cmi5.md and player/static/adapters/xapi.js.
"""

from __future__ import annotations

import json

from lxml import etree

from scormkit.diagnostics import Report
from scormkit.fileasset import Asset, asset_bytes
from scormkit.model import Module
from scormkit.standards import TINCAN
from scormkit.targets import register
from scormkit.targets.base import LAUNCH_FILE, ManifestError, Target, TargetOption, parse_own, serialize, sub
from scormkit.targets.xapi.activities import (
    DEFAULT_IRI_BASE,
    DEFINITIONS_FILE,
    Iris,
    activities_json,
    check_iri_base,
    course_definition,
    resolve_iri_base,
)
from scormkit.text import href
from scormkit.validate.cmi5 import check_tincan
from scormkit.validate.scorm import FileIndex

#: The xAPI State API sets no size limit on a document; 64,000 characters is the SCORM 2004 3rd/4th edition
#: budget (docs/lms-pitfalls.md rule 1), so a module that packs for one of them packs for all (and LRSs with small
#: request-body limits still take it).
STATE_BUDGET = 64_000


def tc(tag: str) -> str:
    return f"{{{TINCAN}}}{tag}"


class XapiTargetBase(Target):
    """What the xapi and cmi5 targets share: IRI base, xapi.json beside the player, state budget."""

    # Checked when the target is made, so a bad base is reported before anything is built.
    options = (TargetOption("iri_base", "IRI bases", check=check_iri_base),)

    def __init__(self, **options: str | None):
        super().__init__(**options)
        self._explicit_base = self.option_values.get("iri_base")
        self.iri_base = self._explicit_base or resolve_iri_base()

    @property
    def suspend_data_limit(self) -> int:
        return STATE_BUDGET

    def iris(self, module: Module) -> Iris:
        """The module's IRIs: base from the `iri_base=` option, else module.yaml `xapi.iri_base`, else
        $SCORMKIT_XAPI_IRI_BASE, else DEFAULT_IRI_BASE."""
        base = self._explicit_base or module.config.xapi.iri_base or self.iri_base
        return Iris(check_iri_base(base), module.config.id)

    def package_warnings(self, files: dict[str, Asset]) -> Report:
        """The base warnings, and the default IRI base: it merges every publisher's modules in a shared LRS."""
        report = super().package_warnings(files)
        course_id = (
            json.loads(asset_bytes(files[DEFINITIONS_FILE]))["course"]["id"] if DEFINITIONS_FILE in files else ""
        )
        if course_id.startswith(DEFAULT_IRI_BASE + "/"):
            report.warning(
                "module.yaml",
                None,
                "xapi.default-iri-base",
                f"the {self.name} activity ids use the default base {DEFAULT_IRI_BASE}, which merges the modules of "
                "every publisher that keeps it in a shared LRS; set `xapi: {iri_base: https://<your domain>/xapi}` "
                "in module.yaml before the first release (changing it later splits learner records)",
            )
        return report

    def build(self, module: Module) -> dict[str, Asset]:
        """The player's files, xapi.json and the validated manifest."""
        files = super().build(module)
        if DEFINITIONS_FILE in files:
            raise ManifestError(f"the player returned {DEFINITIONS_FILE}; only the {self.name} target writes it")
        files[DEFINITIONS_FILE] = activities_json(module, self.iris(module))
        return {path: files[path] for path in sorted(files)}


@register
class XapiTarget(XapiTargetBase):
    """xAPI 1.0.3 content launched with the Rustici "Tin Can launch" query parameters (tincan.xml)."""

    name = "xapi"
    label = "xAPI"
    runtime = "xapi"
    manifest_name = "tincan.xml"

    def build_manifest(self, module: Module, files: list[str]) -> bytes:
        """tincan.xml, checked by `scormkit validate`'s tincan.xml rules (there is no official XSD to validate it
        against)."""
        self.check_files(files)
        self.check_module(module)
        data = serialize(self.manifest_element(module, sorted(files)))
        findings, _ = check_tincan(parse_own(data).getroot(), "tincan.xml", FileIndex(files, ""))
        self.refuse_findings(findings)
        return data

    def manifest_element(self, module: Module, files: list[str]) -> etree._Element:
        iris = self.iris(module)
        lang = module.config.language
        definition = course_definition(module)
        root = etree.Element(tc("tincan"), nsmap={None: TINCAN})  # type: ignore[dict-item]  # lxml-stubs forbid the default namespace key
        activity = sub(sub(root, tc("activities")), tc("activity"), attrib={"id": iris.course, "type": definition.type})
        sub(activity, tc("name"), definition.name[lang], {"lang": lang})
        sub(activity, tc("description"), definition.description[lang], {"lang": lang})
        sub(activity, tc("launch"), href(LAUNCH_FILE), {"lang": lang})
        return root
