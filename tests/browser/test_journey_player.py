"""Issue 3 journeys: question banks and resume, feedback/review modes, attempts, CME expiry, the disclosure gate,
UI language, LMS failures (refused commits, API gone), no LMS at all, review mode, resume data of older packages,
objectives the LMS pre-populated.

Module variants are built in tmp_path from module_src with text replacements in module.yaml
(rules cited: docs/lms-pitfalls.md).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.browser.journey import MODULE_SRC, Learner, course_of, interactions, pack

pytestmark = pytest.mark.browser


def variant(tmp: Path, name: str, *replacements: tuple[str, str]) -> Path:
    """A copy of module_src whose module.yaml has each (regex, replacement) applied exactly once."""
    dst = tmp / name
    shutil.copytree(MODULE_SRC, dst)
    path = dst / "module.yaml"
    text = path.read_text()
    for pattern, repl in replacements:
        text, count = re.subn(pattern, repl, text, count=1, flags=re.M)
        assert count == 1, f"module_src/module.yaml has no {pattern!r}"
    path.write_text(text)
    return dst


def quiz_options(**options: Any) -> tuple[str, str]:
    """Replace `feedback: immediate` in the quiz block with other quiz options."""
    lines = "".join(f"\n  {k}: {str(v).lower() if isinstance(v, bool) else v}" for k, v in options.items())
    return r"^  feedback: immediate$", lines.lstrip("\n")


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Any:
    cache: dict[tuple[str, str], Path] = {}

    def make(name: str, target: str, *replacements: tuple[str, str]) -> Path:
        if (name, target) not in cache:
            tmp = tmp_path_factory.mktemp(name)
            src = variant(tmp, "src", *replacements) if replacements else MODULE_SRC
            cache[name, target] = pack(src, target, tmp / "dist")
        return cache[name, target]

    return make


def norm(text: str) -> str:
    return " ".join(text.split())


class Quiz(Learner):
    """A learner who recognises questions by their prompt (banks draw and shuffle, so position says nothing)."""

    def current(self) -> dict[str, Any]:
        shown = norm(self.ui.locator(".prompt").inner_text())
        for item in self.course["quiz"]["items"]:
            if norm(item["promptText"]) == shown:
                return item
        raise AssertionError(f"no item has the prompt {shown!r}")

    def question(self) -> tuple[int, int]:
        match = re.match(r"Question (\d+) of (\d+)", self.heading())
        assert match, self.heading()
        return int(match.group(1)), int(match.group(2))

    def answer_all(self, correct: bool, *, check: bool) -> list[str]:
        """Answer every question from the current one to the end, then submit; returns the item ids in order."""
        ids = []
        while True:
            n, total = self.question()
            item = self.current()
            ids.append(item["id"])
            self.answer(item, correct)
            if check:
                self.click("Check")
                self.ui.locator(".feedback p").first.wait_for()
            if n == total:
                self.click("See results" if check else "Submit answers")
                break
            self.click("Next")
            self.ui.get_by_role("heading", name=f"Question {n + 1} of {total}", exact=True).wait_for()
        self.ui.get_by_role("heading", name="Results", exact=True).wait_for()
        return ids


def state_of(session: Any, committed: bool = False) -> dict[str, Any]:
    cmi = session.committed_cmi() if committed else session.cmi()
    return json.loads(cmi["suspend_data"])


# ---- quiz engine -------------------------------------------------------------------------------------------


def test_bank_draw_and_shuffle_resume_with_the_same_questions_in_the_same_order(launch, relaunch, build) -> None:
    package = build("bank", "scorm2004", quiz_options(draw=4, shuffle=True, feedback="end"))
    course = course_of(package)
    assert (course["quiz"]["draw"], course["quiz"]["shuffle"]) == (4, True)
    first = launch(package, "scorm2004")
    learner = Quiz(first, course)
    learner.start()
    learner.click("Quiz")
    seen = []
    for n in (1, 2, 3):
        assert learner.question() == (n, 4)
        item = learner.current()
        seen.append(item["id"])
        if n < 3:
            learner.answer(item, True)
            learner.click("Next")
    order = state_of(first)["o"]
    assert len(order) == 4 and len(set(order)) == 4
    assert [course["quiz"]["items"][i]["id"] for i in order[:3]] == seen
    learner.click("Back to the slides")
    first.assert_clean()

    second = relaunch(first)
    learner = Quiz(second, course)
    learner.start("Resume")  # the gate was acknowledged in the first session: straight to the start screen
    learner.click("Quiz")
    assert learner.question() == (3, 4) and learner.current()["id"] == seen[2]
    learner.click("Previous")
    assert learner.current()["id"] == seen[1]
    learner.click("Previous")
    assert learner.current()["id"] == seen[0]
    learner.click("Next")
    learner.click("Next")
    ids = learner.answer_all(True, check=False)
    assert seen[2:] == ids[:1]
    recorded = interactions(second.cmi())
    # Only the 4 drawn items are recorded, in display order; score from those 4.
    assert [r["id"] for r in recorded] == [course["quiz"]["items"][i]["id"] for i in order]
    assert second.cmi()["score"]["scaled"] == "1"

    # A retake draws again (stored in the state, a new order for attempt 2).
    learner.click("Back to the slides")
    assert state_of(second)["a"] == 1
    second.assert_clean()


def test_feedback_at_the_end_without_review_then_attempts_run_out(launch, build) -> None:
    package = build(
        "end-noreview",
        "scorm12",
        quiz_options(draw=3, feedback="end", review=False, attempts=2),
        (r"^  attempts: 0.*$", ""),
    )
    course = course_of(package)
    assert (course["quiz"]["feedback"], course["quiz"]["review"], course["quiz"]["attempts"]) == ("end", False, 2)
    session = launch(package, "scorm12")
    learner = Quiz(session, course)
    learner.start()
    learner.click("Quiz")
    assert learner.button("Check").count() == 0  # no feedback during the quiz
    first_ids = learner.answer_all(False, check=False)
    ui = learner.ui
    assert ui.get_by_text("Not passed yet", exact=True).is_visible()
    assert ui.get_by_role("heading", name="Feedback", exact=True).is_visible()
    assert ui.locator(".review").get_by_text("Incorrect.", exact=True).count() == 3
    # review: false -> neither the learner's answers nor the correct answers are shown
    assert ui.get_by_text("Your answer:", exact=False).count() == 0
    assert ui.get_by_text("Correct answer:", exact=False).count() == 0
    assert session.cmi()["core"]["lesson_status"] == "incomplete"  # rule 7: one attempt left
    assert [i["result"] for i in interactions(session.cmi())] == ["wrong"] * 3

    learner.click("Retake the quiz")
    assert state_of(session)["a"] == 2
    second_ids = learner.answer_all(False, check=False)
    assert len(second_ids) == 3
    assert ui.get_by_text("Failed", exact=True).is_visible()
    assert learner.button("Retake the quiz").count() == 0
    assert session.cmi()["core"]["lesson_status"] == "failed"
    recorded = interactions(session.cmi())
    assert [r["id"] for r in recorded] == first_ids + second_ids  # appended, never rewritten
    session.assert_clean()


def test_no_feedback_with_review_shows_answers_but_no_verdicts(launch, build) -> None:
    package = build("none-review", "scorm2004", quiz_options(draw=3, feedback="none", review=True))
    course = course_of(package)
    session = launch(package, "scorm2004")
    learner = Quiz(session, course)
    learner.start()
    learner.click("Quiz")
    assert learner.button("Check").count() == 0
    learner.answer_all(True, check=False)
    ui = learner.ui
    assert ui.get_by_role("heading", name="Your answers", exact=True).is_visible()
    assert ui.get_by_text("Your answer:", exact=False).count() == 3
    assert ui.locator(".review").get_by_text("Correct.", exact=True).count() == 0
    assert ui.get_by_text("Passed", exact=True).is_visible()
    assert session.cmi()["success_status"] == "passed"
    session.assert_clean()


def test_immediate_feedback_without_review_hides_the_correct_answer(launch, build) -> None:
    package = build("immediate-noreview", "scorm2004", quiz_options(draw=2, feedback="immediate", review=False))
    course = course_of(package)
    session = launch(package, "scorm2004")
    learner = Quiz(session, course)
    learner.start()
    learner.click("Quiz")
    learner.answer(learner.current(), False)
    learner.click("Check")
    learner.ui.locator(".feedback").get_by_text("Incorrect.", exact=True).wait_for()
    assert learner.ui.get_by_text("Correct answer:", exact=False).count() == 0
    learner.click("Next")
    learner.answer_all(True, check=True)
    assert learner.ui.get_by_text("Your answers", exact=True).count() == 0  # no review list
    session.assert_clean()


def test_objectives_the_lms_prepopulated_are_found_by_id(launch, build) -> None:
    package = build("plain", "scorm2004")
    course = course_of(package)
    presets = {"cmi.objectives.0.id": "titration", "cmi.objectives.1.id": "lms-primary"}
    session = launch(package, "scorm2004", presets=presets)
    learner = Learner(session, course)
    learner.start()
    learner.view_slides()
    learner.to_quiz()
    learner.take_quiz([n % 2 == 0 for n in range(len(course["quiz"]["items"]))])
    objectives = interactions({"interactions": session.cmi()["objectives"]})
    ids = [o["id"] for o in objectives]
    assert ids[:2] == ["titration", "lms-primary"] and len(ids) == len(set(ids)) == 4
    by_id = {o["id"]: o for o in objectives}
    items = course["quiz"]["items"]
    for objective in course["objectives"]:
        mine = [n for n, item in enumerate(items) if item["objective"] == objective["id"]]
        scaled = sum(1 for n in mine if n % 2 == 0) / len(mine)
        got = by_id[objective["id"]]
        assert float(got["score"]["scaled"]) == pytest.approx(scaled, abs=1e-4)
        assert got["success_status"] == ("passed" if scaled >= 0.8 else "unknown")  # rule 7 per objective
        assert got["completion_status"] == "completed"
    assert by_id["lms-primary"]["success_status"] == "unknown"  # untouched
    session.assert_clean()


# ---- module screens ------------------------------------------------------------------------------------------

FIXED_CLOCK = """(() => {
  const RealDate = Date, offset = new RealDate('%s').getTime() - RealDate.now();
  class FixedDate extends RealDate {
    constructor(...a) { if (a.length) super(...a); else super(RealDate.now() + offset); }
    static now() { return RealDate.now() + offset; }
  }
  window.Date = FixedDate;
})();"""


@pytest.mark.parametrize("today, expired", [("2012-12-31T12:00:00", False), ("2013-01-01T09:00:00", True)])
def test_cme_credit_before_and_after_expiry(launch, build, today, expired) -> None:
    package = build("short", "scorm12", quiz_options(draw=2, feedback="immediate"))
    course = course_of(package)
    session = launch(package, "scorm12", init_script=FIXED_CLOCK % today)
    learner = Quiz(session, course)
    learner.on_start_screen()
    ui = learner.ui
    if expired:
        assert ui.get_by_text("CME credit for this module expired in 2012", exact=False).is_visible()
    else:
        assert ui.get_by_text("accredited by ESMO for CME credit until 2012-12-31", exact=False).is_visible()
        assert ui.get_by_text("expired", exact=False).count() == 0
    learner.start()
    learner.click("Quiz")
    learner.answer_all(True, check=True)
    assert ui.get_by_text("Self-assessment", exact=False).count() == (1 if expired else 0)
    # Both ways the LMS gets the score and status (docs/player.md): credit is the LMS's decision (cmi.core.credit).
    core = session.cmi()["core"]
    # Slides not all viewed: incomplete, and no score yet, which a mastery score would turn into "passed" (rule 24).
    assert core["score"]["raw"] == "" and core["lesson_status"] == "incomplete"
    learner.click("Back to the slides")
    learner.view_slides()
    core = session.cmi()["core"]
    assert core["score"]["raw"] == "100" and core["lesson_status"] == "passed"
    session.assert_clean()


def test_declaration_of_interest_comes_before_the_content_and_is_acknowledged_once(launch, relaunch, build) -> None:
    """The declaration is on the start screen (rendered at build time), and the only way on is its button."""
    package = build("plain", "scorm2004")
    course = course_of(package)
    first = launch(package, "scorm2004")
    ui = first.content
    ui.locator("main[data-screen=start]").wait_for()
    ui.get_by_role("heading", name="Declaration of interest", exact=True).wait_for()
    assert ui.get_by_text(course["disclosures"][0]["statement"], exact=False).is_visible()
    assert ui.get_by_text("Before you start, please read the authors' declaration of interest.").is_visible()
    assert ui.locator("main button").all_inner_texts() == ["I have read the declaration \u2014 Start"]
    assert state_of(first)["g"] == 0
    ui.get_by_role("button", name="I have read the declaration \u2014 Start", exact=True).click()
    ui.locator("main[data-screen=viewer]").wait_for()
    assert first.frame.evaluate("document.activeElement.tagName") == "H1"
    assert state_of(first)["g"] == 1
    assert state_of(first, committed=True)["g"] == 1  # committed at once
    second = relaunch(first)
    second.content.locator("main[data-screen=start]").wait_for()
    assert second.content.locator("main button").all_inner_texts() == ["Resume"]
    assert second.content.get_by_text(course["disclosures"][0]["statement"], exact=False).is_visible()
    second.assert_clean()


def test_slide_menu_search_and_transcript(launch, build) -> None:
    package = build("plain", "scorm2004")
    course = course_of(package)
    session = launch(package, "scorm2004")
    learner = Learner(session, course)
    learner.start()
    ui = learner.ui
    menu = ui.get_by_role("button", name="Slide menu", exact=True)
    assert menu.get_attribute("aria-expanded") == "false"
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    entries = ui.locator("#menu ol li button")
    assert entries.count() == len(course["slides"])
    assert entries.nth(0).inner_text() == f"1. {course['slides'][0]['title']}"
    # Search across slide texts: results link to their slides.
    word = next(w for w in course["slides"][-1]["text"].split() if len(w) > 6 and w.isalpha())
    expected = [n for n, s in enumerate(course["slides"]) if word.lower() in (s["title"] + " " + s["text"]).lower()]
    ui.get_by_role("searchbox", name="Search the slides").fill(word)
    ui.get_by_text(f"Slides found: {len(expected)}", exact=True).wait_for()
    assert entries.count() == len(expected)
    entries.last.click()
    last = expected[-1]
    ui.get_by_text(f"Slide {last + 1} of {len(course['slides'])}", exact=True).wait_for()
    ui.get_by_role("button", name="Show slide text", exact=True).click()
    assert norm(ui.locator("#transcript").inner_text()) == norm(course["slides"][last]["text"])
    session.assert_clean()


def test_french_module_speaks_french(launch, build) -> None:
    package = build("fr", "scorm12", (r"^language: en$", "language: fr"))
    course = course_of(package)
    assert course["strings"]["start"] == "Commencer"
    session = launch(package, "scorm12")
    ui = session.content
    ui.locator("main[data-screen=start]").wait_for()
    # The start screen rendered at build time speaks French too (cover, headings, about).
    assert ui.get_by_role("heading", name="Déclaration d'intérêts", exact=True).is_visible()
    assert ui.get_by_role("heading", name="Objectifs pédagogiques", exact=True).is_visible()
    assert ui.get_by_role("img", name=f"Diapositive 1 : {course['slides'][0]['title']}", exact=True).is_visible()
    assert ui.get_by_text("Dernière mise à jour", exact=True).is_visible()
    assert ui.get_by_text("Les crédits CME de ce module ont expiré en 2012", exact=False).is_visible()
    ui.get_by_role("button", name="J'ai lu la déclaration \u2014 Commencer", exact=True).click()
    ui.get_by_text(f"Diapositive 1 sur {len(course['slides'])}", exact=True).wait_for()
    ui.get_by_role("button", name="Suivant", exact=True).click()
    assert ui.get_by_role("button", name="Quitter", exact=True).is_visible()
    assert session.frame.evaluate("document.documentElement.lang") == "fr"
    session.assert_clean()


# ---- robustness ------------------------------------------------------------------------------------------------

FAILING_COMMITS = {"lmsCommitUrl": "/lms/no-such-commit-endpoint"}


@pytest.mark.parametrize("standard", ["scorm12", "scorm2004"])
def test_refused_commits_are_retried_the_learner_is_told_and_nothing_is_lost(launch, build, standard) -> None:
    package = build("plain", standard)
    course = course_of(package)
    session = launch(package, standard, settings=FAILING_COMMITS)
    learner = Learner(session, course)
    learner.on_start_screen()
    banner = learner.ui.locator("#banner")
    banner.get_by_text("could not be saved", exact=False).wait_for()
    assert banner.get_attribute("role") == "status"
    learner.start()  # not blocked: the learner goes on
    learner.view_slides(upto=3)
    commits = [c for c in session.calls() if c["method"] in ("LMSCommit", "Commit")]
    assert len(commits) >= 2 and all(c["result"] == "false" for c in commits)  # retried
    assert session.committed_cmi() is None
    # The LMS recovers: the next retry stores everything.
    session.page.evaluate("window.__lmsApi.settings = {lmsCommitUrl: false}")
    banner.get_by_text("Your progress has been saved.", exact=True).wait_for(timeout=20_000)
    saved = state_of(session, committed=True)
    assert saved["c"] == 2 and saved["g"] == 1
    assert session.page_errors == []


def test_api_vanishing_mid_session_keeps_answers_and_replays_them(launch, build) -> None:
    package = build("plain", "scorm2004")
    course = course_of(package)
    session = launch(package, "scorm2004")
    learner = Learner(session, course)
    learner.start()
    learner.view_slides(upto=2)
    learner.click("Quiz")
    session.page.evaluate("""() => {
        const api = window.__lmsApi; window.__gone = {};
        ['GetValue', 'SetValue', 'Commit', 'Terminate'].forEach(n => {
            window.__gone[n] = api[n]; api[n] = () => { throw new Error('the LMS frame is gone'); };
        });
    }""")
    item = learner.answer_and_check(True)  # Check commits: that fails
    learner.ui.locator("#banner").get_by_text("could not be saved", exact=False).wait_for()
    assert session.page_errors == []
    learner.click("Next")
    learner.click("Previous")
    assert learner.ui.get_by_label("Your answer (a number)", exact=True).input_value() == str(item["min"])
    session.page.evaluate("() => Object.assign(window.__lmsApi, window.__gone)")
    learner.ui.locator("#banner").get_by_text("Your progress has been saved.", exact=True).wait_for(timeout=20_000)
    committed = session.committed_cmi()
    recorded = interactions(committed)
    assert [r["id"] for r in recorded] == [item["id"]] and recorded[0]["result"] == "correct"
    assert json.loads(committed["suspend_data"])["r"][0] == str(item["min"])
    session.assert_clean()


def test_scorm_package_without_an_lms_runs_standalone_in_local_storage(browser, lms_server, build) -> None:
    package = build("plain", "scorm12")
    course = course_of(package)
    pkg = lms_server.register(package)
    context = browser.new_context()
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(pkg.launch_url if pkg.launch_url.startswith("http") else lms_server.origin + pkg.launch_url)
        page.locator("main[data-screen=start]").wait_for()
        assert page.get_by_text("your progress is saved in this browser only", exact=False).is_visible()
        page.get_by_role("button", name="I have read the declaration \u2014 Start", exact=True).click()
        total = len(course["slides"])
        for n in (1, 2):
            page.get_by_text(f"Slide {n} of {total}", exact=True).wait_for()
            page.get_by_role("button", name="Next", exact=True).click()
        page.get_by_text(f"Slide 3 of {total}", exact=True).wait_for()
        page.reload()  # pagehide saves; the next load resumes from localStorage
        page.get_by_role("button", name="Resume", exact=True).click()
        page.get_by_text(f"Slide 3 of {total}", exact=True).wait_for()
        assert errors == []
    finally:
        context.close()


def test_review_mode_records_nothing_that_counts(launch, build) -> None:
    package = build("short", "scorm2004", quiz_options(draw=2, feedback="immediate"))
    course = course_of(package)
    session = launch(package, "scorm2004", mode="review")
    learner = Quiz(session, course)
    learner.on_start_screen()
    assert learner.ui.get_by_text("review mode", exact=False).is_visible()
    learner.start()
    learner.click("Quiz")
    learner.answer_all(True, check=True)
    learner.click("Exit")
    session.wait_for_finish()
    sets = {c["element"] for c in session.calls() if c["method"] == "SetValue"}
    # Rule 8: no score, status, interactions or objectives in review mode.
    assert not {
        e
        for e in sets
        if e.startswith(
            ("cmi.score", "cmi.success_status", "cmi.completion_status", "cmi.interactions", "cmi.objectives")
        )
    }
    assert "cmi.suspend_data" in sets
    session.assert_clean()


def test_resume_data_of_an_older_package_version(launch, build) -> None:
    package = build("plain", "scorm2004")
    course = course_of(package)
    items = course["quiz"]["items"]
    answer = str(items[0]["min"])
    # What the format-1 player (the previous package version) saved: slides 1-3 seen, item 1 answered and
    # checked, on question 2.
    old = {
        "v": 1,
        "h": course["stateKey"],
        "s": 4242,
        "w": "q",
        "c": 2,
        "b": "7",
        "a": 1,
        "i": 1,
        "k": "1",
        "x": "1",
        "r": [answer] + [0] * (len(items) - 1),
        "d": 0,
        "p": None,
    }
    session = launch(
        package, "scorm2004", saved_cmi={"suspend_data": json.dumps(old), "location": "3", "exit": "suspend"}
    )
    learner = Learner(session, course)
    learner.start("Resume")
    assert learner.heading() == f"Question 2 of {len(items)}"
    learner.click("Previous")
    box = learner.ui.get_by_label("Your answer (a number)", exact=True)
    assert box.input_value() == answer and box.is_disabled()
    new = state_of(session)
    assert new["v"] == 2 and new["o"] == list(range(len(items)))
    session.assert_clean()

    # Another quiz (the stateKey changed) keeps the slides and starts the quiz again; an unknown format starts fresh.
    changed = dict(old, h="00000000")
    s2 = launch(package, "scorm2004", saved_cmi={"suspend_data": json.dumps(changed), "exit": "suspend"})
    learner = Learner(s2, course)
    learner.start("Resume")
    learner.ui.get_by_text(f"Slide 3 of {len(course['slides'])}", exact=True).wait_for()
    assert state_of(s2)["r"] == [0] * len(items)
    s2.assert_clean()
    s3 = launch(package, "scorm2004", saved_cmi={"suspend_data": '{"v":99,"future":true}', "exit": "suspend"})
    learner = Learner(s3, course)
    learner.start("Start")
    learner.ui.get_by_text(f"Slide 1 of {len(course['slides'])}", exact=True).wait_for()
    s3.assert_clean()
