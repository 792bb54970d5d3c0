"""SCORM 2004 (CAM 1.3), 2nd, 3rd (default) or 4th edition: imsmanifest.xml with inline IEEE LOM metadata.

One organization, one item carrying simple sequencing (objectives + delivery controls), one SCO resource listing
every file. Namespace declarations and schemaLocations follow Rustici's "Golf Explained" 2004 packages and the
ADL 4th Edition test packages (shared/corpus/manifests/scorm2004-*); all three editions use the same namespaces.
"""

from __future__ import annotations

from typing import ClassVar

from lxml import etree

from scormkit.model import Module
from scormkit.standards import ADLCP_2004 as ADLCP
from scormkit.standards import ADLNAV, ADLSEQ, IMSSS, LOM, XSI
from scormkit.standards import IMSCP_2004 as CP
from scormkit.standards import SUSPEND_DATA_LIMITS_2004 as SUSPEND_DATA_LIMITS
from scormkit.targets import register
from scormkit.targets.base import TargetOption, sub, success_from_quiz
from scormkit.targets.scorm import ScormTarget
from scormkit.text import decimal

#: CAM `schemaversion` per edition ("CAM 1.3" is how the 2nd edition names itself).
SCHEMA_VERSIONS = {"2nd": "CAM 1.3", "3rd": "2004 3rd Edition", "4th": "2004 4th Edition"}


#: IEEE LOM 1484.12.1 smallest permitted maximum of general.description.
DESCRIPTION_LIMIT = 2000


def ss(tag: str) -> str:
    return f"{{{IMSSS}}}{tag}"


@register
class Scorm2004Target(ScormTarget):
    """SCORM 2004 (ADL CAM 1.3); `--edition 2nd|3rd|4th`."""

    name = "scorm2004"
    label = "SCORM 2004"
    runtime = "scorm2004"
    options = (TargetOption("edition", "editions", choices=("2nd", "3rd", "4th")),)
    default_edition = "3rd"
    cp_namespace = CP
    nsmap: ClassVar[dict[str | None, str]] = {
        None: CP,
        "adlcp": ADLCP,
        "adlseq": ADLSEQ,
        "adlnav": ADLNAV,
        "imsss": IMSSS,
        "lom": LOM,
        "xsi": XSI,
    }
    schema_location = " ".join(
        [
            f"{CP} imscp_v1p1.xsd",
            f"{ADLCP} adlcp_v1p3.xsd",
            f"{ADLSEQ} adlseq_v1p3.xsd",
            f"{ADLNAV} adlnav_v1p3.xsd",
            f"{IMSSS} imsss_v1p0.xsd",
            f"{LOM} lom.xsd",
        ]
    )
    scorm_type_attribute = f"{{{ADLCP}}}scormType"
    lom_namespace = LOM
    lifecycle_tag = "lifeCycle"
    author_role = "author"
    publisher_role = "publisher"
    description_limit = DESCRIPTION_LIMIT

    @property
    def suspend_data_limit(self) -> int:
        return SUSPEND_DATA_LIMITS[self.edition or "3rd"]

    @property
    def schema_set(self) -> str:
        return f"scorm2004-{self.edition}"

    @property
    def schema_version(self) -> str:
        return SCHEMA_VERSIONS[self.edition or "3rd"]

    def add_grading(self, item: etree._Element, module: Module) -> None:
        item.append(self.sequencing_element(module))

    def sequencing_element(self, module: Module) -> etree._Element:
        """`imsss:sequencing` of the single item, children in the order of imsss_v1p0.xsd sequencingType
        (... objectives, randomizationControls, deliveryControls)."""
        sequencing = etree.Element(ss("sequencing"))
        objectives = sub(sequencing, ss("objectives"))
        primary = sub(objectives, ss("primaryObjective"))
        if success_from_quiz(module):
            # SCORM 2004 SN 3.4: with satisfiedByMeasure the LMS passes the learner when
            # cmi.score.scaled >= minNormalizedMeasure, the same threshold the player applies.
            primary.set("satisfiedByMeasure", "true")
            sub(primary, ss("minNormalizedMeasure"), decimal(module.passing_fraction or 0.0))
        # One local objective per learning objective, reported by the player as cmi.objectives.n.id.
        # docs/lms-pitfalls.md rule 20: no imsss:mapInfo (Moodle's importer aborts on it).
        for objective in module.config.objectives:
            local = sub(objectives, ss("objective"), attrib={"objectiveID": objective.id})
            if success_from_quiz(module):
                # docs/lms-pitfalls.md rule 23: Moodle stores 1.0 for an objective without a measure and hands the SCO
                # the LAST objective's measure as cmi.scaled_passing_score, so each one carries the module's
                # passing score. Harmless elsewhere: without satisfiedByMeasure the measure is not used (SN 3.4).
                sub(local, ss("minNormalizedMeasure"), decimal(module.passing_fraction or 0.0))
        # docs/lms-pitfalls.md rule 11: the content, not the LMS, sets completion and success (SuccessFactors otherwise
        # marks the item complete on exit).
        controls = {"completionSetByContent": "true", "objectiveSetByContent": "true"}
        sub(sequencing, ss("deliveryControls"), attrib=controls)
        return sequencing

    def langstring(self, parent: etree._Element, text: str, lang: str) -> None:
        sub(parent, self.lom("string"), text, {"language": lang})

    def contribute(self, lifecycle: etree._Element, role: str, entity: str, date: str) -> None:
        contribute = sub(lifecycle, self.lom("contribute"))
        role_element = sub(contribute, self.lom("role"))
        sub(role_element, self.lom("source"), "LOMv1.0")
        sub(role_element, self.lom("value"), role)
        sub(contribute, self.lom("entity"), entity)
        sub(sub(contribute, self.lom("date")), self.lom("dateTime"), date)
