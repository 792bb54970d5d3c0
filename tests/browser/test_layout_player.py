"""Layout of the player (issue 3): reduced motion, reflow at 320 CSS px, 200% zoom, phone to 4K, swipe on touch.

Every screen of the example module is visited (the walk of test_a11y_axe.py) in the standalone web target; the
player is the same in every target, and the LMS frame only adds an iframe of the viewport's size.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.a11y import learner_for, standalone, walk_screens  # noqa: F401 (fixture)
from tests.browser.journey import MODULE_SRC, pack

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def web_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pack(MODULE_SRC, "web", tmp_path_factory.mktemp("layout"))


MOVING = """() => {
    const secs = v => Math.max(...v.split(',').map(x => parseFloat(x) * (x.trim().endsWith('ms') ? 0.001 : 1)));
    const out = [];
    for (const el of document.querySelectorAll('*')) {
        for (const pseudo of [null, '::before', '::after']) {
            const cs = getComputedStyle(el, pseudo);
            const anim = cs.animationName !== 'none' && secs(cs.animationDuration) > 0;
            const trans = cs.transitionProperty !== 'none' && secs(cs.transitionDuration) > 0;
            if (anim || trans) out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${el.className}`
                + `${pseudo || ''}: animation ${cs.animationName} ${cs.animationDuration}, transition`
                + ` ${cs.transitionProperty} ${cs.transitionDuration}`);
        }
    }
    return out;
}"""

OVERFLOW = """() => {
    const root = document.documentElement, width = root.clientWidth;
    const outside = [...document.querySelectorAll('main *, header *')]
        .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
        .filter(el => el.matches('button, input, select, a, img, h1, progress, label'))
        .map(el => [el, el.getBoundingClientRect()])
        .filter(([el, r]) => r.width > 0 && (r.left < -0.5 || r.right > width + 0.5))
        .map(([el, r]) => `${el.tagName.toLowerCase()} "${(el.textContent || el.alt || '').trim().slice(0, 40)}"`
             + ` ${Math.round(r.left)}..${Math.round(r.right)}`);
    return {scrollWidth: root.scrollWidth, clientWidth: width, outside};
}"""


def walk_checking(s: Any, package: Path, probe: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    walk_screens(s, package, lambda name: found.__setitem__(name, s.page.evaluate(probe)))
    assert len(found) >= 25, sorted(found)  # every screen was visited
    return found


def test_reduced_motion_leaves_nothing_moving(standalone, web_package):  # noqa: F811
    s = standalone(web_package, reduced_motion="reduce")
    assert s.page.evaluate("() => matchMedia('(prefers-reduced-motion: reduce)').matches")
    found = walk_checking(s, web_package, MOVING)
    moving = {name: v for name, v in found.items() if v}
    assert not moving, f"animations/transitions left under prefers-reduced-motion: reduce: {moving}"
    assert s.page.evaluate("() => getComputedStyle(document.documentElement).scrollBehavior") == "auto"
    s.assert_clean()


@pytest.mark.parametrize(
    ("viewport", "scale"),
    [
        ({"width": 320, "height": 256}, 1),  # WCAG 1.4.10 reflow: 1280x1024 at 400%
        ({"width": 640, "height": 400}, 2),  # 200% zoom of a 1280x800 laptop (WCAG 1.4.4)
    ],
    ids=["reflow-320", "zoom-200"],
)
def test_no_horizontal_scrolling_on_any_screen(standalone, web_package, viewport, scale):  # noqa: F811
    s = standalone(web_package, viewport=viewport, device_scale_factor=scale)
    found = walk_checking(s, web_package, OVERFLOW)
    scrolls = {
        name: f"scrollWidth {v['scrollWidth']} > clientWidth {v['clientWidth']}"
        for name, v in found.items()
        if v["scrollWidth"] > v["clientWidth"]
    }
    clipped = {name: v["outside"] for name, v in found.items() if v["outside"]}
    assert not scrolls, f"horizontal scrolling at {viewport['width']} CSS px: {scrolls}"
    assert not clipped, f"controls outside the viewport at {viewport['width']} CSS px: {clipped}"
    s.assert_clean()


SLIDE_BOX = """() => {
    const img = document.querySelector('img.slide'), r = img.getBoundingClientRect();
    const next = [...document.querySelectorAll('nav button')].find(b => b.textContent === 'Next');
    const n = next.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height,
            loaded: img.complete && img.naturalWidth > 0, innerWidth, innerHeight,
            scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth,
            nextBottom: n.bottom};
}"""


@pytest.mark.parametrize(
    "size",
    [(320, 568), (768, 1024), (1366, 768), (1920, 1080), (3840, 2160)],
    ids=["phone", "tablet", "laptop", "desktop", "4k"],
)
def test_slide_fits_the_viewport(standalone, web_package, tmp_path, size):  # noqa: F811
    width, height = size
    s = standalone(web_package, viewport={"width": width, "height": height})
    learner = learner_for(s, web_package)
    learner.start()
    learner.view_slides(1)
    s.page.wait_for_function(
        "() => { const i = document.querySelector('img.slide'); return i.complete && i.naturalWidth > 0; }"
    )
    box = s.page.evaluate(SLIDE_BOX)
    s.page.screenshot(path=str(tmp_path / f"slide-{width}x{height}.png"))
    assert box["loaded"], box
    assert box["scrollWidth"] <= box["clientWidth"], box
    # The whole slide image is on screen, across the width and (with the Next button) without scrolling.
    assert box["left"] >= 0 and box["right"] <= box["innerWidth"], box
    assert box["top"] >= 0 and box["bottom"] <= box["innerHeight"], box
    assert box["nextBottom"] <= box["innerHeight"], box
    assert box["width"] >= min(width - 48, 900), box  # the slide uses the room it has
    if width >= 1920:  # desktop and 4K: the viewer grows past the 60rem reading width
        assert box["width"] >= 0.7 * width, box
    learner.click("Quiz")
    s.page.screenshot(path=str(tmp_path / f"question-{width}x{height}.png"))
    assert s.page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert (tmp_path / f"slide-{width}x{height}.png").stat().st_size > 1000
    s.assert_clean()


def swipe(page: Any, x0: float, x1: float, y: float) -> None:
    """A one-finger horizontal swipe through CDP touch events (what a phone sends)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x0, "y": y}]})
    for k in range(1, 6):
        cdp.send(
            "Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x0 + (x1 - x0) * k / 5, "y": y}]}
        )
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def test_swipe_changes_slide_on_touch(standalone, web_package):  # noqa: F811
    s = standalone(web_package, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    learner = learner_for(s, web_package)
    learner.start()
    learner.view_slides(1)
    total = len(learner.course["slides"])
    r = s.page.locator("img.slide").bounding_box()
    y = r["y"] + r["height"] / 2
    swipe(s.page, r["x"] + r["width"] * 0.85, r["x"] + r["width"] * 0.15, y)  # right to left: next slide
    s.page.get_by_text(f"Slide 2 of {total}", exact=True).wait_for()
    r = s.page.locator("img.slide").bounding_box()  # the new page's slide (the viewer re-renders)
    y = r["y"] + r["height"] / 2
    swipe(s.page, r["x"] + r["width"] * 0.15, r["x"] + r["width"] * 0.85, y)  # left to right: previous
    s.page.get_by_text(f"Slide 1 of {total}", exact=True).wait_for()
    s.assert_clean()
