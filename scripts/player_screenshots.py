"""Screenshots of the player's screens for docs/player.md (issue 11): the example module's web package, served on
127.0.0.1, in Debian's chromium at 1366x768 and 390x844.

    python scripts/player_screenshots.py [OUT_DIR]     # default docs/player-screens
"""

from __future__ import annotations

import functools
import http.server
import sys
import tempfile
import threading
import zipfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from scormkit.api import pack

REPO = Path(__file__).resolve().parents[1]
SIZES = {"laptop": (1366, 768), "phone": (390, 844)}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "player-screens"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        (result,) = pack(REPO / "module_src", targets=["web"], out=Path(tmp))
        root = Path(tmp) / "site"
        zipfile.ZipFile(result.path).extractall(root)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_port}/index.html"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
            for name, (width, height) in SIZES.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                shots(page, url, out, name)
                page.close()
            browser.close()
        server.shutdown()


def shots(page, url: str, out: Path, size: str) -> None:
    def snap(screen: str) -> None:
        page.wait_for_timeout(200)
        page.screenshot(path=str(out / f"{screen}-{size}.png"))

    button = lambda name: page.get_by_role("button", name=name, exact=True)  # noqa: E731
    page.goto(url)
    page.wait_for_selector("main[data-screen=start]")
    snap("start")
    page.locator("main .actions button").first.click()
    page.wait_for_function("() => { const i = document.querySelector('img.slide'); return i && i.complete; }")
    snap("slide")
    button("Slide menu").click()
    if size == "laptop":
        button("Show slide text").click()
    snap("slide-menu")
    button("Slide menu").click()
    button("Quiz").click()
    shot_taken = False
    for _ in range(40):  # answer every question (the second option, "1", the first targets) and check it
        if page.get_by_role("heading", name="Results", exact=True).count():
            break
        choices = page.locator("label.choice")
        if choices.count():
            choices.nth(1).click()
        for box in page.locator(".field input").all():
            box.fill("1")
        for n, select in enumerate(page.locator(".match select").all()):
            select.select_option(index=n + 1)
        button("Check").click()
        if choices.count() and not shot_taken:
            snap("question-feedback")
            shot_taken = True
        button("See results").click() if button("See results").count() else button("Next").click()
    snap("results")


if __name__ == "__main__":
    main()
