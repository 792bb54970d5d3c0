"""Moodle GIFT quizzes: every feature that maps to an item type, and malformed files with exact lines."""

from pathlib import Path

import pytest

from scormkit.diagnostics import Report
from scormkit.model import QuizFile
from scormkit.source.gift import looks_like_gift
from scormkit.source.quizdoc import load_quiz_doc

FILES = Path(__file__).parent / "files"


def read(text: str, tmp_path: Path, name: str = "quiz.gift"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report = Report()
    doc = load_quiz_doc(path, name, report)
    return doc, [str(d) for d in report.sorted()]


def test_realistic_bank_maps_every_feature_to_its_item():
    report = Report()
    doc = load_quiz_doc(FILES / "pain.gift", "pain.gift", report)
    assert report.diagnostics == []
    items = doc.data["items"]
    by_id = {item["id"]: item for item in items}
    # The model accepts every item as it is (what pack does next).
    QuizFile.model_validate(doc.data)

    assert by_id["breakthrough-dose"] == {
        "id": "breakthrough-dose",
        "type": "numeric",
        "objective": "titration",  # $CATEGORY: .../titration
        "prompt": "A patient takes **120 mg** of oral morphine per 24 hours.\nEnter one suitable rescue dose, in mg.",
        "min": 12,
        "max": 20,
    }
    # Title with spaces -> id; tolerance; escaped ':' and '=' in the feedback.
    assert by_id["Rescue-dose-tolerance"]["answer"] == 12
    assert by_id["Rescue-dose-tolerance"]["tolerance"] == 0.5
    assert by_id["Rescue-dose-tolerance"]["feedback"] == {"correct": "Right: 120 / 10 = 12."}
    # All '=' answers: short answer, the first answer's feedback is the item's.
    assert by_id["naloxone"]["type"] == "fillin"
    assert by_id["naloxone"]["accepted"] == ["naloxone", "naloxone hydrochloride"]
    assert by_id["naloxone"]["feedback"] == {"correct": "Yes: titrate it to breathing."}
    # {TRUE#if wrong#if right}
    assert by_id["laxative"]["answer"] is True
    assert by_id["laxative"]["feedback"] == {
        "incorrect": "Constipation does not wear off with tolerance.",
        "correct": "Right: prevention starts with the first dose.",
    }
    # [html] becomes Markdown; per-answer feedback; #### general feedback.
    cause = by_id["treat-the-cause"]
    assert cause["type"] == "single" and cause["objective"] == "stepwise"
    assert cause["prompt"] == "A man has pain from a **single** vertebral metastasis.\\\nWhat comes first?"
    assert [c.get("correct", False) for c in cause["choices"]] == [True, False, False]
    assert cause["choices"][1]["feedback"] == "Kept for pain that resists other measures."
    assert (
        cause["feedback"]["correct"]
        == cause["feedback"]["incorrect"]
        == ("Step 1 is a disease-directed therapy whenever one is feasible.")
    )
    # Weights: positive is correct, negative is wrong.
    assert by_id["adjuvants"]["type"] == "multiple"
    assert [c.get("correct", False) for c in by_id["adjuvants"]["choices"]] == [True, True, False, False]
    assert by_id["routes"]["pairs"][1] == {"source": "Intrathecal", "target": "refractory pain below the waist"}
    assert by_id["routes"]["objective"] == "interventions"
    # No title: q<number>; missing word: the gap in the sentence.
    assert by_id["q08"]["prompt"] == "Opioid doses are titrated _____ until the pain is controlled."
    assert by_id["q08"]["choices"][1] == {"text": "daily", "correct": True}
    # [plain]: escapes restored, Markdown characters shown as written.
    assert by_id["escapes"]["prompt"] == r"In GIFT, write {braces}, = and ~ with a backslash; 50% stays \*as is\*."


def test_lines_are_those_of_the_questions_and_their_answers():
    report = Report()
    doc = load_quiz_doc(FILES / "pain.gift", "pain.gift", report)
    lines = (FILES / "pain.gift").read_text().splitlines()
    index = [i["id"] for i in doc.data["items"]].index("treat-the-cause")
    assert lines[doc.line_of("items", index) - 1].startswith("::treat-the-cause::")
    assert "~Percutaneous cordotomy" in lines[doc.line_of("items", index, "choices", 1) - 1]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "::q1:: An essay? {}\n",
            "quiz.gift:1: error[gift.unsupported] question 'q1' is an essay ({}), which has no scormkit item type yet; "
            "make it a short answer ({=accepted answer}) or leave it out",
        ),
        (
            "// header\n\n::intro:: Welcome to the quiz.\n",
            "quiz.gift:3: error[gift.no-answer] question 'intro' has no answer block {...}, so it is a Moodle description, "
            "which is not a quiz item; add its answers in braces, or move the text to the slides or module description",
        ),
        (
            "::q1:: Pick one {\n  =a\n  ~b\n\n::q2:: Next {T}\n",
            "quiz.gift:1: error[gift.syntax] question 'q1': the answer block opened here has no closing '}'; close it, "
            "or write \\{ for a literal brace",
        ),
        (
            "::q1:: Which? {\n  =a\n  =b\n  ~c\n}\n",
            "quiz.gift:3: error[gift.choice-correct] question 'q1' has 2 right answers (=); mark one with = for a single "
            "choice, or give every right answer a weight such as ~%50% for a multiple-response question",
        ),
        (
            "::q1:: Which? {~a ~b}\n",
            "quiz.gift:1: error[gift.choice-correct] question 'q1' has no right answer (=); mark one with = for a single "
            "choice, or give every right answer a weight such as ~%50% for a multiple-response question",
        ),
        (
            "::q1:: How much?\n{#\n  =12:1\n  =%50%10:3\n}\n",
            "quiz.gift:4: error[gift.unsupported] question 'q1' gives partial credit (50%) to the number '10:3'; scormkit "
            "accepts one answer or range: drop that answer",
        ),
        (
            "::q1:: How much? {#twelve}\n",
            "quiz.gift:1: error[gift.numeric] question 'q1': 'twelve' is not a number; write {#3.5}, {#3.5:0.5} "
            "(tolerance) or {#3..4} (range), with a dot as the decimal separator",
        ),
        (
            "::q1:: Name it {=morphine =%50%opium}\n",
            "quiz.gift:1: error[gift.unsupported] question 'q1' gives partial credit (50%) to the short answer 'opium'; "
            "scormkit accepts an answer or not: drop the weight, or remove the answer",
        ),
        (
            "::q1:: Match {\n  =a -> 1\n  =b -> 2\n  ~c -> 3\n}\n",
            "quiz.gift:4: error[gift.syntax] question 'q1' is a matching question, so every answer is written "
            "=item -> match; fix ~'c -> 3'",
        ),
        (
            "::q1::[latex] x {T}\n",
            "quiz.gift:1: error[gift.format] question 'q1' has the text format [latex]; use one of [html], [moodle], "
            "[plain], [markdown]",
        ),
        (
            "::q1:: Which? {=a ~b} and {=c ~d}\n",
            "quiz.gift:1: error[gift.syntax] question 'q1' has a second answer block; a question has one "
            "(write \\{ for a literal brace)",
        ),
        (
            "::q1::[html] A <table><tr><td>x</td></tr></table> {T}\n",
            "quiz.gift:1: error[gift.html] question 'q1' uses the HTML tag <table>, which a prompt cannot show; write the "
            "text in [markdown] instead",
        ),
        (
            "::Dose:: Which? {\n  =a\n  ~\n}\n",
            "quiz.gift:3: error[gift.syntax] question 'Dose' has an empty answer after '~'; write its text, or remove "
            "the '~' (write \\~ for a literal one)",
        ),
        (
            "::q1 Which? {T}\n",
            "quiz.gift:1: error[gift.syntax] the title starts with '::' but has no closing '::'; write ::Title:: before "
            "the question text",
        ),
    ],
)
def test_malformed_question_names_the_line_and_the_fix(tmp_path, text, expected):
    doc, messages = read(text, tmp_path)
    assert doc is None
    assert messages[0] == expected


