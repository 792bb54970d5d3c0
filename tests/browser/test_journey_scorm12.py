"""Learner journeys through the SCORM 1.2 package of module_src, checked against what the test LMS recorded.

Rules cited: docs/lms-pitfalls.md (rule numbers in the comments).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.journey import (
    MODULE_SRC,
    SESSION_TIME_12,
    Learner,
    course_of,
    first_pattern,
    interactions,
    one_attempt_copy,
    pack,
)

pytestmark = pytest.mark.browser

TYPES_12 = {
    "single": "choice",
    "multiple": "choice",
    "truefalse": "true-false",
    "fillin": "fill-in",
    "numeric": "numeric",
    "matching": "matching",
    "sequencing": "sequencing",
}


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pack(MODULE_SRC, "scorm12", tmp_path_factory.mktemp("scorm12"))


@pytest.fixture(scope="module")
def package_one_attempt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("scorm12-one-attempt")
    return pack(one_attempt_copy(tmp), "scorm12", tmp / "dist")


def expected_12(item: dict[str, Any], correct: bool) -> tuple[str, str | None]:
    """(student_response, correct_responses.0.pattern) in SCORM 1.2 form (rule 10: single characters)."""
    kind = item["type"]
    if kind in ("single", "multiple"):
        right = [c["id"] for c in item["choices"] if c["correct"]]
        wrong = [c["id"] for c in item["choices"] if not c["correct"]][:1]
        return ",".join(right if correct else wrong), ",".join(right)
    if kind == "truefalse":
        right = "t" if item["answer"] else "f"
        return (right if correct else {"t": "f", "f": "t"}[right]), right
    if kind == "fillin":
        return (item["accepted"][0] if correct else "paracetamol"), item["accepted"][0]
    if kind == "numeric":
        # 1.2 has no numeric range pattern: none is written for min < max.
        pattern = None if item["min"] != item["max"] else str(item["min"])
        return (str(item["min"]) if correct else str(item["max"] + 1000)), pattern
    if kind == "matching":
        pairs = item["correct"]
        right = ",".join(f"{s}.{t}" for s, t in pairs)
        wrong = ",".join(f"{s}.{pairs[(n + 1) % len(pairs)][1]}" for n, (s, _) in enumerate(pairs))
        return (right if correct else wrong), right
    if kind == "sequencing":
        right = ",".join(s["id"] for s in item["steps"])
        return (right if correct else None), right  # wrong: whatever shuffled order the player showed
    raise AssertionError(kind)


def check_interactions_12(session: Any, course: dict[str, Any], plan: list[bool], start: int = 0) -> None:
    """One interaction per answered item, fields per docs/lms-pitfalls.md rule 10 (1.2 formats, result wrong/correct)."""
    recorded = interactions(session.cmi())
    items = course["quiz"]["items"]
    assert len(recorded) == start + len(items)
    for n, (item, right) in enumerate(zip(items, plan)):
        got = recorded[start + n]
        response, pattern = expected_12(item, right)
        assert got["id"] == item["id"]
        assert got["type"] == TYPES_12[item["type"]]
        assert got["result"] == ("correct" if right else "wrong")
        assert got["weighting"] == "1"
        assert got["objectives"]["0"]["id"] == item["objective"]
        assert first_pattern(got) == pattern
        if response is not None:
            assert got["student_response"] == response
        else:
            assert got["student_response"] != pattern and sorted(got["student_response"].split(",")) == sorted(
                pattern.split(",")
            )
        assert len(got["student_response"]) <= 255
        assert SESSION_TIME_12.match(got["latency"]), got["latency"]


def test_pass_reports_passed_score_and_interactions(launch: Any, package: Path) -> None:
    course = course_of(package)
    session = launch(package, "scorm12")
    learner = Learner(session, course)
    learner.on_start_screen()
    assert learner.heading() == course["title"]
    learner.start()
    learner.view_slides()
    learner.to_quiz()
    learner.take_quiz(True)
    assert learner.ui.get_by_text("Passed", exact=True).is_visible()
    learner.click("Exit")
    session.wait_for_finish()

    core = session.cmi()["core"]
    assert core["lesson_status"] == "passed"
    assert core["score"] == {"raw": "100", "min": "0", "max": "100"}
    assert core["exit"] == ""  # rule 2: finished, never "logout"
    assert SESSION_TIME_12.match(core["session_time"]), core["session_time"]  # rule 9
    assert core["lesson_location"] == str(len(course["slides"]))
    check_interactions_12(session, course, [True] * len(course["quiz"]["items"]))
    objectives = session.cmi()["objectives"]
    assert {o["id"]: o["status"] for o in objectives.values()} == {o["id"]: "passed" for o in course["objectives"]}
    assert all(o["score"]["raw"] == "100" for o in objectives.values())
    # Rule 5: score written before lesson_status; rule 9: total_time never written.
    sets = [c["element"] for c in session.calls() if c["method"] == "LMSSetValue"]
    assert sets.index("cmi.core.score.raw") < len(sets) - 1 - sets[::-1].index("cmi.core.lesson_status")
    assert "cmi.core.total_time" not in sets
    assert sum(c["method"] == "LMSInitialize" for c in session.calls()) == 1
    assert sum(c["method"] == "LMSFinish" for c in session.calls()) == 1
    session.assert_clean()


def test_fail_with_attempts_left_reports_incomplete_then_retake_appends(launch: Any, package: Path) -> None:
    course = course_of(package)
    n_items = len(course["quiz"]["items"])
    session = launch(package, "scorm12")
    learner = Learner(session, course)
    learner.start()
    learner.view_slides()
    learner.to_quiz()
    learner.take_quiz(False)
    assert learner.ui.get_by_text("Not passed yet", exact=True).is_visible()
    core = session.cmi()["core"]
    # Rule 7: no "failed" while attempts remain (unlimited here).
    assert core["lesson_status"] == "incomplete"
    # Rule 24: no score either, or an LMS with the masteryscore would store "failed" from it (issue 9 item 2).
    assert core["score"]["raw"] == ""
    check_interactions_12(session, course, [False] * n_items)
    first_attempt = interactions(session.cmi())

    learner.click("Retake the quiz")
    learner.take_quiz(True)
    core = session.cmi()["core"]
    assert core["lesson_status"] == "passed"
    assert core["score"]["raw"] == "100"
    # New interaction indexes for the second attempt; the first attempt's records are untouched.
    assert interactions(session.cmi())[:n_items] == first_attempt
    check_interactions_12(session, course, [True] * n_items, start=n_items)
    session.assert_clean()


def test_fail_last_attempt_reports_failed(launch: Any, package_one_attempt: Path) -> None:
    course = course_of(package_one_attempt)
    assert course["quiz"]["attempts"] == 1
    session = launch(package_one_attempt, "scorm12")
    learner = Learner(session, course)
    learner.start()
    learner.view_slides()
    learner.to_quiz()
    learner.take_quiz(False)
    assert learner.ui.get_by_text("Failed", exact=True).is_visible()
    assert learner.button("Retake the quiz").count() == 0
    learner.click("Exit")
    session.wait_for_finish()
    core = session.cmi()["core"]
    assert core["lesson_status"] == "failed"
    assert core["score"] == {"raw": "0", "min": "0", "max": "100"}
    assert core["exit"] == ""
    session.assert_clean()


def test_leave_midway_and_resume(launch: Any, relaunch: Any, package: Path) -> None:
    course = course_of(package)
    first = launch(package, "scorm12")
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
    first.assert_clean()
    core = first.cmi()["core"]
    assert core["lesson_status"] == "incomplete"

    second = relaunch(first)  # the SCO is unloaded (pagehide), then launched on the CMI the LMS stored
    assert first.cmi()["core"]["exit"] == "suspend"  # rule 2
    assert second.cmi()["core"]["entry"] == "resume"
    assert second.cmi()["core"]["lesson_location"] == "5"
    learner = Learner(second, course)
    learner.start("Resume")
    learner.ui.get_by_text(f"Slide 5 of {len(course['slides'])}", exact=True).wait_for()
    assert learner.heading() == course["slides"][4]["title"]
    learner.click("Quiz")
    assert learner.heading() == f"Question 3 of {len(course['quiz']['items'])}"
    learner.click("Previous")
    # Answers kept, still locked after Check, with their feedback.
    box = learner.ui.get_by_label("Your answer", exact=True)
    assert box.input_value() == answered[1]["accepted"][0]
    assert box.is_disabled()
    assert learner.ui.locator(".feedback").get_by_text("Correct.", exact=True).is_visible()
    learner.click("Previous")
    number = learner.ui.get_by_label("Your answer (a number)", exact=True)
    assert number.input_value() == str(answered[0]["min"])
    # No interaction is recorded twice after resuming.
    assert [i["id"] for i in interactions(second.cmi())] == [item["id"] for item in answered]
    second.assert_clean()


def test_start_screen_keyboard_and_small_screen(launch: Any, package: Path) -> None:
    course = course_of(package)
    total = len(course["slides"])
    session = launch(package, "scorm12", viewport={"width": 320, "height": 640})
    learner, ui = Learner(session, course), session.content
    learner.on_start_screen()
    # Start screen: metadata, declaration of interest, and the expired CME credit (the quiz is a self-assessment).
    assert ui.get_by_role("heading", name="Learning objectives").is_visible()
    assert ui.get_by_text(course["disclosures"][0]["statement"], exact=False).is_visible()
    assert ui.get_by_text(
        f"CME credit for this module expired in {course['credit']['expiresLabel']}", exact=False
    ).is_visible()
    assert ui.get_by_text("self-assessment", exact=False).is_visible()
    learner.start()
    assert session.frame.evaluate("document.activeElement.tagName") == "H1"  # focus moves to the new screen
    image = ui.locator("img.slide")
    assert image.get_attribute("alt") == course["slides"][0]["title"]
    assert ui.get_by_role("link", name="Download slides (PDF)").get_attribute("href") == course["pdf"]
    toggle = ui.locator("button[aria-controls=transcript]")
    assert toggle.inner_text() == "Show slide text"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert ui.locator("#transcript").inner_text().strip() == (course["slides"][0]["text"] or "This slide has no text.")
    session.frame.locator("body").press("End")
    ui.get_by_text(f"Slide {total} of {total}", exact=True).wait_for()
    session.frame.locator("body").press("Home")
    ui.get_by_text(f"Slide 1 of {total}", exact=True).wait_for()
    session.frame.locator("body").press("ArrowRight")
    ui.get_by_text(f"Slide 2 of {total}", exact=True).wait_for()
    session.frame.locator("body").press("PageUp")
    ui.get_by_text(f"Slide 1 of {total}", exact=True).wait_for()
    # Responsive down to 320 px: nothing wider than the viewport.
    assert session.frame.evaluate("document.documentElement.scrollWidth") <= 320
    learner.click("Quiz")
    items = course["quiz"]["items"]
    for n in range(len(items)):
        learner.answer_and_check(True)
        assert session.frame.evaluate("document.documentElement.scrollWidth") <= 320, items[n]["type"]
        learner.next_question(last=n == len(items) - 1)
    ui.get_by_role("heading", name="Results", exact=True).wait_for()
    assert session.frame.evaluate("document.documentElement.scrollWidth") <= 320
    assert session.frame.evaluate("document.cookie") == ""
    session.assert_clean()


def test_browse_mode_records_no_score_or_status(launch: Any, package: Path) -> None:
    course = course_of(package)
    session = launch(package, "scorm12", mode="browse")
    learner = Learner(session, course)
    learner.on_start_screen()
    assert learner.ui.get_by_text("browse mode", exact=False).is_visible()
    learner.start()
    learner.view_slides()
    learner.to_quiz()
    learner.take_quiz(True)
    learner.click("Exit")
    session.wait_for_finish()
    sets = {c["element"] for c in session.calls() if c["method"] == "LMSSetValue"}
    # Rule 8: in browse/review no score (nor status or interactions) is sent.
    assert not {
        e
        for e in sets
        if e.startswith(("cmi.core.score", "cmi.core.lesson_status", "cmi.interactions", "cmi.objectives"))
    }
    session.assert_clean()
