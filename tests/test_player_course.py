"""scormkit.player: course.json, Markdown, resume-data budget, index.html and the shell files."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import zipfile
from pathlib import Path

import pytest
from markupsafe import escape

from scormkit.model import FILLIN_MAXLENGTH
from scormkit.package import write_package
from scormkit.player import RUNTIMES, START_SCREEN_STRINGS, UNREAD_FIELDS, _shipped_css, build_player
from scormkit.player.course import (
    build_course,
    state_key,
    worst_case_state,
    worst_case_state_length,
)
from scormkit.targets import TARGETS, get_target
from scormkit.text import plain_text, render_markdown
from tests.factories import PLAYER_ITEMS, make_player_module

SHELL = ("index.html", "player.js")


def test_course_json_fields() -> None:
    course = build_course(make_player_module(), "scorm12", state_budget=4096)
    assert course["format"] == 1
    assert (course["id"], course["version"], course["language"]) == ("pain-basics", "1.0.0", "fr-FR")
    assert course["descriptionHtml"] == "<p>Learn <strong>this</strong>.</p>"
    assert course["authors"] == [{"name": "A. Author", "affiliation": "Clinic"}]
    assert (course["published"], course["updated"]) == ("2010", "2010-09-22")
    assert course["disclosures"] == [{"person": "A. Author", "statement": "None"}]
    assert course["credit"] == {
        "provider": "ESMO",
        "kind": "CME",
        "credits": None,
        "expires": "2012-12-31",
        "expiresLabel": "2012",
    }
    # The slides that teach each objective, as module.yaml lists them (none: an empty list): the results links.
    assert course["objectives"] == [
        {"id": "one", "text": "First", "slides": [3, 1]},
        {"id": "two", "text": "Second", "slides": []},
    ]
    assert course["slides"][0] == {
        "title": "Slide 1",
        "text": "Text 1",
        "image": "slides/001.webp",
        "width": 1280,
        "height": 720,
    }
    assert course["pdf"] == "slides.pdf"
    assert course["tracking"] == {"completion": "slides_and_quiz", "slidesRequired": 1.0, "success": "quiz"}
    assert (course["runtime"], course["stateBudget"]) == ("scorm12", 4096)
    quiz = course["quiz"]
    assert (quiz["passingScore"], quiz["attempts"], quiz["draw"], quiz["feedback"], quiz["review"]) == (
        0.75,
        2,
        None,
        "immediate",
        True,
    )
    items = {i["id"]: i for i in quiz["items"]}
    assert items["s1"]["interactionType"] == "choice"
    assert items["s1"]["promptHtml"] == "<p>Pick <em>one</em></p>"
    assert items["s1"]["promptText"] == "Pick one"
    assert items["s1"]["choices"][0] == {"id": "a", "text": "A", "correct": True, "feedback": "yes"}
    assert items["m1"]["weight"] == 2
    assert items["t1"]["answer"] is False and items["t1"]["interactionType"] == "true-false"
    assert (items["f1"]["accepted"], items["f1"]["caseSensitive"], items["f1"]["trim"]) == (["naloxone"], False, True)
    assert (items["n1"]["min"], items["n1"]["max"]) == (9.5, 10.5)
    assert items["p1"]["sources"] == [{"id": "a", "text": "x"}, {"id": "b", "text": "y"}]
    assert items["p1"]["correct"] == [["a", "a"], ["b", "b"]]
    assert [s["id"] for s in items["q1"]["steps"]] == ["a", "b", "c"]


def test_markdown_refuses_raw_html() -> None:
    html = render_markdown('Hi <script>alert(1)</script> <b onclick="x">b</b>')
    assert "<script>" not in html and "<b " not in html
    assert "&lt;script&gt;" in html
    assert plain_text("A *b*\nc `d`") == "A b c d"


def test_description_markdown_is_escaped_in_course() -> None:
    course = build_course(make_player_module(description="<img src=x onerror=alert(1)>"), "web", state_budget=100000)
    assert "<img" not in course["descriptionHtml"]


def test_worst_case_state_length_counts_every_field() -> None:
    module = make_player_module()
    state = worst_case_state(module)
    assert len(state["r"]) == len(PLAYER_ITEMS)
    # fill-in: 250 characters that JSON escapes to two each, plus quotes
    assert len(json.dumps(state["r"][3])) == 2 * FILLIN_MAXLENGTH + 2
    assert worst_case_state_length(module) == len(json.dumps(state, separators=(",", ":"), ensure_ascii=False))
    bigger = make_player_module(items=PLAYER_ITEMS + [dict(PLAYER_ITEMS[3], id="f2")])
    # + the answer (quoted, escaped, comma) + its index in the stored order (",7")
    assert worst_case_state_length(bigger) == worst_case_state_length(module) + 2 * FILLIN_MAXLENGTH + 3 + 2
    assert worst_case_state(bigger)["o"] == list(range(8))
    drawn = make_player_module(quiz={"passing_score": 75, "draw": 3})
    assert worst_case_state(drawn)["o"] == [4, 5, 6] and worst_case_state(drawn)["g"] == 1


def test_budget_error_is_clear() -> None:
    many = [dict(PLAYER_ITEMS[3], id=f"f{n}") for n in range(10)]
    module = make_player_module(items=many)
    worst = worst_case_state_length(module)
    assert worst > 4096
    # The target refuses it (issue 10 item 7: the budget is the target's, the player only writes it down).
    with pytest.raises(ValueError) as caught:
        get_target("scorm12").build(module)
    message = str(caught.value)
    assert f"worst-case resume data is {worst} characters" in message
    assert "4096-character suspend_data limit of SCORM 1.2" in message
    assert "reduce" in message
    get_target("scorm2004").build(module)  # fits the 3rd/4th edition limit


def test_unknown_runtime() -> None:
    with pytest.raises(ValueError, match="no player adapter for runtime 'xapi2'"):
        build_player(make_player_module(), "xapi2", state_budget=4096)


@pytest.mark.parametrize("runtime", sorted(RUNTIMES))
def test_file_list_and_determinism(runtime: str) -> None:
    module = make_player_module()
    first = build_player(module, runtime, state_budget=64000)
    assert first == build_player(module, runtime, state_budget=64000)
    assert sorted(first) == sorted(
        [
            "index.html",
            "course.json",
            "player.js",
            f"adapters/{RUNTIMES[runtime]}",
            "slides.pdf",
            "slides/001.webp",
            "slides/002.webp",
            "slides/003.webp",
        ]
    )
    assert all(isinstance(v, bytes) for v in first.values())
    assert json.loads(first["course.json"])["runtime"] == runtime


def test_shell_has_no_absolute_urls_or_inline_handlers() -> None:
    files = build_player(make_player_module(), "scorm2004", state_budget=64000)
    for name in (*SHELL, "adapters/scorm2004.js", "course.json"):
        text = files[name].decode()
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.I), name
        assert "http:" not in text and "https:" not in text, name
    for name in ("adapters/scorm12.js", "adapters/web.js"):
        text = build_player(make_player_module(), name[9:-3], state_budget=64000)[name].decode()
        assert "http:" not in text and "https:" not in text
    html = files["index.html"].decode()
    assert not re.search(r"\son[a-z]+\s*=", html)
    # One <style> element, the stylesheet (allowed by its hash in the CSP); no style attribute.
    assert len(re.findall(r"<style\b", html)) == 1 and "style=" not in html
    assert "document.cookie" not in files["player.js"].decode()
    # No synchronous XHR anywhere (docs/lms-pitfalls.md rule 3).
    for name, data in files.items():
        if name.endswith(".js"):
            assert "XMLHttpRequest" not in data.decode()


def test_index_html() -> None:
    html = build_player(
        make_player_module(title="Pain <script>alert(1)</script> & more"), "scorm12", state_budget=4096
    )["index.html"].decode()
    assert '<html lang="fr-FR">' in html
    assert "<title>Pain &lt;script&gt;alert(1)&lt;/script&gt; &amp; more</title>" in html
    assert "<script>alert(1)" not in html
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    policy = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert policy["default-src"] == "'none'"
    for directive in ("img-src", "connect-src"):
        assert policy[directive] == "'self'"

    def digest(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    # The inline stylesheet and the inline loader are allowed by their hashes, and nothing else inline is: each hash
    # is that of the exact text of the one <style> element and of the one inline script (CSP 3 hash-source;
    # tests/browser/test_player_stylesheet.py and test_player_loader.py see the browser agree).
    (style,) = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert policy["style-src"] == digest(style)
    assert style.startswith(_shipped_css("player.css").decode())
    (loader,) = re.findall(r'<script id="player-loader">(.*?)</script>', html, re.S)
    assert policy["script-src"] == "'self' " + digest(loader)
    assert "player-scripts" in loader and "staged" in loader
    # The player's scripts are listed, in the order they run, in an inert template the loader reads; the loader is in
    # <head>, so the start screen is staged from its first frame.
    template = re.search(r'<template id="player-scripts">(.*?)</template>', html, re.S).group(1)
    assert template == '<script src="adapters/scorm12.js"></script><script src="player.js"></script>'
    assert html.index("<template") < html.index('<script id="player-loader">') < html.index("</head>")
    # The embedded course data cannot end its <script> element early.
    data = re.search(r'<script type="application/json" id="course-data">(.*?)</script>', html, re.S).group(1)
    assert "<" not in data
    assert json.loads(data)["title"] == "Pain <script>alert(1)</script> & more"


def test_the_embedded_course_leaves_out_only_what_the_start_screen_used() -> None:
    """index.html's course data is course.json without the fields and strings the player never reads (the start
    screen's, in the page already, and the format version): no source of any shipped script names one of them, so
    player.js never misses them; course.json keeps them all."""
    files = build_player(make_player_module(), "cmi5", state_budget=64000)
    html = files["index.html"].decode()
    embedded = json.loads(re.search(r'id="course-data">(.*?)</script>', html, re.S).group(1))
    whole = json.loads(files["course.json"])
    assert set(whole) - set(embedded) == set(UNREAD_FIELDS)
    assert set(whole["strings"]) - set(embedded["strings"]) == START_SCREEN_STRINGS
    assert {k: v for k, v in embedded.items() if k != "strings"} == {
        k: v for k, v in whole.items() if k not in UNREAD_FIELDS and k != "strings"
    }
    static = Path(__file__).resolve().parents[1] / "src" / "scormkit" / "player" / "static"
    sources = "".join(path.read_text() for path in static.rglob("*.js"))
    for field in UNREAD_FIELDS:  # course.<field>
        assert not re.search(rf"""['"]{field}['"]|\.{field}\b""", sources), field
    for key in START_SCREEN_STRINGS:  # t('<key>')
        assert not re.search(rf"""['"]{key}['"]""", sources), key
    # The start screen shows what was left out.
    assert f'<h2 id="doi">{escape(whole["strings"]["doi"])}</h2>' in html


