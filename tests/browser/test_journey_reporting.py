"""Issue 9: what the LMS stores agrees with the module's rules, on a strict LMS (configured like Moodle) and on a
lenient one. Each journey is the row of docs/player.md's "Reporting policy" table it is named after.

Moodle-like (docs/lms-pitfalls.md rules 23, 24): credit = credit in normal mode; SCORM 1.2 gets the manifest's
masteryscore as cmi.student_data.mastery_score and overrides lesson_status from the raw score at LMSFinish
(scorm-again `mastery_override`, what Moodle's "mastery score overrides status" does); SCORM 2004 gets the
cmi.scaled_passing_score that Moodle's launch loop derives from the manifest's objectives (tests/lms_models.py), and
judges success_status from score.scaled at Terminate (RTE 4.2.22). Lenient: the same launch data, but no override in
1.2 and no scaled passing score in 2004: the LMS stores what the SCO sent.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from tests.browser.journey import course_of, pack
from tests.browser.test_journey_player import Quiz, quiz_options, variant
from tests.lms_models import moodle_scaled_passing_score

pytestmark = pytest.mark.browser

STANDARDS = ["scorm12", "scorm2004"]
LMSS = ["moodle", "lenient"]

# Three drawn questions, feedback at the end, two attempts, passing score 80: all right = 100 %, all wrong = 0 %.
SMALL_QUIZ = (quiz_options(draw=3, feedback="end", attempts=2), (r"^  attempts: 0.*$", ""))


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Any:
    cache: dict[str, Path] = {}

    def make(standard: str) -> Path:
        if standard not in cache:
            tmp = tmp_path_factory.mktemp(f"reporting-{standard}")
            cache[standard] = pack(variant(tmp, "src", *SMALL_QUIZ), standard, tmp / "dist")
        return cache[standard]

    return make


def lms_config(package: Path, standard: str, lms: str) -> dict[str, Any]:
    """launch() keyword arguments that make scorm-again behave like `lms`."""
    if standard == "scorm12":
        return {"settings": {"mastery_override": lms == "moodle"}}
    if lms == "lenient":
        return {"presets": {"cmi.scaled_passing_score": ""}}
    with zipfile.ZipFile(package) as z:
        root = etree.fromstring(z.read("imsmanifest.xml"))
    return {"presets": {"cmi.scaled_passing_score": str(moodle_scaled_passing_score(root))}}


def stored(session: Any, standard: str) -> dict[str, str]:
    """What the LMS stored at the last Commit/Finish, in the terms an administrator reads in its report."""
    cmi = session.committed_cmi() or {}
    if standard == "scorm12":
        core = cmi.get("core", {})
        return {
            "status": core.get("lesson_status", ""),
            "raw": str(core.get("score", {}).get("raw", "")),
            "exit": core.get("exit", ""),
        }
    score = cmi.get("score", {})
    return {
        "completion": cmi.get("completion_status", ""),
        "success": cmi.get("success_status", ""),
        "scaled": str(score.get("scaled", "")),
        "raw": str(score.get("raw", "")),
        "exit": cmi.get("exit", ""),
    }


def start(launch: Any, package: Path, standard: str, lms: str, **extra: Any) -> tuple[Any, Quiz]:
    session = launch(package, standard, **lms_config(package, standard, lms), **extra)
    learner = Quiz(session, course_of(package))
    return session, learner


def exit_course(session: Any, learner: Quiz) -> None:
    learner.click("Exit")
    session.wait_for_finish()


def test_moodle_like_config_hands_the_module_pass_mark(package) -> None:
    """The Moodle-like 2004 launch gets 0.8, not the 1.0 that extra objectives gave before (item 1)."""
    config = lms_config(package("scorm2004"), "scorm2004", "moodle")
    assert config["presets"]["cmi.scaled_passing_score"] == "0.8"


@pytest.mark.parametrize("lms", LMSS)
@pytest.mark.parametrize("standard", STANDARDS)
def test_failed_attempt_with_attempts_left_then_final_failure(launch, relaunch, package, standard, lms) -> None:
    """Rows "failed, attempts remain" and "failed, last attempt" (rules 7, 24)."""
    session, learner = start(launch, package(standard), standard, lms)
    learner.start()
    learner.view_slides()
    learner.to_quiz()
    learner.answer_all(False, check=False)
    assert learner.ui.get_by_text("Not passed yet", exact=True).is_visible()
    exit_course(session, learner)
    if standard == "scorm12":
        assert stored(session, standard) == {"status": "incomplete", "raw": "", "exit": "suspend"}
    else:
        assert stored(session, standard) == {
            "completion": "completed",
            "success": "unknown",
            "scaled": "",
            "raw": "0",
            "exit": "suspend",
        }
    session.assert_clean()

    again = relaunch(session)
    learner = Quiz(again, learner.course)
    learner.start("Resume")
    learner.ui.get_by_role("heading", name="Results", exact=True).wait_for()
    learner.click("Retake the quiz")
    learner.answer_all(False, check=False)
    assert learner.ui.get_by_text("Failed", exact=True).is_visible()
    exit_course(again, learner)
    if standard == "scorm12":
        assert stored(again, standard) == {"status": "failed", "raw": "0", "exit": ""}
    else:
        assert stored(again, standard) == {
            "completion": "completed",
            "success": "failed",
            "scaled": "0",
            "raw": "0",
            "exit": "normal",
        }
    again.assert_clean()


@pytest.mark.parametrize("lms", LMSS)
@pytest.mark.parametrize("standard", STANDARDS)
def test_quiz_passed_before_the_required_slides(launch, relaunch, package, standard, lms) -> None:
    """Row "passed, completion rule unmet": 1.2 stays incomplete without a score until the slides are viewed, then
    passed; 2004 is passed (success) and incomplete (completion) at once (rule 24)."""
    session, learner = start(launch, package(standard), standard, lms)
    learner.start()
    learner.click("Quiz")
    learner.answer_all(True, check=False)
    assert learner.ui.get_by_text("Passed", exact=True).is_visible()
    exit_course(session, learner)
    if standard == "scorm12":
        assert stored(session, standard) == {"status": "incomplete", "raw": "", "exit": "suspend"}
    else:
        assert stored(session, standard) == {
            "completion": "incomplete",
            "success": "passed",
            "scaled": "1",
            "raw": "100",
            "exit": "suspend",
        }
    session.assert_clean()

    again = relaunch(session)
    learner = Quiz(again, learner.course)
    learner.start("Resume")
    learner.ui.get_by_role("heading", name="Results", exact=True).wait_for()
    learner.click("Back to the slides")
    learner.view_slides()
    exit_course(again, learner)
    if standard == "scorm12":
        assert stored(again, standard) == {"status": "passed", "raw": "100", "exit": ""}
    else:
        assert stored(again, standard) == {
            "completion": "completed",
            "success": "passed",
            "scaled": "1",
            "raw": "100",
            "exit": "normal",
        }
    again.assert_clean()


@pytest.mark.parametrize("lms", LMSS)
def test_retake_never_lowers_completion(launch, package, lms) -> None:
    """Row "retake after completion" (item 3): 2004 completion_status stays completed while the learner retakes."""
    session, learner = start(launch, package("scorm2004"), "scorm2004", lms)
    learner.start()
    learner.view_slides()
    learner.to_quiz()
    learner.answer_all(False, check=False)
    assert session.cmi()["completion_status"] == "completed"
    learner.click("Retake the quiz")
    learner.ui.get_by_role("heading", name="Question 1 of 3", exact=True).wait_for()
    exit_course(session, learner)
    assert stored(session, "scorm2004")["completion"] == "completed"
    sets = [
        c["value"] for c in session.calls() if c["method"] == "SetValue" and c["element"] == "cmi.completion_status"
    ]
    assert "completed" in sets and sets[sets.index("completed") :].count("incomplete") == 0
    session.assert_clean()


@pytest.mark.parametrize("lms", LMSS)
@pytest.mark.parametrize("standard", STANDARDS)
def test_passed_in_one_go(launch, package, standard, lms) -> None:
    """Row "passed, completion rule met"."""
    session, learner = start(launch, package(standard), standard, lms)
    learner.start()
    learner.view_slides()
    learner.to_quiz()
    learner.answer_all(True, check=False)
    exit_course(session, learner)
    if standard == "scorm12":
        assert stored(session, standard) == {"status": "passed", "raw": "100", "exit": ""}
    else:
        assert stored(session, standard) == {
            "completion": "completed",
            "success": "passed",
            "scaled": "1",
            "raw": "100",
            "exit": "normal",
        }
    session.assert_clean()


def test_scorm12_exit_suspend_is_committed_early_and_finish_is_not_preceded_by_commit(launch, package) -> None:
    """Item 4, rule 25: LMSCommit right before LMSFinish fails at page dismissal on LMSs that commit with a
    synchronous XHR; exit=suspend must already be in the LMS before the page goes away."""
    session, learner = start(launch, package("scorm12"), "scorm12", "moodle")
    learner.start()
    learner.view_slides(upto=2)
    committed = session.committed_cmi()
    assert committed is not None and committed["core"]["exit"] == "suspend"  # before any unload
    # Let the player's preload of slide 3 finish, so the unload aborts no request (the harness counts those).
    session.frame.wait_for_function(
        "() => performance.getEntriesByType('resource').some(e => e.name.endsWith('slides/003.webp') && e.responseEnd > 0)"
    )
    session.unload_content()
    session.wait_for_finish()
    calls = [
        c["method"]
        for c in session.calls()
        if c["method"] not in ("LMSGetLastError", "LMSGetErrorString", "LMSGetDiagnostic")
    ]
    finish = calls.index("LMSFinish")
    assert calls[finish - 1] != "LMSCommit", calls[finish - 4 : finish + 1]
    assert stored(session, "scorm12")["exit"] == "suspend"
    session.assert_clean()


@pytest.fixture(scope="module")
def ungraded(tmp_path_factory: pytest.TempPathFactory) -> Any:
    cache: dict[str, Path] = {}

    def make(standard: str) -> Path:
        if standard not in cache:
            tmp = tmp_path_factory.mktemp(f"ungraded-{standard}")
            src = variant(
                tmp, "src", *SMALL_QUIZ, (r"^  slides_required: 1.0$", "  slides_required: 1.0\n  success: none")
            )
            cache[standard] = pack(src, standard, tmp / "dist")
        return cache[standard]

    return make


@pytest.mark.parametrize("lms", LMSS)
@pytest.mark.parametrize("standard", STANDARDS)
def test_ungraded_quiz(launch, ungraded, standard, lms) -> None:
    """Row "tracking.success: none": the score is reported, but nothing an LMS could turn into passed/failed (in 2004
    Moodle hands this SCO a scaled passing score of 1.0 from the objectives without a measure, rule 23)."""
    package = ungraded(standard)
    config = lms_config(package, standard, lms)
    if standard == "scorm2004" and lms == "moodle":
        assert config["presets"]["cmi.scaled_passing_score"] == "1.0"
    session, learner = start(launch, package, standard, lms)
    learner.start()
    learner.view_slides()
    learner.to_quiz()
    learner.answer_all(False, check=False)
    exit_course(session, learner)
    if standard == "scorm12":
        assert stored(session, standard) == {"status": "completed", "raw": "0", "exit": ""}
    else:
        assert stored(session, standard) == {
            "completion": "completed",
            "success": "unknown",
            "scaled": "",
            "raw": "0",
            "exit": "normal",
        }
    session.assert_clean()
