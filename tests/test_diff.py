"""`scormkit diff OLD NEW` (issue 13): crafted pairs of our own packages and of third-party-style ones; what the
administrator reads (text and JSON), the classification and the exit code."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scormkit.api import diff
from scormkit.cli import app
from scormkit.model import Choice, QuizOptions, SingleChoiceItem, TrueFalseItem
from scormkit.targets import get_target

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent / "validate"))
from crafted import scorm12

from tests.factories import make_module

runner = CliRunner()


def items(prompt="Is morphine an opioid?", choices=("Morphine", "Paracetamol"), qid="q02-which"):
    return [
        TrueFalseItem(id="q01-opioid", type="truefalse", prompt=prompt, answer=True),
        SingleChoiceItem(
            id=qid,
            type="single",
            prompt="Which is an opioid?",
            choices=[Choice(text=t, correct=i == 0) for i, t in enumerate(choices)],
        ),
    ]


def ours(tmp_path: Path, name: str, target="scorm2004", quiz_items=None, **config) -> Path:
    module = make_module(**config)
    module = module.model_copy(update={"items": quiz_items if quiz_items is not None else items()})
    files = get_target(target).build(module)
    path = tmp_path / f"{name}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in sorted(files.items()):
            zf.writestr(n, data)
    return path


def zipped(tmp_path: Path, name: str, files: dict[str, bytes]) -> Path:
    path = tmp_path / f"{name}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in files.items():
            zf.writestr(n, data)
    return path


def by_kind(result, kind):
    return {c.code for c in result.changes if c.kind == kind}


def test_identical_packages(tmp_path):
    r = diff(ours(tmp_path, "a"), ours(tmp_path, "b"))
    assert r.verdict == "identical" and r.exit_code == 0 and not r.changes
    assert "Nothing to upload" in r.reupload_note()


@pytest.mark.parametrize("target", ["scorm12", "scorm2004", "cmi5", "xapi"])
def test_our_text_fix_breaks_nothing(tmp_path, target):
    old = ours(tmp_path, "old", target)
    new = ours(tmp_path, "new", target, quiz_items=items(prompt="Is morphine an opioid analgesic?"))
    r = diff(old, new)
    assert r.exit_code == 0 and not r.breaking, [c.message for c in r.changes]
    assert "diff.question-text" in by_kind(r, "safe") and "diff.files-changed" in by_kind(r, "safe")
    # until the resume fingerprint covers structure only (issue 9 item 8) a text fix still resets the quiz
    key_changed = r.old.course["stateKey"] != r.new.course["stateKey"]
    assert ("diff.state-key" in by_kind(r, "quiz reset")) is key_changed
    assert r.verdict == ("quiz reset" if key_changed else "safe")
    assert "in place" in r.reupload_note()


def test_our_structural_change_resets_the_quiz(tmp_path):
    r = diff(
        ours(tmp_path, "old"), ours(tmp_path, "new", quiz_items=items(choices=("Morphine", "Paracetamol", "Ibuprofen")))
    )
    assert r.verdict == "quiz reset" and r.exit_code == 0
    assert {"diff.question-structure", "diff.state-key"} <= by_kind(r, "quiz reset")
    msg = next(c.message for c in r.changes if c.code == "diff.question-structure")
    assert "'q02-which'" in msg


def test_our_renamed_question_breaks(tmp_path):
    r = diff(ours(tmp_path, "old"), ours(tmp_path, "new", quiz_items=items(qid="q02-which-opioid")))
    assert r.exit_code == 1 and "diff.question-id" in by_kind(r, "breaking")
    assert "diff.question-added" in by_kind(r, "safe")
    assert "new activity" in r.reupload_note()


def test_our_passing_score_change_breaks(tmp_path):
    r = diff(ours(tmp_path, "old"), ours(tmp_path, "new", quiz=QuizOptions(passing_score=70)))
    mastery = sorted(c.message.split(":")[0] for c in r.breaking if c.code == "diff.mastery")
    # the manifest's primary objective (imsss:minNormalizedMeasure) and the player's own rule (course.json)
    assert r.exit_code == 1 and mastery == [
        "mastery of 'ITEM-esmo-difficult-pain' changes from 0.8 to 0.7",
        "quiz passing score changes from 0.8 to 0.7",
    ], mastery


def test_our_module_id_and_iris_change_breaks(tmp_path):
    r = diff(ours(tmp_path, "old", "xapi"), ours(tmp_path, "new", "xapi", id="esmo-difficult-pain-2"))
    codes = by_kind(r, "breaking")
    assert {"diff.module-id", "diff.activity-id", "diff.activity-iri"} <= codes, codes


def test_third_party_scorm12_pairs(tmp_path):
    base = scorm12()
    old = zipped(tmp_path, "old", base)
    images = zipped(tmp_path, "images", dict(base, **{"images/cover.png": b"\x89PNG new"}))
    r = diff(old, images)
    assert r.verdict == "safe" and [c.code for c in r.changes] == ["diff.files-changed"]
    assert "1 image" in r.changes[0].message
    renamed = dict(base, **{"imsmanifest.xml": base["imsmanifest.xml"].replace(b'"ITEM1"', b'"ITEM1b"')})
    r = diff(old, zipped(tmp_path, "renamed", renamed))
    f = next(c for c in r.breaking if c.code == "diff.item-id")
    assert "'ITEM1' is removed or renamed (NEW has 'ITEM1b')" in f.message and r.exit_code == 1
    mastery = dict(base, **{"imsmanifest.xml": base["imsmanifest.xml"].replace(b">80<", b">70<")})
    r = diff(old, zipped(tmp_path, "mastery", mastery))
    assert [c.code for c in r.breaking] == ["diff.mastery"] and "80 to 70" in r.breaking[0].message


def test_third_party_cmi5_pairs(tmp_path):
    from test_validate_rules import cmi5

    old = zipped(tmp_path, "old", {"cmi5.xml": cmi5(), "index.html": b"x"})
    moved = cmi5().replace(b'moveOn="CompletedOrPassed"', b'moveOn="Passed"')
    r = diff(old, zipped(tmp_path, "moveon", {"cmi5.xml": moved, "index.html": b"x"}))
    assert "diff.completion" in by_kind(r, "breaking")
    au = cmi5().replace(b"https://example.org/au/1", b"https://example.org/au/one")
    r = diff(old, zipped(tmp_path, "au", {"cmi5.xml": au, "index.html": b"x"}))
    assert "diff.au-id" in by_kind(r, "breaking")


def test_cli_text_json_and_exit_codes(tmp_path):
    old, new = ours(tmp_path, "old"), ours(tmp_path, "new", quiz_items=items(qid="q02-renamed"))
    result = runner.invoke(app, ["diff", str(old), str(new)])
    assert result.exit_code == 1
    lines = [ln.split(None, 1) for ln in result.output.splitlines() if ln.startswith("  ")]
    assert [
        "breaking",
        "diff.question-id: question 'q02-which' is removed or renamed: LMS interaction reports and "
        "LRS question activities are keyed on its id",
    ] in lines
    assert "verdict: breaking" in result.output and "re-upload: Upload NEW as a new activity" in result.output
    out = subprocess.run(
        [sys.executable, "-m", "scormkit", "diff", str(old), str(old), "--format", "json"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["verdict"] == "identical" and doc["old"]["standard"] == "scorm2004" and doc["changes"] == []


def test_cli_unreadable_package(tmp_path):
    (tmp_path / "notes.zip").write_bytes(b"not a zip")
    result = runner.invoke(app, ["diff", str(tmp_path / "notes.zip"), str(tmp_path / "missing.zip")])
    assert result.exit_code == 1
    assert "notes.zip: error[diff.unreadable] not a readable zip" in result.output