def test_only_lrs_runtimes_may_connect_elsewhere() -> None:
    def policy(runtime: str) -> dict[str, str]:
        html = build_player(make_player_module(), runtime, state_budget=64000)["index.html"].decode()
        csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
        return dict(part.strip().split(" ", 1) for part in csp.split(";"))

    for runtime in RUNTIMES:
        expected = "'self' https: http:" if runtime in ("xapi", "cmi5") else "'self'"
        assert policy(runtime)["connect-src"] == expected, runtime
        assert re.fullmatch(r"'self' 'sha256-[A-Za-z0-9+/]{43}='", policy(runtime)["script-src"]), runtime


SHELL_BUDGET = 25 * 1024  # issue 11: "the shell stays under 25 KB gzipped"


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_shell_size_budget(target: str, tmp_path) -> None:
    """What a learner's browser downloads before the first screen works, as the package ships it: index.html (this
    module's course data inlined) and every script and stylesheet it loads, each gzipped (docs/player.md "Size")."""
    package = tmp_path / "p.zip"
    write_package(get_target(target).build(make_player_module()), package, date_time=(2010, 9, 22, 0, 0, 0))
    with zipfile.ZipFile(package) as z:
        index = z.read("index.html")
        loaded = re.findall(rb'<script src="([^"]+)"|<link rel="stylesheet" href="([^"]+)"', index)
        shell = ["index.html", *(name.decode() for pair in loaded for name in pair if name)]
        sizes = {name: len(gzip.compress(z.read(name), mtime=0)) for name in shell}
    assert {"player.js", f"adapters/{RUNTIMES[get_target(target).runtime]}"} <= set(sizes)
    assert b"<style>" in index  # the stylesheet is weighed inside index.html
    assert sum(sizes.values()) <= SHELL_BUDGET, sizes


