"""Screenshots of the player's screens for docs/player.md (issue 11): the example module's web package, served on
127.0.0.1, in Debian's chromium at 1366x768 and 390x844; then the same module branded (a copy of module_src with a
`theme`: colours, logo, cover and font, made in a temporary folder by tests/browser/theme_helpers.py).

    python scripts/player_screenshots.py [OUT_DIR]     # default docs/player-screens
"""

from __future__ import annotations

import functools
import http.server
import json
import sys
import tempfile
import threading
import zipfile
from pathlib import Path
from types import SimpleNamespace

from playwright.sync_api import sync_playwright

from scormkit.api import pack

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.browser.test_journey_player import Quiz  # noqa: E402
from tests.browser.theme_helpers import branded_source  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

SIZES = {"laptop": (1366, 768), "phone": (390, 844)}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def serve(package: Path, root: Path) -> tuple[http.server.ThreadingHTTPServer, str, dict]:
    with zipfile.ZipFile(package) as z:
        z.extractall(root)
        course = json.loads(z.read("course.json"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/index.html", course


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "player-screens"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        sources = {"": REPO / "module_src", "branded-": branded_source(Path(tmp) / "branded")}
        for prefix, src in sources.items():
            (result,) = pack(src, targets=["web"], out=Path(tmp) / f"dist-{prefix}")
            server, url, course = serve(result.path, Path(tmp) / f"site-{prefix}")
            for size, (width, height) in SIZES.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                screens(page, url, course, out, size, prefix)
                page.close()
            server.shutdown()
        browser.close()


def screens(page, url: str, course: dict, out: Path, size: str, prefix: str) -> None:
    """Every screen of the example module; of the branded copy (prefix) the two the theme changes most."""

    def snap(screen: str) -> None:
        # Images decoded and fonts loaded, and a moment for the focus ring and the live region to settle.
        page.wait_for_function("() => [...document.images].every(i => !i.checkVisibility() || i.complete)")
        page.evaluate("() => document.fonts.ready")
        page.wait_for_timeout(200)
        page.screenshot(path=str(out / f"{prefix}{screen}-{size}.png"))

    learner = Quiz(SimpleNamespace(content=page), course)
    page.goto(url)
    learner.on_start_screen()
    snap("start")
    learner.start()
    if prefix:
        learner.click("Quiz")
        learner.answer_all(True, check=True)
        learner.click("Certificate of completion")
        snap("certificate")
        return
    page.wait_for_function("() => { const i = document.querySelector('img.slide'); return i && i.complete; }")
    snap("slide")
    learner.click("Slide menu")
    snap("slide-menu")
    learner.click("Slide menu")
    learner.click("Show slide text")
    snap("slide-text")
    learner.click("Hide slide text")
    learner.click("Full screen")
    page.wait_for_function("() => document.querySelector('header.bar').getBoundingClientRect().height === 0")
    snap("fullscreen")
    learner.click("Full screen")
    learner.click("Quiz")
    snap("question")
    # The first choice question answered wrong (the marks on its options and the feedback), every other question
    # right: 11 of 12, passed, with a certificate.
    while learner.current()["type"] not in ("single", "multiple"):
        n, total = learner.question()
        learner.answer(learner.current(), True)
        learner.click("Check")
        learner.click("Next")
        page.get_by_role("heading", name=f"Question {n + 1} of {total}", exact=True).wait_for()
    learner.answer(learner.current(), False)
    learner.click("Check")
    page.locator(".feedback p").first.wait_for()
    snap("question-feedback")
    learner.click("Next")
    learner.answer_all(True, check=True)
    snap("results")
    page.get_by_label("Show only the questions I got wrong", exact=True).check()
    page.evaluate("() => document.querySelector('.review-box').scrollIntoView()")
    snap("results-review")
    page.evaluate("() => scrollTo(0, 0)")
    # A slide link of "Results by objective" (the first objective's second slide): the viewer at that slide, with
    # the way back to the results in its toolbar.
    page.locator("table.objectives .obj-slides a").nth(1).click()
    page.wait_for_function("() => { const i = document.querySelector('img.slide'); return i && i.complete; }")
    snap("slide-from-results")
    learner.click("Back to the results")
    page.get_by_role("heading", name="Results", exact=True).wait_for()
    learner.click("Certificate of completion")
    snap("certificate")


if __name__ == "__main__":
    main()
