"""tincan.xml and cmi5.xml field by field (namespaced XPath, never substrings), cmi5.xml against the official
CourseStructure.xsd, and the CATAPULT must-reject faults; xapi.json definitions parsed by `tincan`."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from tincan import Activity
from typer.testing import CliRunner

from scormkit.api import _resolve_targets
from scormkit.cli import app
from scormkit.diagnostics import ScormkitError, Severity
from scormkit.model import (
    Choice,
    FillInItem,
    MatchingItem,
    MultipleChoiceItem,
    NumericItem,
    Pair,
    QuizOptions,
    SequencingItem,
    SingleChoiceItem,
    Tracking,
    TrueFalseItem,
)
from scormkit.schemas import validate_xml
from scormkit.standards import is_absolute_iri
from scormkit.targets import TARGETS, get_target
from scormkit.targets.base import ManifestError
from scormkit.targets.cmi5 import Cmi5Target, mastery_score, move_on
from scormkit.targets.xapi import XapiTarget
from scormkit.targets.xapi.activities import DEFAULT_IRI_BASE, IRI_BASE_ENV, IriError, Iris, activities
from scormkit.validate.cmi5 import check_cmi5
from scormkit.validate.scorm import FileIndex
from tests.factories import PLAYER_FILES, make_module
from tests.manifests import parse

NS = {"tc": "http://projecttincan.com/tincan.xsd", "c5": "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"}
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
FILES = [p.replace("adapters/scorm12.js", "adapters/xapi.js") for p in PLAYER_FILES]


def items() -> list:
    return [
        SingleChoiceItem(
            id="q1",
            type="single",
            objective="stepwise",
            prompt="Pick **one**",
            choices=[Choice(text="A"), Choice(text="B", correct=True)],
        ),
        MultipleChoiceItem(
            id="q2",
            type="multiple",
            objective="titration",
            prompt="Pick some",
            choices=[Choice(text="A", correct=True), Choice(text="B"), Choice(text="C", correct=True)],
        ),
        TrueFalseItem(id="q3", type="truefalse", prompt="True?", answer=False),
        FillInItem(id="q4", type="fillin", prompt="Name it", accepted=["naloxone", "nal[,]oxone"]),
        NumericItem(id="q5", type="numeric", prompt="How much?", min=12, max=20),
        NumericItem(id="q6", type="numeric", prompt="Exactly?", answer=2.5),
        MatchingItem(
            id="q7",
            type="matching",
            prompt="Match",
            pairs=[Pair(source="s1", target="t1"), Pair(source="s2", target="t2")],
        ),
        SequencingItem(id="q8", type="sequencing", prompt="Order", steps=["one", "two", "three"]),
    ]


def quiz_module(**overrides):
    module = make_module(**overrides)
    return module.model_copy(update={"items": items()})


def one(root, path: str):
    found = root.xpath(path, namespaces=NS)
    assert len(found) == 1, f"{path}: {found!r}"
    return found[0]


# ---- registry and IRIs ------------------------------------------------------------------------------


def test_targets_registered_with_runtimes_and_manifests():
    assert TARGETS["xapi"] is XapiTarget and TARGETS["cmi5"] is Cmi5Target
    assert (XapiTarget.runtime, XapiTarget.manifest_name) == ("xapi", "tincan.xml")
    assert (Cmi5Target.runtime, Cmi5Target.manifest_name) == ("cmi5", "cmi5.xml")
    assert get_target("xapi").suspend_data_limit == 64_000


def test_iris_are_absolute_stable_and_configurable(monkeypatch):
    module = quiz_module()
    iris = Iris.of(module)
    assert iris.course == f"{DEFAULT_IRI_BASE}/esmo-difficult-pain"
    assert iris.au == iris.course + "/au"
    assert iris.item("q1") == iris.course + "/items/q1"
    assert iris.slide(2) == iris.course + "/slides/2"
    assert iris.objective("stepwise") == iris.course + "/objectives/stepwise"
    # The version is not part of any IRI (docs/lms-pitfalls.md rule 13).
    assert Iris.of(make_module(version="2.0.0")).course == iris.course
    monkeypatch.setenv(IRI_BASE_ENV, "https://learning.example.org/xapi/")
    assert get_target("xapi").iri_base == "https://learning.example.org/xapi"
    assert (
        XapiTarget(iri_base="https://other.example/x").iris(module).course
        == "https://other.example/x/esmo-difficult-pain"
    )
    for bad in ("learning.example.org/xapi", "urn:x", "https://a.example/x?y=1", "https://a b.example"):
        with pytest.raises(IriError):
            XapiTarget(iri_base=bad)


# ---- tincan.xml -------------------------------------------------------------------------------------


def test_tincan_xml_field_by_field():
    root = parse(get_target("xapi").build_manifest(quiz_module(language="fr-FR"), FILES))
    assert root.tag == f"{{{NS['tc']}}}tincan"
    assert root.nsmap == {None: NS["tc"]}
    activity = one(root, "/tc:tincan/tc:activities/tc:activity")
    assert activity.get("id") == f"{DEFAULT_IRI_BASE}/esmo-difficult-pain"
    assert activity.get("type") == "http://adlnet.gov/expapi/activities/course"
    assert one(activity, "tc:name/text()") == "Difficult pain problems"
    assert one(activity, "tc:name/@lang") == "fr-FR"
    description = one(activity, "tc:description/text()")
    assert description.startswith("An overview of difficult pain problems") and "**" not in description
    assert one(activity, "tc:description/@lang") == "fr-FR"
    assert one(activity, "tc:launch/text()") == "index.html"
    assert one(activity, "tc:launch/@lang") == "fr-FR"


def test_tincan_xml_refuses_a_missing_launch_file():
    with pytest.raises(ManifestError):
        get_target("xapi").build_manifest(quiz_module(), [f for f in FILES if f != "index.html"])


# ---- xapi.json (activity definitions built with tincan) --------------------------------------------------


def test_interaction_definitions_per_item_type():
    defs = activities(quiz_module(), Iris.of(quiz_module()))
    got = {key: value["definition"] for key, value in defs["items"].items()}
    for key, definition in got.items():
        assert definition["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
        assert definition["name"]["en"] == definition["description"]["en"]  # the prompt's plain text
        Activity.from_json(json.dumps(defs["items"][key]))  # tincan parses every definition back
    assert got["q1"]["interactionType"] == "choice"
    assert got["q1"]["correctResponsesPattern"] == ["b"]
    assert [c["id"] for c in got["q1"]["choices"]] == ["a", "b"]
    assert got["q1"]["description"] == {"en": "Pick one"}
    assert got["q2"]["correctResponsesPattern"] == ["a[,]c"]
    assert got["q3"] == {**got["q3"], "interactionType": "true-false", "correctResponsesPattern": ["false"]}
    assert got["q4"]["interactionType"] == "fill-in"
    assert got["q4"]["correctResponsesPattern"] == ["{case_matters=false}naloxone", "{case_matters=false}nal,oxone"]
    assert got["q5"]["correctResponsesPattern"] == ["12[:]20"]
    assert got["q6"]["correctResponsesPattern"] == ["2.5"]
    assert got["q7"]["interactionType"] == "matching"
    assert got["q7"]["correctResponsesPattern"] == ["a[.]a[,]b[.]b"]
    assert [s["description"]["en"] for s in got["q7"]["source"]] == ["s1", "s2"]
    assert [t["description"]["en"] for t in got["q7"]["target"]] == ["t1", "t2"]
    assert got["q8"]["interactionType"] == "sequencing"
    assert got["q8"]["correctResponsesPattern"] == ["a[,]b[,]c"]
    assert [c["id"] for c in got["q8"]["choices"]] == ["a", "b", "c"]  # xAPI: sequencing lists `choices`
    assert defs["quiz"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/assessment"
    assert all(
        is_absolute_iri(a["id"])
        for a in [defs["course"], defs["quiz"], *defs["slides"], *defs["items"].values(), *defs["objectives"].values()]
    )


# ---- cmi5.xml ---------------------------------------------------------------------------------------


def cmi5_root(module=None) -> etree._Element:
    return parse(get_target("cmi5").build_manifest(module or quiz_module(), FILES))


def test_cmi5_xml_is_valid_against_course_structure_xsd():
    for module in (quiz_module(), make_module(), quiz_module(tracking=Tracking(completion="quiz"))):
        assert validate_xml(cmi5_root(module), "cmi5") == []


def test_cmi5_xml_field_by_field():
    root = cmi5_root(quiz_module(language="de-DE"))
    base = f"{DEFAULT_IRI_BASE}/esmo-difficult-pain"
    assert root.tag == f"{{{NS['c5']}}}courseStructure" and root.nsmap == {None: NS["c5"]}
    assert one(root, "/c5:courseStructure/c5:course/@id") == base
    assert one(root, "/c5:courseStructure/c5:course/c5:title/c5:langstring/text()") == "Difficult pain problems"
    assert one(root, "/c5:courseStructure/c5:course/c5:title/c5:langstring/@lang") == "de-DE"
    assert one(root, "/c5:courseStructure/c5:course/c5:description/c5:langstring/@lang") == "de-DE"
    objectives = root.xpath("/c5:courseStructure/c5:objectives/c5:objective", namespaces=NS)
    assert [o.get("id") for o in objectives] == [f"{base}/objectives/stepwise", f"{base}/objectives/titration"]
    assert one(objectives[0], "c5:title/c5:langstring/text()") == "Apply the WHO analgesic ladder."
    assert one(objectives[0], "c5:description/c5:langstring/text()") == "Apply the WHO analgesic ladder."
    au = one(root, "/c5:courseStructure/c5:au")
    assert au.get("id") == f"{base}/au"
    assert au.get("moveOn") == "CompletedAndPassed"
    assert au.get("masteryScore") == "0.8"
    assert au.get("launchMethod") == "AnyWindow"
    assert au.get("activityType") == "http://adlnet.gov/expapi/activities/module"
    assert one(au, "c5:title/c5:langstring/text()") == "Difficult pain problems"
    assert au.xpath("c5:objectives/c5:objective/@idref", namespaces=NS) == [o.get("id") for o in objectives]
    assert one(au, "c5:url/text()") == "index.html"
    # Order inside the AU is fixed by the XSD: title, description, objectives, url.
    assert [etree.QName(c).localname for c in au] == ["title", "description", "objectives", "url"]


@pytest.mark.parametrize(
    "tracking, quiz, with_items, expected_move_on, expected_mastery",
    [
        (Tracking(completion="slides_and_quiz"), QuizOptions(passing_score=80), True, "CompletedAndPassed", "0.8"),
        (Tracking(completion="slides"), QuizOptions(passing_score=75), True, "CompletedAndPassed", "0.75"),
        (Tracking(completion="quiz"), QuizOptions(passing_score=100), True, "Passed", "1"),
        (Tracking(completion="quiz", success="none"), QuizOptions(), True, "Completed", None),
        (Tracking(completion="slides"), None, False, "Completed", None),
    ],
)
def test_move_on_and_mastery_score_mapping(tracking, quiz, with_items, expected_move_on, expected_mastery):
    module = make_module(tracking=tracking, quiz=quiz)
    if with_items:
        module = module.model_copy(update={"items": items()})
    assert move_on(module) == expected_move_on
    assert mastery_score(module) == expected_mastery
    au = one(cmi5_root(module), "/c5:courseStructure/c5:au")
    assert au.get("moveOn") == expected_move_on
    assert au.get("masteryScore") == expected_mastery


def course_structure_faults(root: etree._Element, files: list[str] | None) -> list[str]:
    """The codes of what the cmi5 target refuses in a cmi5.xml: `scormkit validate`'s cmi5 rules (issue 10 item 2).
    `files`: the package's paths (None for a bare cmi5.xml, where every AU url must be absolute, CATAPULT 202)."""
    index = FileIndex(files, "") if files is not None else None
    findings, _ = check_cmi5(root, "cmi5.xml", index, bare=files is None)
    return [f.code for f in findings if f.severity is not Severity.INFO]


