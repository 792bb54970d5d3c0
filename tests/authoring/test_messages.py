"""Messages a designer understands (issue 12): YAML layout, dates, a deck that is not a PDF, GIFT saved as YAML,
and every error in one run. Each test writes the mistake into a copy of module_src and reads the exact message."""

import shutil
import zipfile
from pathlib import Path

import pytest

from scormkit.diagnostics import ScormkitError
from scormkit.source import read_module

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def mod(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "module_src", tmp_path / "mod")
    monkeypatch.chdir(tmp_path)  # diagnostics name files as the user typed them: mod/module.yaml
    return tmp_path / "mod"


def edit(path: Path, old: str, new: str) -> int:
    """Replace `old` once; returns the 1-based line where it was."""
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
    return text[: text.index(old)].count("\n") + 1


def messages(mod: Path) -> list[str]:
    with pytest.raises(ScormkitError) as info:
        read_module(Path("mod"))
    return [str(d) for d in info.value.report.sorted() if d.severity.value == "error"]


def test_a_key_indented_too_far(mod):
    line = edit(mod / "module.yaml", "  passing_score: 80", "   passing_score: 80")
    # before: "could not parse YAML: mapping values are not allowed here; check indentation and quoting near this line"
    assert messages(mod) == [
        f"mod/module.yaml:{line}: error[yaml.syntax] line {line} is indented more than line {line - 1} "
        "('file: quiz.yaml'), which already has a value; keys of one mapping, and the '- ' of one list, must start "
        "in the same column (use spaces, 2 per level)"
    ]


def test_a_tab(mod):
    line = edit(mod / "module.yaml", "  passing_score: 80", "\tpassing_score: 80")
    assert messages(mod) == [
        f"mod/module.yaml:{line}: error[yaml.syntax] line {line} is indented with a tab; YAML needs spaces: replace "
        "the tab with spaces (2 per level)"
    ]


def test_a_list_item_out_of_line(mod):
    start = edit(mod / "module.yaml", "  - id: stepwise", "  - id: stepwise")  # the list's first item
    line = edit(mod / "module.yaml", "  - id: interventions", "   - id: interventions")
    # before: "could not parse YAML: expected <block end>, but found '<block sequence start>' (while parsing ...)"
    assert messages(mod) == [
        f"mod/module.yaml:{line}: error[yaml.syntax] line {line} ('- id: interventions') does not line up with the "
        f"lines above it (the block starts at line {start}); keys of one mapping, and the '- ' of one list, must "
        "start in the same column (use spaces, 2 per level)"
    ]


def test_a_missing_colon(mod):
    line = edit(mod / "module.yaml", "version: 1.0.0", "version 1.0.0")
    assert messages(mod) == [
        f"mod/module.yaml:{line}: error[yaml.syntax] line {line} ('version 1.0.0') has no ':' after its key; write "
        "key: value, with a space after the colon, or continue the text above with the same indentation"
    ]


def test_a_colon_inside_a_value(mod):
    line = edit(mod / "module.yaml", "publisher: ESMO (European", "publisher: ESMO: European")
    assert messages(mod) == [
        f"mod/module.yaml:{line}: error[yaml.syntax] the value of 'publisher' contains ': ', which YAML reads as a "
        'new key; put the whole value in quotes: publisher: "ESMO: European Society for Medical Oncology)"'
    ]


def test_text_after_a_quoted_value(mod):
    line = edit(mod / "quiz.yaml", '    prompt: "Which opioid antagonist', '    prompt: "Which" opioid antagonist')
    assert messages(mod)[0].startswith(
        f"mod/quiz.yaml:{line}: error[yaml.syntax] line {line} has more text after a quoted value or a value in "
        "braces or brackets"
    )


@pytest.mark.parametrize(
    "written, expected",
    [
        ("22/09/2010", "it must be a date YYYY-MM-DD; write 2010-09-22"),
        ("September 22, 2010", "it must be a date YYYY-MM-DD; write 2010-09-22"),
        ("22 Sep 2010", "it must be a date YYYY-MM-DD; write 2010-09-22"),
        ("2010/09/22", "it must be a date YYYY-MM-DD; write 2010-09-22"),
        (
            "03/04/2010",
            "it must be a date YYYY-MM-DD (e.g. 2010-09-22); scormkit does not guess whether 03/04/2010 is "
            "day/month or month/day",
        ),
    ],
)
def test_dates_in_other_formats_say_which_format(mod, written, expected):
    line = edit(mod / "module.yaml", "updated: 2010-09-22", f"updated: {written}")
    # before: "invalid updated '22/09/2010': it must be a valid date or datetime, invalid character in year"
    assert messages(mod) == [f"mod/module.yaml:{line}: error[schema.invalid] invalid updated {written!r}: {expected}"]


