"""Issue 15, player: HTML, script, `</script>`, template syntax and `javascript:` links in EVERY text field of a
module show as text in the real player, nothing of them runs, and the Content-Security-Policy stays strict on every
target.

Each plain-text field carries its own payload (an <img onerror>, a </script> that would end the course data, an
inline <script>, jinja and JS template syntax); the Markdown fields carry what Markdown allows (a javascript: link
and autolink, a code span holding </script>, template syntax). A payload that ran would set `top.__pwned`; one that
reached the DOM as HTML would leave an element behind or a CSP violation in the console (assert_clean).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fpdf import FPDF
from ruamel.yaml import YAML

from scormkit import api
from tests.browser.journey import Learner, course_of

pytestmark = pytest.mark.browser

TARGETS = ["scorm12", "scorm2004", "xapi", "cmi5", "web"]


def payload(field: str) -> str:
    """What a hostile author writes in one plain-text field; `field` makes each one findable and distinct."""
    return (
        f"{field} <img src=x onerror=top.__pwned='{field}'></script><script>top.__pwned='{field}'</script>"
        "{{ 7*7 }} ${7*7} {% raw %}"
    )


MARKDOWN = (
    "Read [this](javascript:top.__pwned='md') or <javascript:top.__pwned='auto'>, "
    "`</script><script>top.__pwned='code'</script>` and {{ 7*7 }} ${7*7}."
)

FIELDS = [
    "title",
    "author",
    "affiliation",
    "publisher",
    "person",
    "statement",
    "provider",
    "objective-a",
    "objective-b",
    "choice-a",
    "choice-b",
    "choice-feedback",
    "item-correct",
    "item-incorrect",
    "many-a",
    "many-b",
    "many-c",
    "source-a",
    "source-b",
    "target-a",
    "target-b",
    "step-a",
    "step-b",
    "step-c",
]


def module_files(src: Path) -> None:
    p = {name: payload(name) for name in FIELDS}
    module = {
        "id": "hostile-text",
        "version": "1.0.0",
        "title": p["title"],
        "language": "en",
        "description": MARKDOWN,
        "authors": [{"name": p["author"], "affiliation": p["affiliation"]}],
        "publisher": p["publisher"],
        "updated": "2024-01-31",
        "disclosures": [{"person": p["person"], "statement": p["statement"]}],
        "credit": {"provider": p["provider"], "expires": 2100},
        "objectives": [{"id": "a", "text": p["objective-a"]}, {"id": "b", "text": p["objective-b"]}],
        "slides": {"file": "slides.pdf", "width": 320},
        "quiz": {"file": "quiz.yaml", "passing_score": 50, "feedback": "immediate"},
    }
    feedback = {"correct": p["item-correct"], "incorrect": p["item-incorrect"]}
    quiz = {
        "items": [
            {
                "id": "q1",
                "type": "single",
                "objective": "a",
                "prompt": MARKDOWN,
                "feedback": feedback,
                "choices": [
                    {"text": p["choice-a"], "correct": True, "feedback": p["choice-feedback"]},
                    {"text": p["choice-b"], "feedback": p["choice-feedback"]},
                ],
            },
            {
                "id": "q2",
                "type": "multiple",
                "objective": "b",
                "prompt": MARKDOWN,
                "feedback": feedback,
                "choices": [{"text": p["many-a"], "correct": True}, {"text": p["many-b"]}, {"text": p["many-c"]}],
            },
            {
                "id": "q3",
                "type": "matching",
                "objective": "a",
                "prompt": MARKDOWN,
                "feedback": feedback,
                "pairs": [
                    {"source": p["source-a"], "target": p["target-a"]},
                    {"source": p["source-b"], "target": p["target-b"]},
                ],
            },
            {
                "id": "q4",
                "type": "sequencing",
                "objective": "b",
                "prompt": MARKDOWN,
                "feedback": feedback,
                "steps": [p["step-a"], p["step-b"], p["step-c"]],
            },
        ]
    }
    yaml = YAML(typ="safe", pure=True)
    yaml.allow_unicode = True
    with (src / "module.yaml").open("w") as fh:
        yaml.dump(module, fh)
    with (src / "quiz.yaml").open("w") as fh:
        yaml.dump(quiz, fh)
    pdf = FPDF(orientation="L", format=(90, 160))
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.cell(text="One slide")
    pdf.output(str(src / "slides.pdf"))


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("hostile-text")
    src = tmp / "src"
    src.mkdir()
    module_files(src)
    return {r.target: r.path for r in api.pack(src, targets=TARGETS, out=tmp / "dist")}


def test_csp_is_strict_on_every_target(packages: dict[str, Path]) -> None:
    """The whole policy, per target: nothing inline but the hashed stylesheet, nothing from another origin but an LRS
    for xapi/cmi5."""
    for target, path in packages.items():
        with zipfile.ZipFile(path) as archive:
            html = archive.read("index.html").decode()
        csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
        policy = dict(part.strip().split(" ", 1) for part in csp.split(";"))
        connect = "'self' https: http:" if target in ("xapi", "cmi5") else "'self'"
        # The one inline stylesheet and the one inline script (the loader) are allowed by their hashes (checked against
        # their text in tests/test_player_course.py).
        assert re.fullmatch(r"'sha256-[A-Za-z0-9+/]{43}='", policy.pop("style-src")), target
        assert re.fullmatch(r"'self' 'sha256-[A-Za-z0-9+/]{43}='", policy.pop("script-src")), target
        assert policy == {
            "default-src": "'none'",
            "img-src": "'self'",
            "connect-src": connect,
            "font-src": "'self'",
            "media-src": "'self'",
            "object-src": "'none'",
            "base-uri": "'none'",
            "form-action": "'none'",
        }, target
        # No payload reached the page as markup: the only inline <script> elements are the JSON course data and the
        # loader.
        assert "<img src=x" not in html and not re.search(r"<[a-z]+[^<>]*\sonerror=", html), target
        inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
        assert inline == ['<script id="player-loader">', '<script type="application/json" id="course-data">'], target


INJECTED = """() => {
  const bad = document.querySelectorAll(
    'img[src="x"], [onerror], [onclick], a[href^="javascript"], script:not([src]):not([type="application/json"]):not(#player-loader)');
  return {pwned: window.top.__pwned || null, bad: [...bad].map(e => e.outerHTML.slice(0, 120)),
          text: document.body.innerText};
}"""


def _check(learner: Learner, fields: list[str]) -> str:
    state = learner.session.frame.evaluate(INJECTED)
    assert state["pwned"] is None, f"a payload ran: {state['pwned']}"
    assert state["bad"] == [], state["bad"]
    for field in fields:  # the payload is on screen, as the author wrote it
        assert payload(field) in state["text"], (field, state["text"][:2000])
    assert "49" not in state["text"]  # no template engine evaluated {{ 7*7 }} or ${7*7}
    return state["text"]


@pytest.mark.parametrize("target", ["scorm12", "scorm2004"])
def test_every_field_shows_as_text_in_the_player(launch: Any, packages: dict[str, Path], target: str) -> None:
    course = course_of(packages[target])
    session = launch(packages[target], target)
    learner = Learner(session, course)
    learner.on_start_screen()
    text = _check(
        learner,
        [
            "title",
            "author",
            "affiliation",
            "publisher",
            "person",
            "statement",
            "provider",
            "objective-a",
            "objective-b",
        ],
    )
    assert (
        "Read [this](javascript:top.__pwned='md') or <javascript:top.__pwned='auto'>, </script><script>top.__pwned='code'</script> and"
        in text
    ), text[:3000]
    learner.start()
    learner.view_slides()
    learner.to_quiz()
    seen = {
        "q1": ["choice-a", "choice-b"],
        "q2": ["many-a", "many-b", "many-c"],
        "q3": ["source-a", "source-b"],
        "q4": ["step-a", "step-b", "step-c"],
    }
    items = course["quiz"]["items"]
    for n in range(len(items)):
        item = learner.item_on_screen()
        _check(learner, seen[item["id"]])
        learner.answer(item, correct=False)
        learner.click("Check")
        learner.ui.locator(".feedback p").first.wait_for()
        _check(learner, ["item-incorrect"] + (["choice-feedback"] if item["id"] == "q1" else []))
        learner.next_question(last=n == len(items) - 1)
    learner.ui.get_by_role("heading", name="Results", exact=True).wait_for()
    _check(learner, [])
    session.assert_clean()  # no console error (a CSP violation would be one), no request off the LMS origin
