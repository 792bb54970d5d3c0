"""Player size and first-slide speed, against the targets of issue 3 (measured in the same run).

    python benchmarks/bench_player.py [module_src] [--runs 9] [--baseline PACKAGE.zip]

(a) Player shell size: index.html (with and without the inlined course data), player.js, player.css and each
    runtime adapter, gzip -9 (Python's gzip), per file and as the shell a learner downloads (index.html without the
    course data and start screen + player.js + player.css + one adapter), vs the 25 KB target.
(b) Slide 1 painted, in headless Debian chromium, the web target served on 127.0.0.1 by a plain HTTP server
    (no-store, every run in a fresh browser context, so nothing is cached):
    - bare:   a page holding only <img src="slides/001.webp">, the same file served the same way;
    - bare + title: the same with the module's title in an <h1> above the image (what one line of text costs);
    - start screen, no scripts: index.html without its <script> elements: the same start screen and cover, no
              player (what the start screen's content costs);
    - first slide (cover): index.html -> slide 1 painted on the learner's first screen, the start screen, where it
              is the cover (the ratio of issue 3: first slide painted / bare, target <= 1.3);
    - first screen heading: index.html -> the start screen's heading painted;
    - viewer, zero think time: index.html with Start pressed by script the moment it is there -> slide 1 painted in
              the slide viewer (the player's whole critical path: scripts, start-up, the second screen);
    - start -> slide: pressing Start after the start screen has been on screen for a second -> slide 1 painted in
              the viewer (what a learner waits for once they decide to go).
    - baseline (with --baseline PACKAGE.zip, a web package of the same module built by another checkout): its first
              slide (cover), measured in the same runs, interleaved, so a change is judged against the code before it
              on the same machine load (the ratios of two separate runs on a shared machine differ by more than the
              change).
    "Painted" is the Element Timing API's renderTime of the image (the elementtiming attribute is set the moment the
    element enters the DOM, before it loads). Medians over --runs runs each, bare and player runs interleaved.
(c) The slide stage at each viewport of issue 11: after Start, the slide's share of the viewport's area and width,
    and where Start was on the start screen (its bottom edge against the viewport's height).
Run by hand, not in the test suite: timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import re
import statistics
import sys
import tempfile
import threading
import zipfile
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from scormkit import api

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

ADAPTERS = REPO / "src" / "scormkit" / "player" / "static" / "adapters"
TARGET_SHELL = 25 * 1024
TARGET_RATIO = 1.3


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def sizes(package: Path) -> None:
    with zipfile.ZipFile(package) as z:
        index = z.read("index.html")
        player_js, player_css = z.read("player.js"), z.read("player.css")
    # The module's content in index.html is the course data and the start screen rendered from it: the shell is
    # what is left (the same for every module).
    bare_index = re.sub(
        rb'(<script type="application/json" id="course-data">).*?(</script>)', rb"\1\2", index, flags=re.S
    )
    bare_index = re.sub(rb'(<main id="app">).*?(<noscript>)', rb"\1\2", bare_index, flags=re.S)
    rows = [
        ("index.html (with course data)", index),
        ("index.html (without course data, start screen)", bare_index),
        ("player.js", player_js),
        ("player.css", player_css),
    ]
    adapters = {p.stem: p.read_bytes() for p in sorted(ADAPTERS.glob("*.js"))}
    rows += [(f"adapters/{name}.js", data) for name, data in adapters.items()]
    print("(a) player shell, gzip -9 per file")
    print(f"    {'file':48} {'bytes':>8} {'gzipped':>8}")
    for name, data in rows:
        print(f"    {name:48} {len(data):8} {gz(data):8}")
    base = gz(bare_index) + gz(player_js) + gz(player_css)
    with_data = gz(index) + gz(player_js) + gz(player_css)
    print(
        f"    shell = index.html without course data and start screen + player.js + player.css + adapter, target {TARGET_SHELL} B:"
    )
    for name, data in adapters.items():
        total = base + gz(data)
        print(
            f"      {name:10} {total:6} B gzipped ({total / 1024:.1f} KB) {'ok' if total <= TARGET_SHELL else 'OVER'}"
            f"; with this module's course data inlined: {with_data + gz(data)} B"
        )
    print()


# Runs before the page's own scripts, in every page (bare and player). Element Timing identifiers: "bare" (the bare
# page's image), "cover" (slide 1 on the start screen), "slide" (slide 1 in the slide viewer).
PROBE = """
(() => {
  window.__paint = {};
  const IDS = [['img#bare', 'bare'], ['img.cover', 'cover'], ['img.slide', 'slide']];
  new MutationObserver(() => {
    for (const [sel, id] of IDS) {
      const img = document.querySelector(sel);
      if (img && !img.hasAttribute('elementtiming')) img.setAttribute('elementtiming', id);
    }
    const h = document.querySelector('main h1, h1');
    if (h && !window.__paint.heading) {
      requestAnimationFrame(() => requestAnimationFrame(() => {
        window.__paint.heading = window.__paint.heading || performance.now(); }));
    }
    if (window.__autoStart) {
      const go = document.querySelector('main[data-screen=start] .btn.primary');
      if (go && !go.__pressed) { go.__pressed = true; go.click(); }
    }
  }).observe(document, {childList: true, subtree: true, attributes: true, attributeFilter: ['data-screen']});
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!window.__paint[e.identifier])
      window.__paint[e.identifier] = e.renderTime || e.loadTime;
  }).observe({type: 'element', buffered: true});
})();
"""

BARE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>bare</title></head>
<body><img id="bare" src="{src}" width="{w}" height="{h}" alt="" style="display:block;width:100%;height:auto"></body></html>
"""


