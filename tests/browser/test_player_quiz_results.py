"""Issue 11, quiz and results: feedback on the options themselves, numbered steps, matching without a second use of
one answer, results by objective that match what the LMS received, a review filtered to the wrong answers, and a
printable certificate of completion."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.browser.a11y import axe_url, describe, learner_for, run_axe, standalone  # noqa: F401
from tests.browser.journey import MODULE_SRC, Learner, course_of, pack
from tests.browser.test_journey_player import FIXED_CLOCK, Quiz, norm

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for target in ("scorm2004", "web"):
        out[target] = pack(MODULE_SRC, target, tmp_path_factory.mktemp(f"quiz-{target}"))
    return out


def first(course: dict[str, Any], kind: str) -> int:
    return next(n for n, item in enumerate(course["quiz"]["items"]) if item["type"] == kind)


def go_to_question(learner: Learner, n: int) -> dict[str, Any]:
    """From the start screen to question n+1 (immediate feedback: Check then Next on the earlier ones)."""
    learner.start()
    learner.click("Quiz")
    for _ in range(n):
        learner.answer_and_check(True)
        learner.click("Next")
    return learner.item_on_screen()


def test_feedback_marks_the_chosen_and_the_correct_options(standalone, packages, lms_server):  # noqa: F811
    s = standalone(packages["web"])
    learner = learner_for(s, packages["web"])
    item = go_to_question(learner, first(learner.course, "single"))
    wrong = next(c for c in item["choices"] if not c["correct"])
    right = next(c for c in item["choices"] if c["correct"])
    learner.ui.get_by_label(wrong["text"], exact=True).check()
    learner.click("Check")
    chosen = learner.ui.locator("label.choice", has_text=wrong["text"])
    correct = learner.ui.locator("label.choice", has_text=right["text"])
    # Colour plus icon plus words, on the options themselves.
    assert "mark-bad" in chosen.get_attribute("class") and "\u2717 Your answer: incorrect" in chosen.inner_text()
    assert "mark-correct" in correct.get_attribute("class") and "\u2713 Correct answer" in correct.inner_text()
    colours = s.page.evaluate(
        """() => [...document.querySelectorAll('label.choice')].map(l => getComputedStyle(l).borderColor)"""
    )
    assert len(set(colours)) >= 2
    # "Correct." / "Incorrect." is not followed by an author's own "Correct: ..." (the example module's habit).
    texts = [t for t in learner.ui.locator(".feedback p").all_inner_texts()]
    assert not any(t.startswith(("Correct:", "Incorrect:")) for t in texts), texts
    violations = run_axe(s.page, axe_url(lms_server))
    assert not violations, describe(violations)
    s.assert_clean()


def test_sequencing_steps_are_numbered_and_matching_offers_each_answer_once(standalone, packages):  # noqa: F811
    s = standalone(packages["web"])
    learner = learner_for(s, packages["web"])
    course = learner.course
    n_match, n_seq = first(course, "matching"), first(course, "sequencing")
    item = go_to_question(learner, min(n_match, n_seq))
    for _ in range(2):
        if item["type"] == "matching":
            selects = learner.ui.locator(".match select")
            target = item["targets"][0]
            selects.nth(0).select_option(label=target["text"])
            disabled = s.page.evaluate(
                """(text) => [...document.querySelectorAll('.match select')].slice(1).map(
                sel => [...sel.options].find(o => o.textContent === text).disabled)""",
                target["text"],
            )
            assert disabled and all(disabled)
            selects.nth(0).select_option(value="-")
            assert not any(
                s.page.evaluate(
                    """(text) => [...document.querySelectorAll('.match select')].map(
                sel => [...sel.options].find(o => o.textContent === text).disabled)""",
                    target["text"],
                )
            )
        else:
            numbers = learner.ui.locator("ol.steps .step-n").all_inner_texts()
            assert [n.strip() for n in numbers] == [f"{n}." for n in range(1, len(item["steps"]) + 1)]
        if item is not None and max(n_match, n_seq) != min(n_match, n_seq):
            learner.answer_and_check(True)
            for _ in range(max(n_match, n_seq) - min(n_match, n_seq) - 1):
                learner.click("Next")
                learner.answer_and_check(True)
            learner.click("Next")
            item = learner.item_on_screen()
    s.assert_clean()


def test_results_by_objective_match_what_the_lms_received(launch, packages, lms_server) -> None:
    package = packages["scorm2004"]
    course = course_of(package)
    session = launch(package, "scorm2004")
    learner = Quiz(session, course)
    learner.start()
    learner.click("Quiz")
    items = course["quiz"]["items"]
    plan = [n % 3 != 0 for n in range(len(items))]  # some wrong, so objectives differ
    for n, right in enumerate(plan):
        learner.answer_and_check(right)
        learner.next_question(last=n == len(items) - 1)
    ui = learner.ui
    ui.get_by_role("heading", name="Results by objective", exact=True).wait_for()
    rows = ui.locator("table.objectives tbody tr")
    shown = {
        # the objective's text (under it, the links to its slides: test_player_objective_slides.py)
        norm(rows.nth(k).locator("th .obj-text").inner_text()): rows.nth(k).locator("td").first.inner_text()
        for k in range(rows.count())
    }
    text = {o["id"]: norm(o["text"]) for o in course["objectives"]}
    cmi = session.cmi()
    objectives = cmi["objectives"]
    if isinstance(objectives, dict):
        objectives = objectives.get("childArray") or [objectives[k] for k in sorted(objectives, key=int) if k.isdigit()]
    received = {
        text[o["id"]]: float(o["score"]["scaled"]) for o in objectives if o["id"] in text and o["score"]["scaled"] != ""
    }
    assert received and set(shown) == set(received)
    for name, scaled in received.items():
        assert shown[name] == f"{round(scaled * 100, 2):g}%", (name, shown[name], scaled)
    # The review, filtered to the wrong answers.
    review = ui.locator("ol.review > li")
    assert review.count() == len(items)
    ui.get_by_label("Show only the questions I got wrong", exact=True).check()
    visible = [k for k in range(review.count()) if review.nth(k).is_visible()]
    assert len(visible) == plan.count(False)
    violations = run_axe(session.frame, axe_url(lms_server))
    assert not violations, describe(violations)
    session.assert_clean()


def test_certificate_names_the_learner_and_prints(launch, standalone, packages, tmp_path_factory, lms_server):  # noqa: F811
    # In an LMS: the learner's name as the LMS gives it ("Scormkit Tester"), and the CME credit while it runs.
    package = packages["scorm2004"]
    course = course_of(package)
    session = launch(package, "scorm2004", init_script=FIXED_CLOCK % "2012-06-01T10:00:00")
    learner = Quiz(session, course)
    learner.start()
    learner.click("Quiz")
    learner.answer_all(True, check=True)
    learner.click("Certificate of completion")
    cert = learner.ui.locator(".certificate")
    text = norm(cert.inner_text())
    assert "Scormkit Tester" in text and course["title"] in text and "Score: 100%, on 2012-06-01." in text
    assert "Accredited by ESMO for CME." in text
    violations = run_axe(session.frame, axe_url(lms_server))
    assert not violations, describe(violations)
    session.assert_clean()

    # Standalone (today: the 2012 credit has expired, so no credit is claimed), printed to PDF.
    web = packages["web"]
    s = standalone(web)
    learner = Quiz(s, course_of(web))
    learner.start()
    learner.click("Quiz")
    learner.answer_all(True, check=True)
    learner.click("Certificate of completion")
    pdf = s.page.pdf(format="A4")
    printed = unicodedata.normalize("NFKC", norm(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)))
    assert "certificate of completion" in printed.casefold() and course["title"] in printed and "Score: 100%" in printed
    assert "Accredited" not in printed
    assert "Print the certificate" not in printed and "Back to the results" not in printed  # print stylesheet
    s.assert_clean()
