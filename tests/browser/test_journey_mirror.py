"""The local mirror (docs/player.md, "Saving and LMS failures"): a reload during an LMS outage loses nothing, one
learner's mirror never reaches another learner, and blocked localStorage breaks nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browser.journey import Learner, course_of, interactions

pytestmark = pytest.mark.browser

LEARNER_ID = {"scorm12": "cmi.core.student_id", "scorm2004": "cmi.learner_id"}

# The LMS frame goes away: every API call throws (as in test_journey_player's vanishing API).
API_GONE = """() => {
    const api = window.__lmsApi;
    ['GetValue', 'SetValue', 'Commit', 'Terminate', 'LMSGetValue', 'LMSSetValue', 'LMSCommit', 'LMSFinish']
        .forEach(n => { if (api[n]) api[n] = () => { throw new Error('the LMS frame is gone'); }; });
}"""

MIRRORS = "() => Object.keys(localStorage).filter(k => k.startsWith('scormkit:mirror:')).sort()"


def mirror_key(course: dict[str, Any], learner: str) -> str:
    return f"scormkit:mirror:{course['id']}:{str(course['version']).split('.')[0]}:{learner}"


def answer(learner: Learner, n: int, total: int) -> dict[str, Any]:
    """Answer and check question n (1-based), correctly."""
    learner.ui.get_by_role("heading", name=f"Question {n} of {total}", exact=True).wait_for()
    return learner.answer_and_check(True)


def two_answers_then_outage(session: Any, course: dict[str, Any]) -> tuple[Learner, list[dict[str, Any]]]:
    """Answer items 1 and 2 (committed), the API goes away, answer items 3 and 4 (never stored by the LMS)."""
    total = len(course["quiz"]["items"])
    assert total >= 4
    learner = Learner(session, course)
    learner.start()
    learner.view_slides(upto=2)
    learner.click("Quiz")
    done = [answer(learner, 1, total)]
    learner.click("Next")
    done.append(answer(learner, 2, total))
    learner.click("Next")
    learner.ui.get_by_role("heading", name=f"Question 3 of {total}", exact=True).wait_for()
    assert len(interactions(session.committed_cmi())) == 2
    session.page.evaluate(API_GONE)
    done.append(answer(learner, 3, total))
    learner.ui.locator("#banner").get_by_text("could not be saved", exact=False).wait_for()
    learner.click("Next")
    done.append(answer(learner, 4, total))
    return learner, done


@pytest.mark.parametrize("standard", ["scorm12", "scorm2004"])
def test_reload_during_an_outage_resumes_from_the_mirror_and_the_lms_gets_it(
    launch, relaunch, example_package, standard
) -> None:
    pkg = example_package(standard)
    course = course_of(pkg)
    total = len(course["quiz"]["items"])
    first = launch(pkg, standard)
    _, done = two_answers_then_outage(first, course)
    kept = first.frame.evaluate(f"() => localStorage.getItem({json.dumps(mirror_key(course, 'scormkit-tester'))})")
    lms = json.loads(first.committed_cmi()["suspend_data"])
    assert [a != 0 for a in json.loads(kept)["r"][:4]] == [True] * 4
    assert [a != 0 for a in lms["r"][:4]] == [True, True, False, False]  # the LMS lacks the last 2 answers
    assert json.loads(kept)["n"] > lms["n"]
    assert first.page_errors == []

    second = relaunch(first, keep_storage=True)  # the same browser; the LMS has what it committed
    assert second.saved_cmi is not None and json.loads(second.saved_cmi["suspend_data"]) == lms
    learner = Learner(second, course)
    # Written back and committed at launch: the 4 answers, and interactions 3 and 4 recorded again.
    second.wait_for_initialize()
    committed = second.committed_cmi()
    assert committed is not None
    state = json.loads(committed["suspend_data"])
    assert [a != 0 for a in state["r"][:4]] == [True] * 4 and state["w"] == "q" and state["i"] == 3
    assert [r["id"] for r in interactions(committed)] == [item["id"] for item in done]
    assert all(r["result"] == "correct" for r in interactions(committed))
    learner.start("Resume")
    learner.ui.get_by_role("heading", name=f"Question 4 of {total}", exact=True).wait_for()
    learner.ui.locator(".feedback p").first.wait_for()  # checked before the reload: the feedback is back
    learner.click("Previous")
    assert learner.ui.get_by_role("heading", name=f"Question 3 of {total}", exact=True).is_visible()
    # The LMS confirmed the state: the mirror is gone (only written again until the next confirmed commit).
    learner.click("Exit")
    second.wait_for_finish()
    assert second.frame.evaluate(MIRRORS) == []
    second.assert_clean()


@pytest.mark.parametrize("standard", ["scorm12", "scorm2004"])
def test_another_learner_on_the_same_browser_never_sees_the_mirror(launch, example_package, standard) -> None:
    pkg = example_package(standard)
    course = course_of(pkg)
    first = launch(pkg, standard)
    two_answers_then_outage(first, course)
    first.close()
    browser_storage = first.final_storage_state
    assert browser_storage and any(
        item["name"] == mirror_key(course, "scormkit-tester")
        for origin in browser_storage["origins"]
        for item in origin["localStorage"]
    )

    other = launch(pkg, standard, presets={LEARNER_ID[standard]: "another-learner"}, storage_state=browser_storage)
    learner = Learner(other, course)
    learner.start()  # "Start", not "Resume": nothing of the first learner
    learner.ui.get_by_text(f"Slide 1 of {len(course['slides'])}", exact=True).wait_for()
    state = json.loads(other.cmi()["suspend_data"])
    assert all(a == 0 for a in state["r"]) and state["c"] == 0
    assert interactions(other.cmi()) == []
    learner.click("Exit")
    other.wait_for_finish()
    # The first learner's mirror is untouched; the other learner's was removed at the confirmed Finish.
    assert other.frame.evaluate(MIRRORS) == [mirror_key(course, "scormkit-tester")]
    other.assert_clean()


@pytest.mark.parametrize("standard", ["scorm12", "scorm2004"])
def test_review_mode_does_not_restore_from_the_mirror(launch, example_package, standard) -> None:
    pkg = example_package(standard)
    course = course_of(pkg)
    first = launch(pkg, standard)
    two_answers_then_outage(first, course)
    first.close()
    review = launch(
        pkg, standard, saved_cmi=first.final_committed_cmi, mode="review", storage_state=first.final_storage_state
    )
    review.wait_for_initialize()
    learner = Learner(review, course)
    learner.start("Resume")
    learner.ui.locator("main[data-screen=quiz]").wait_for()
    # What review mode resumed and writes back is the LMS's state (2 answers), not the mirror's 4.
    assert [a != 0 for a in json.loads(review.cmi()["suspend_data"])["r"][:4]] == [True, True, False, False]
    sets = {c["element"] for c in review.calls() if c["method"] in ("SetValue", "LMSSetValue")}
    assert not {e for e in sets if ".interactions" in e or ".score" in e}
    assert review.frame.evaluate(MIRRORS) == [mirror_key(course, "scormkit-tester")]  # neither read nor changed
    review.assert_clean()


BLOCKED_STORAGE = """(() => {
    const fail = () => { throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); };
    Storage.prototype.getItem = fail;
    Storage.prototype.setItem = fail;
    Storage.prototype.removeItem = fail;
})();"""


@pytest.mark.parametrize("standard", ["scorm12", "scorm2004"])
def test_storage_that_throws_breaks_nothing(launch, relaunch, example_package, standard) -> None:
    pkg = example_package(standard)
    course = course_of(pkg)
    total = len(course["quiz"]["items"])
    session = launch(pkg, standard, init_script=BLOCKED_STORAGE)
    learner = Learner(session, course)
    learner.start()
    learner.view_slides(upto=2)
    learner.click("Quiz")
    answer(learner, 1, total)
    learner.click("Next")
    answer(learner, 2, total)
    assert session.frame.evaluate(MIRRORS) == []
    state = json.loads(session.committed_cmi()["suspend_data"])
    assert [a != 0 for a in state["r"][:2]] == [True, True]
    session.assert_clean()

    again = relaunch(session, keep_storage=True)
    learner = Learner(again, course)
    learner.start("Resume")
    learner.ui.get_by_role("heading", name=f"Question 2 of {total}", exact=True).wait_for()
    again.assert_clean()
