"""The targets' text helpers: Markdown to plain text, truncation, decimals, hrefs and vCards."""

from __future__ import annotations

from urllib.parse import unquote

from scormkit.text import ELLIPSIS, decimal, href, markdown_to_text, truncate, vcard
from tests.factories import DESCRIPTION

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
