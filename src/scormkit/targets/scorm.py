"""What SCORM 1.2 and SCORM 2004 share: one imsmanifest.xml skeleton, inline LOM metadata, the control documents.

Both manifests are one organization with one item and one SCO resource listing every file, with the module's
metadata inline. The subclasses say which namespaces and schemaLocations they write, how their LOM spells a
langstring and a contribution, and what the item carries for grading (1.2: adlcp:masteryscore, 2004: sequencing).
"""

from __future__ import annotations

import abc
from typing import ClassVar

from lxml import etree

from scormkit.model import Module
from scormkit.schemas import schema_dir
from scormkit.standards import XSI
from scormkit.targets.base import LAUNCH_FILE, Identifiers, Target, sub
from scormkit.text import href, markdown_to_text, truncate, vcard


class ScormTarget(Target):
    """A SCORM package: imsmanifest.xml with inline LOM, validated against the edition's XSD set, which ships too."""

    #: IMS Content Packaging namespace of the manifest.
    cp_namespace: ClassVar[str]
    #: Namespace prefixes of the manifest (None: the default namespace, IMS CP).
    nsmap: ClassVar[dict[str | None, str]]
    #: xsi:schemaLocation of the manifest: namespace and control document pairs.
    schema_location: ClassVar[str]
    #: The ADL attribute marking the resource a SCO, in Clark notation (`adlcp:scormtype` / `adlcp:scormType`).
    scorm_type_attribute: ClassVar[str]
    #: Namespace of the inline LOM and the name of its life cycle element.
    lom_namespace: ClassVar[str]
    lifecycle_tag: ClassVar[str]
    #: The LOM role values of an author and of the publisher.
    author_role: ClassVar[str]
    publisher_role: ClassVar[str]
    #: Longest plain-text LOM description the standard's LMSs take.
    description_limit: ClassVar[int]

    @property
    @abc.abstractmethod
    def schema_version(self) -> str:
        """The manifest's metadata/schemaversion."""

    @property
    @abc.abstractmethod
    def schema_set(self) -> str:
        """Name of the vendored XSD set the manifest is validated against and whose documents ship."""

    def control_documents(self) -> dict[str, bytes]:
        """Every file of the vendored XSD set, by its path inside the set: the control documents xsi:schemaLocation
        names and all they include or import (docs/lms-pitfalls.md rule 26). Our patched IMS MD copy (`*.scormkit.xsd`, for
        our own validator only, schemas/PROVENANCE.md) stays out: a package carries the official documents."""
        root = schema_dir() / self.schema_set
        return {
            path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*"))
            if path.is_file() and not path.name.endswith(".scormkit.xsd")
        }

    def cp(self, tag: str) -> str:
        return f"{{{self.cp_namespace}}}{tag}"

    def lom(self, tag: str) -> str:
        return f"{{{self.lom_namespace}}}{tag}"

    def manifest_element(self, module: Module, files: list[str]) -> etree._Element:
        ids = Identifiers.of(module)
        config = module.config
        cp = self.cp
        manifest = etree.Element(
            cp("manifest"),
            {"identifier": ids.manifest, "version": config.version, f"{{{XSI}}}schemaLocation": self.schema_location},
            nsmap=self.nsmap,  # type: ignore[arg-type]  # lxml-stubs forbid the None key of the default namespace
        )

        metadata = sub(manifest, cp("metadata"))
        sub(metadata, cp("schema"), "ADL SCORM")
        sub(metadata, cp("schemaversion"), self.schema_version)
        metadata.append(self.lom_element(module))

        organizations = sub(manifest, cp("organizations"), attrib={"default": ids.organization})
        organization = sub(organizations, cp("organization"), attrib={"identifier": ids.organization})
        sub(organization, cp("title"), config.title)
        # docs/lms-pitfalls.md rule 21: every item has a title (Open edX crashes without one).
        item = sub(organization, cp("item"), attrib={"identifier": ids.item, "identifierref": ids.resource})
        sub(item, cp("title"), config.title)
        self.add_grading(item, module)

        resources = sub(manifest, cp("resources"))
        # docs/lms-pitfalls.md rule 21/22: the SCO's resource comes first and no xml:base is written.
        resource = sub(
            resources,
            cp("resource"),
            attrib={
                "identifier": ids.resource,
                "type": "webcontent",
                self.scorm_type_attribute: "sco",
                "href": href(LAUNCH_FILE),
            },
        )
        # docs/lms-pitfalls.md rule 12: every file of the package is listed.
        for path in files:
            sub(resource, cp("file"), attrib={"href": href(path)})
        return manifest

    @abc.abstractmethod
    def add_grading(self, item: etree._Element, module: Module) -> None:
        """What the manifest's item tells the LMS about passing and completion (docs/lms-pitfalls.md rules 6 and 11)."""

    def lom_element(self, module: Module) -> etree._Element:
        """Inline LOM: title, language, plain-text description, contributors with their date."""
        config = module.config
        lang = config.language
        root = etree.Element(self.lom("lom"))

        general = sub(root, self.lom("general"))
        self.langstring(sub(general, self.lom("title")), config.title, lang)
        sub(general, self.lom("language"), lang)
        description = truncate(markdown_to_text(config.description), self.description_limit)
        self.langstring(sub(general, self.lom("description")), description, lang)

        lifecycle = sub(root, self.lom(self.lifecycle_tag))
        date = config.updated.isoformat()
        for author in config.authors:
            self.contribute(lifecycle, self.author_role, vcard(author.name, author.affiliation), date)
        self.contribute(lifecycle, self.publisher_role, vcard(config.publisher, config.publisher), date)
        return root

    @abc.abstractmethod
    def langstring(self, parent: etree._Element, text: str, lang: str) -> None:
        """Append `text` in language `lang` to a LOM element that holds language strings."""

    @abc.abstractmethod
    def contribute(self, lifecycle: etree._Element, role: str, entity: str, date: str) -> None:
        """Append one LOM contribution: a role, the contributor as a vCard and the date."""