def test_every_bad_question_is_reported_in_one_run(tmp_path):
    text = (
        "::ok:: Fine {T}\n\n"
        "::essay:: Discuss. {}\n\n"
        "// a comment between questions\n"
        "::bad-number:: How many? {#1,5}\n\n"
        "::ok2:: Fine too {F}\n"
    )
    _, messages = read(text, tmp_path)
    assert [m.split(" error")[0] for m in messages] == ["quiz.gift:3:", "quiz.gift:6:"]


def test_titles_make_unique_ids_and_non_ascii_titles_fall_back(tmp_path):
    doc, messages = read(
        "::Dose:: a {T}\n\n::Dose:: b {F}\n\n::Dosis für Kinder:: c {T}\n\n::12 mg:: d {T}\n", tmp_path
    )
    assert messages == []
    assert [i["id"] for i in doc.data["items"]] == ["Dose", "Dose-2", "Dosis-f-r-Kinder", "q12-mg"]


def test_weights_decide_single_or_multiple_as_moodle_does(tmp_path):
    doc, messages = read(
        "::a:: One weighted {~%100%right ~wrong}\n\n::b:: Mixed {=right ~%50%half-right ~%-50%wrong}\n", tmp_path
    )
    assert messages == []
    first, second = doc.data["items"]
    assert first["type"] == "single" and first["choices"] == [{"text": "right", "correct": True}, {"text": "wrong"}]
    assert second["type"] == "multiple"
    assert [c.get("correct", False) for c in second["choices"]] == [True, True, False]
    doc, messages = read("::c:: Half {~%50%half ~wrong}\n", tmp_path)
    assert messages == [
        "quiz.gift:1: error[gift.unsupported] question 'c' gives partial credit (50%) to its only right answer "
        "'half'; scormkit scores a choice right or wrong: write it as =answer"
    ]


def test_multiline_choices_with_escaped_specials(tmp_path):
    doc, messages = read("::sym:: Which sign means equal?{\n=\\= (equals)\n~\\~ (tilde)#Not this\\#one\n}\n", tmp_path)
    assert messages == []
    choices = doc.data["items"][0]["choices"]
    assert choices == [{"text": "= (equals)", "correct": True}, {"text": "~ (tilde)", "feedback": "Not this#one"}]


def test_a_gift_txt_is_read_as_gift_and_aiken_is_not_mistaken_for_it():
    assert looks_like_gift((FILES / "pain.gift").read_text())
    assert not looks_like_gift((FILES / "pain-aiken.txt").read_text())
