"""The HTML5 player: `build_player` returns every package file except the manifest.

Shell = templates/index.html.j2 (with static/player.css and the module's theme inlined in its <style>, and
static/loader.js, which starts the player after the cover, in its one inline <script>) + player.js + one runtime
adapter (adapters/<runtime>.js); course.json is built by `course.py`. Each shipped JS file is its sources under
static/ (player/*.js by job: state, grading, shell, viewer, items, quiz, boot; adapters/*.js), as static/bundles.json
lists them, concatenated inside one function and minified by rjsmin (player.css by rcssmin; whitespace and comments
only): no build tool, no framework. Everything is read with importlib.resources, so the player ships inside the wheel, and
every output is deterministic bytes.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
from importlib import resources

import jinja2
import rcssmin
import rjsmin
from markupsafe import Markup

from scormkit.fileasset import Asset, asset_bytes
from scormkit.model import Module
from scormkit.player.course import build_course, course_json, worst_case_state_length

__all__ = ["RUNTIMES", "UnsupportedModule", "build_player", "script", "worst_case_state_length"]


class UnsupportedModule(ValueError):
    """The module cannot be carried by this runtime (its resume data cannot fit, an asset hides a player file):
    the designer's to fix, reported like a source error."""


#: Runtime name -> adapter file shipped under adapters/.
# xAPI and cmi5 share one adapter (it tells them apart by the launch parameters and course.json runtime).
RUNTIMES = {"scorm12": "scorm12.js", "scorm2004": "scorm2004.js", "web": "web.js", "xapi": "xapi.js", "cmi5": "xapi.js"}

#: Runtimes that talk to an LRS whose origin is only known at launch (endpoint launch parameter / cmi5 fetch URL):
#: their CSP allows connections to any http(s) origin; every other runtime may connect to its own origin only.
LRS_RUNTIMES = frozenset({"xapi", "cmi5"})


def _static(*parts: str) -> bytes:
    return resources.files("scormkit.player").joinpath("static", *parts).read_bytes()


def _shipped_css(name: str) -> bytes:
    """A static stylesheet as it ships, minified by rcssmin (comments and whitespace only; its C and pure-Python
    builds give the same bytes)."""
    return rcssmin.cssmin(_static(name).decode("utf-8")).encode("utf-8") + b"\n"


def _bundles() -> dict[str, list[str]]:
    bundles: dict[str, list[str]] = json.loads(_static("bundles.json"))
    return bundles


def script(name: str) -> bytes:
    """The JS file `name` ("player.js", "adapters/scorm12.js", ...) as a package ships it: its sources
    (static/bundles.json) in one strict-mode function, so the sources share their names with each other and with
    nothing else on the page, minified. Raises KeyError for an unknown name.

    rjsmin drops comments and whitespace only: every name stays as the source spells it, so a browser's
    pretty-print ({} in the DevTools' Sources panel) gives back readable code, and its C and pure-Python builds
    give the same bytes. The sources' comments are a third of the gzipped shell (docs/player.md "Size")."""
    return script_of(_bundles()[name])


