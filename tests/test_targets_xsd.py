"""Every manifest a target writes validates against the vendored XSD set of its standard and edition, and the
validation really can fail."""

from __future__ import annotations

import pytest
from lxml import etree

from scormkit.model import QuizOptions
from scormkit.schemas import validate_xml
from scormkit.targets import ManifestError, get_target
from scormkit.targets.base import parse_own
from tests.factories import PLAYER_FILES, make_module, no_quiz_module

TARGETS = [("scorm12", None), ("scorm2004", "2nd"), ("scorm2004", "3rd"), ("scorm2004", "4th")]
IMSSS = "http://www.imsglobal.org/xsd/imsss"

MODULES = {
    "quiz": make_module,
    "no-quiz": no_quiz_module,
    "zero-pass": lambda: make_module(quiz=QuizOptions(passing_score=0)),
    "unicode-long": lambda: make_module(
        title="Douleur difficile : «titration» des opioïdes & co <2024>",
        language="fr-FR",
        description=("Les **opioïdes** & la douleur < 10/10. " * 120)[:3999],
    ),
}


@pytest.mark.parametrize("module_name", sorted(MODULES))
@pytest.mark.parametrize("name, edition", TARGETS, ids=[f"{n}-{e}" if e else n for n, e in TARGETS])
def test_manifest_validates(name, edition, module_name):
    target = get_target(name, edition=edition)
    data = target.build_manifest(MODULES[module_name](), PLAYER_FILES)  # raises ManifestError if invalid
    tree = parse_own(data)
    assert validate_xml(tree, target.schema_set) == []


@pytest.mark.parametrize("edition", ["2nd", "3rd", "4th"])
def test_invalid_delivery_controls_value_is_reported(edition):
    """Negative check: validation is not vacuous; the error names the attribute (docs/lms-pitfalls.md rule 11)."""
    target = get_target("scorm2004", edition=edition)
    tree = parse_own(target.build_manifest(make_module(), PLAYER_FILES))
    (controls,) = tree.getroot().iter(f"{{{IMSSS}}}deliveryControls")
    controls.set("completionSetByContent", "yes")
    errors = validate_xml(tree, target.schema_set)
    assert len(errors) == 1 and "completionSetByContent" in errors[0]


@pytest.mark.parametrize("name, edition", TARGETS, ids=[f"{n}-{e}" if e else n for n, e in TARGETS])
def test_unexpected_element_is_reported(name, edition):
    target = get_target(name, edition=edition)
    tree = parse_own(target.build_manifest(make_module(), PLAYER_FILES))
    root = tree.getroot()
    organization = root.find(f"{{{root.nsmap[None]}}}organizations/{{{root.nsmap[None]}}}organization")
    etree.SubElement(organization, f"{{{root.nsmap[None]}}}bogusElement")
    errors = validate_xml(tree, target.schema_set)
    assert errors and "bogusElement" in errors[0]


def test_scorm12_invalid_scormtype_is_reported():
    target = get_target("scorm12")
    tree = parse_own(target.build_manifest(make_module(), PLAYER_FILES))
    attribute = "{http://www.adlnet.org/xsd/adlcp_rootv1p2}scormtype"
    (resource,) = tree.getroot().xpath("//*[@adlcp:scormtype]", namespaces={"adlcp": attribute[1:].split("}")[0]})
    resource.set(attribute, "SCO")  # the 1.2 vocabulary is lower case: sco | asset
    errors = validate_xml(tree, "scorm12")
    assert len(errors) == 1 and "scormtype" in errors[0]


def test_build_manifest_raises_on_its_own_invalid_output(monkeypatch):
    """An XSD error in what scormkit writes is our bug: build_manifest raises instead of shipping it."""
    target = get_target("scorm2004")
    original = type(target).sequencing_element

    def broken(self, module):
        sequencing = original(self, module)
        sequencing[-1].set("objectiveSetByContent", "maybe")
        return sequencing

    monkeypatch.setattr(type(target), "sequencing_element", broken)
    with pytest.raises(ManifestError, match="objectiveSetByContent"):
        target.build_manifest(make_module(), PLAYER_FILES)