def test_a_date_or_a_year(mod):
    line = edit(mod / "module.yaml", "expires: 2012", "expires: 31.12.2012")
    assert messages(mod) == [
        f"mod/module.yaml:{line}: error[schema.invalid] invalid credit.expires '31.12.2012': it must be a date "
        "YYYY-MM-DD or a year YYYY; write 2012-12-31"
    ]


def test_powerpoint_given_as_the_pdf(mod):
    with zipfile.ZipFile(mod / "slides.pdf", "w") as deck:  # what a .pptx renamed to .pdf is
        deck.writestr("[Content_Types].xml", "<Types/>")
        deck.writestr("ppt/presentation.xml", "<p:presentation/>")
    # before: "slides.pdf is not a readable PDF (Stream has ended unexpectedly); export the deck to PDF again"
    assert messages(mod) == [
        "mod/slides.pdf: error[slides.not-pdf] slides.pdf is a PowerPoint presentation (.pptx), not a PDF; export it "
        "as PDF (PowerPoint: File > Export > Create PDF/XPS; Keynote: File > Export To > PDF; LibreOffice Impress: "
        "File > Export as PDF), save it in the module folder and set slides.file to the PDF"
    ]


def test_old_powerpoint_file_as_slides_file(mod):
    (mod / "deck.ppt").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    edit(mod / "module.yaml", "file: slides.pdf", "file: deck.ppt")
    assert messages(mod)[0].startswith(
        "mod/deck.ppt: error[slides.not-pdf] deck.ppt is an old PowerPoint presentation (.ppt), not a PDF; export it"
    )


def test_gift_saved_as_quiz_yaml(mod):
    (mod / "quiz.yaml").write_text("// exported from Moodle\n::q1:: Which reverses opioids? {=naloxone ~codeine}\n")
    # before: "quiz.yaml:2: error[yaml.syntax] could not parse YAML: mapping values are not allowed here; ..."
    assert messages(mod) == [
        "mod/quiz.yaml: error[quiz.looks-like-gift] quiz.yaml looks like a Moodle GIFT quiz, not YAML; rename it to "
        "quiz.gift and set quiz.file: quiz.gift in module.yaml (scormkit reads GIFT directly), or convert it with: "
        "scormkit quiz convert quiz.gift > quiz.yaml"
    ]


def test_aiken_saved_as_quiz_yaml(mod):
    (mod / "quiz.yaml").write_text("Which reverses opioids?\nA. Naloxone\nB. Codeine\nANSWER: A\n")
    assert messages(mod)[0].startswith(
        "mod/quiz.yaml: error[quiz.looks-like-aiken] quiz.yaml looks like a Moodle "
        "Aiken quiz, not YAML; rename it to quiz.txt"
    )


def test_no_correct_answer_shows_beside_a_typo_in_the_same_item(mod):
    # before: only the two prompt errors; "no correct choice" appeared once the typo was fixed.
    edit(
        mod / "quiz.yaml",
        '      - text: "Radiotherapy to the painful vertebra"\n        correct: true\n',
        '      - text: "Radiotherapy to the painful vertebra"\n',
    )
    line = edit(
        mod / "quiz.yaml",
        "  - id: q04-treat-the-cause\n    type: single\n    objective: stepwise\n    prompt:",
        "  - id: q04-treat-the-cause\n    type: single\n    objective: stepwise\n    promt:",
    )
    assert messages(mod) == [
        f"mod/quiz.yaml:{line}: error[quiz.no-correct-answer] item 'q04-treat-the-cause' has no correct choice; "
        "mark one with correct: true",
        f"mod/quiz.yaml:{line}: error[schema.missing] item 'q04-treat-the-cause' is missing required key 'prompt'; "
        "add it",
        f"mod/quiz.yaml:{line + 3}: error[schema.unknown-key] unknown key 'promt' in item 'q04-treat-the-cause'; "
        "did you mean 'prompt'?",
    ]


def test_a_misspelt_correct_is_not_also_called_no_correct_answer(mod):
    line = edit(
        mod / "quiz.yaml",
        '        correct: true\n        feedback: "Correct: treating',
        '        corect: true\n        feedback: "Correct: treating',
    )
    assert messages(mod) == [
        f"mod/quiz.yaml:{line}: error[schema.unknown-key] unknown key 'corect' in item 'q04-treat-the-cause' "
        "choices[0]; did you mean 'correct'?"
    ]
