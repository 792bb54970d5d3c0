"""SCORM 2004 manifests (2nd, 3rd, 4th edition), field by field (namespaced XPath, never substrings)."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from scormkit.model import QuizOptions, Tracking
from scormkit.targets import get_target
from tests.factories import PLAYER_FILES, make_module, no_quiz_module
from tests.lms_models import moodle_scaled_passing_score
from tests.manifests import listed_files, parse

NS = {
    "cp": "http://www.imsglobal.org/xsd/imscp_v1p1",
    "adlcp": "http://www.adlnet.org/xsd/adlcp_v1p3",
    "adlseq": "http://www.adlnet.org/xsd/adlseq_v1p3",
    "adlnav": "http://www.adlnet.org/xsd/adlnav_v1p3",
    "imsss": "http://www.imsglobal.org/xsd/imsss",
    "lom": "http://ltsc.ieee.org/xsd/LOM",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
EDITIONS = ["2nd", "3rd", "4th"]


def manifest(edition: str = "3rd", module=None) -> etree._Element:
    target = get_target("scorm2004", edition=edition)
    return parse(target.build_manifest(module or make_module(), list(PLAYER_FILES)))


def one(root: etree._Element, path: str):
    found = root.xpath(path, namespaces=NS)
    assert len(found) == 1, f"{path}: {found!r}"
    return found[0]


@pytest.mark.parametrize(
    "edition, version", [("2nd", "CAM 1.3"), ("3rd", "2004 3rd Edition"), ("4th", "2004 4th Edition")]
)
def test_schema_and_schemaversion(edition, version):
    root = manifest(edition)
    assert one(root, "/cp:manifest/cp:metadata/cp:schema/text()") == "ADL SCORM"
    assert one(root, "/cp:manifest/cp:metadata/cp:schemaversion/text()") == version


def test_default_edition_is_3rd():
    assert get_target("scorm2004").edition == "3rd"
    assert one(manifest(), "//cp:schemaversion/text()") == "2004 3rd Edition"


@pytest.mark.parametrize("edition", EDITIONS)
def test_namespaces_and_schema_locations(edition):
    root = manifest(edition)
    assert root.tag == f"{{{NS['cp']}}}manifest"
    for prefix in ("adlcp", "adlseq", "adlnav", "imsss", "lom"):
        assert root.nsmap[prefix] == NS[prefix]
    locations = root.get(f"{{{NS['xsi']}}}schemaLocation").split()
    assert dict(zip(locations[::2], locations[1::2])) == {
        NS["cp"]: "imscp_v1p1.xsd",
        NS["adlcp"]: "adlcp_v1p3.xsd",
        NS["adlseq"]: "adlseq_v1p3.xsd",
        NS["adlnav"]: "adlnav_v1p3.xsd",
        NS["imsss"]: "imsss_v1p0.xsd",
        NS["lom"]: "lom.xsd",
    }


@pytest.mark.parametrize("edition", EDITIONS)
def test_identifiers_prefixed_and_stable(edition):
    """docs/lms-pitfalls.md rules 12 (no identifier starts with a digit) and 13 (stable across releases)."""
    target = get_target("scorm2004", edition=edition)
    first = target.build_manifest(make_module(), PLAYER_FILES)
    assert first == target.build_manifest(make_module(), PLAYER_FILES)
    identifiers = parse(first).xpath("//@identifier")
    assert identifiers == [
        "MANIFEST-esmo-difficult-pain",
        "ORG-esmo-difficult-pain",
        "ITEM-esmo-difficult-pain",
        "RES-esmo-difficult-pain",
    ]
    assert all(re.match(r"^[A-Za-z_]", i) for i in identifiers)
    release = parse(target.build_manifest(make_module(version="2.0.0"), PLAYER_FILES))
    assert release.xpath("//@identifier") == identifiers and release.get("version") == "2.0.0"


@pytest.mark.parametrize("edition", EDITIONS)
def test_organization_item_and_resource_resolve(edition):
    """docs/lms-pitfalls.md rule 21: every item has a title; the launched resource is the SCO."""
    root = manifest(edition)
    default = one(root, "/cp:manifest/cp:organizations/@default")
    organization = one(root, f"//cp:organization[@identifier='{default}']")
    assert one(organization, "cp:title/text()") == "Difficult pain problems"
    item = one(organization, "cp:item")
    assert one(item, "cp:title/text()") == "Difficult pain problems"
    resource = one(root, f"/cp:manifest/cp:resources/cp:resource[@identifier='{item.get('identifierref')}']")
    assert resource.get(f"{{{NS['adlcp']}}}scormType") == "sco"
    assert resource.get("type") == "webcontent"
    assert resource.get("href") == "index.html"


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_file_listed_once_resource_first_no_xml_base(edition):
    """docs/lms-pitfalls.md rules 12, 21, 22: every file listed, SCO resource first, no xml:base, no '/' hrefs."""
    root = manifest(edition)
    listed = listed_files(root, NS)
    assert sorted(listed) == sorted(PLAYER_FILES) and len(listed) == len(set(listed))
    first = root.xpath("/cp:manifest/cp:resources/cp:resource[1]", namespaces=NS)[0]
    assert first.get(f"{{{NS['adlcp']}}}scormType") == "sco"
    assert root.xpath("//@xml:base") == []
    assert [h for h in root.xpath("//@href") if h.startswith("/")] == []


@pytest.mark.parametrize("edition", EDITIONS)
def test_objectives_primary_and_one_per_learning_objective(edition):
    root = manifest(edition)
    objectives = one(root, "//cp:item/imsss:sequencing/imsss:objectives")
    primary = one(objectives, "imsss:primaryObjective")
    assert primary.get("satisfiedByMeasure") == "true"
    assert float(one(primary, "imsss:minNormalizedMeasure/text()")) == pytest.approx(0.8)
    assert objectives.xpath("imsss:objective/@objectiveID", namespaces=NS) == ["stepwise", "titration"]
    # The primary objective comes first (imsss_v1p0objective.xsd objectivesType).
    assert etree.QName(objectives[0]).localname == "primaryObjective"


def test_min_normalized_measure_follows_passing_score():
    root = manifest(module=make_module(quiz=QuizOptions(passing_score=75)))
    assert one(root, "//imsss:primaryObjective/imsss:minNormalizedMeasure/text()") == "0.75"


@pytest.mark.parametrize(
    "module", [no_quiz_module(), make_module(tracking=Tracking(success="none"))], ids=["no-quiz", "success-none"]
)
def test_no_measure_without_quiz_success(module):
    root = manifest(module=module)
    primary = one(root, "//imsss:primaryObjective")
    assert primary.get("satisfiedByMeasure") is None
    assert primary.xpath("imsss:minNormalizedMeasure", namespaces=NS) == []
    assert root.xpath("//imsss:objective/@objectiveID", namespaces=NS) == ["stepwise", "titration"]


@pytest.mark.parametrize("edition", EDITIONS)
def test_delivery_controls_set_by_content(edition):
    """docs/lms-pitfalls.md rule 11: completionSetByContent and objectiveSetByContent, after objectives (XSD order)."""
    root = manifest(edition)
    sequencing = one(root, "//cp:item/imsss:sequencing")
    controls = one(sequencing, "imsss:deliveryControls")
    assert controls.get("completionSetByContent") == "true"
    assert controls.get("objectiveSetByContent") == "true"
    assert [etree.QName(child).localname for child in sequencing] == ["objectives", "deliveryControls"]


@pytest.mark.parametrize("edition", EDITIONS)
def test_no_map_info(edition):
    """docs/lms-pitfalls.md rule 20: no imsss:mapInfo (Moodle's importer aborts on it)."""
    root = manifest(edition)
    assert root.xpath("//imsss:mapInfo", namespaces=NS) == []
    assert root.xpath("//adlseq:objectives", namespaces=NS) == []


@pytest.mark.parametrize("edition", EDITIONS)
def test_lom_title_description_language_contributors(edition):
    lom = one(manifest(edition), "/cp:manifest/cp:metadata/lom:lom")
    title = one(lom, "lom:general/lom:title/lom:string")
    assert (title.text, title.get("language")) == ("Difficult pain problems", "en")
    assert one(lom, "lom:general/lom:language/text()") == "en"
    description = one(lom, "lom:general/lom:description/lom:string")
    assert description.get("language") == "en"
    assert description.text.splitlines()[0] == "An overview of difficult pain problems in cancer patients."
    contributes = lom.xpath("lom:lifeCycle/lom:contribute", namespaces=NS)
    assert [one(c, "lom:role/lom:value/text()") for c in contributes] == ["author", "author", "publisher"]
    assert {one(c, "lom:role/lom:source/text()") for c in contributes} == {"LOMv1.0"}
    assert {one(c, "lom:date/lom:dateTime/text()") for c in contributes} == {"2010-09-22"}
    assert "FN:Bob Stone" in one(contributes[1], "lom:entity/text()").splitlines()


def test_no_item_level_extras():
    """One SCO: no completionThreshold, no navigation presentation, no item parameters (rule 21)."""
    item = one(manifest(), "//cp:item")
    assert item.xpath("adlcp:completionThreshold | adlnav:presentation", namespaces=NS) == []
    assert item.get("parameters") is None


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("passing", [0, 75, 80, 100])
def test_moodle_hands_the_sco_the_module_passing_score(edition, passing):
    """Issue 9 item 1: with learning objectives beside the primary one, Moodle's launch loop must still give the
    module's passing score (it gave 1.0: a learner at 91.67 % was "not passed yet (passing score 100%)")."""
    root = manifest(edition, make_module(quiz=QuizOptions(passing_score=passing)))
    assert len(root.xpath("//imsss:objective", namespaces=NS)) == 2
    assert moodle_scaled_passing_score(root) == pytest.approx(passing / 100)
    # The learning objectives stay local and are not satisfied by measure: only the primary one is (SN 3.4).
    for objective in root.xpath("//imsss:objective", namespaces=NS):
        assert objective.get("satisfiedByMeasure") in (None, "false")
