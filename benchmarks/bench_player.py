"""Player size and first-slide speed, against the targets of issue 3 (measured in the same run).

    python benchmarks/bench_player.py [module_src] [--runs 9]

(a) Player shell size: index.html (with and without the inlined course data), player.js, player.css and each
    runtime adapter, gzip -9 (Python's gzip), per file and as the shell a learner downloads (index.html without the
    course data + player.js + player.css + one adapter), vs the 25 KB target.
(b) First slide painted, in headless Debian chromium, the web target served on 127.0.0.1 by a plain HTTP server
    (no-store, every run in a fresh browser context, so nothing is cached):
    - bare:   a page holding only <img src="slides/001.webp">, the same file served the same way;
    - player: index.html, with the gate and Start pressed by script the moment they are on screen (zero think
              time), so the figure is navigation -> slide 1 painted: the player's whole critical path;
    - player first screen: navigation -> the first screen's heading painted (what the learner sees first);
    - Start -> slide: pressing Start after the start screen has been on screen for a second -> slide painted
              (what a real learner waits for once they decide to go).
    "Painted" is the Element Timing API's renderTime of the image (the elementtiming attribute is set the moment the
    element enters the DOM, before it loads), falling back to the first animation frame after img.complete.
    Medians over --runs runs each, bare and player runs interleaved; ratio = player / bare (target <= 1.3).
Run by hand, not in the test suite: timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import gzip
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
    bare_index = re.sub(rb'(<script type="application/json" id="course-data">).*?(</script>)', rb"\1\2", index,
                        flags=re.S)
    rows = [("index.html (with course data)", index), ("index.html (without course data)", bare_index),
            ("player.js", player_js), ("player.css", player_css)]
    adapters = {p.stem: p.read_bytes() for p in sorted(ADAPTERS.glob("*.js"))}
    rows += [(f"adapters/{name}.js", data) for name, data in adapters.items()]
    print("(a) player shell, gzip -9 per file")
    print(f"    {'file':36} {'bytes':>8} {'gzipped':>8}")
    for name, data in rows:
        print(f"    {name:36} {len(data):8} {gz(data):8}")
    base = gz(bare_index) + gz(player_js) + gz(player_css)
    with_data = gz(index) + gz(player_js) + gz(player_css)
    print(f"    shell = index.html without course data + player.js + player.css + adapter, target {TARGET_SHELL} B:")
    for name, data in adapters.items():
        total = base + gz(data)
        print(f"      {name:10} {total:6} B gzipped ({total / 1024:.1f} KB) {'ok' if total <= TARGET_SHELL else 'OVER'}"
              f"; with this module's course data inlined: {with_data + gz(data)} B")
    print()


# Runs before the page's own scripts, in every page (bare and player).
PROBE = """
(() => {
  window.__paint = {};
  const mark = (img) => { if (!img.hasAttribute('elementtiming')) img.setAttribute('elementtiming', 'slide'); };
  new MutationObserver(() => {
    const img = document.querySelector('img.slide, img#bare');
    if (img) mark(img);
    const h = document.querySelector('main h1, h1');
    if (h && !window.__paint.heading) {
      requestAnimationFrame(() => requestAnimationFrame(() => {
        window.__paint.heading = window.__paint.heading || performance.now(); }));
    }
    if (window.__autoStart) {
      const screen = document.querySelector('main[data-screen]');
      const go = screen && document.querySelector('main .btn.primary');
      const s = screen && screen.getAttribute('data-screen');
      if (go && (s === 'disclosure' || s === 'start') && !go.__pressed) { go.__pressed = true; go.click(); }
    }
  }).observe(document, {childList: true, subtree: true});
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.identifier === 'slide' && !window.__paint.element)
        window.__paint.element = e.renderTime || e.loadTime;
    }).observe({type: 'element', buffered: true});
  } catch (e) { /* no Element Timing: the frame fallback below */ }
  const poll = () => {
    const img = document.querySelector('img.slide, img#bare');
    if (img && img.complete && img.naturalWidth > 0) {
      requestAnimationFrame(() => { window.__paint.frame = performance.now(); });
      return;
    }
    requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
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


SOURCES: set[str] = set()


def painted(page) -> float:
    """Element Timing's renderTime when the browser reports it (give it a moment after the frame), else the frame."""
    page.wait_for_function("() => window.__paint.frame", timeout=30_000)
    try:
        page.wait_for_function("() => window.__paint.element", timeout=1_000)
    except Exception:
        pass
    p = page.evaluate("() => window.__paint")
    SOURCES.add("Element Timing" if p.get("element") else "first frame after load")
    return p.get("element") or p["frame"]


def first_slide(package: Path, runs: int) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        with zipfile.ZipFile(package) as z:
            z.extractall(root)
            import json
            course = json.loads(z.read("course.json"))
        first = course["slides"][0]
        (root / "bare.html").write_text(BARE.format(src=first["image"], w=first["width"], h=first["height"]))
        # Experiment (not what scormkit ships): the same index.html with slide 1 preloaded, fetched in parallel
        # with the scripts instead of after the start screen.
        index = (root / "index.html").read_text()
        link = f'<link rel="preload" as="image" href="{first["image"]}">\n'
        (root / "index-preload.html").write_text(index.replace('<link rel="stylesheet"', link + '<link rel="stylesheet"', 1))
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(NoStore, directory=str(root)))
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{httpd.server_address[1]}/"
        image_bytes = (root / first["image"]).stat().st_size
        results: dict[str, list[float]] = {"bare": [], "player": [], "player first screen": [], "start -> slide": [],
                                           "player + preload (experiment)": []}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)

            def fresh(auto: bool):
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                context.add_init_script(("window.__autoStart = true;" if auto else "") + PROBE)
                return context, context.new_page()

            for n in range(runs + 1):  # run 0 warms the browser and the server up, and is not counted
                context, page = fresh(False)
                page.goto(base + "bare.html")
                bare = painted(page)
                context.close()

                context, page = fresh(True)
                page.goto(base + "index.html")
                player = painted(page)
                heading = page.evaluate("() => window.__paint.heading")
                context.close()

                context, page = fresh(True)
                page.goto(base + "index-preload.html")
                preload = painted(page)
                context.close()

                context, page = fresh(False)
                page.goto(base + "index.html")
                page.locator("main[data-screen]").wait_for()
                if page.locator("main[data-screen=disclosure]").count():
                    page.locator("main .btn.primary").click()
                page.locator("main[data-screen=start]").wait_for()
                page.wait_for_timeout(1000)
                t0 = page.evaluate("() => performance.now()")
                page.locator("main .btn.primary").click()
                start_to_slide = painted(page) - t0
                context.close()
                if n:
                    results["bare"].append(bare)
                    results["player"].append(player)
                    results["player first screen"].append(heading)
                    results["start -> slide"].append(start_to_slide)
                    results["player + preload (experiment)"].append(preload)
            browser.close()
        httpd.shutdown()

    med = {k: statistics.median(v) for k, v in results.items()}
    print(f"(b) first slide painted, headless chromium, {runs} runs each (medians, ms from navigation start;"
          f" slide 1: {first['image']}, {image_bytes} B)")
    for k, v in results.items():
        print(f"    {k:22} median {med[k]:7.1f}   runs {' '.join(f'{x:.0f}' for x in v)}")
    ratio = med["player"] / med["bare"]
    print(f"    ratio player / bare = {ratio:.2f} (target <= {TARGET_RATIO}) {'ok' if ratio <= TARGET_RATIO else 'OVER'}")
    print(f"    with slide 1 preloaded (experiment): ratio {med['player + preload (experiment)'] / med['bare']:.2f}")
    print(f"    paint measured by: {', '.join(sorted(SOURCES))}")
    print(f"    first screen / bare = {med['player first screen'] / med['bare']:.2f};"
          f" Start -> slide painted = {med['start -> slide']:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("src", nargs="?", default=str(REPO / "module_src"))
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    if args.runs < 7:
        parser.error("--runs must be at least 7")
    with tempfile.TemporaryDirectory() as out:
        (result,) = api.pack(Path(args.src), targets=["web"], out=Path(out))
        sizes(result.path)
        first_slide(result.path, args.runs)


if __name__ == "__main__":
    main()
