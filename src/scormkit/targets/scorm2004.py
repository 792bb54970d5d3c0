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
from scormkit.standards import ADLNAV, ADLSEQ, IMSSS, LOM
from scormkit.standards import IMSCP_2004 as CP
from scormkit.standards import SUSPEND_DATA_LIMITS_2004 as SUSPEND_DATA_LIMITS
from scormkit.targets import register
from scormkit.targets.base import (
    XSI,
    Identifiers,
    Target,
    add_sco_resource,
    scorm_control_documents,
    sub,
    success_from_quiz,
)
from scormkit.text import decimal, markdown_to_text, truncate, vcard

NSMAP = {None: CP, "adlcp": ADLCP, "adlseq": ADLSEQ, "adlnav": ADLNAV, "imsss": IMSSS, "lom": LOM, "xsi": XSI}
SCHEMA_LOCATION = " ".join(
    [
        f"{CP} imscp_v1p1.xsd",
        f"{ADLCP} adlcp_v1p3.xsd",
        f"{ADLSEQ} adlseq_v1p3.xsd",
        f"{ADLNAV} adlnav_v1p3.xsd",
        f"{IMSSS} imsss_v1p0.xsd",
        f"{LOM} lom.xsd",
    ]
)

#: CAM `schemaversion` per edition ("CAM 1.3" is how the 2nd edition names itself).
SCHEMA_VERSIONS = {"2nd": "CAM 1.3", "3rd": "2004 3rd Edition", "4th": "2004 4th Edition"}


#: IEEE LOM 1484.12.1 smallest permitted maximum of general.description.
DESCRIPTION_LIMIT = 2000


def cp(tag: str) -> str:
    return f"{{{CP}}}{tag}"


def ss(tag: str) -> str:
    return f"{{{IMSSS}}}{tag}"


def lom(tag: str) -> str:
    return f"{{{LOM}}}{tag}"


@register
class Scorm2004Target(Target):
    """SCORM 2004 (ADL CAM 1.3); `--edition 2nd|3rd|4th`."""

    name = "scorm2004"
    runtime = "scorm2004"
    editions: ClassVar[tuple[str, ...]] = ("2nd", "3rd", "4th")
    default_edition = "3rd"

    @property
    def suspend_data_limit(self) -> int:
        return SUSPEND_DATA_LIMITS[self.edition or "3rd"]

    @property
    def schema_set(self) -> str:
        return f"scorm2004-{self.edition}"

    def control_documents(self) -> dict[str, bytes]:
        return scorm_control_documents(self.schema_set)

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
        sub(metadata, cp("schemaversion"), SCHEMA_VERSIONS[self.edition or "3rd"])
        metadata.append(self.lom_element(module))

        organizations = sub(manifest, cp("organizations"), attrib={"default": ids.organization})
        organization = sub(organizations, cp("organization"), attrib={"identifier": ids.organization})
        sub(organization, cp("title"), config.title)
        # LMS-PITFALLS rule 21: every item has a title.
        item = sub(organization, cp("item"), attrib={"identifier": ids.item, "identifierref": ids.resource})
        sub(item, cp("title"), config.title)
        item.append(self.sequencing_element(module))

        add_sco_resource(manifest, CP, f"{{{ADLCP}}}scormType", ids, files)
        return manifest

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
        # LMS-PITFALLS rule 20: no imsss:mapInfo (Moodle's importer aborts on it).
        for objective in module.config.objectives:
            local = sub(objectives, ss("objective"), attrib={"objectiveID": objective.id})
            if success_from_quiz(module):
                # LMS-PITFALLS rule 23: Moodle stores 1.0 for an objective without a measure and hands the SCO
                # the LAST objective's measure as cmi.scaled_passing_score, so each one carries the module's
                # passing score. Harmless elsewhere: without satisfiedByMeasure the measure is not used (SN 3.4).
                sub(local, ss("minNormalizedMeasure"), decimal(module.passing_fraction or 0.0))
        # LMS-PITFALLS rule 11: the content, not the LMS, sets completion and success (SuccessFactors otherwise
        # marks the item complete on exit).
        controls = {"completionSetByContent": "true", "objectiveSetByContent": "true"}
        sub(sequencing, ss("deliveryControls"), attrib=controls)
        return sequencing

    def lom_element(self, module: Module) -> etree._Element:
        """Inline IEEE LOM (`lom:lom`, validated by lom.xsd of the edition's set)."""
        config = module.config
        lang = config.language
        root = etree.Element(lom("lom"))

        general = sub(root, lom("general"))
        _langstring(sub(general, lom("title")), config.title, lang)
        sub(general, lom("language"), lang)
        description = truncate(markdown_to_text(config.description), DESCRIPTION_LIMIT)
        _langstring(sub(general, lom("description")), description, lang)

        life_cycle = sub(root, lom("lifeCycle"))
        for author in config.authors:
            _contribute(life_cycle, "author", vcard(author.name, author.affiliation), config.updated.isoformat())
        _contribute(life_cycle, "publisher", vcard(config.publisher, config.publisher), config.updated.isoformat())
        return root


def _langstring(parent: etree._Element, text: str, lang: str) -> None:
    sub(parent, lom("string"), text, {"language": lang})


def _contribute(life_cycle: etree._Element, role: str, entity: str, date: str) -> None:
    contribute = sub(life_cycle, lom("contribute"))
    role_element = sub(contribute, lom("role"))
    sub(role_element, lom("source"), "LOMv1.0")
    sub(role_element, lom("value"), role)
    sub(contribute, lom("entity"), entity)
    sub(sub(contribute, lom("date")), lom("dateTime"), date)
