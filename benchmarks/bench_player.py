"""Player size and first-slide speed, against the targets of issue 3 (measured in the same run).

    python benchmarks/bench_player.py [module_src] [--runs 9] [--baseline PACKAGE.zip]

(a) Player shell size, for every target's package of the module: index.html (its stylesheet inline) and each
    script it loads (player.js, the target's adapter), gzip -9 (Python's gzip), as the zip ships them; the shell a
    learner downloads with this module's course data and start screen inlined in index.html (what
    tests/test_player_course.py's test_shell_size_budget weighs, with its small module), and without them (the part
    that is the same for every module), vs the 25 KB target; then where the bytes go: each source of each shipped
    script (static/bundles.json), by how much smaller the gzipped script is without it.
(b) Slide 1 painted, in headless Debian chromium, the web target served on 127.0.0.1 by a plain HTTP server
    (no-store, every run in a fresh browser context, so nothing is cached):
    - bare:   a page holding only <img src="slides/001.webp">, the same file served the same way;
    - bare + title: the same with the module's title in an <h1> above the image (what one line of text costs);
    - start screen, no scripts: index.html without its loader (its one inline script): the same start screen and
              cover painted in one frame, no player (what the start screen's content costs when nothing is staged);
    - first slide (cover): index.html -> slide 1 painted on the learner's first screen, the start screen, where it
              is the cover (the ratio of issue 3: first slide painted / bare, target <= 1.3);
    - start screen text: index.html -> the start screen's text under the cover painted (its first heading there, the
              declaration of interest; the loader draws it one frame after the title and the cover);
    - viewer, zero think time: index.html with Start pressed by script the moment it is there -> slide 1 painted in
              the slide viewer (the player's whole critical path: scripts, start-up, the second screen);
    - Start ready: index.html -> the player has started and its Start button is in the page (ms, not a paint);
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
from tests.browser.test_player_stage import VIEWPORTS  # noqa: E402  (issue 11's sizes, asserted there)
from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

TARGETS = ("scorm12", "scorm2004", "xapi", "cmi5", "web")
TARGET_SHELL = 25 * 1024
TARGET_RATIO = 1.3


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def sizes(packages: dict[str, Path]) -> None:
    from scormkit.player import _bundles, script_of

    print("(a) player shell, gzip -9 per file, as each package ships it")
    print(
        f"    {'target':10} {'index.html':>10} {'(bare)':>7} {'scripts (and any stylesheet files)':>40} {'bare shell':>14}"
        f" {'with this module':>16}"
    )
    for target, package in packages.items():
        with zipfile.ZipFile(package) as z:
            index = z.read("index.html")
            loaded = re.findall(rb'<script src="([^"]+)"|<link rel="stylesheet" href="([^"]+)"', index)
            files = {name.decode(): z.read(name.decode()) for pair in loaded for name in pair if name}
        # The module's content in index.html is the course data and the start screen rendered from it: the bare
        # shell is what is left (the same for every module).
        bare = re.sub(
            rb'(<script type="application/json" id="course-data">).*?(</script>)', rb"\1\2", index, flags=re.S
        )
        bare = re.sub(rb'(<main id="app">).*?(<noscript>)', rb"\1\2", bare, flags=re.S)
        rest = sum(gz(data) for data in files.values())
        shell, bare_shell = gz(index) + rest, gz(bare) + rest
        listed = " ".join(f"{name.rsplit('/', 1)[-1]} {gz(data)}" for name, data in files.items())
        print(
            f"    {target:10} {gz(index):10} {gz(bare):7} {listed:>40} {bare_shell:6} B {bare_shell / 1024:4.1f} KB"
            f" {shell:9} B {'ok' if bare_shell <= TARGET_SHELL else 'OVER'}"
        )
    print(
        f"    target: bare shell (index.html without course data and start screen + what it loads) <= {TARGET_SHELL} B;"
        " tests/test_player_course.py keeps the shell with its small module's course data under it too"
    )
    print("    where the bytes go: gzipped script, and how much smaller it is without each source")
    for name, sources in _bundles().items():
        whole = gz(script_of(sources))
        parts = ", ".join(f"{s} {whole - gz(script_of([x for x in sources if x != s]))}" for s in sources)
        print(f"      {name} {whole} B: {parts}")
    print()


# Runs before the page's own scripts, in every page (bare and player). Element Timing identifiers: "bare" (the bare
# page's image), "cover" (slide 1 on the start screen), "slide" (slide 1 in the slide viewer), "text" (the start
# screen's first heading under the cover, the declaration of interest: its text painted).
PROBE = """
(() => {
  window.__paint = {};
  const IDS = [['img#bare', 'bare'], ['img.cover', 'cover'], ['img.slide', 'slide'], ['main .begin h2', 'text']];
  new MutationObserver(() => {
    for (const [sel, id] of IDS) {
      const img = document.querySelector(sel);
      if (img && !img.hasAttribute('elementtiming')) img.setAttribute('elementtiming', id);
    }
    if (!window.__paint.ready && document.querySelector('main[data-screen=start] .btn.primary'))
      window.__paint.ready = performance.now();  // the player has started: Start is there
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
    """What PROBE recorded as `identifier` (ms from navigation start): Element Timing's renderTime of the element so
    marked, or, for "ready", when the player's Start button appeared."""
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
        # title above the image, and index.html without its loader (the same start screen in one frame, no player).
        (root / "bare-title.html").write_text(
            (root / "bare.html").read_text().replace("<body>", f"<body><h1>{html.escape(course['title'])}</h1>")
        )
        index = (root / "index.html").read_text()
        (root / "static.html").write_text(re.sub(r'<script id="player-loader">.*?</script>\n', "", index, flags=re.S))
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(NoStore, directory=str(root)))
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{httpd.server_address[1]}/"
        image_bytes = (root / first["image"]).stat().st_size
        results: dict[str, list[float]] = {
            "bare": [],
            "bare + title": [],
            "start screen, no scripts": [],
            "first slide (cover)": [],
            "start screen text": [],
            "viewer, zero think time": [],
            "start -> slide": [],
            "Start ready": [],
            **({"baseline first slide (cover)": [], "baseline Start ready": []} if baseline else {}),
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
                text = painted(page, "text")
                ready = painted(page, "ready")
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
                    before_ready = painted(page, "ready")
                    context.close()
                    if n:
                        results["baseline first slide (cover)"].append(before)
                        results["baseline Start ready"].append(before_ready)
                if n:
                    for key, value in (
                        ("bare", bare),
                        ("bare + title", bare_title),
                        ("start screen, no scripts", static),
                        ("first slide (cover)", cover),
                        ("start screen text", text),
                        ("Start ready", ready),
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
        f"    first slide painted / the same start screen in one frame without the player ="
        f" {med['first slide (cover)'] / med['start screen, no scripts']:.2f} (the loader's gain where below 1);"
        f" bare + title / bare = {med['bare + title'] / med['bare']:.2f}"
    )
    if baseline:
        before = med["baseline first slide (cover)"] / med["bare"]
        print(f"    baseline first slide painted / bare = {before:.2f} (before) -> {ratio:.2f} (this checkout)")
        print(
            f"    Start ready (the player started) {med['baseline Start ready']:.0f} ms (before) ->"
            f" {med['Start ready']:.0f} ms (this checkout)"
        )
    print(
        f"    slide viewer with Start pressed at once / bare = {med['viewer, zero think time'] / med['bare']:.2f};"
        f" start screen text / bare = {med['start screen text'] / med['bare']:.2f};"
        f" Start -> slide painted = {med['start -> slide']:.1f} ms"
    )


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
            for kind, (width, height) in VIEWPORTS.items():
                name = f"{width}x{height} {kind}"
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
        results = api.pack(Path(args.src), targets=list(TARGETS), out=Path(out))
        packages = {result.target: result.path for result in results}
        sizes(packages)
        first_slide(packages["web"], args.runs, args.baseline)
        print()
        stage_shares(packages["web"])


if __name__ == "__main__":
    main()
