"""Shared sample module for the target tests, and tests of the targets' text helpers."""

from __future__ import annotations

import datetime as dt
from urllib.parse import unquote

from lxml import etree

from scormkit.model import Author, Module, ModuleConfig, Objective, QuizOptions, Slide, Tracking
from scormkit.text import ELLIPSIS, decimal, href, markdown_to_text, truncate, vcard

DESCRIPTION = (
    "An **overview** of difficult pain problems in cancer patients.\n\n"
    "- stepwise analgesia\n- opioid `titration`\n\nSee the [ESMO guideline](https://www.esmo.org)."
)

#: What `build_player` returns for the sample module (without bytes); includes a path that needs escaping.
PLAYER_FILES = [
    "index.html",
    "course.json",
    "player.js",
    "player.css",
    "adapters/scorm12.js",
    "slides/001.webp",
    "slides/002.webp",
    "slides.pdf",
    "assets/pain scale.png",
]


def make_config(**overrides) -> ModuleConfig:
    values = dict(
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


def make_module(**overrides) -> Module:
    slides = [
        Slide(number=n, title=f"Slide {n}", text="text", image=f"slides/{n:03}.webp", width=1280, height=720)
        for n in (1, 2)
    ]
    assets = {"slides/001.webp": b"RIFF1", "slides/002.webp": b"RIFF2", "slides.pdf": b"%PDF-1.4"}
    return Module(config=make_config(**overrides), slides=slides, assets=assets)


def no_quiz_module() -> Module:
    return make_module(quiz=None, tracking=Tracking(completion="slides"))


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(no_network=True, resolve_entities=False))


def listed_files(root: etree._Element, ns: dict[str, str]) -> list[str]:
    """Package paths of every <file href> of every resource (hrefs are URI references: unescape them)."""
    return [unquote(h) for h in root.xpath("//cp:resource/cp:file/@href", namespaces=ns)]


# ---- text helpers -------------------------------------------------------------------------------------


def test_markdown_to_text_drops_markup_keeps_words():
    text = markdown_to_text(DESCRIPTION)
    assert text.splitlines() == [
        "An overview of difficult pain problems in cancer patients.",
        "- stepwise analgesia",
        "- opioid titration",
        "See the ESMO guideline.",
    ]


def test_markdown_to_text_decodes_entities_and_keeps_image_alt():
    assert markdown_to_text("Fish &amp; chips ![a scale](x.png)") == "Fish & chips a scale"


def test_truncate_on_word_boundary_with_ellipsis():
    text = "alpha beta gamma delta"
    assert truncate(text, 100) == text
    assert truncate(text, 13) == "alpha beta" + ELLIPSIS
    assert len(truncate("word " * 400, 1000)) <= 1000
    assert truncate("word " * 400, 1000).endswith("word" + ELLIPSIS)
    # One giant word: cut inside it rather than return nothing.
    assert truncate("x" * 50, 10) == "x" * 9 + ELLIPSIS


def test_vcard_escapes_text_values():
    card = vcard("Lovelace, Ada; Dr", "ESMO\\Lugano").splitlines()
    assert card[0] == "BEGIN:VCARD" and card[-1] == "END:VCARD"
    assert "FN:Lovelace\\, Ada\\; Dr" in card
    assert "ORG:ESMO\\\\Lugano" in card


def test_decimal_is_short_and_stable():
    assert [decimal(v) for v in (0.8, 1.0, 0.0, 0.755, 0.33333)] == ["0.8", "1", "0", "0.755", "0.3333"]


def test_href_escapes_only_what_a_uri_needs():
    assert href("slides/001.webp") == "slides/001.webp"
    assert href("assets/pain scale.png") == "assets/pain%20scale.png"
    assert unquote(href("assets/é #1.png")) == "assets/é #1.png"
