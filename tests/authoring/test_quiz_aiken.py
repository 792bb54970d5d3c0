"""Moodle Aiken quizzes, and GIFT/Aiken files used as quiz.file of a real module."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scormkit.diagnostics import Report
from scormkit.source.quizdoc import load_quiz_doc

ROOT = Path(__file__).resolve().parents[2]
FILES = Path(__file__).parent / "files"


def read(text: str, tmp_path: Path, name: str = "quiz.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report = Report()
    doc = load_quiz_doc(path, name, report)
    return doc, [str(d) for d in report.sorted()]


def test_aiken_file_gives_single_choice_items_with_lines():
    report = Report()
    doc = load_quiz_doc(FILES / "pain-aiken.txt", "pain-aiken.txt", report)
    assert report.diagnostics == []
    first, second = doc.data["items"]
    assert first == {
        "id": "q01",
        "type": "single",
        "prompt": "Which drug reverses opioid-induced respiratory depression?",
        "choices": [{"text": "Naloxone", "correct": True}, {"text": "Morphine"}, {"text": "Codeine"}],
    }
    assert [c.get("correct", False) for c in second["choices"]] == [False, True, False, False]  # "B)" letters
    assert doc.line_of("items", 1) == 7 and doc.line_of("items", 1, "choices", 3) == 11


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Which?\nA. one\nB. two\nANSWER: E\n",
            "quiz.txt:4: error[aiken.syntax] question 1 ('Which?'): ANSWER: E is not one of its options (A, B)",
        ),
        (
            "Which?\nA. one\nANSWER: A\n",
            "quiz.txt:3: error[aiken.syntax] question 1 ('Which?') has 1 option(s); write at least two, one per line as "
            "'A. text' or 'A) text'",
        ),
        (
            "Which?\nA. one\nB. two\nANSWER: A, B\n",
            "quiz.txt:4: error[aiken.syntax] question 1 ('Which?'): ANSWER: takes one letter, not 'A, B'; Aiken questions "
            "have exactly one right option (use GIFT or quiz.yaml for several)",
        ),
        (
            "Which?\nA. one\nB. two\n\nNext question?\nA. x\nB. y\nANSWER: B\n",
            "quiz.txt:5: error[aiken.syntax] 'Next question?' follows the options of the question at line 1, which has no "
            "ANSWER: line; end each question with ANSWER: <letter>, or start the option with a letter and a dot: 'C. text'",
        ),
        (
            "Which?\nA. one\nB. two\n",
            "quiz.txt:1: error[aiken.syntax] the question at line 1 has no ANSWER: line; end it with ANSWER: <letter>",
        ),
    ],
)
def test_malformed_aiken_names_the_line(tmp_path, text, expected):
    doc, messages = read(text, tmp_path)
    assert doc is None
    assert messages == [expected]


def module_with_quiz(tmp_path: Path, quiz_name: str, quiz_text: str) -> Path:
    src = tmp_path / "mod"
    shutil.copytree(ROOT / "module_src", src)
    (src / "quiz.yaml").unlink()
    (src / quiz_name).write_text(quiz_text, encoding="utf-8")
    text = (src / "module.yaml").read_text().replace("file: quiz.yaml", f"file: {quiz_name}")
    (src / "module.yaml").write_text(text)
    return src


def test_module_with_a_gift_quiz_packs_and_the_package_validates(tmp_path):
    src = module_with_quiz(tmp_path, "quiz.gift", (FILES / "pain.gift").read_text())
    out = tmp_path / "dist"
    result = subprocess.run(
        [sys.executable, "-m", "scormkit", "pack", str(src), "--target", "scorm12", "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert " 9 " in result.stdout  # nine items
    import json
    import zipfile

    with zipfile.ZipFile(out / "esmo-difficult-pain-problems-1.0.0-scorm12.zip") as archive:
        course = json.loads(archive.read("course.json"))
    assert [i["type"] for i in course["quiz"]["items"]] == [
        "numeric",
        "numeric",
        "fillin",
        "truefalse",
        "single",
        "multiple",
        "matching",
        "single",
        "truefalse",
    ]


def test_gift_quiz_errors_point_into_the_gift_file(tmp_path):
    text = "$CATEGORY: $course$/top/titraton\n\n::dose:: Which? {=a ~b}\n\n::essay:: Discuss. {}\n"
    src = module_with_quiz(tmp_path, "quiz.gift", text)
    result = subprocess.run(
        [sys.executable, "-m", "scormkit", "pack", str(src), "--out", str(tmp_path / "d")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert "mod/quiz.gift:5: error[gift.unsupported] question 'essay' is an essay" in result.stderr
    assert not (tmp_path / "d").exists() or not list((tmp_path / "d").glob("*.zip"))


def test_gift_quiz_objectives_are_checked_at_the_gift_line(tmp_path):
    text = "$CATEGORY: $course$/top/titraton\n\n::dose:: Which? {=a ~b}\n"
    src = module_with_quiz(tmp_path, "quiz.gift", text)
    result = subprocess.run(
        [sys.executable, "-m", "scormkit", "pack", str(src), "--out", str(tmp_path / "d")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert (
        "mod/quiz.gift:3: error[quiz.unknown-objective] item 'dose' names objective 'titraton', which "
        "module.yaml does not define; did you mean 'titration'?"
    ) in result.stderr


def test_aiken_quiz_file_is_read_as_the_module_quiz(tmp_path):
    src = module_with_quiz(tmp_path, "quiz.txt", (FILES / "pain-aiken.txt").read_text())
    from scormkit.source.module import read_sources

    report = Report()
    sources = read_sources(src, report)
    assert [item.id for item in sources.items] == ["q01", "q02"]
    assert report.errors == []
