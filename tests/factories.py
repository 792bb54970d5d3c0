"""The sample modules the tests build, in one place: in memory (for the targets and for the player) and as module
folders on disk (for the source readers and `scormkit pack`), with the helpers that edit and read those folders.

The samples differ on purpose (the target tests check an English module without items, the player tests a French
one with one item of every type), so each keeps its own defaults; what they share is built by `module_of`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fpdf import FPDF

from scormkit.diagnostics import ScormkitError
from scormkit.model import Author, Module, ModuleConfig, Objective, QuizFile, QuizOptions, Slide, Tracking
from scormkit.source import read_module

# ---- in-memory modules ---------------------------------------------------------------------------------


def module_of(
    config: ModuleConfig,
    *,
    slides: int,
    text: Callable[[int], str],
    image: Callable[[int], bytes],
    pdf: bytes,
    items: list[dict[str, Any]] | None = None,
) -> Module:
    """A module of `config` with `slides` 1280x720 slides titled "Slide n", their images and the PDF as assets."""
    return Module(
        config=config,
        items=QuizFile.model_validate({"items": items}).items if items else [],
        slides=[
            Slide(number=n, title=f"Slide {n}", text=text(n), image=f"slides/{n:03d}.webp", width=1280, height=720)
            for n in range(1, slides + 1)
        ],
        assets={**{f"slides/{n:03d}.webp": image(n) for n in range(1, slides + 1)}, "slides.pdf": pdf},
    )


#: The target tests' module description: Markdown with emphasis, a list, code and a link.
DESCRIPTION = (
    "An **overview** of difficult pain problems in cancer patients.\n\n"
    "- stepwise analgesia\n- opioid `titration`\n\nSee the [ESMO guideline](https://www.esmo.org)."
)

#: What `build_player` returns for the target tests' module (without bytes); includes a path that needs escaping.
PLAYER_FILES = [
    "index.html",
    "course.json",
    "player.js",
    "adapters/scorm12.js",
    "slides/001.webp",
    "slides/002.webp",
    "slides.pdf",
    "assets/pain scale.png",
]


def make_config(**overrides: Any) -> ModuleConfig:
    """The target tests' module.yaml: English, two objectives, a passing score of 80; `overrides` replace fields."""
    values: dict[str, Any] = dict(
        id="esmo-difficult-pain",
        version="1.0.0",
        title="Difficult pain problems",
        language="en",
        description=DESCRIPTION,
        authors=[Author(name="Dr Ada Lovelace", affiliation="ESMO, Lugano"), Author(name="Bob Stone")],
        publisher="ESMO",
        updated=dt.date(2010, 9, 22),
        objectives=[
            Objective(id="stepwise", text="Apply the WHO analgesic ladder."),
            Objective(id="titration", text="Titrate opioids safely."),
        ],
        quiz=QuizOptions(passing_score=80),
    )
    values.update(overrides)
    return ModuleConfig(**values)


def make_module(**overrides: Any) -> Module:
    """The target tests' module: `make_config(**overrides)`, two slides, no quiz items."""
    return module_of(
        make_config(**overrides), slides=2, text=lambda n: "text", image=lambda n: b"RIFF%d" % n, pdf=b"%PDF-1.4"
    )


def no_quiz_module() -> Module:
    """The target tests' module without a quiz, complete once the slides are seen."""
    return make_module(quiz=None, tracking=Tracking(completion="slides"))


#: The player tests' quiz: one item of every type, on two objectives.
PLAYER_ITEMS: list[dict[str, Any]] = [
    {
        "id": "s1",
        "type": "single",
        "objective": "one",
        "prompt": "Pick *one*",
        "choices": [{"text": "A", "correct": True, "feedback": "yes"}, {"text": "B"}],
    },
    {
        "id": "m1",
        "type": "multiple",
        "objective": "one",
        "weight": 2,
        "prompt": "Pick some",
        "choices": [{"text": "A", "correct": True}, {"text": "B", "correct": True}, {"text": "C"}],
    },
    {"id": "t1", "type": "truefalse", "objective": "two", "prompt": "True?", "answer": False},
    {"id": "f1", "type": "fillin", "objective": "two", "prompt": "Name it", "accepted": ["naloxone"]},
    {"id": "n1", "type": "numeric", "objective": "two", "prompt": "How many?", "answer": 10, "tolerance": 0.5},
    {
        "id": "p1",
        "type": "matching",
        "objective": "one",
        "prompt": "Match",
        "pairs": [{"source": "x", "target": "1"}, {"source": "y", "target": "2"}],
    },
    {"id": "q1", "type": "sequencing", "objective": "one", "prompt": "Order", "steps": ["first", "second", "third"]},
]