def test_cmi5_xml_has_none_of_the_catapult_faults():
    root = cmi5_root()
    assert course_structure_faults(root, FILES) == []
    ids = root.xpath("//@id", namespaces=NS)
    assert len(ids) == len(set(ids)) and all(is_absolute_iri(i) for i in ids)
    url = one(root, "//c5:au/c5:url/text()")
    assert url in FILES and "?" not in url and not url.startswith("/")


MUST_REJECT = sorted(p.parent.name for p in (CORPUS / "manifests" / "cmi5").glob("catapult-lts_20[1-6]*/cmi5.xml"))


@pytest.mark.skipif(not MUST_REJECT, reason="shared/corpus not found beside the repository")
@pytest.mark.parametrize("name", MUST_REJECT)
def test_fault_checker_flags_every_catapult_must_reject_package(name):
    folder = CORPUS / "manifests" / "cmi5" / name
    listing = folder / "files.txt"
    files = listing.read_text().split() if listing.exists() else None  # no files.txt: a bare cmi5.xml import
    root = etree.parse(str(folder / "cmi5.xml"), etree.XMLParser(no_network=True, resolve_entities=False)).getroot()
    assert course_structure_faults(root, files), f"{name} passed the cmi5 fault checks"


@pytest.mark.skipif(not MUST_REJECT, reason="shared/corpus not found beside the repository")
def test_fault_checker_accepts_the_catapult_valid_examples():
    for folder in sorted((CORPUS / "manifests" / "cmi5").glob("catapult-examples_*")):
        root = etree.parse(str(folder / "cmi5.xml")).getroot()
        files = (folder / "files.txt").read_text().split()
        assert course_structure_faults(root, files) == [], folder.name


