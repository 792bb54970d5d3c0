"""Issue 9 item 6, docs/lms-pitfalls.md rule 26: SCORM packages carry, at their root, the XSD control documents that
imsmanifest.xml's xsi:schemaLocation names, with every schema they include or import (the ADL conformance test
suite's content package test looks for them; LMSs themselves do not check)."""

from __future__ import annotations

import posixpath

import pytest
from lxml import etree

from scormkit.targets import get_target
from tests.factories import make_module

XSI = "http://www.w3.org/2001/XMLSchema-instance"
XS = "http://www.w3.org/2001/XMLSchema"
TARGETS = [("scorm12", None), ("scorm2004", "2nd"), ("scorm2004", "3rd"), ("scorm2004", "4th")]


def build(name: str, edition: str | None) -> dict[str, bytes]:
    return get_target(name, edition=edition).build(make_module())


@pytest.mark.parametrize("name, edition", TARGETS)
def test_every_schema_location_is_at_the_zip_root(name, edition):
    files = build(name, edition)
    manifest = etree.fromstring(files["imsmanifest.xml"])
    locations = manifest.get(f"{{{XSI}}}schemaLocation").split()[1::2]
    assert locations and all("/" not in loc for loc in locations)
    missing = [loc for loc in locations if loc not in files]
    assert missing == []


@pytest.mark.parametrize("name, edition", TARGETS)
def test_shipped_schemas_are_complete_and_unlisted(name, edition):
    files = build(name, edition)
    schemas = {path: data for path, data in files.items() if path.endswith(".xsd")}
    for path, data in schemas.items():
        # recover: IMS's ims_xml.xsd binds the default namespace to the XML namespace, which libxml2 refuses.
        root = etree.fromstring(data, etree.XMLParser(recover=True))
        if root is None:
            continue
        for ref in root.iter(f"{{{XS}}}include", f"{{{XS}}}import", f"{{{XS}}}redefine"):
            location = ref.get("schemaLocation")
            if not location or location.startswith("http"):
                continue  # namespace-only imports and the W3C xml.xsd, which every validator has
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), location))
            assert target in files, f"{path} includes {location}, not shipped"
    # Our patched IMS MD copy is for our own validator only; the package ships the official documents.
    assert not any(path.endswith(".scormkit.xsd") for path in files)
    # Control documents are not content: real packages do not list them in the SCO resource.
    manifest = etree.fromstring(files["imsmanifest.xml"])
    listed = {f.get("href") for f in manifest.iter() if etree.QName(f).localname == "file"}
    assert listed.isdisjoint(schemas)
    # Their licences travel with them (CC BY 3.0 attribution; the Apache-2.0 text for the 4th edition).
    notice = files["schemas-NOTICE.txt"].decode()
    assert "Creative Commons Attribution 3.0" in notice or "Apache License" in notice
    if edition == "4th":
        assert "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION" in notice


def test_web_and_lrs_targets_carry_no_scorm_control_documents():
    for name in ("web", "xapi", "cmi5"):
        files = get_target(name).build(make_module())
        assert not [p for p in files if p.endswith(".xsd") or p == "schemas-NOTICE.txt"], name