def test_minified_player_is_the_same_bytes_without_the_minifiers_c_extensions(monkeypatch) -> None:
    """rjsmin and rcssmin fall back to pure Python where their C extension is not built: a package must not
    depend on which one a machine has (byte-identical rebuilds)."""
    import rcssmin
    import rjsmin

    from scormkit.player import _bundles, _shipped_css, script

    shipped = {name: script(name) for name in _bundles()}
    css = _shipped_css("player.css")
    monkeypatch.setattr(rjsmin, "jsmin", rjsmin._make_jsmin(python_only=True))
    monkeypatch.setattr(rcssmin, "cssmin", rcssmin._make_cssmin(python_only=True))
    assert {name: script(name) for name in _bundles()} == shipped
    assert _shipped_css("player.css") == css
    # Minified, not mangled: the names the sources declare are still there.
    assert b"function standaloneRuntime(local)" in shipped["adapters/web.js"]
    assert b"/*" not in shipped["player.js"] and b"\n  " not in shipped["player.js"]


def test_player_ships_in_the_package_data() -> None:
    from importlib import resources

    root = resources.files("scormkit.player")
    for path in (
        "templates/index.html.j2",
        "static/player.css",
        "static/bundles.json",
    ):
        assert root.joinpath(path).is_file(), path
    # Every source of every shipped script.
    for sources in json.loads(root.joinpath("static", "bundles.json").read_text()).values():
        for source in sources:
            assert root.joinpath("static", source).is_file(), source