# ---- module.yaml `xapi.iri_base` and the default-base warning (issue 9 item 14) ----------------------------


def module_copy(tmp_path: Path, extra: str = "") -> Path:
    """module_src with `extra` appended to module.yaml (a new top-level key)."""
    import shutil

    src = tmp_path / "module_src"
    shutil.copytree(Path(__file__).resolve().parents[2] / "module_src", src)
    if extra:
        with open(src / "module.yaml", "a") as f:
            f.write("\n" + extra + "\n")
    return src


def test_module_yaml_sets_the_iri_base_and_pack_warns_on_the_default(tmp_path):
    import zipfile

    from scormkit.api import pack

    def built(src: Path, out: str) -> dict:
        return {r.target: r for r in pack(src, targets=["xapi", "cmi5", "scorm12"], out=tmp_path / out)}

    default = built(module_copy(tmp_path / "a"), "dist-a")
    for name in ("xapi", "cmi5"):
        (warning,) = [w for w in default[name].warnings if w.code == "xapi.default-iri-base"]
        assert (
            warning.file == "module.yaml"
            and DEFAULT_IRI_BASE in warning.message
            and "xapi: {iri_base:" in warning.message
        )
    assert [w for w in default["scorm12"].warnings if w.code == "xapi.default-iri-base"] == []

    own = built(module_copy(tmp_path / "b", "xapi:\n  iri_base: https://learning.example.org/xapi/"), "dist-b")
    assert [w.code for r in own.values() for w in r.warnings if w.code == "xapi.default-iri-base"] == []
    course = "https://learning.example.org/xapi/esmo-difficult-pain-problems"
    defs = json.loads(zipfile.ZipFile(own["xapi"].path).read("xapi.json"))
    assert defs["course"]["id"] == course and all(
        d["id"].startswith(course + "/items/") for d in defs["items"].values()
    )
    tincan = etree.fromstring(zipfile.ZipFile(own["xapi"].path).read("tincan.xml"))
    assert one(tincan, "/tc:tincan/tc:activities/tc:activity").get("id") == course
    structure = etree.fromstring(zipfile.ZipFile(own["cmi5"].path).read("cmi5.xml"))
    assert one(structure, "/c5:courseStructure/c5:course").get("id") == course
    assert one(structure, "/c5:courseStructure/c5:au").get("id") == course + "/au"


