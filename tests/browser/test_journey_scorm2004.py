"""Learner journeys through the SCORM 2004 package of module_src, checked against what the test LMS recorded.

Rules cited: docs/lms-pitfalls.md (rule numbers in the comments).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.journey import (
    MODULE_SRC,
    SESSION_TIME_2004,
    Learner,
    course_of,
    first_pattern,
    interactions,
    one_attempt_copy,
    pack,
)

pytestmark = pytest.mark.browser

TYPES = {
    "single": "choice",
    "multiple": "choice",
    "truefalse": "true-false",
    "fillin": "fill-in",
    "numeric": "numeric",
    "matching": "matching",
    "sequencing": "sequencing",
}
# CMITime with a zone designator after the fraction (RTE 4.1.4.1; issue 9 item 5).
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{1,2}(Z|[+-]\d{2}:\d{2})$")


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pack(MODULE_SRC, "scorm2004", tmp_path_factory.mktemp("scorm2004"))


@pytest.fixture(scope="module")
def package_one_attempt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("scorm2004-one-attempt")
    return pack(one_attempt_copy(tmp), "scorm2004", tmp / "dist")


def expected_2004(item: dict[str, Any], correct: bool) -> tuple[str | None, str]:
    """(learner_response, correct_responses.0.pattern) in SCORM 2004 form (rule 10: [,] [.] [:] delimiters)."""
    kind = item["type"]
    if kind in ("single", "multiple"):
        right = [c["id"] for c in item["choices"] if c["correct"]]
        wrong = [c["id"] for c in item["choices"] if not c["correct"]][:1]
        return "[,]".join(right if correct else wrong), "[,]".join(right)
    if kind == "truefalse":
        right = "true" if item["answer"] else "false"
        return (right if correct else {"true": "false", "false": "true"}[right]), right
    if kind == "fillin":
        flag = "{case_matters=true}" if item["caseSensitive"] else "{case_matters=false}"
        return (item["accepted"][0] if correct else "paracetamol"), flag + item["accepted"][0]
    if kind == "numeric":
        return (str(item["min"]) if correct else str(item["max"] + 1000)), f"{item['min']}[:]{item['max']}"
    if kind == "matching":
        pairs = item["correct"]
        right = "[,]".join(f"{s}[.]{t}" for s, t in pairs)
        wrong = "[,]".join(f"{s}[.]{pairs[(n + 1) % len(pairs)][1]}" for n, (s, _) in enumerate(pairs))
        return (right if correct else wrong), right
    if kind == "sequencing":
        right = "[,]".join(s["id"] for s in item["steps"])
        return (right if correct else None), right
    raise AssertionError(kind)


def check_interactions_2004(session: Any, course: dict[str, Any], plan: list[bool], start: int = 0) -> None:
    """One interaction per answered item, fields per docs/lms-pitfalls.md rule 10 (2004 formats, result incorrect)."""
    recorded = interactions(session.cmi())
    items = course["quiz"]["items"]
    assert len(recorded) == start + len(items)
    for n, (item, right) in enumerate(zip(items, plan)):
        got = recorded[start + n]
        response, pattern = expected_2004(item, right)
        assert got["id"] == item["id"]
        assert got["type"] == TYPES[item["type"]]
        assert got["result"] == ("correct" if right else "incorrect")
        assert got["weighting"] == "1"
        assert got["objectives"]["0"]["id"] == item["objective"]
        assert first_pattern(got) == pattern
        if response is not None:
            assert got["learner_response"] == response
        else:
            assert got["learner_response"] != pattern
            assert sorted(got["learner_response"].split("[,]")) == sorted(pattern.split("[,]"))
        assert 0 < len(got["description"]) <= 250
        assert TIMESTAMP.match(got["timestamp"]), got["timestamp"]
        assert SESSION_TIME_2004.match(got["latency"]), got["latency"]


def test_pass_reports_completed_passed_score_and_interactions(launch: Any, package: Path) -> None:
    course = course_of(package)
    session = launch(package, "scorm2004")
    learner = Learner(session, course)
    learner.start()
    learner.view_slides()
    learner.to_quiz()
    learner.take_quiz(True)
    learner.click("Exit")
    session.wait_for_finish()

    cmi = session.cmi()
    assert cmi["completion_status"] == "completed"
    assert cmi["success_status"] == "passed"
    assert cmi["score"]["scaled"] == "1"
    assert (cmi["score"]["raw"], cmi["score"]["min"], cmi["score"]["max"]) == ("100", "0", "100")
    assert cmi["exit"] == "normal"  # rule 2
    assert SESSION_TIME_2004.match(cmi["session_time"]), cmi["session_time"]  # rule 9
    assert cmi["location"] == str(len(course["slides"]))
    check_interactions_2004(session, course, [True] * len(course["quiz"]["items"]))
    objectives = {o["id"]: o for o in interactions({"interactions": cmi["objectives"]})}
    assert set(objectives) == {o["id"] for o in course["objectives"]}
    for objective in objectives.values():
        assert objective["success_status"] == "passed"
        assert objective["completion_status"] == "completed"
        assert objective["score"]["scaled"] == "1"

    calls = session.calls()
    sets = [c["element"] for c in calls if c["method"] == "SetValue"]
    # Rule 5: score before the statuses.
    assert sets.index("cmi.score.scaled") < len(sets) - 1 - sets[::-1].index("cmi.success_status")
    assert "cmi.total_time" not in sets  # rule 9
    methods = [c["method"] for c in calls]
    assert methods.count("Initialize") == 1 and methods.count("Terminate") == 1
    # Rule 4: the exit sequence (cmi.exit ... Terminate) has no Commit; Terminate commits by itself.
    writes = [c for c in calls if c["method"] in ("SetValue", "Commit", "Terminate")]
    exit_at = max(n for n, c in enumerate(writes) if c["method"] == "SetValue" and c["element"] == "cmi.exit")
    assert [c["method"] for c in writes[exit_at:]].count("Commit") == 0
    assert writes[-1]["method"] == "Terminate"
    session.assert_clean()


def test_fail_with_attempts_left_reports_unknown_then_retake_appends(launch: Any, package: Path) -> None:
    course = course_of(package)
    n_items = len(course["quiz"]["items"])
    session = launch(package, "scorm2004")
    learner = Learner(session, course)
    learner.start()
    learner.view_slides()
    learner.to_quiz()
    learner.take_quiz(False)
    cmi = session.cmi()
    # Rule 7: success stays unknown while attempts remain; completion follows the tracking rules.
    assert cmi["success_status"] == "unknown"
    assert cmi["completion_status"] == "completed"
    # Rule 24: scaled only with a final verdict, or an LMS with a scaled passing score stores "failed".
    assert cmi["score"]["scaled"] == ""
    check_interactions_2004(session, course, [False] * n_items)
    first_attempt = interactions(session.cmi())

    learner.click("Retake the quiz")
    learner.take_quiz(True)
    cmi = session.cmi()
    assert (cmi["completion_status"], cmi["success_status"]) == ("completed", "passed")
    assert interactions(cmi)[:n_items] == first_attempt
    check_interactions_2004(session, course, [True] * n_items, start=n_items)
    session.assert_clean()


def test_fail_last_attempt_reports_failed(launch: Any, package_one_attempt: Path) -> None:
    course = course_of(package_one_attempt)
    session = launch(package_one_attempt, "scorm2004")
    learner = Learner(session, course)
    learner.start()
    learner.view_slides()
    learner.to_quiz()
    learner.take_quiz(False)
    assert learner.ui.get_by_text("Failed", exact=True).is_visible()
    learner.click("Exit")
    session.wait_for_finish()
    cmi = session.cmi()
    assert cmi["success_status"] == "failed"
    assert cmi["completion_status"] == "completed"
    assert cmi["score"]["scaled"] == "0"
    assert cmi["exit"] == "normal"
    session.assert_clean()


def test_leave_midway_and_resume(launch: Any, relaunch: Any, package: Path) -> None:
    course = course_of(package)
    first = launch(package, "scorm2004")
    learner = Learner(first, course)
    learner.start()
    learner.view_slides(upto=5)
    learner.click("Quiz")
    answered = [learner.answer_and_check(True)]
    learner.click("Next")
    answered.append(learner.answer_and_check(True))
    learner.click("Next")
    learner.click("Back to the slides")
    learner.ui.get_by_text("Slide 5 of", exact=False).wait_for()
    assert (first.cmi()["completion_status"], first.cmi()["success_status"]) == ("incomplete", "unknown")
    first.assert_clean()

    second = relaunch(first)
    assert first.cmi()["exit"] == "suspend"  # rule 2
    assert second.cmi()["entry"] == "resume"
    assert second.cmi()["location"] == "5"
    learner = Learner(second, course)
    learner.start("Resume")
    learner.ui.get_by_text(f"Slide 5 of {len(course['slides'])}", exact=True).wait_for()
    learner.click("Quiz")
    assert learner.heading() == f"Question 3 of {len(course['quiz']['items'])}"
    learner.click("Previous")
    box = learner.ui.get_by_label("Your answer", exact=True)
    assert box.input_value() == answered[1]["accepted"][0]
    assert box.is_disabled()
    learner.click("Previous")
    assert learner.ui.get_by_label("Your answer (a number)", exact=True).input_value() == str(answered[0]["min"])
    assert [i["id"] for i in interactions(second.cmi())] == [item["id"] for item in answered]
    second.assert_clean()