def make_player_module(
    *,
    title: str = "Pain basics",
    items: list[dict[str, Any]] | None = None,
    slides: int = 3,
    credit: dict[str, Any] | None = None,
    quiz: dict[str, Any] | None = None,
    description: str = "Learn **this**.",
) -> Module:
    """The player tests' module: French, with CME credit, a disclosure, two attempts and `PLAYER_ITEMS`."""
    config = ModuleConfig.model_validate(
        {
            "id": "pain-basics",
            "version": "1.0.0",
            "title": title,
            "language": "fr-FR",
            "description": description,
            "authors": [{"name": "A. Author", "affiliation": "Clinic"}],
            "publisher": "Pub",
            "published": 2010,
            "updated": dt.date(2010, 9, 22),
            "disclosures": [{"person": "A. Author", "statement": "None"}],
            "credit": credit or {"provider": "ESMO", "expires": 2012},
            # "one" is taught by slides 3 and 1 (in that order, as the results screen links them), "two" by none.
            "objectives": [{"id": "one", "text": "First", "slides": [3, 1]}, {"id": "two", "text": "Second"}],
            "quiz": quiz if quiz is not None else {"passing_score": 75, "attempts": 2},
        }
    )
    return module_of(
        config,
        slides=slides,
        text=lambda n: f"Text {n}",
        image=lambda n: b"img%d" % n,
        pdf=b"%PDF",
        items=items if items is not None else PLAYER_ITEMS,
    )


# ---- module folders on disk ----------------------------------------------------------------------------

#: module.yaml of the source tests' module: two objectives, slides.pdf at the root, a passing score of 80.
MODULE_YAML = """\
id: demo-module
version: 1.0.0
title: Demo
language: en
description: |
  A short **demo** module.
authors:
  - name: Ada Lovelace
publisher: Example
updated: 2024-01-31
objectives:
  - id: dosing
    text: Dose drugs safely.
  - id: safety
    text: Spot side effects.
slides:
  file: slides.pdf
  width: 320
quiz:
  file: quiz.yaml
  passing_score: 80
"""

QUIZ_YAML = """\
items:
  - id: q1
    type: single
    objective: dosing
    prompt: Which dose?
    choices:
      - text: Low
        correct: true
      - text: High
  - id: q2
    type: truefalse
    objective: safety
    prompt: Nausea is common.
    answer: true
"""

#: module.yaml of the slides tests' module: one objective, the deck under deck/, 320 pixels wide.
DECK_MODULE_YAML = """\
id: demo-module
version: 1.0.0
title: Demo
language: en
description: A short demo module.
authors:
  - name: Ada Lovelace
publisher: Example
updated: 2024-01-31
objectives:
  - id: dosing
    text: Dose drugs safely.
slides:
  file: deck/slides.pdf
  width: 320
quiz:
  file: quiz.yaml
"""

DECK_QUIZ_YAML = """\
items:
  - id: q1
    type: truefalse
    objective: dosing
    prompt: Start low.
    answer: true
"""


def make_pdf(path: Path, pages: int = 2, *, label: str = "Slide heading", size: int = 12) -> None:
    """A 16:9 PDF of `pages` pages, each with the one line "<label> <number>"."""
    pdf = FPDF(orientation="L", format=(90, 160))
    pdf.set_font("helvetica", size=size)
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.cell(text=f"{label} {number}")
    pdf.output(str(path))


def make_deck(path: Path) -> None:
    """Four 16:9 pages: two with bookmarks (the second page has two), one with text only, one blank."""
    pdf = FPDF(orientation="L", format=(90, 160))
    pdf.set_font("helvetica", size=14)
    pdf.add_page()
    pdf.start_section("Welcome")
    pdf.cell(text="Welcome to   the course")
    pdf.ln()
    pdf.cell(text="  second    line ")
    pdf.add_page()
    pdf.start_section("Dosing")
    pdf.start_section("Dosing details", level=1)
    pdf.cell(text="Start low, go slow")
    pdf.add_page()
    pdf.cell(text="Unbookmarked heading")
    pdf.ln()
    pdf.cell(text="and body")
    pdf.add_page()
    pdf.output(str(path))


def module_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The source tests' valid module at ./mod (cwd = tmp_path, so diagnostics name `mod/...`)."""
    monkeypatch.chdir(tmp_path)
    src = Path("mod")
    src.mkdir()
    (src / "module.yaml").write_text(MODULE_YAML)
    (src / "quiz.yaml").write_text(QUIZ_YAML)
    make_pdf(src / "slides.pdf")
    return src


def deck_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The slides tests' valid module at ./mod, its four-page `make_deck` at mod/deck/slides.pdf (cwd = tmp_path)."""
    monkeypatch.chdir(tmp_path)
    src = Path("mod")
    (src / "deck").mkdir(parents=True)
    (src / "module.yaml").write_text(DECK_MODULE_YAML)
    (src / "quiz.yaml").write_text(DECK_QUIZ_YAML)
    make_deck(src / "deck" / "slides.pdf")
    return src


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in the file by `new`; `old` must be there, so an edit never silently does nothing."""
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def errors(src: Path) -> list[str]:
    """The diagnostics of reading the module at `src`, which must fail, as the lines a designer sees."""
    with pytest.raises(ScormkitError) as info:
        read_module(src)
    return [str(d) for d in info.value.report.sorted()]