def test_ui_strings_follow_the_module_language() -> None:
    from scormkit.player.strings import CATALOGUES, strings_for

    for lang, catalogue in CATALOGUES.items():
        assert set(catalogue) == set(CATALOGUES["en"]), lang
        for key, text in catalogue.items():
            # same placeholders (word order may differ between languages)
            assert sorted(re.findall(r"\{(\w+)\}", text)) == sorted(re.findall(r"\{(\w+)\}", CATALOGUES["en"][key])), (
                lang,
                key,
            )
    assert build_course(make_player_module(), "scorm12", state_budget=4096)["strings"]["start"] == "Commencer"  # fr-FR
    assert strings_for("de-AT")["next"] == "Weiter"
    assert strings_for("EN-gb")["next"] == strings_for("pt-BR")["next"] == "Next"  # fallback: English


def test_every_language_names_the_slide_links_of_the_results() -> None:
    from scormkit.player.strings import CATALOGUES

    for lang, catalogue in CATALOGUES.items():
        assert catalogue["objSlide"] and catalogue["objSlides"] != catalogue["objSlide"], lang
        assert "{n}" in catalogue["slideLinkTitle"] and "{title}" in catalogue["slideLinkTitle"], lang
    assert (CATALOGUES["fr"]["objSlides"], CATALOGUES["de"]["objSlides"]) == ("Diapositives :", "Folien:")


def _edited(change) -> list[dict]:
    items = json.loads(json.dumps(PLAYER_ITEMS))
    change(items)
    return items


# Issue 9 item 8, docs/lms-pitfalls.md rule 30: fixing a typo keeps learners' answers; a structural change resets the quiz.
TEXT_FIXES = {
    "prompt": lambda items: items[0].update(prompt="Pick *one* (fixed typo)"),
    "choice text": lambda items: items[0]["choices"][1].update(text="B, reworded"),
    "choice feedback": lambda items: items[0]["choices"][0].update(feedback="yes, and here is why"),
    "item feedback": lambda items: items[2].update(feedback={"correct": "Well done", "incorrect": "See slide 3"}),
    "matching text": lambda items: items[5]["pairs"][0].update(target="one"),
    "weight": lambda items: items[1].update(weight=3),
}
STRUCTURE_CHANGES = {
    "item id": lambda items: items[0].update(id="s1-renamed"),
    "item type": lambda items: (
        items[2].update(type="single", choices=[{"text": "Yes"}, {"text": "No", "correct": True}], answer=None)
        or items[2].pop("answer")
    ),
    "choice added": lambda items: items[0]["choices"].append({"text": "C"}),
    "pair added": lambda items: items[5]["pairs"].append({"source": "z", "target": "3"}),
    "item removed": lambda items: items.pop(),
}


@pytest.mark.parametrize("name", TEXT_FIXES)
def test_text_fixes_keep_the_resume_fingerprint(name) -> None:
    assert state_key(make_player_module(items=_edited(TEXT_FIXES[name]))) == state_key(make_player_module())


@pytest.mark.parametrize("name", STRUCTURE_CHANGES)
def test_structural_changes_reset_the_quiz(name) -> None:
    assert state_key(make_player_module(items=_edited(STRUCTURE_CHANGES[name]))) != state_key(make_player_module())
