"""player.js pure functions (status rules, resume-state encoding, answer checks), run under Node.js.

The status table cites docs/lms-pitfalls.md rules 6, 7 and 18; the state tests pin player.js `encodeState` to
course.py `worst_case_state` (rule 1) and check that unknown or corrupt state is ignored (rule 13).
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from scormkit.player import script
from scormkit.player.course import encode_state, worst_case_state
from tests.factories import make_player_module

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

# A page without course data: the player defines its functions, exports them on window.Scormkit and stops.
PRELUDE = """
global.window = {};
global.document = { getElementById: function () { return null; } };
"""
SETUP = """
const K = window.Scormkit;
const input = JSON.parse(process.argv[1]);
"""


def run_js(body: str, data: object) -> object:
    # player.js as a package ships it (its sources concatenated).
    program = PRELUDE + script("player.js").decode() + SETUP + body
    out = subprocess.run(
        [NODE, "-e", program, json.dumps(data)], capture_output=True, text=True, check=True, timeout=30
    )
    return json.loads(out.stdout)


BASE = {
    "completion": "slides_and_quiz",
    "slidesRequired": 1.0,
    "success": "quiz",
    "hasQuiz": True,
    "viewed": 10,
    "total": 10,
    "submitted": True,
    "scaled": 0.9,
    "passing": 0.8,
    "attemptsRemain": True,
}

CASES = [
    # (changes, completion, success, 1.2 lesson_status)
    ({}, "completed", "passed", "passed"),
    ({"scaled": 0.5}, "completed", "unknown", "incomplete"),  # rule 7: attempts remain
    ({"scaled": 0.5, "attemptsRemain": False}, "completed", "failed", "failed"),
    ({"submitted": False, "scaled": None}, "incomplete", "unknown", "incomplete"),
    ({"viewed": 9}, "incomplete", "passed", "incomplete"),
    ({"viewed": 9, "slidesRequired": 0.9}, "completed", "passed", "passed"),
    ({"viewed": 9, "scaled": 0.5, "attemptsRemain": False}, "incomplete", "failed", "failed"),
    ({"completion": "slides", "submitted": False, "scaled": None}, "completed", "unknown", "incomplete"),
    ({"completion": "quiz", "viewed": 0}, "completed", "passed", "passed"),
    ({"success": "none", "scaled": 0.1}, "completed", "unknown", "completed"),
    ({"hasQuiz": False, "submitted": False, "scaled": None}, "completed", "unknown", "completed"),
    ({"hasQuiz": False, "submitted": False, "scaled": None, "viewed": 3}, "incomplete", "unknown", "incomplete"),
    ({"scaled": 0.8}, "completed", "passed", "passed"),  # the passing score itself passes
    ({"passing": 0.95}, "completed", "unknown", "incomplete"),  # LMS mastery score (rule 6) is used as given
]


def test_status_table() -> None:
    inputs = [dict(BASE, **changes) for changes, *_ in CASES]
    got = run_js("console.log(JSON.stringify(input.map(K.computeStatus)));", inputs)
    for (changes, completion, success, lesson), result in zip(CASES, got):
        assert (result["completion"], result["success"], result["lessonStatus"]) == (completion, success, lesson), (
            changes
        )
        # Rule 18: never a "completed" result together with "failed".
        assert not (result["resultCompletion"] and result["success"] == "failed")
        assert result["finished"] == (lesson != "incomplete")


# Rule 24 (docs/player.md, "Reporting policy"): which parts of the score may reach an LMS that judges by it.
# (changes, runtime, scoreRaw, scoreScaled)
SCORE_CASES = [
    ({}, "scorm12", True, False),  # passed, completed: final
    ({"scaled": 0.5}, "scorm12", False, False),  # failed, attempts remain: held back
    ({"scaled": 0.5, "attemptsRemain": False}, "scorm12", True, False),  # failed on the last attempt: final
    ({"viewed": 9}, "scorm12", False, False),  # passed, slides unviewed: incomplete
    ({"success": "none", "scaled": 0.1}, "scorm12", True, False),  # ungraded: no mastery score written
    ({"submitted": False, "scaled": None}, "scorm12", False, False),
    ({}, "scorm2004", True, True),
    ({"scaled": 0.5}, "scorm2004", True, False),  # raw yes, scaled only with a verdict
    ({"scaled": 0.5, "attemptsRemain": False}, "scorm2004", True, True),
    ({"viewed": 9}, "scorm2004", True, True),  # success is apart from completion
    ({"success": "none", "scaled": 0.1}, "scorm2004", True, False),  # rule 23: Moodle's 1.0 pass mark
    ({"submitted": False, "scaled": None}, "scorm2004", False, False),
    ({"scaled": 0.5}, "cmi5", True, True),  # xAPI/cmi5: in their statements
]


def test_score_goes_to_the_lms_only_when_it_cannot_change_the_verdict() -> None:
    inputs = [dict(BASE, lms=lms, **changes) for changes, lms, *_ in SCORE_CASES]
    got = run_js("console.log(JSON.stringify(input.map(K.computeStatus)));", inputs)
    for (changes, lms, raw, scaled), result in zip(SCORE_CASES, got):
        assert (result["scoreRaw"], result["scoreScaled"]) == (raw, scaled), (lms, changes)


def test_completion_reported_once_is_never_lowered() -> None:
    """Issue 9 item 3: after a retake the quiz is not submitted, but what the session reported stays."""
    retake = dict(BASE, scaled=None, submitted=False, wasCompleted=True)
    (got,) = run_js("console.log(JSON.stringify(input.map(K.computeStatus)));", [retake])
    assert got["completion"] == "completed"


def test_js_state_encoding_mirrors_python_worst_case() -> None:
    module = make_player_module()
    worst = worst_case_state(module)
    text = encode_state(worst)
    nslides, nitems = len(module.slides), len(module.items)
    again = run_js(
        "const S = K.decodeState(input.text, input.nslides, input.nitems, input.key);"
        "console.log(JSON.stringify(S ? K.encodeState(S, input.key) : null));",
        {"text": text, "nslides": nslides, "nitems": nitems, "key": worst["h"]},
    )
    # Same keys, same length: the Python worst case is what player.js would write (bitset characters of a
    # partly used last group differ, never their number).
    assert list(json.loads(again)) == list(worst)
    assert len(again) == len(text)


def test_corrupt_or_unknown_state_is_ignored() -> None:
    texts = [
        "",
        "not json",
        "[]",
        "null",
        '{"v":99,"s":1,"c":0,"b":""}',
        '{"v":1,"s":"x","c":0,"b":""}',
        '{"v":1,"s":1,"c":99,"b":""}',
        '{"v":1,"h":"k","s":1,"c":0,"b":"","a":1,"i":0,"r":"oops"}',
    ]
    got = run_js("console.log(JSON.stringify(input.map(t => K.decodeState(t, 3, 2, 'k'))));", texts)
    assert got == [None] * len(texts)


def test_state_of_another_quiz_keeps_slides_only() -> None:
    state = {
        "v": 1,
        "h": "old",
        "s": 5,
        "w": "q",
        "c": 2,
        "b": "7",
        "a": 2,
        "i": 1,
        "k": "3",
        "x": "3",
        "r": ["a", "b"],
        "d": 0,
        "p": None,
    }
    got = run_js("console.log(JSON.stringify(K.decodeState(input, 3, 2, 'new')));", json.dumps(state))
    assert got["slide"] == 2 and got["viewed"] == [True, True, True]
    assert got["answers"] == [None, None] and got["attempt"] == 1 and got["screen"] == "v"


def test_answer_checks() -> None:
    items = {
        "fillin": {"type": "fillin", "accepted": ["Naloxone hydrochloride"], "caseSensitive": False, "trim": True},
        "numeric": {"type": "numeric", "min": 12, "max": 20},
        "matching": {"type": "matching", "sources": [{"id": "a"}, {"id": "b"}], "correct": [["a", "a"], ["b", "b"]]},
    }
    cases = [
        ("fillin", "  naloxone   HYDROCHLORIDE ", True),
        ("fillin", "naloxone", False),
        ("numeric", "12", True),
        ("numeric", "20", True),
        ("numeric", "12,5", True),
        ("numeric", "20.01", False),
        ("numeric", "abc", False),
        ("matching", "ab", True),
        ("matching", "ba", False),
        ("matching", "a-", False),
    ]
    got = run_js(
        "console.log(JSON.stringify(input.cases.map(c => K.isCorrect(input.items[c[0]], c[1]))));",
        {"items": items, "cases": cases},
    )
    assert got == [expected for *_, expected in cases]
    assert run_js("console.log(JSON.stringify(input.map(K.parseNumber)));", ["1e3", ".5", "-3", "12,5", "x"]) == [
        None,
        "0.5",
        "-3",
        "12.5",
        None,
    ]


# ---- issue 3: bank draw, stored order, older state formats, objectives, never downgrading --------------------

QUIZ7 = {"draw": 3, "shuffle": True}


def test_draw_order_is_n_of_m_and_new_per_attempt() -> None:
    got = run_js("console.log(JSON.stringify([1, 2, 3, 4].map(a => K.drawOrder(input, 7, 4242, a))));", QUIZ7)
    for order in got:
        assert len(order) == 3 and len(set(order)) == 3 and all(0 <= i < 7 for i in order)
    assert len({tuple(o) for o in got}) > 1  # a new draw per attempt
    plain = run_js("console.log(JSON.stringify(K.drawOrder(input, 5, 1, 1)));", {"draw": None, "shuffle": False})
    assert plain == [0, 1, 2, 3, 4]
    sorted_draw = run_js("console.log(JSON.stringify(K.drawOrder(input, 7, 9, 1)));", {"draw": 4, "shuffle": False})
    assert sorted_draw == sorted(sorted_draw) and len(sorted_draw) == 4


def test_stored_order_wins_on_resume() -> None:
    state = {
        "v": 2,
        "h": "k",
        "s": 5,
        "w": "q",
        "c": 1,
        "b": "3",
        "a": 2,
        "i": 1,
        "o": [6, 2, 4],
        "k": "",
        "x": "",
        "r": [0, 0, "t", 0, "ab", 0, 0],
        "d": 0,
        "p": None,
        "g": 1,
    }
    got = run_js(
        "console.log(JSON.stringify(K.decodeState(input.t, 3, 7, 'k', input.q)));", {"t": json.dumps(state), "q": QUIZ7}
    )
    assert got["order"] == [6, 2, 4] and got["attempt"] == 2 and got["pos"] == 1 and got["screen"] == "q"
    assert got["answers"][2] == "t" and got["answers"][4] == "ab" and got["ack"] is True


def test_state_with_another_draw_size_keeps_slides_and_restarts_the_quiz() -> None:
    state = {
        "v": 2,
        "h": "k",
        "s": 5,
        "w": "q",
        "c": 2,
        "b": "7",
        "a": 2,
        "i": 1,
        "o": [6, 2],
        "k": "",
        "x": "",
        "r": [0, 0, "t", 0, "ab", 0, 0],
        "d": 0,
        "p": None,
        "g": 1,
    }
    got = run_js(
        "console.log(JSON.stringify(K.decodeState(input.t, 3, 7, 'k', input.q)));", {"t": json.dumps(state), "q": QUIZ7}
    )
    assert got["viewed"] == [True, True, True] and got["slide"] == 2 and got["ack"] is True
    assert got["answers"] == [None] * 7 and got["attempt"] == 1 and got["screen"] == "v" and len(got["order"]) == 3


def test_format_1_state_from_an_older_package_resumes() -> None:
    """A state string written by the format-1 player (no stored order): same questions, same order, same answers."""
    old = {
        "v": 1,
        "h": "k",
        "s": 77,
        "w": "q",
        "c": 2,
        "b": "7",
        "a": 3,
        "i": 2,
        "k": "",
        "x": "",
        "r": ["a", 0, 0, 0, 0, 0, "f"],
        "d": 0,
        "p": None,
    }
    got = run_js(
        "const S = K.decodeState(input.t, 3, 7, 'k', input.q);"
        "console.log(JSON.stringify({S: S, expect: K.drawOrder(input.q, 7, 77, 3), again: K.encodeState(S, 'k')}));",
        {"t": json.dumps(old), "q": QUIZ7},
    )
    assert got["S"]["order"] == got["expect"] and got["S"]["attempt"] == 3 and got["S"]["pos"] == 2
    assert got["S"]["answers"][0] == "a" and got["S"]["answers"][6] == "f" and got["S"]["ack"] is False
    again = json.loads(got["again"])
    assert again["v"] == 2 and again["o"] == got["expect"]  # saved back in the current format


def test_objective_results_are_weighted_per_objective() -> None:
    entries = [
        {"index": 0, "item": {"type": "truefalse", "answer": True, "weight": 1, "objective": "one"}},
        {"index": 1, "item": {"type": "truefalse", "answer": True, "weight": 3, "objective": "one"}},
        {"index": 2, "item": {"type": "truefalse", "answer": False, "weight": 1, "objective": "two"}},
    ]
    objectives = [{"id": "one"}, {"id": "two"}, {"id": "three"}]
    got = run_js(
        "console.log(JSON.stringify([true, false].map(r => K.objectiveResults(input.o, input.e, "
        "['f', 't', 'f'], 0.8, r))));",
        {"o": objectives, "e": entries},
    )
    remain, final = got
    assert [o["id"] for o in remain] == ["one", "two"]  # "three" has no item: not reported
    assert remain[0] == {"id": "one", "scaled": 0.75, "raw": 75, "success": "unknown", "completion": "completed"}
    assert remain[1] == {"id": "two", "scaled": 1, "raw": 100, "success": "passed", "completion": "completed"}
    assert final[0]["success"] == "failed" and final[1]["success"] == "passed"


def test_status_never_downgrades_what_the_lms_stored() -> None:
    cases = [
        dict(BASE, submitted=False, scaled=None, viewed=0, wasCompleted=True, wasPassed=True),
        dict(BASE, scaled=0.1, attemptsRemain=False, wasPassed=True),
    ]
    got = run_js("console.log(JSON.stringify(input.map(K.computeStatus)));", cases)
    assert [(g["completion"], g["success"], g["lessonStatus"]) for g in got] == [
        ("completed", "passed", "passed"),
        ("completed", "passed", "passed"),
    ]