def script_of(sources: list[str]) -> bytes:
    """The shipped script made of `sources` (paths under static/), as `script` makes it (benchmarks/bench_player.py
    weighs each source by leaving it out)."""
    body = "".join(_static(*source.split("/")).decode("utf-8") for source in sources)
    return (rjsmin.jsmin("(function () {\n'use strict';\n" + body + "})();\n") + "\n").encode("utf-8")


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("scormkit.player", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


#: Left out of the course data that index.html embeds for player.js, which never reads them (tests/test_player_course.py
#: checks that no player source names them); course.json keeps the whole course. The fields are what only the start
#: screen's template shows (description, authors, dates), rendered into the page at build time, and the course data's
#: format version, which is for tools; the strings are the start screen's.
UNREAD_FIELDS = ("descriptionHtml", "authors", "published", "updated", "format")
START_SCREEN_STRINGS = frozenset(
    {"about", "author", "authors", "publisher", "published", "updated", "doi", "doiIntro", "coverAlt", "creditTitle"}
)


def embedded_course(course: dict) -> dict:
    """The course data index.html embeds for player.js: the course without what the player never reads (the start
    screen shows those fields and strings already, rendered at build time)."""
    embedded = {key: value for key, value in course.items() if key not in UNREAD_FIELDS}
    embedded["strings"] = {k: v for k, v in course["strings"].items() if k not in START_SCREEN_STRINGS}
    return embedded


def _script_json(data: object) -> str:
    """JSON safe inside a <script type="application/json"> element: no '<' can end it early."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _start_screen(course: dict) -> dict[str, object]:
    """What index.html.j2 needs to render the start screen at build time, in the module's language: `t` fills
    `{name}` placeholders like player.js t(), the about rows are those player.js would show (empty ones left out)."""
    strings = course["strings"]

    def t(key: str, **values: object) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), m.group(0))), strings.get(key, key))

    authors = "; ".join(
        f"{a['name']} ({a['affiliation']})" if a["affiliation"] else a["name"] for a in course["authors"]
    )
    about = [
        (t("authors" if len(course["authors"]) > 1 else "author"), authors),
        (t("publisher"), course["publisher"]),
        (t("published"), course["published"]),
        (t("updated"), course["updated"]),
    ]
    return {
        "t": t,
        "cover": course["slides"][0] if course["slides"] else None,
        # Markdown rendered at build time with raw HTML disabled (course.render_markdown): safe to insert as is.
        "description": Markup(course["descriptionHtml"]),
        "about": [(label, value) for label, value in about if value],
    }


_FONT_FORMATS = {".woff2": "woff2", ".ttf": "truetype", ".otf": "opentype"}


def theme_css(module: Module) -> str:
    """The theme's rules: the module's colours (module.yaml `theme`, contrast-checked by the model) over
    player.css's, and its font from the package (CSP font-src 'self'). They follow player.css in the page's one
    <style>, so the start screen paints in them and never flashes. font-display: swap paints the text at once in
    the system font rather than waiting for the font file."""
    theme = module.config.theme
    rules = [
        f"--accent: {theme.primary};" if theme.primary else "",
        f"--highlight: {theme.accent};" if theme.accent else "",
        '--font: "module-font", var(--system-font);' if theme.font else "",
    ]
    rules = [r for r in rules if r]
    css = (":root { " + " ".join(rules) + " }\n") if rules else ""
    if theme.font:
        kind = _FONT_FORMATS[theme.font[theme.font.rindex(".") :].lower()]
        css = f'@font-face {{ font-family: "module-font"; src: url("{theme.font}") format("{kind}"); font-display: swap; }}\n{css}'
    return css


def page_style(module: Module) -> str:
    """The page's stylesheet, inlined in index.html: player.css then the theme. Inline because a stylesheet file
    is a render-blocking request that the first paint waits for (docs/player.md, "First paint"); the CSP allows
    exactly this text by its hash (`style_hash`), so no other inline style can run."""
    style = _shipped_css("player.css").decode("utf-8") + theme_css(module)
    # Only our CSS and the model's checked theme values (hex colours, an assets/ path) get here.
    assert "</" not in style, "a stylesheet that could end its <style> element"
    return style


def page_loader() -> str:
    """index.html's one inline script (static/loader.js, minified): it makes the start screen's first frame the title
    and the cover, and starts the player once the cover is on screen (docs/player.md, "First paint"). The CSP allows
    exactly this text by its hash, as it does the style."""
    loader = rjsmin.jsmin(_static("loader.js").decode("utf-8"))
    assert "</" not in loader, "a script that could end its <script> element"
    return loader


def csp_hash(text: str) -> str:
    """The CSP source that allows the inline <style> or <script> element holding exactly `text` (CSP 3,
    hash-source)."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _theme_images(module: Module) -> dict[str, object]:
    """The theme's logo and cover for index.html.j2, with their pixel sizes (the page keeps their space before they
    load); an SVG logo has none, its height is set by player.css."""
    from PIL import Image

    def image(path: str | None) -> dict[str, object] | None:
        if path is None:
            return None
        width = height = None
        if not path.lower().endswith(".svg"):
            with Image.open(io.BytesIO(asset_bytes(module.assets[path]))) as img:
                width, height = img.size
        return {"src": path, "width": width, "height": height}

    return {"logo": image(module.config.theme.logo), "theme_cover": image(module.config.theme.cover)}


def build_player(module: Module, runtime: str, *, state_budget: int) -> dict[str, Asset]:
    """Every package file except the manifest: index.html (with the stylesheet), course.json, player.js, the
    adapter, assets.

    Raises ValueError when the runtime has no adapter, and UnsupportedModule when an asset collides with a player
    file. `state_budget` goes into course.json; the target refuses a module whose resume data could exceed it.
    """
    if runtime not in RUNTIMES:
        raise ValueError(f"no player adapter for runtime {runtime!r}; known runtimes: {', '.join(sorted(RUNTIMES))}")
    course = build_course(module, runtime, state_budget=state_budget)
    adapter = f"adapters/{RUNTIMES[runtime]}"
    style, loader = page_style(module), page_loader()
    html = (
        _environment()
        .get_template("index.html.j2")
        .render(
            course=course,
            adapter=adapter,
            connect_src=Markup("'self' https: http:" if runtime in LRS_RUNTIMES else "'self'"),
            course_data=Markup(_script_json(embedded_course(course))),
            style=Markup(style),
            style_src=Markup(csp_hash(style)),
            loader=Markup(loader),
            script_src=Markup("'self' " + csp_hash(loader)),
            **_theme_images(module),
            **_start_screen(course),
        )
    )
    files: dict[str, Asset] = {
        "index.html": html.encode(),
        "course.json": course_json(course),
        "player.js": script("player.js"),
        adapter: script(adapter),
    }
    for path, data in sorted(module.assets.items()):
        if path in files:
            raise UnsupportedModule(f"asset {path!r} collides with a player file; rename it")
        files[path] = data
    return files
