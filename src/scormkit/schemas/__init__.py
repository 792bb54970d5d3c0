"""The official XSD sets, vendored (see PROVENANCE.md), compiled offline.

`schema_for(name)` returns a compiled driver schema that imports every namespace a manifest of that standard may
use, so that `processContents="strict"` wildcards in imscp are checked too. Nothing is fetched from the network:
the W3C `xml.xsd` URLs and IMS's `ims_xml.xsd` resolve to a local `xml.xsd` (corpus RESULTS.md, section 1).
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

from lxml import etree

from scormkit.standards import ADLCP_12, ADLCP_2004, ADLNAV, ADLSEQ, CMI5, IMSCP_12, IMSCP_2004, IMSMD_12, IMSSS, LOM

SCHEMA_SETS = ("scorm12", "scorm2004-2nd", "scorm2004-3rd", "scorm2004-4th", "cmi5")

# namespace -> root XSD of each set (file names differ between 1.2 and 2004).
_DRIVER_IMPORTS: dict[str, list[tuple[str, str]]] = {
    "scorm12": [
        (IMSCP_12, "imscp_rootv1p1p2.xsd"),
        (ADLCP_12, "adlcp_rootv1p2.xsd"),
        # The CP 1.2 <metadata> wildcard is processContents="strict", so inline IMS MD needs its schema; the
        # official one breaks Unique Particle Attribution and libxml2 refuses it (PROVENANCE.md).
        (IMSMD_12, "imsmd_rootv1p2p1.scormkit.xsd"),
    ],
    **{
        edition: [
            (IMSCP_2004, "imscp_v1p1.xsd"),
            (ADLCP_2004, "adlcp_v1p3.xsd"),
            (ADLSEQ, "adlseq_v1p3.xsd"),
            (ADLNAV, "adlnav_v1p3.xsd"),
            (IMSSS, "imsss_v1p0.xsd"),
            (LOM, "lom.xsd"),
        ]
        for edition in ("scorm2004-2nd", "scorm2004-3rd", "scorm2004-4th")
    },
    "cmi5": [(CMI5, "CourseStructure.xsd")],
}

_XML_XSD_URLS = ("http://www.w3.org/2001/xml.xsd", "http://www.w3.org/2001/03/xml.xsd")


def schema_dir() -> Path:
    """The folder of the vendored schema sets (a real directory: the package is installed unzipped)."""
    return Path(str(resources.files(__name__)))


class _OfflineResolver(etree.Resolver):
    """Serve xml.xsd locally and refuse every other network URL."""

    def __init__(self, local_xml_xsd: Path):
        super().__init__()
        self.local_xml_xsd = local_xml_xsd

    def resolve(self, url, pubid, context):
        if url in _XML_XSD_URLS or (url or "").endswith("ims_xml.xsd"):
            return self.resolve_filename(str(self.local_xml_xsd), context)
        if url and url.startswith(("http://", "https://", "ftp://")):
            raise etree.XMLSchemaParseError(f"refusing to fetch {url}: schemas are resolved offline only")
        return None


def _parser(xml_xsd: Path) -> etree.XMLParser:
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    parser.resolvers.add(_OfflineResolver(xml_xsd))
    return parser


@functools.cache
def schema_for(name: str) -> etree.XMLSchema:
    """Compile (once per process) the driver schema of one set in SCHEMA_SETS."""
    if name not in _DRIVER_IMPORTS:
        raise KeyError(f"unknown schema set {name!r}; expected one of {', '.join(SCHEMA_SETS)}")
    base = schema_dir()
    folder = base / name
    parser = _parser(base / "scorm2004-4th" / "xml.xsd")
    imports = "".join(
        f'<xs:import namespace="{ns}" schemaLocation="{(folder / xsd).as_uri()}"/>' for ns, xsd in _DRIVER_IMPORTS[name]
    )
    driver = (
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        f'targetNamespace="urn:scormkit:driver:{name}">{imports}</xs:schema>'
    )
    doc = etree.fromstring(driver.encode(), parser, base_url=(folder / "driver.xsd").as_uri())
    return etree.XMLSchema(etree.ElementTree(doc))


def validate_xml(doc: etree._ElementTree | etree._Element, name: str) -> list[str]:
    """XSD errors of a parsed document against a schema set, as 'line N: message' strings (empty = valid)."""
    schema = schema_for(name)
    tree = doc if isinstance(doc, etree._ElementTree) else doc.getroottree()
    if schema.validate(tree):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]  # type: ignore[attr-defined]  # lxml-stubs: _ErrorLog is iterable
