"""The start screen's first frame and the player's start (issue 11, fast first paint; static/loader.js, index.html's
one inline script, allowed by its hash in the CSP). The first frame is the title and the cover, and the rest of the
start screen follows in the next frame without moving them; the player's scripts, listed in an inert <template>,
are requested once the cover is painted (on two cores their fetch and compile would otherwise compete with the
first frame). A cover that never arrives or fails does not hold the text back, and the player for a second at most;
without JavaScript the whole start screen shows at once. In chromium, as the learner's browser runs them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.a11y import Standalone, standalone  # noqa: F401
from tests.browser.journey import MODULE_SRC, pack

pytestmark = pytest.mark.browser

START = "main[data-screen=start] .btn.primary"

# When the cover's bytes had arrived, and when each of the player's scripts was requested (ms from navigation start).
TIMES = """() => {
    const entries = performance.getEntriesByType('resource');
    const at = (end) => entries.filter((e) => e.name.endsWith(end));
    const cover = at('/slides/001.webp'), player = at('/player.js'), adapter = at('/adapters/web.js');
    return {cover: cover.map((e) => e.responseEnd), player: player.map((e) => e.startTime),
            adapter: adapter.map((e) => e.startTime), complete: document.querySelector('img.cover').complete};
}"""

# Registered before the page's own script runs, so it is the first callback of the first frame once the page is
# parsed, the frame the loader stages: what that frame shows.
FIRST_FRAME = """
document.addEventListener('DOMContentLoaded', () => requestAnimationFrame(() => {
  const shown = (sel) => { const e = document.querySelector(sel); return e ? getComputedStyle(e).display !== 'none' : null; };
  const cover = document.querySelector('img.cover');
  window.__firstFrame = {staged: document.documentElement.classList.contains('staged'), title: shown('main h1'),
                         cover: shown('img.cover'), begin: shown('#begin'), objectives: shown('main > ul'),
                         rect: cover && JSON.stringify(cover.getBoundingClientRect())};
}));
"""

AFTER = """() => ({staged: document.documentElement.classList.contains('staged'),
              begin: getComputedStyle(document.getElementById('begin')).display !== 'none',
              objectives: getComputedStyle(document.querySelector('main > ul')).display !== 'none',
              rect: JSON.stringify(document.querySelector('img.cover').getBoundingClientRect())})"""

INJECT = """() => new Promise((resolve) => {
    const refused = [];
    document.addEventListener('securitypolicyviolation', (e) => refused.push(e.effectiveDirective));
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true;';
    document.body.appendChild(script);
    setTimeout(() => resolve({refused, ran: window.__injected === true}), 200);
})"""


@pytest.fixture(scope="module")
def web_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pack(MODULE_SRC, "web", tmp_path_factory.mktemp("loader"))


def _open(standalone: Any, package: Path, **options: Any) -> Standalone:  # noqa: F811
    """The web package in a fresh context, from its first byte: FIRST_FRAME records the staged frame, and nothing
    waits for the cover ("load" would wait for one that never comes) nor for the player."""
    return standalone(package, init_script=FIRST_FRAME, wait_until="commit", wait_for_player=False, **options)


def test_the_first_frame_is_the_title_and_the_cover_and_the_rest_follows_without_moving_them(
    standalone,  # noqa: F811
    web_package,
):
    s = _open(standalone, web_package)
    s.page.locator(START).wait_for()
    first = s.page.evaluate("() => window.__firstFrame")
    assert first["staged"] is True and first["title"] is True and first["cover"] is True, first
    assert first["begin"] is False and first["objectives"] is False, first
    after = s.page.evaluate(AFTER)
    assert after["staged"] is False and after["begin"] and after["objectives"], after
    assert after["rect"] == first["rect"]  # the cover did not move nor change size when the rest appeared
    assert s.page.get_by_role("heading", name="Declaration of interest").is_visible()
    assert s.console_errors == [] and s.page_errors == []


def test_without_javascript_the_whole_start_screen_shows_at_once(standalone, web_package):  # noqa: F811
    s = _open(standalone, web_package, java_script_enabled=False)
    s.page.get_by_role("heading", name="Learning objectives").wait_for()
    assert s.page.get_by_role("heading", name="Declaration of interest").is_visible()
    assert not any(u.endswith("player.js") for u in s.requested)


def test_the_player_is_requested_once_after_the_cover_and_runs(standalone, web_package):  # noqa: F811
    s = _open(standalone, web_package)
    page = s.page
    page.locator(START).wait_for()
    times = page.evaluate(TIMES)
    assert len(times["cover"]) == 1 and times["complete"]
    # Each script fetched once: the template's copy is never fetched, not even by the preload scanner.
    assert len(times["player"]) == 1 and len(times["adapter"]) == 1, times
    assert [u.rsplit("/", 1)[-1] for u in s.requested].count("player.js") == 1
    assert times["player"][0] >= times["cover"][0] and times["adapter"][0] >= times["cover"][0], times
    assert s.console_errors == [] and s.page_errors == []  # the loader ran: no "Refused to execute inline script"
    # The loader is the only inline script the policy lets run: one a script adds is refused.
    injected = page.evaluate(INJECT)
    assert injected == {"refused": ["script-src-elem"], "ran": False}
    # The player started in order (the adapter before player.js) and works: Start opens slide 1.
    page.locator(START).click()
    page.locator("main[data-screen=viewer] img.slide").wait_for()
    assert page.locator("main[data-screen=viewer] img.slide").get_attribute("src") == "slides/001.webp"


@pytest.mark.parametrize("cover", ["never arrives", "is missing"])
def test_a_cover_that_does_not_load_does_not_hold_the_player_back(standalone, web_package, cover):  # noqa: F811
    pending: list[Any] = []

    def route(r: Any) -> None:
        if cover == "never arrives":
            pending.append(r)  # no answer until the test ends
        else:
            r.fulfill(status=404, body="")

    s = _open(standalone, web_package, routes=(("**/slides/001.webp", route),))
    try:
        # The start screen's text does not wait for the cover: it shows one frame after the title.
        s.page.get_by_role("heading", name="Declaration of interest").wait_for(timeout=5_000)
        s.page.locator(START).wait_for(timeout=5_000)
        times = s.page.evaluate(TIMES)
        assert times["complete"] is (cover == "is missing")  # still loading, or given up on
        assert s.page.evaluate(AFTER)["staged"] is False
        assert len(times["player"]) == 1
        assert [e for e in s.console_errors + s.page_errors if "001.webp" not in e and "404" not in e] == []
    finally:
        for r in pending:
            r.abort()