def test_module_yaml_iri_base_must_be_an_absolute_http_iri(tmp_path):
    from scormkit.api import pack
    from scormkit.diagnostics import ScormkitError

    src = module_copy(tmp_path, "xapi:\n  iri_base: learning.example.org/xapi")
    line = next(n for n, text in enumerate((src / "module.yaml").read_text().splitlines(), 1) if "iri_base:" in text)
    with pytest.raises(ScormkitError) as raised:
        pack(src, targets=["xapi"], out=tmp_path / "dist")
    (problem,) = raised.value.report.errors
    assert (Path(problem.file).name, problem.line, problem.code) == ("module.yaml", line, "schema.invalid")
    assert "absolute http(s) IRI" in problem.message
    assert not (tmp_path / "dist").exists() or not list((tmp_path / "dist").glob("*.zip"))


def test_question_names_are_the_prompt_text():
    module = quiz_module()
    defs = activities(module, Iris.of(module))
    assert defs["items"]["q1"]["definition"]["name"] == {"en": "Pick one"}
    assert defs["items"]["q8"]["definition"]["name"] == {"en": "Order"}


# ---- the iri_base option (issue 10 item 7: declared by the targets, offered by `scormkit pack --iri-base`) ----


def test_iri_base_option_reaches_the_lrs_targets_only():
    xapi, cmi5, scorm12 = _resolve_targets(["xapi", "cmi5", "scorm12"], iri_base="https://learning.example.org/x/")
    assert xapi.iris(make_module()).course == "https://learning.example.org/x/esmo-difficult-pain"
    assert cmi5.iri_base == "https://learning.example.org/x"
    assert scorm12.option_values == {}
    with pytest.raises(ScormkitError) as caught:
        _resolve_targets(["scorm12"], iri_base="https://learning.example.org/x")
    assert [d.code for d in caught.value.report.errors] == ["cli.iri-base-without-xapi-cmi5"]
    with pytest.raises(ScormkitError) as caught:
        _resolve_targets(["xapi", "cmi5"], iri_base="learning.example.org")
    (error,) = caught.value.report.errors
    assert (error.file, error.code) == ("--iri-base", "cli.iri-base")
    assert "must be an absolute http(s) IRI" in error.message


def test_pack_cli_offers_iri_base(tmp_path):
    base = "https://learning.example.org/xapi"
    module_src = Path(__file__).resolve().parents[2] / "module_src"
    args = ["pack", str(module_src), "--target", "xapi", "--iri-base", base, "--out", str(tmp_path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    (package,) = tmp_path.glob("*-xapi.zip")
    with zipfile.ZipFile(package) as archive:
        assert json.loads(archive.read("xapi.json"))["course"]["id"].startswith(base + "/")