class NoStore(SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, *args: object) -> None:
        pass


def painted(page, identifier: str) -> float:
    """Element Timing's renderTime of the image marked `identifier` (ms from navigation start)."""
    page.wait_for_function(f"() => window.__paint[{identifier!r}]", timeout=30_000)
    return page.evaluate(f"() => window.__paint[{identifier!r}]")


def first_slide(package: Path, runs: int, baseline: Path | None = None) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        with zipfile.ZipFile(package) as z:
            z.extractall(root)
            course = json.loads(z.read("course.json"))
        if baseline:
            with zipfile.ZipFile(baseline) as z:
                z.extractall(root / "baseline")
        first = course["slides"][0]
        (root / "bare.html").write_text(BARE.format(src=first["image"], w=first["width"], h=first["height"]))
        # References for what the learner's first screen costs by its content alone: the bare page with the module
        # title above the image, and index.html without the player's scripts (the same start screen, no player).
        (root / "bare-title.html").write_text(
            (root / "bare.html").read_text().replace("<body>", f"<body><h1>{html.escape(course['title'])}</h1>")
        )
        index = (root / "index.html").read_text()
        (root / "static.html").write_text(re.sub(r'<script src="[^"]*" defer></script>\n', "", index))
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(NoStore, directory=str(root)))
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{httpd.server_address[1]}/"
        image_bytes = (root / first["image"]).stat().st_size
        results: dict[str, list[float]] = {
            "bare": [],
            "bare + title": [],
            "start screen, no scripts": [],
            "first slide (cover)": [],
            "first screen heading": [],
            "viewer, zero think time": [],
            "start -> slide": [],
            **({"baseline first slide (cover)": []} if baseline else {}),
        }
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)

            def fresh(auto: bool):
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                context.add_init_script(("window.__autoStart = true;" if auto else "") + PROBE)
                return context, context.new_page()

            for n in range(runs + 1):  # run 0 warms the browser and the server up, and is not counted
                context, page = fresh(False)
                page.goto(base + "bare.html")
                bare = painted(page, "bare")
                context.close()

                context, page = fresh(False)
                page.goto(base + "bare-title.html")
                bare_title = painted(page, "bare")
                context.close()

                context, page = fresh(False)
                page.goto(base + "static.html")
                static = painted(page, "cover")
                context.close()

                context, page = fresh(False)
                page.goto(base + "index.html")
                cover = painted(page, "cover")
                page.wait_for_function("() => window.__paint.heading")
                heading = page.evaluate("() => window.__paint.heading")
                page.locator("main[data-screen=start] .btn.primary").wait_for()
                page.wait_for_timeout(1000)
                t0 = page.evaluate("() => performance.now()")
                page.locator("main .btn.primary").click()
                start_to_slide = painted(page, "slide") - t0
                context.close()

                context, page = fresh(True)
                page.goto(base + "index.html")
                viewer = painted(page, "slide")
                context.close()

                if baseline:
                    context, page = fresh(False)
                    page.goto(base + "baseline/index.html")
                    before = painted(page, "cover")
                    context.close()
                    if n:
                        results["baseline first slide (cover)"].append(before)
                if n:
                    for key, value in (
                        ("bare", bare),
                        ("bare + title", bare_title),
                        ("start screen, no scripts", static),
                        ("first slide (cover)", cover),
                        ("first screen heading", heading),
                        ("viewer, zero think time", viewer),
                        ("start -> slide", start_to_slide),
                    ):
                        results[key].append(value)
            browser.close()
        httpd.shutdown()

    med = {k: statistics.median(v) for k, v in results.items()}
    print(
        f"(b) slide 1 painted, headless chromium, {runs} runs each (medians, ms from navigation start;"
        f" slide 1: {first['image']}, {image_bytes} B; Element Timing renderTime)"
    )
    for k, v in results.items():
        print(f"    {k:26} median {med[k]:7.1f}   runs {' '.join(f'{x:.0f}' for x in v)}")
    ratio = med["first slide (cover)"] / med["bare"]
    print(
        f"    first slide painted / bare = {ratio:.2f} (target <= {TARGET_RATIO})"
        f" {'ok' if ratio <= TARGET_RATIO else 'OVER'}"
    )
    print(
        f"    first slide painted / the same start screen without the player's scripts ="
        f" {med['first slide (cover)'] / med['start screen, no scripts']:.2f} (the player's own cost);"
        f" bare + title / bare = {med['bare + title'] / med['bare']:.2f}"
    )
    if baseline:
        before = med["baseline first slide (cover)"] / med["bare"]
        print(f"    baseline first slide painted / bare = {before:.2f} (before) -> {ratio:.2f} (this checkout)")
    print(
        f"    slide viewer with Start pressed at once / bare = {med['viewer, zero think time'] / med['bare']:.2f};"
        f" first screen heading / bare = {med['first screen heading'] / med['bare']:.2f};"
        f" Start -> slide painted = {med['start -> slide']:.1f} ms"
    )


