"""When a Commit really stores the learner's state (docs/player.md, "Saving and LMS failures"): a SetValue the LMS
refuses for a while keeps the mirror and the banner until the LMS has the state; a SetValue it will never take
blocks nothing; a change that does not commit by itself reaches the LMS with the one-minute commit timer.

The LMS (scorm-again in the launcher) is made to misbehave by wrapping its own setValue; the player and the adapter
are the real ones. Rules cited: docs/lms-pitfalls.md.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.browser.conftest import Launcher
from tests.browser.journey import Learner, course_of, interactions

pytestmark = pytest.mark.browser

STANDARDS = ["scorm12", "scorm2004"]
SET = {"scorm12": "LMSSetValue", "scorm2004": "SetValue"}
COMMIT = {"scorm12": "LMSCommit", "scorm2004": "Commit"}
LOCATION = {"scorm12": "cmi.core.lesson_location", "scorm2004": "cmi.location"}
# Error codes of a refusal the LMS may get over (general failures) and of one it never gets over (not implemented).
TRANSIENT = {"scorm12": 101, "scorm2004": 351}
PERMANENT = {"scorm12": 401, "scorm2004": 402}

MIRRORS = "() => Object.keys(localStorage).filter(k => k.startsWith('scormkit:mirror:'))"
SAVE_FAILED = "could not be saved"
SAVED = "Your progress has been saved."

# The LMS refuses SetValue for elements matching window.__refusal.pattern with error window.__refusal.code
# (LMSGetLastError/GetLastError answer it); window.__refusal = null: the LMS takes everything again. The wrapper sits
# under the harness's call recorder, so refused calls are recorded with their result and error code.
REFUSE = """(rule) => {
    const api = window.__lmsApi;
    if (!api.__realSetValue) {
        api.__realSetValue = api.setValue;
        api.setValue = function (callbackName, commitCallback, checkTerminated, element, value) {
            const r = window.__refusal;
            if (r && new RegExp(r.pattern).test(element)) {
                this.throwSCORMError(element, r.code, 'refused by the test LMS');
                return 'false';
            }
            return api.__realSetValue.apply(this, arguments);
        };
    }
    window.__refusal = rule;
}"""


def refuse(session: Any, pattern: str | None, code: int = 0) -> None:
    session.page.evaluate(REFUSE, {"pattern": pattern, "code": code} if pattern else None)


def calls(session: Any, method: str, element: str | None = None) -> list[dict[str, Any]]:
    return [c for c in session.calls() if c["method"] == method and (element is None or c["element"] == element)]


def state(cmi: dict[str, Any] | None) -> dict[str, Any]:
    assert cmi is not None and cmi.get("suspend_data"), cmi
    return json.loads(cmi["suspend_data"])


def banner(learner: Learner) -> Any:
    return learner.ui.locator("#banner")


def banner_text(learner: Learner) -> str:
    """What the banner shows now ('' when there is none or it is hidden)."""
    box = banner(learner)
    return box.inner_text().strip() if box.count() and box.is_visible() else ""


@pytest.mark.parametrize("standard", STANDARDS)
def test_refused_suspend_data_keeps_the_mirror_and_the_banner_until_the_lms_has_it(
    launch, example_package, standard
) -> None:
    """A suspend_data SetValue refused with a general failure while the Commit itself succeeds: the LMS does not
    have the learner's state, so the player must not act as if it had (rule 15: commits are retried until the LMS
    stores the state; the mirror lives until then). When the LMS takes SetValue again, the next commit stores it."""
    pkg = example_package(standard)
    course = course_of(pkg)
    total = len(course["quiz"]["items"])
    session = launch(pkg, standard)
    learner = Learner(session, course)
    learner.start()
    learner.view_slides(upto=2)
    learner.click("Quiz")
    learner.ui.get_by_role("heading", name=f"Question 1 of {total}", exact=True).wait_for()
    before = state(session.committed_cmi())
    assert before["r"][0] == 0

    refuse(session, r"^cmi\.suspend_data$", TRANSIENT[standard])
    item = learner.answer_and_check(True)  # Check saves and commits
    refused = calls(session, SET[standard], "cmi.suspend_data")[-1]
    assert (refused["result"], refused["error"]) == ("false", str(TRANSIENT[standard]))
    commit = calls(session, COMMIT[standard])[-1]
    assert commit["result"] == "true"  # the LMS confirmed a Commit ...
    lms = session.committed_cmi()
    assert state(lms)["r"][0] == 0  # ... but its suspend_data is the old one
    # What the LMS did take was committed: the answer's interaction.
    assert [r["id"] for r in interactions(lms)] == [item["id"]]
    # The learner is told, and the mirror holds the answer the LMS lacks. (Every save writes the mirror again, so
    # only a confirmed commit after the last save removes it: the retry below and the closing test check that.)
    mirrors = session.frame.evaluate(MIRRORS)
    assert len(mirrors) == 1
    kept = json.loads(session.frame.evaluate("(k) => localStorage.getItem(k)", mirrors[0]))
    assert kept["r"][0] != 0
    banner(learner).get_by_text(SAVE_FAILED, exact=False).wait_for()
    # Retried (the 1 s backoff): suspend_data written again, refused again, still no success.
    session.wait_for_js(
        "(window.__lmsCalls || []).filter(c => c.element === 'cmi.suspend_data' && c.result === 'false').length >= 2"
    )
    assert SAVE_FAILED in banner_text(learner)
    assert state(session.committed_cmi())["r"][0] == 0

    refuse(session, None)  # the LMS takes SetValue again
    banner(learner).get_by_text(SAVED, exact=True).wait_for(timeout=20_000)
    stored = session.committed_cmi()
    assert state(stored)["r"][0] == kept["r"][0]
    assert stored["suspend_data"] == session.cmi()["suspend_data"]
    assert session.frame.evaluate(MIRRORS) == []  # the retry's commit came last: the LMS has everything
    assert session.page_errors == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_closing_while_suspend_data_is_refused_keeps_the_mirror_and_resumes_from_it(
    launch, relaunch, example_package, standard
) -> None:
    """Exit while the LMS still refuses suspend_data (general failure) but accepts LMSFinish/Terminate: the closing
    screen says the save was not confirmed, the mirror stays, and the next launch in this browser resumes from it
    (rule 15; docs/player.md, "Saving and LMS failures")."""
    pkg = example_package(standard)
    course = course_of(pkg)
    total = len(course["slides"])
    session = launch(pkg, standard)
    learner = Learner(session, course)
    learner.start()
    learner.view_slides(upto=2)
    refuse(session, r"^cmi\.suspend_data$", TRANSIENT[standard])
    learner.click("Next")
    learner.ui.get_by_text(f"Slide 3 of {total}", exact=True).wait_for()
    learner.click("Exit")
    session.wait_for_finish()
    learner.ui.locator("main[data-screen=ended]").get_by_text("did not confirm", exact=False).wait_for()
    assert session.frame.evaluate(MIRRORS) != [], "the mirror was removed although the LMS refused suspend_data"
    assert state(session.committed_cmi())["c"] < 2  # the LMS lacks the last slide

    again = relaunch(session, keep_storage=True)
    learner = Learner(again, course)
    learner.start("Resume")
    learner.ui.get_by_text(f"Slide 3 of {total}", exact=True).wait_for()
    again.wait_for_call(COMMIT[standard])
    assert state(again.committed_cmi())["c"] == 2  # written back and committed at launch
    assert again.page_errors == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_an_element_the_lms_does_not_implement_blocks_nothing(launch, example_package, standard) -> None:
    """interactions.N.latency answered "not implemented" (1.2: 401, 2004: 402) is dropped, not retried: every commit
    is confirmed, no banner, the mirror is cleared and score and status reach the LMS (rules 5 and 15)."""
    pkg = example_package(standard)
    course = course_of(pkg)
    items = course["quiz"]["items"]
    session = launch(pkg, standard)
    session.wait_for_initialize()
    refuse(session, r"^cmi\.interactions\.\d+\.latency$", PERMANENT[standard])
    learner = Learner(session, course)
    learner.start()
    learner.view_slides()
    learner.to_quiz()
    learner.take_quiz(True)
    assert learner.ui.get_by_text("Passed", exact=True).is_visible()
    assert banner_text(learner) == ""

    lms = session.committed_cmi()
    if standard == "scorm12":
        assert lms["core"]["lesson_status"] == "passed"
        assert lms["core"]["score"]["raw"] == "100"
    else:
        assert (lms["completion_status"], lms["success_status"]) == ("completed", "passed")
        assert lms["score"]["raw"] == "100"
    recorded = interactions(lms)
    assert [r["id"] for r in recorded] == [i["id"] for i in items]
    assert all(r["result"] == "correct" for r in recorded)
    # Each latency was offered once and refused once: never written again before a later commit.
    latency = [c for c in calls(session, SET[standard]) if c["element"].endswith(".latency")]
    assert len(latency) == len(items) and all(c["error"] == str(PERMANENT[standard]) for c in latency)

    learner.click("Exit")
    session.wait_for_finish()
    assert session.frame.evaluate(MIRRORS) == []
    learner.ui.locator("main[data-screen=ended]").wait_for()
    assert learner.ui.get_by_text("did not confirm", exact=False).count() == 0
    assert all(c["result"] == "true" for c in calls(session, COMMIT[standard]))
    assert session.page_errors == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_a_refused_interaction_is_retried_without_warning_the_learner(launch, example_package, standard) -> None:
    """An interaction refused with a general failure is written again before later commits, but does not make the
    learner's progress count as unsaved: the resume state and the status are what a learner's progress stands on
    (docs/player.md, "Saving and LMS failures"). Once the LMS takes it, the interaction is recorded (rule 10)."""
    pkg = example_package(standard)
    course = course_of(pkg)
    session = launch(pkg, standard)
    learner = Learner(session, course)
    learner.start()
    learner.click("Quiz")
    refuse(session, r"^cmi\.interactions\.0\.result$", TRANSIENT[standard])
    item = learner.answer_and_check(True)  # Check records the interaction and commits
    session.wait_for_js(
        "(window.__lmsCalls || []).some(c => /interactions\\.0\\.result$/.test(c.element) && c.result === 'false')"
    )
    assert calls(session, COMMIT[standard])[-1]["result"] == "true"
    assert interactions(session.committed_cmi())[0].get("result", "") == ""  # the LMS lacks it
    assert banner_text(learner) == ""
    assert state(session.committed_cmi())["r"] == state(session.cmi())["r"]  # the progress itself is stored

    refuse(session, None)
    learner.next_question(last=False)
    learner.answer_and_check(True)  # the next commit writes the refused value again first
    first = interactions(session.committed_cmi())[0]
    assert (first["id"], first["result"]) == (item["id"], "correct")
    assert banner_text(learner) == ""
    assert session.page_errors == []


# ---- the commit timer (fake clock) ------------------------------------------------------------------------------

START = datetime(2026, 1, 1, tzinfo=UTC)
START_MS = int(START.timestamp() * 1000)


class _ClockedBrowser:
    """The session's browser, but every new context gets Playwright's fake clock, paused, before the launcher page
    and the player's frame exist: their timers (the player's one-minute commit) run only when the test says."""

    def __init__(self, browser: Any) -> None:
        self._browser = browser

    def new_context(self, **kwargs: Any) -> Any:
        context = self._browser.new_context(**kwargs)
        context.clock.install(time=START)
        context.clock.pause_at(START + timedelta(seconds=1))
        return context


@pytest.fixture
def clocked_launch(browser: Any, lms_server: Any) -> Any:
    launcher = Launcher(_ClockedBrowser(browser), lms_server)
    yield launcher
    launcher.close_all()


@pytest.mark.parametrize("standard", STANDARDS)
def test_a_change_that_did_not_commit_reaches_the_lms_after_a_minute(clocked_launch, example_package, standard) -> None:
    """Viewing a slide saves but does not commit (no status change); the one-minute commit timer commits it 60 s
    after the player started, not before (rule 15)."""
    pkg = example_package(standard)
    course = course_of(pkg)
    session = clocked_launch(pkg, standard)
    session.wait_for_initialize()
    # The fake clock really drives the player's frame: time stands still there.
    assert session.frame.evaluate("Date.now()") == START_MS + 1_000
    learner = Learner(session, course)
    learner.start()  # acknowledging the declaration commits
    learner.ui.get_by_text(f"Slide 1 of {len(course['slides'])}", exact=True).wait_for()
    learner.click("Next")
    learner.ui.get_by_text(f"Slide 2 of {len(course['slides'])}", exact=True).wait_for()
    assert session.get(LOCATION[standard]) == "2"  # written ...
    commits = len(calls(session, COMMIT[standard]))
    assert commits >= 1
    assert session.get(LOCATION[standard], committed=True) == "1"  # ... not committed
    assert state(session.committed_cmi())["c"] == 0

    session.page.clock.run_for(59_900)
    assert len(calls(session, COMMIT[standard])) == commits, "committed before the minute was up"
    assert session.get(LOCATION[standard], committed=True) == "1"

    session.page.clock.run_for(200)
    assert len(calls(session, COMMIT[standard])) == commits + 1
    lms = session.committed_cmi()
    assert session.get(LOCATION[standard], committed=True) == "2"
    assert state(lms)["c"] == 1 and state(lms) == state(session.cmi())
    assert session.frame.evaluate(MIRRORS) == []
    # Nothing changed since: the next minute commits nothing.
    session.page.clock.run_for(60_000)
    assert len(calls(session, COMMIT[standard])) == commits + 1
    assert session.page_errors == []
