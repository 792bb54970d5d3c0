"""The start screen rendered into index.html at build time (issue 3: painted with the page, slide 1 as its cover).

What a learner sees before any script runs: title, cover, description, objectives, about, declaration of interest,
credit heading, in the module's language, every text escaped. player.js only adds the launch-dependent parts
(tests/browser).
"""

from __future__ import annotations

import lxml.html

from scormkit.model import Module
from scormkit.player import build_player
from tests.factories import make_player_module

BUDGET = 64000


def start_screen(module: Module) -> lxml.html.HtmlElement:
    page = lxml.html.document_fromstring(build_player(module, "scorm2004", state_budget=BUDGET)["index.html"])
    (main,) = page.xpath("//main[@id='app']")
    return main


def texts(main: lxml.html.HtmlElement, xpath: str) -> list[str]:
    return [" ".join(node.text_content().split()) for node in main.xpath(xpath)]


def test_start_screen_is_in_the_html_with_slide_1_as_its_cover() -> None:
    main = start_screen(make_player_module())
    assert main.get("data-screen") is None  # set by player.js once its button is there
    assert texts(main, "h1") == ["Pain basics"]
    (cover,) = main.xpath(".//figure[@class='cover']/img")
    assert dict(cover.attrib) == {
        "class": "cover",
        "elementtiming": "cover",  # the loader starts the player once this paint is reported (static/loader.js)
        "src": "slides/001.webp",
        "width": "1280",
        "height": "720",
        "alt": "Diapositive 1 : Slide 1",
        "fetchpriority": "high",
    }
    assert texts(main, ".//div[@class='prose']") == ["Learn this."]
    assert [e.tag for e in main.xpath(".//div[@class='prose']/p/*")] == ["strong"]


def test_start_screen_speaks_the_module_language_and_lists_what_the_player_listed() -> None:
    main = start_screen(make_player_module())  # language fr-FR
    # The declaration comes first, under the cover and above Start (issue 11: Start without scrolling).
    assert texts(main, ".//h2") == [
        "Déclaration d'intérêts",
        "Objectifs pédagogiques",
        "À propos de ce module",
        "Crédits CME",
    ]
    assert texts(main, "ul[1]/li") == ["First", "Second"]
    about = dict(zip(texts(main, ".//dl[@class='about']/dt"), texts(main, ".//dl[@class='about']/dd")))
    assert about == {
        "Auteur": "A. Author (Clinic)",
        "Éditeur": "Pub",
        "Publication": "2010",
        "Dernière mise à jour": "2010-09-22",
    }
    assert texts(main, ".//ul[@class='disclosures']/li") == ["A. Author: None"]
    assert main.xpath(".//p[@id='credit']")[0].text is None  # filled in by player.js (the launch's date and LMS)


def test_a_module_without_disclosures_credit_or_slides_has_none_of_their_parts() -> None:
    module = make_player_module(slides=0)
    module = module.model_copy(update={"config": module.config.model_copy(update={"disclosures": [], "credit": None})})
    main = start_screen(module)
    assert main.xpath(".//figure") == []
    assert main.xpath(".//*[@id='doi'] | .//ul[@class='disclosures'] | .//p[@id='credit']") == []


def test_every_text_of_the_start_screen_is_escaped() -> None:
    module = make_player_module(title="<script>alert(1)</script> & co", description="a <b>raw</b> tag")
    main = start_screen(module)
    assert texts(main, "h1") == ["<script>alert(1)</script> & co"]
    assert main.xpath(".//script") == []
    assert main.xpath(".//div[@class='prose']//b") == []  # Markdown raw HTML is disabled at build time
