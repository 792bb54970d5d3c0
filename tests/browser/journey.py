"""Shared steps of the player journeys (no tests here): build packages, drive the player like a learner.

The learner sees only the player UI; the helpers find controls by role and accessible name, the way a screen
reader user would, and use course.json from the package only to know the right and wrong answers.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
MODULE_SRC = REPO_ROOT / "module_src"

# docs/lms-pitfalls.md rule 9.
SESSION_TIME_12 = re.compile(r"^\d{2,4}:[0-5]\d:[0-5]\d(\.\d{1,2})?$")
SESSION_TIME_2004 = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?)?$")


def pack(src: Path, target: str, out: Path) -> Path:
    """Build one target's zip with the public API."""
    from scormkit.api import pack as api_pack

    (result,) = api_pack(src, targets=[target], out=out)
    return result.path


def one_attempt_copy(tmp: Path) -> Path:
    """module_src with `quiz.attempts: 1` (text replacement keeps the rest of the file as it is)."""
    dst = tmp / "module_src"
    shutil.copytree(MODULE_SRC, dst)
    yaml_path = dst / "module.yaml"
    text = yaml_path.read_text()
    new, count = re.subn(r"(?m)^(\s+attempts:\s*)0\b", r"\g<1>1", text)
    assert count == 1, "module_src/module.yaml has no `attempts: 0` line to change"
    yaml_path.write_text(new)
    return dst


def course_of(package: Path) -> dict[str, Any]:
    with zipfile.ZipFile(package) as z:
        return json.loads(z.read("course.json"))


class Learner:
    """Drives the player inside the LMS session's SCO frame."""

    def __init__(self, session: Any, course: dict[str, Any]):
        self.session = session
        self.course = course
        self.ui = session.content

    def button(self, name: str) -> Any:
        return self.ui.get_by_role("button", name=name, exact=True)

    def click(self, name: str) -> None:
        self.button(name).click()

    def heading(self) -> str:
        return self.ui.locator("main h1").inner_text()

    def on_start_screen(self) -> None:
        """Wait for the start screen to be ready: the player sets data-screen="start" on the screen rendered at
        build time once it has added its button."""
        self.ui.locator("main[data-screen=start]").wait_for()

    def start(self, label: str = "Start") -> None:
        """Press the start screen's button; "Start" also means "I have read the declaration — Start", its label
        on a first launch of a module with disclosures."""
        self.on_start_screen()
        ack = self.course.get("strings", {}).get("doiAck")
        if label == "Start" and ack and self.button(ack).count():
            label = ack
        self.click(label)

    def view_slides(self, upto: int | None = None) -> None:
        """From the first slide, press Next until slide `upto` (1-based; default: the last)."""
        total = len(self.course["slides"])
        upto = total if upto is None else upto
        for n in range(1, upto):
            self.ui.get_by_text(f"Slide {n} of {total}", exact=True).wait_for()
            self.click("Next")
        self.ui.get_by_text(f"Slide {upto} of {total}", exact=True).wait_for()

    def to_quiz(self) -> None:
        self.click("Go to the quiz")

    def item_on_screen(self) -> dict[str, Any]:
        match = re.match(r"Question (\d+) of (\d+)", self.heading())
        assert match, f"not on a question screen: {self.heading()!r}"
        # The example quiz neither shuffles nor draws, so question n is item n.
        return self.course["quiz"]["items"][int(match.group(1)) - 1]

    def answer(self, item: dict[str, Any], correct: bool) -> None:
        ui, kind = self.ui, item["type"]
        if kind in ("single", "multiple"):
            wanted = [c for c in item["choices"] if c["correct"] == correct]
            if kind == "single" or not correct:
                wanted = wanted[:1]
            for choice in wanted:
                ui.get_by_label(choice["text"], exact=True).check()
        elif kind == "truefalse":
            ui.get_by_label("True" if item["answer"] == correct else "False", exact=True).check()
        elif kind == "fillin":
            ui.get_by_label("Your answer", exact=True).fill(item["accepted"][0] if correct else "paracetamol")
        elif kind == "numeric":
            ui.get_by_label("Your answer (a number)", exact=True).fill(
                str(item["min"]) if correct else str(item["max"] + 1000)
            )
        elif kind == "matching":
            targets = {t["id"]: t["text"] for t in item["targets"]}
            sources = item["sources"]
            for n, (source, target) in enumerate(item["correct"]):
                if not correct:  # everyone gets the next one's target
                    target = item["correct"][(n + 1) % len(sources)][1]
                text = next(s["text"] for s in sources if s["id"] == source)
                ui.get_by_label(text, exact=True).select_option(label=targets[target])
        elif kind == "sequencing":
            if correct:
                self.order_steps([s["text"] for s in item["steps"]])
            # wrong: the player never starts in the correct order, so leaving it is a wrong answer
        else:
            raise AssertionError(f"unknown item type {kind}")

    def order_steps(self, wanted: list[str]) -> None:
        for position, text in enumerate(wanted):
            while True:
                current = [re.sub(r"^\d+\. ", "", t) for t in self.ui.locator("ol.steps .step-text").all_inner_texts()]
                index = current.index(text)
                if index == position:
                    break
                self.ui.get_by_role("button", name=f"Move up: {text}", exact=True).click()

    def answer_and_check(self, correct: bool) -> dict[str, Any]:
        item = self.item_on_screen()
        self.answer(item, correct)
        self.click("Check")
        self.ui.locator(".feedback p").first.wait_for()
        return item

    def next_question(self, last: bool) -> None:
        self.click("See results" if last else "Next")

    def take_quiz(self, correct: bool | list[bool]) -> list[dict[str, Any]]:
        """Answer every item (immediate feedback mode): Check, then Next / See results."""
        items = self.course["quiz"]["items"]
        plan = correct if isinstance(correct, list) else [correct] * len(items)
        answered = []
        for n, right in enumerate(plan):
            answered.append(self.answer_and_check(right))
            self.next_question(last=n == len(items) - 1)
        self.ui.get_by_role("heading", name="Results", exact=True).wait_for()
        return answered


def _indexed(mapping: dict[str, Any]) -> list[Any]:
    return [mapping[k] for k in sorted((k for k in mapping if k.isdigit()), key=int)]


def interactions(cmi: dict[str, Any]) -> list[dict[str, Any]]:
    """cmi.interactions as a list, whatever container the LMS JSON uses."""
    value = cmi.get("interactions") or []
    if isinstance(value, dict):
        value = value.get("childArray") or _indexed(value)
    return list(value)


def first_pattern(interaction: dict[str, Any]) -> str | None:
    responses = interaction.get("correct_responses") or []
    if isinstance(responses, dict):
        responses = responses.get("childArray") or _indexed(responses)
    return responses[0].get("pattern") if responses else None
