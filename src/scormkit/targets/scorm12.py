"""SCORM 1.2: imsmanifest.xml in IMS Content Packaging 1.1.2 + ADL CP 1.2, with inline IMS MD 1.2 metadata.

One organization, one item, one SCO resource listing every file. The namespace declarations and schemaLocations
follow Rustici's "Golf Explained" SCORM 1.2 examples (shared/corpus/manifests/scorm12/rustici-golf_*).
"""

from __future__ import annotations

from typing import ClassVar

from lxml import etree

from scormkit.model import Module
from scormkit.standards import ADLCP_12 as ADLCP
from scormkit.standards import IMSCP_12 as CP
from scormkit.standards import IMSMD_12 as IMSMD
from scormkit.standards import SUSPEND_DATA_LIMIT_12, XML_NS, XSI
from scormkit.targets import register
from scormkit.targets.base import mastery_percent, sub, success_from_quiz
from scormkit.targets.scorm import ScormTarget

#: docs/lms-pitfalls.md rule 12: LMSs truncate or reject a SCORM 1.2 LOM description longer than 1000 characters.
DESCRIPTION_LIMIT = 1000


@register
class Scorm12Target(ScormTarget):
    """SCORM 1.2 (ADL CAM 1.2)."""

    name = "scorm12"
    label = "SCORM 1.2"
    runtime = "scorm12"
    cp_namespace = CP
    nsmap: ClassVar[dict[str | None, str]] = {None: CP, "adlcp": ADLCP, "imsmd": IMSMD, "xsi": XSI}
    schema_location = " ".join(
        [
            f"{CP} imscp_rootv1p1p2.xsd",
            f"{IMSMD} imsmd_rootv1p2p1.xsd",
            f"{ADLCP} adlcp_rootv1p2.xsd",
        ]
    )
    scorm_type_attribute = f"{{{ADLCP}}}scormtype"
    lom_namespace = IMSMD
    lifecycle_tag = "lifecycle"
    author_role = "Author"
    publisher_role = "Publisher"
    description_limit = DESCRIPTION_LIMIT

    @property
    def suspend_data_limit(self) -> int:
        # SCORM 1.2 RTE: cmi.suspend_data is CMIString4096 (docs/lms-pitfalls.md rule 1).
        return SUSPEND_DATA_LIMIT_12

    @property
    def schema_set(self) -> str:
        return "scorm12"

    @property
    def schema_version(self) -> str:
        return "1.2"

    def add_grading(self, item: etree._Element, module: Module) -> None:
        if success_from_quiz(module):
            # docs/lms-pitfalls.md rule 6: LMSs that grade from the mastery score need it; the player reads it back
            # (cmi.student_data.mastery_score) so both agree.
            sub(item, f"{{{ADLCP}}}masteryscore", str(mastery_percent(module)))

    def lom_element(self, module: Module) -> etree._Element:
        """Inline IMS MD 1.2 (`imsmd:lom`): the shared LOM, then the metametadata scheme.

        Validated with the rest of the manifest against the scorm12 set, whose IMS MD schema is the patched copy
        described in schemas/PROVENANCE.md; it is kept small and follows the IMS MD 1.2.1 element order.
        """
        lom = super().lom_element(module)
        metametadata = sub(lom, self.lom("metametadata"))
        sub(metametadata, self.lom("metadatascheme"), "ADL SCORM 1.2")
        return lom

    def langstring(self, parent: etree._Element, text: str, lang: str) -> None:
        sub(parent, self.lom("langstring"), text, {f"{{{XML_NS}}}lang": lang})

    def contribute(self, lifecycle: etree._Element, role: str, entity: str, date: str) -> None:
        contribute = sub(lifecycle, self.lom("contribute"))
        role_element = sub(contribute, self.lom("role"))
        self.langstring(sub(role_element, self.lom("source")), "LOMv1.0", "x-none")
        self.langstring(sub(role_element, self.lom("value")), role, "x-none")
        sub(sub(contribute, self.lom("centity")), self.lom("vcard"), entity)
        sub(sub(contribute, self.lom("date")), self.lom("datetime"), date)
