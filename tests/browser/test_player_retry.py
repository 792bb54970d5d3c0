"""Issue 11, per-question retry (`quiz.retry_question`): after a wrong Check the player offers Try again while
tries remain, and only the final answer of each question reaches the LMS."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.browser.journey import MODULE_SRC, Learner, course_of, interactions, pack

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """module_src with `quiz.retry_question: 1`, as a SCORM 2004 zip."""
    tmp = tmp_path_factory.mktemp("retry")
    src = tmp / "module_src"
    shutil.copytree(MODULE_SRC, src)
    yaml_path = src / "module.yaml"
    text, count = re.subn(
        r"(?m)^(\s+)(feedback:\s*immediate)\b", r"\g<1>\g<2>\n\g<1>retry_question: 1", yaml_path.read_text()
    )
    assert count == 1, "module_src/module.yaml has no `feedback: immediate` line under quiz"
    yaml_path.write_text(text)
    return pack(src, "scorm2004", tmp / "dist")


def check_wrong(learner: Learner) -> dict[str, Any]:
    item = learner.item_on_screen()
    learner.answer(item, False)
    learner.click("Check")
    learner.ui.locator(".feedback strong", has_text="Incorrect. You may try again (1 left).").wait_for()
    return item


def test_try_again_then_only_the_final_answer_is_recorded(launch: Any, package: Path) -> None:
    course = course_of(package)
    assert course["quiz"]["retryQuestion"] == 1
    session = launch(package, "scorm2004")
    learner = Learner(session, course)
    learner.start()
    learner.click("Quiz")

    # Question 1: wrong, then right on the retry.
    first = check_wrong(learner)
    assert learner.button("Try again").is_visible()
    assert learner.ui.get_by_role("button", name="Check", exact=True).count() == 0
    assert learner.ui.get_by_role("button", name="Next", exact=True).count() == 0  # the question is not over
    assert interactions(session.cmi()) == []  # a wrong answer with a try left is not reported
    learner.click("Try again")
    learner.answer_and_check(True)
    assert learner.ui.locator(".feedback").inner_text().startswith("Correct.")
    learner.click("Next")

    # Question 2: wrong twice; the second wrong Check is final (one extra try).
    second = check_wrong(learner)
    learner.click("Try again")
    learner.answer(second, False)
    learner.click("Check")
    learner.ui.locator(".feedback p.bad strong", has_text="Incorrect.").first.wait_for()
    assert learner.ui.get_by_role("button", name="Try again", exact=True).count() == 0
    assert learner.button("Next").is_visible()

    recorded = interactions(session.cmi())
    assert [(r["id"], r["result"]) for r in recorded] == [(first["id"], "correct"), (second["id"], "incorrect")]
