"""Keyboard-only journey (issue 3): the module is completed and the quiz passed with Tab, Shift+Tab, Enter, Space,
arrow keys and typing only; no mouse, no element.click(), no locator.check()/fill()/select_option().

Along the way: every new screen puts the focus on its heading (the h1), and every element that receives the focus
shows it (an outline or a box-shadow), including the focused heading.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.journey import MODULE_SRC, course_of, pack

pytestmark = pytest.mark.browser

FOCUSED = """() => {
    const el = document.activeElement;
    if (!document.hasFocus() || !el || el === document.body) return null;
    const cs = getComputedStyle(el);
    const labelled = el.labels && el.labels.length ? el.labels[0].textContent : '';
    const name = (el.getAttribute('aria-label') || (el.type === 'radio' || el.type === 'checkbox' ? labelled : '')
                  || (el.tagName === 'SELECT' || el.tagName === 'INPUT' ? labelled : el.textContent) || '').trim();
    const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
    const shadow = cs.boxShadow && cs.boxShadow !== 'none';
    return {tag: el.tagName.toLowerCase(), type: el.type || '', name, visible: !!(outline || shadow),
            outline: cs.outlineStyle + ' ' + cs.outlineWidth, shadow: cs.boxShadow, checked: !!el.checked,
            value: el.value === undefined ? null : el.value,
            headingOfScreen: el === document.querySelector('main h1')};
}"""

# Relative DOM position of the first focusable element named `name` (-1 before the focus, 1 after, 0 none).
WHERE = """(name) => {
    const all = [...document.querySelectorAll('button, input, select, a[href], textarea, [tabindex="0"]')];
    const named = el => {
        const labelled = el.labels && el.labels.length ? el.labels[0].textContent : '';
        return (el.getAttribute('aria-label') || (el.tagName === 'INPUT' || el.tagName === 'SELECT' ? labelled
                : el.textContent) || '').trim() === name;
    };
    const target = all.find(el => named(el) && !el.disabled && el.offsetParent !== null);
    const cur = document.activeElement;
    if (!target) return 0;
    if (!cur || cur === document.body) return 1;
    return cur.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_FOLLOWING ? 1 : -1;
}"""


class KeyboardLearner:
    def __init__(self, session: Any, course: dict[str, Any]):
        self.session, self.course = session, course
        self.frame, self.keys, self.ui = session.frame, session.page.keyboard, session.content
        self.stops = 0
        self.invisible: list[dict[str, Any]] = []

    def focused(self) -> dict[str, Any] | None:
        info = self.frame.evaluate(FOCUSED)
        if info is not None:
            self.stops += 1
            if not info["visible"]:
                self.invisible.append(info)
        return info

    def press(self, key: str) -> dict[str, Any] | None:
        self.keys.press(key)
        return self.focused()

    def tab_to(self, name: str, limit: int = 60) -> dict[str, Any]:
        """Tab (or Shift+Tab, when the control comes before the focus) until `name` has the focus."""
        current = self.focused()
        if current and current["name"] == name:
            return current
        key = "Shift+Tab" if self.frame.evaluate(WHERE, name) < 0 else "Tab"
        for _ in range(limit):
            current = self.press(key)
            if current and current["name"] == name:
                return current
        raise AssertionError(f"{name!r} never got the focus with {key}; last focus {current}")

    def activate(self, name: str, key: str = "Enter") -> None:
        self.tab_to(name)
        self.keys.press(key)

    def expect_heading_focus(self, text: str | None = None) -> None:
        self.frame.wait_for_function(
            "(t) => { const h = document.querySelector('main h1'); return h && document.activeElement === h"
            " && (t === null || h.textContent === t); }",
            arg=text,
        )
        info = self.focused()
        assert info and info["headingOfScreen"], info

    def heading(self) -> str:
        return self.frame.evaluate("() => document.querySelector('main h1').textContent")

    # ---- items ------------------------------------------------------------------------------------------

    def answer(self, item: dict[str, Any]) -> None:
        kind = item["type"]
        if kind in ("single", "truefalse"):
            labels = ["True", "False"] if kind == "truefalse" else [c["text"] for c in item["choices"]]
            want = (
                ("True" if item["answer"] else "False")
                if kind == "truefalse"
                else next(c["text"] for c in item["choices"] if c["correct"])
            )
            info = self.tab_to(labels[0])  # Tab enters the radio group on its first radio
            self.keys.press("Space")  # check it, then arrow keys move the checked radio
            for _ in range(labels.index(want)):
                info = self.press("ArrowDown")
            info = self.focused()
            assert info and info["name"] == want and info["checked"], info
        elif kind == "multiple":
            for c in item["choices"]:
                info = self.tab_to(c["text"])
                if c["correct"] != info["checked"]:
                    self.keys.press("Space")
            for c in item["choices"]:
                checked = self.ui.get_by_label(c["text"], exact=True).is_checked()
                assert checked == c["correct"], c
        elif kind in ("fillin", "numeric"):
            self.tab_to("Your answer (a number)" if kind == "numeric" else "Your answer")
            self.keys.type(item["accepted"][0] if kind == "fillin" else str(item["min"]))
        elif kind == "matching":
            targets = {t["id"]: t["text"] for t in item["targets"]}
            for source, target in item["correct"]:
                text = next(s["text"] for s in item["sources"] if s["id"] == source)
                self.tab_to(text)
                # Arrow keys walk the options a learner may pick: a target another row took is disabled (issue 11).
                options = self.ui.get_by_label(text, exact=True).locator("option:not([disabled])").all_inner_texts()
                steps = options.index(targets[target]) - options.index(self.selected_text(text))
                for _ in range(abs(steps)):
                    self.keys.press("ArrowDown" if steps > 0 else "ArrowUp")
                assert self.selected_text(text) == targets[target]
        elif kind == "sequencing":
            for position, step in enumerate(s["text"] for s in item["steps"]):
                while self.order().index(step) != position:
                    # After a move the player keeps the focus on the moved step's button: Enter again moves on.
                    self.activate(f"Move up: {step}")
                    self.frame.wait_for_function(
                        "(n) => document.activeElement && document.activeElement.getAttribute('aria-label') === n",
                        arg=f"Move up: {step}" if self.order().index(step) > 0 else f"Move down: {step}",
                    )
            assert self.order() == [s["text"] for s in item["steps"]]
        else:
            raise AssertionError(kind)

    def selected_text(self, label: str) -> str:
        return self.ui.get_by_label(label, exact=True).evaluate("s => s.options[s.selectedIndex].text")

    def order(self) -> list[str]:
        return [re.sub(r"^\d+\. ", "", t) for t in self.ui.locator("ol.steps .step-text").all_inner_texts()]


@pytest.mark.parametrize("standard", ["scorm12", "scorm2004"])
def test_keyboard_only_journey(launch, tmp_path: Path, standard: str):
    package = pack(MODULE_SRC, standard, tmp_path)
    course = course_of(package)
    s = launch(package, standard)
    s.wait_for_initialize()
    k = KeyboardLearner(s, course)
    slides, items = course["slides"], course["quiz"]["items"]

    k.ui.locator("main[data-screen=start]").wait_for()
    k.expect_heading_focus(course["title"])
    # A module with disclosures: the declaration is on the start screen and its button acknowledges it.
    k.activate(course["strings"]["doiAck"] if course["disclosures"] else "Start", key="Space")
    k.expect_heading_focus(slides[0]["title"])

    # The slide menu and its search, when the player has them: open, type, Tab to a found slide, Enter.
    if k.ui.get_by_role("button", name="Slide menu", exact=True).count():
        k.activate("Slide menu")
        k.frame.wait_for_function("() => document.activeElement && document.activeElement.type === 'search'")
        wanted = slides[2]["title"]
        k.keys.type(wanted)
        k.activate(f"3. {wanted}")
        k.expect_heading_focus(wanted)
        k.activate("Slide menu")
        k.keys.press("Control+A")
        k.keys.press("Backspace")
        k.activate("1. " + slides[0]["title"])
        k.expect_heading_focus(slides[0]["title"])

    # Slide 2 with the Next button (Space), the rest with the arrow keys; Shift+Tab goes back to Previous.
    k.activate("Next", key="Space")
    k.expect_heading_focus(slides[1]["title"])
    k.activate("Previous")
    k.expect_heading_focus(slides[0]["title"])
    for n in range(1, len(slides)):
        k.keys.press("ArrowRight")
        k.expect_heading_focus(slides[n]["title"])
    k.ui.get_by_text(f"Slide {len(slides)} of {len(slides)}", exact=True).wait_for()
    k.activate("Go to the quiz")

    for n, item in enumerate(items):
        k.expect_heading_focus(f"Question {n + 1} of {len(items)}")
        k.answer(item)
        k.activate("Check")
        k.frame.wait_for_function("() => document.activeElement && document.activeElement.matches('.feedback')")
        assert k.ui.locator(".feedback .ok").count() == 1, f"{item['id']}: {k.ui.locator('.feedback').inner_text()}"
        k.activate("See results" if n == len(items) - 1 else "Next")

    k.expect_heading_focus("Results")
    assert "Passed" in k.ui.locator(".verdict").inner_text()
    k.activate("Exit")
    s.wait_for_finish()
    k.expect_heading_focus("You can close this window")

    assert not k.invisible, f"focused without a visible focus indicator: {k.invisible}"
    assert k.stops > 50, k.stops
    cmi = s.committed_cmi()
    if standard == "scorm12":
        assert cmi["core"]["lesson_status"] == "passed"
        assert float(cmi["core"]["score"]["raw"]) == 100
    else:
        assert cmi["completion_status"] == "completed"
        assert cmi["success_status"] == "passed"
        assert float(cmi["score"]["scaled"]) == 1
    s.assert_clean()
