"""SCORM 1.2: imsmanifest.xml in IMS Content Packaging 1.1.2 + ADL CP 1.2, with inline IMS MD 1.2 metadata.

One organization, one item, one SCO resource listing every file. The namespace declarations and schemaLocations
follow Rustici's "Golf Explained" SCORM 1.2 examples (shared/corpus/manifests/scorm12/rustici-golf_*).
"""

from __future__ import annotations

from lxml import etree

from scormkit.model import Module
from scormkit.standards import ADLCP_12 as ADLCP
from scormkit.standards import IMSCP_12 as CP
from scormkit.standards import IMSMD_12 as IMSMD
from scormkit.standards import SUSPEND_DATA_LIMIT_12
from scormkit.targets import register
from scormkit.targets.base import (
    XML_NS,
    XSI,
    Identifiers,
    Target,
    add_sco_resource,
    mastery_percent,
    scorm_control_documents,
    sub,
    success_from_quiz,
)
from scormkit.text import markdown_to_text, truncate, vcard

NSMAP = {None: CP, "adlcp": ADLCP, "imsmd": IMSMD, "xsi": XSI}
SCHEMA_LOCATION = " ".join(
    [
        f"{CP} imscp_rootv1p1p2.xsd",
        f"{IMSMD} imsmd_rootv1p2p1.xsd",
        f"{ADLCP} adlcp_rootv1p2.xsd",
    ]
)

#: LMS-PITFALLS rule 12: LMSs truncate or reject a SCORM 1.2 LOM description longer than 1000 characters.
DESCRIPTION_LIMIT = 1000


def cp(tag: str) -> str:
    return f"{{{CP}}}{tag}"


def md(tag: str) -> str:
    return f"{{{IMSMD}}}{tag}"


@register
class Scorm12Target(Target):
    """SCORM 1.2 (ADL CAM 1.2)."""

    name = "scorm12"
    runtime = "scorm12"

    @property
    def suspend_data_limit(self) -> int:
        # SCORM 1.2 RTE: cmi.suspend_data is CMIString4096 (LMS-PITFALLS rule 1).
        return SUSPEND_DATA_LIMIT_12

    @property
    def schema_set(self) -> str:
        return "scorm12"

    def control_documents(self) -> dict[str, bytes]:
        return scorm_control_documents("scorm12")

    def manifest_element(self, module: Module, files: list[str]) -> etree._Element:
        ids = Identifiers.of(module)
        config = module.config
        manifest = etree.Element(
            cp("manifest"),
            {"identifier": ids.manifest, "version": config.version, f"{{{XSI}}}schemaLocation": SCHEMA_LOCATION},
            nsmap=NSMAP,
        )

        metadata = sub(manifest, cp("metadata"))
        sub(metadata, cp("schema"), "ADL SCORM")
        sub(metadata, cp("schemaversion"), "1.2")
        metadata.append(self.lom_element(module))

        organizations = sub(manifest, cp("organizations"), attrib={"default": ids.organization})
        organization = sub(organizations, cp("organization"), attrib={"identifier": ids.organization})
        sub(organization, cp("title"), config.title)
        # LMS-PITFALLS rule 21: every item has a title (Open edX crashes without one).
        item = sub(organization, cp("item"), attrib={"identifier": ids.item, "identifierref": ids.resource})
        sub(item, cp("title"), config.title)
        if success_from_quiz(module):
            # LMS-PITFALLS rule 6: LMSs that grade from the mastery score need it; the player reads it back
            # (cmi.student_data.mastery_score) so both agree.
            sub(item, f"{{{ADLCP}}}masteryscore", str(mastery_percent(module)))

        add_sco_resource(manifest, CP, f"{{{ADLCP}}}scormtype", ids, files)
        return manifest

    def lom_element(self, module: Module) -> etree._Element:
        """Inline IMS MD 1.2 (`imsmd:lom`): title, language, plain-text description, contributors, date.

        Validated with the rest of the manifest against the scorm12 set, whose IMS MD schema is the patched copy
        described in schemas/PROVENANCE.md; it is kept small and follows the IMS MD 1.2.1 element order.
        """
        config = module.config
        lang = config.language
        lom = etree.Element(md("lom"))

        general = sub(lom, md("general"))
        _langstring(sub(general, md("title")), config.title, lang)
        sub(general, md("language"), lang)
        description = truncate(markdown_to_text(config.description), DESCRIPTION_LIMIT)
        _langstring(sub(general, md("description")), description, lang)

        lifecycle = sub(lom, md("lifecycle"))
        for author in config.authors:
            _contribute(lifecycle, "Author", vcard(author.name, author.affiliation), config.updated.isoformat())
        _contribute(lifecycle, "Publisher", vcard(config.publisher, config.publisher), config.updated.isoformat())

        metametadata = sub(lom, md("metametadata"))
        sub(metametadata, md("metadatascheme"), "ADL SCORM 1.2")
        return lom


def _langstring(parent: etree._Element, text: str, lang: str) -> None:
    sub(parent, md("langstring"), text, {f"{{{XML_NS}}}lang": lang})


def _contribute(lifecycle: etree._Element, role: str, entity: str, date: str) -> None:
    contribute = sub(lifecycle, md("contribute"))
    role_element = sub(contribute, md("role"))
    _langstring(sub(role_element, md("source")), "LOMv1.0", "x-none")
    _langstring(sub(role_element, md("value")), role, "x-none")
    sub(sub(contribute, md("centity")), md("vcard"), entity)
    sub(sub(contribute, md("date")), md("datetime"), date)