#: The viewports of issue 11 (tests/browser/test_player_stage.py asserts the goals at the same sizes).
VIEWPORTS = {
    "320x568 phone": (320, 568),
    "390x844 phone": (390, 844),
    "844x390 phone landscape": (844, 390),
    "768x1024 tablet": (768, 1024),
    "1366x768 laptop": (1366, 768),
    "1920x1080 desktop": (1920, 1080),
}

STAGE = """() => {
    const r = document.querySelector('img.slide').getBoundingClientRect();
    return {area: (r.width * r.height) / (innerWidth * innerHeight), width: r.width / innerWidth};
}"""


def stage_shares(package: Path) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        with zipfile.ZipFile(package) as z:
            z.extractall(root)
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(NoStore, directory=str(root)))
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{httpd.server_address[1]}/"
        print("(c) the slide stage after Start: share of the viewport's area and width; Start's bottom edge")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            for name, (width, height) in VIEWPORTS.items():
                context = browser.new_context(viewport={"width": width, "height": height})
                page = context.new_page()
                page.goto(base + "index.html")
                start = page.locator("main[data-screen=start] .btn.primary")
                start.wait_for()
                box = start.bounding_box() or {"y": 0.0, "height": 0.0}
                start.click()
                page.wait_for_function(
                    "() => { const i = document.querySelector('img.slide'); return i && i.complete && i.naturalWidth; }"
                )
                shares = page.evaluate(STAGE)
                print(
                    f"    {name:24} area {shares['area']:6.1%}  width {shares['width']:6.1%}"
                    f"   Start ends {box['y'] + box['height']:4.0f} px down a {height} px screen"
                )
                context.close()
            browser.close()
        httpd.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("src", nargs="?", default=str(REPO / "module_src"))
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--baseline", type=Path, help="a web package of the same module built by other code")
    args = parser.parse_args()
    if args.runs < 7:
        parser.error("--runs must be at least 7")
    with tempfile.TemporaryDirectory() as out:
        (result,) = api.pack(Path(args.src), targets=["web"], out=Path(out))
        sizes(result.path)
        first_slide(result.path, args.runs, args.baseline)
        print()
        stage_shares(result.path)


if __name__ == "__main__":
    main()
