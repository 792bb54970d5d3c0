"""SCORM 1.2 manifest, field by field (namespaced XPath, never substrings)."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from scormkit.diagnostics import ScormkitError
from scormkit.model import QuizOptions, Tracking
from scormkit.schemas import validate_xml
from scormkit.targets import ManifestError, get_target
from scormkit.targets.base import XML_NS
from scormkit.targets.scorm12 import DESCRIPTION_LIMIT
from tests.factories import PLAYER_FILES, make_module, no_quiz_module
from tests.manifests import listed_files, parse

NS = {
    "cp": "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
    "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2",
    "imsmd": "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}


def manifest(module=None, files=PLAYER_FILES) -> etree._Element:
    return parse(get_target("scorm12").build_manifest(module or make_module(), list(files)))


def one(root: etree._Element, path: str):
    found = root.xpath(path, namespaces=NS)
    assert len(found) == 1, f"{path}: {found!r}"
    return found[0]


def test_root_namespaces_and_schema_locations():
    root = manifest()
    assert root.tag == f"{{{NS['cp']}}}manifest"
    assert root.nsmap[None] == NS["cp"] and root.nsmap["adlcp"] == NS["adlcp"]
    # As in Rustici's golf examples: namespace / file pairs.
    locations = root.get(f"{{{NS['xsi']}}}schemaLocation").split()
    assert dict(zip(locations[::2], locations[1::2])) == {
        NS["cp"]: "imscp_rootv1p1p2.xsd",
        NS["imsmd"]: "imsmd_rootv1p2p1.xsd",
        NS["adlcp"]: "adlcp_rootv1p2.xsd",
    }


def test_declaration_and_encoding():
    data = get_target("scorm12").build_manifest(make_module(), PLAYER_FILES)
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    assert etree.fromstring(data).getroottree().docinfo.encoding == "UTF-8"


def test_schema_and_schemaversion():
    root = manifest()
    assert one(root, "/cp:manifest/cp:metadata/cp:schema/text()") == "ADL SCORM"
    assert one(root, "/cp:manifest/cp:metadata/cp:schemaversion/text()") == "1.2"


def test_identifiers_prefixed_and_stable_across_builds_and_releases():
    """docs/lms-pitfalls.md rules 12 (no identifier starts with a digit) and 13 (identifiers stable across releases)."""
    first = get_target("scorm12").build_manifest(make_module(), PLAYER_FILES)
    assert first == get_target("scorm12").build_manifest(make_module(), PLAYER_FILES)  # deterministic bytes
    root = parse(first)
    identifiers = root.xpath("//@identifier", namespaces=NS)
    assert len(identifiers) == 4 and len(set(identifiers)) == 4
    assert all(re.match(r"^[A-Za-z_]", i) for i in identifiers)
    assert root.get("identifier") == "MANIFEST-esmo-difficult-pain"
    assert root.get("version") == "1.0.0"

    release = parse(get_target("scorm12").build_manifest(make_module(version="1.1.0"), PLAYER_FILES))
    assert release.xpath("//@identifier", namespaces=NS) == identifiers
    assert release.get("version") == "1.1.0"


def test_default_organization_resolves_and_titles():
    """docs/lms-pitfalls.md rule 21: every item has a title."""
    root = manifest()
    default = one(root, "/cp:manifest/cp:organizations/@default")
    organization = one(root, f"/cp:manifest/cp:organizations/cp:organization[@identifier='{default}']")
    assert one(organization, "cp:title/text()") == "Difficult pain problems"
    item = one(organization, "cp:item")
    assert one(item, "cp:title/text()") == "Difficult pain problems"
    assert item.get("identifier") == "ITEM-esmo-difficult-pain"


def test_identifierref_resolves_to_the_sco():
    root = manifest()
    ref = one(root, "//cp:item/@identifierref")
    resource = one(root, f"/cp:manifest/cp:resources/cp:resource[@identifier='{ref}']")
    assert resource.get("type") == "webcontent"
    assert resource.get(f"{{{NS['adlcp']}}}scormtype") == "sco"
    assert resource.get("href") == "index.html"


def test_masteryscore_from_passing_score():
    """docs/lms-pitfalls.md rule 6: masteryscore written when the module has a passing score."""
    assert one(manifest(), "//cp:item/adlcp:masteryscore/text()") == "80"
    assert one(manifest(make_module(quiz=QuizOptions(passing_score=0))), "//adlcp:masteryscore/text()") == "0"
    assert one(manifest(make_module(quiz=QuizOptions(passing_score=100))), "//adlcp:masteryscore/text()") == "100"
    # masteryscore is an integer in SCORM 1.2, so the model takes whole percents only: player and LMS agree.
    with pytest.raises(ValueError, match="passing_score"):
        QuizOptions(passing_score=79.5)


def test_no_masteryscore_without_quiz_success():
    """docs/lms-pitfalls.md rule 6: without a passing score an LMS must not derive passed/failed."""
    assert manifest(no_quiz_module()).xpath("//adlcp:masteryscore", namespaces=NS) == []
    no_success = make_module(tracking=Tracking(success="none"))
    assert manifest(no_success).xpath("//adlcp:masteryscore", namespaces=NS) == []


def test_every_file_listed_exactly_once_and_nothing_else():
    """docs/lms-pitfalls.md rule 12: every file of the package is listed in the resource."""
    root = manifest()
    listed = listed_files(root, NS)
    assert sorted(listed) == sorted(PLAYER_FILES)
    assert len(listed) == len(set(listed))
    assert "imsmanifest.xml" not in listed
    assert "assets/pain%20scale.png" in root.xpath("//cp:file/@href", namespaces=NS)  # a URI reference


def test_sco_resource_first_and_no_xml_base_or_absolute_href():
    """docs/lms-pitfalls.md rules 12, 21, 22: SCO resource first, no xml:base, no href starting with '/'."""
    root = manifest()
    first = root.xpath("/cp:manifest/cp:resources/cp:resource[1]", namespaces=NS)[0]
    assert first.get(f"{{{NS['adlcp']}}}scormtype") == "sco"
    assert root.xpath("//@xml:base") == []
    assert [h for h in root.xpath("//@href") if h.startswith("/")] == []


def test_lom_title_language_description():
    root = manifest()
    lom = one(root, "/cp:manifest/cp:metadata/imsmd:lom")
    title = one(lom, "imsmd:general/imsmd:title/imsmd:langstring")
    assert title.text == "Difficult pain problems" and title.get(f"{{{XML_NS}}}lang") == "en"
    assert one(lom, "imsmd:general/imsmd:language/text()") == "en"
    description = one(lom, "imsmd:general/imsmd:description/imsmd:langstring")
    assert description.get(f"{{{XML_NS}}}lang") == "en"
    # Plain text: no Markdown markup survives.
    assert description.text.splitlines()[0] == "An overview of difficult pain problems in cancer patients."
    assert not re.search(r"[*`\[\]]", description.text)


def test_lom_contributors_and_date():
    lom = one(manifest(), "/cp:manifest/cp:metadata/imsmd:lom")
    contributes = lom.xpath("imsmd:lifecycle/imsmd:contribute", namespaces=NS)
    roles = [one(c, "imsmd:role/imsmd:value/imsmd:langstring/text()") for c in contributes]
    assert roles == ["Author", "Author", "Publisher"]
    assert {one(c, "imsmd:role/imsmd:source/imsmd:langstring/text()") for c in contributes} == {"LOMv1.0"}
    first_card = one(contributes[0], "imsmd:centity/imsmd:vcard/text()").splitlines()
    assert "FN:Dr Ada Lovelace" in first_card and "ORG:ESMO\\, Lugano" in first_card
    assert {one(c, "imsmd:date/imsmd:datetime/text()") for c in contributes} == {"2010-09-22"}


def test_long_description_truncated_to_1000_chars():
    """docs/lms-pitfalls.md rule 12: a SCORM 1.2 LOM description is at most 1000 characters."""
    long_text = " ".join(f"word{i}" for i in range(700))  # about 5,000 characters of Markdown
    root = manifest(make_module(description=long_text[:3990]))
    text = one(root, "//imsmd:general/imsmd:description/imsmd:langstring/text()")
    assert len(text) <= DESCRIPTION_LIMIT
    assert text.endswith("\u2026")
    assert text[:-1].split()[-1] in long_text.split()  # cut on a word boundary, no partial word


def test_lom_is_checked_by_the_scorm12_set():
    """The inline IMS MD 1.2 is validated with the manifest (the set's imsmd copy has its `##any` wildcard
    narrowed to `##other`, which libxml2 can compile: schemas/PROVENANCE.md), and an error inside it is caught."""
    for module in (make_module(), no_quiz_module()):
        assert validate_xml(etree.ElementTree(manifest(module)), "scorm12") == []
    tree = etree.ElementTree(manifest())
    general = tree.getroot().find(f".//{{{NS['imsmd']}}}general")
    etree.SubElement(general, f"{{{NS['imsmd']}}}notALomElement")
    errors = validate_xml(tree, "scorm12")
    assert len(errors) == 1 and "notALomElement" in errors[0]


@pytest.mark.parametrize(
    "files, problem",
    [
        (["index.html", "/abs.js"], "unsafe package path"),
        (["index.html", "a/../b.js"], "unsafe package path"),
        (["index.html", "a\\b.js"], "unsafe package path"),
        (["index.html", "Slide.png", "slide.png"], "differ only by case"),
        (["index.html", "imsmanifest.xml"], "written by the target"),
        (["index.html", "run.php"], "server-side"),
        (["course.json"], "launch file index.html is missing"),
    ],
)
def test_unsafe_file_lists_are_a_scormkit_bug(files, problem):
    """docs/lms-pitfalls.md rule 12: no absolute href, no case-only mismatches, no server-side files."""
    with pytest.raises(ManifestError, match=re.escape(problem)):
        get_target("scorm12").build_manifest(make_module(), files)


def test_version_too_long_for_ims_cp_is_a_user_error():
    # module.yaml cannot give such a version (the model caps it at 20), but a Module built in code can.
    with pytest.raises(ValueError, match="version"):
        make_module(version="1.0.0-beta.1+build.20240101")
    module = make_module()
    module = module.model_copy(
        update={"config": module.config.model_copy(update={"version": "1.0.0-beta.1+build.20240101"})}
    )
    with pytest.raises(ScormkitError) as caught:
        get_target("scorm12").build_manifest(module, PLAYER_FILES)
    (diagnostic,) = caught.value.report.errors
    assert diagnostic.code == "target.version-too-long" and diagnostic.file == "module.yaml"
