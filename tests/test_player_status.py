"""player.js pure functions (status rules, resume-state encoding, answer checks), run under Node.js.

The status table cites LMS-PITFALLS rules 6, 7 and 18; the state tests pin player.js `encodeState` to
course.py `worst_case_state` (rule 1) and check that unknown or corrupt state is ignored (rule 13).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from importlib import resources

import pytest

from scormkit.player.course import encode_state, worst_case_state

from tests.test_player_course import make_module

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

PRELUDE = """
global.window = {};
global.document = { getElementById: function () { return null; } };
require(process.argv[1]);
const K = window.Scormkit;
const input = JSON.parse(process.argv[2]);
"""


def run_js(body: str, data: object) -> object:
    player = resources.files("scormkit.player").joinpath("static", "player.js")
    script = PRELUDE + body
    out = subprocess.run([NODE, "-e", script, str(player), json.dumps(data)], capture_output=True, text=True,
                         check=True, timeout=30)
    return json.loads(out.stdout)


BASE = {"completion": "slides_and_quiz", "slidesRequired": 1.0, "success": "quiz", "hasQuiz": True,
        "viewed": 10, "total": 10, "submitted": True, "scaled": 0.9, "passing": 0.8, "attemptsRemain": True}

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
        assert (result["completion"], result["success"], result["lessonStatus"]) == (completion, success, lesson), changes
        # Rule 18: never a "completed" result together with "failed".
        assert not (result["resultCompletion"] and result["success"] == "failed")
        assert result["finished"] == (lesson != "incomplete")


def test_js_state_encoding_mirrors_python_worst_case() -> None:
    module = make_module()
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
    texts = ["", "not json", "[]", "null", '{"v":2,"s":1,"c":0,"b":""}', '{"v":1,"s":"x","c":0,"b":""}',
             '{"v":1,"s":1,"c":99,"b":""}', '{"v":1,"h":"k","s":1,"c":0,"b":"","a":1,"i":0,"r":"oops"}']
    got = run_js("console.log(JSON.stringify(input.map(t => K.decodeState(t, 3, 2, 'k'))));", texts)
    assert got == [None] * len(texts)


def test_state_of_another_quiz_keeps_slides_only() -> None:
    state = {"v": 1, "h": "old", "s": 5, "w": "q", "c": 2, "b": "7", "a": 2, "i": 1, "k": "3", "x": "3",
             "r": ["a", "b"], "d": 0, "p": None}
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
        ("fillin", "  naloxone   HYDROCHLORIDE ", True), ("fillin", "naloxone", False),
        ("numeric", "12", True), ("numeric", "20", True), ("numeric", "12,5", True), ("numeric", "20.01", False),
        ("numeric", "abc", False), ("matching", "ab", True), ("matching", "ba", False), ("matching", "a-", False),
    ]
    got = run_js("console.log(JSON.stringify(input.cases.map(c => K.isCorrect(input.items[c[0]], c[1]))));",
                 {"items": items, "cases": cases})
    assert got == [expected for *_, expected in cases]
    assert run_js("console.log(JSON.stringify(input.map(K.parseNumber)));", ["1e3", ".5", "-3", "12,5", "x"]) == [
        None, "0.5", "-3", "12.5", None]
