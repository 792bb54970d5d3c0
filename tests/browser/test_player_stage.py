"""Issue 11, the slide stage: the slide uses the screen, Start is above the fold, the slide menu is a sidebar with
thumbnails, the slide text a panel beside the slide, one toolbar that stays on screen, full screen; axe 0 on the new
states. Screenshots of each viewport go to docs/player-screens/ when SCORMKIT_SCREENSHOTS is set (docs/player.md).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.browser.a11y import axe_url, describe, learner_for, run_axe, standalone  # noqa: F401
from tests.browser.journey import MODULE_SRC, REPO_ROOT, pack

pytestmark = pytest.mark.browser

VIEWPORTS = {
    "phone": (320, 568),
    "phone-390": (390, 844),
    "phone-landscape": (844, 390),
    "tablet": (768, 1024),
    "laptop": (1366, 768),
    "desktop": (1920, 1080),
}
SHOTS = os.environ.get("SCORMKIT_SCREENSHOTS")

STAGE = """() => {
    const img = document.querySelector('img.slide'), r = img.getBoundingClientRect();
    const bar = document.querySelector('.toolbar').getBoundingClientRect();
    return {share: (r.width * r.height) / (innerWidth * innerHeight), widthShare: r.width / innerWidth,
            bottom: r.bottom, toolbarBottom: bar.bottom, innerHeight, loaded: img.complete && img.naturalWidth > 0,
            h1: document.querySelector('main h1').textContent};
}"""


@pytest.fixture(scope="module")
def web_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pack(MODULE_SRC, "web", tmp_path_factory.mktemp("stage"))


def shot(s: Any, name: str) -> None:
    if SHOTS:
        folder = Path(SHOTS) if os.path.isabs(SHOTS) else REPO_ROOT / SHOTS
        folder.mkdir(parents=True, exist_ok=True)
        s.page.screenshot(path=str(folder / f"{name}.png"))


@pytest.mark.parametrize("name", VIEWPORTS)
def test_start_is_above_the_fold_and_the_slide_uses_the_screen(standalone, web_package, name):  # noqa: F811
    width, height = VIEWPORTS[name]
    s = standalone(web_package, viewport={"width": width, "height": height})
    learner = learner_for(s, web_package)
    learner.on_start_screen()
    shot(s, f"start-{name}")
    start = s.page.locator("main[data-screen=start] .actions button").first
    box = start.bounding_box()
    assert s.page.evaluate("() => scrollY") == 0
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, f"Start is {box['y']:.0f} px down a {height} px screen"
    learner.start()
    s.page.wait_for_function(
        "() => { const i = document.querySelector('img.slide'); return i.complete && i.naturalWidth > 0; }"
    )
    stage = s.page.evaluate(STAGE)
    shot(s, f"slide-{name}")
    # The whole slide and the whole toolbar are on screen.
    assert stage["bottom"] <= stage["innerHeight"] and stage["toolbarBottom"] <= stage["innerHeight"] + 0.5, stage
    if name in ("laptop", "desktop"):
        assert stage["share"] >= 0.60, stage
    if name == "phone-390":
        assert stage["widthShare"] >= 0.90, stage
    if name == "phone-landscape":
        assert stage["widthShare"] >= 0.60, stage  # the toolbar moved beside the slide
    s.assert_clean()


def test_sidebar_with_thumbnails_and_text_panel_by_keyboard(standalone, web_package, lms_server):  # noqa: F811
    s = standalone(web_package, viewport={"width": 1366, "height": 768})
    learner = learner_for(s, web_package)
    learner.start()
    page, course = s.page, learner.course
    menu = page.get_by_role("button", name="Slide menu", exact=True)
    menu.focus()
    page.keyboard.press("Enter")
    assert menu.get_attribute("aria-expanded") == "true"
    assert page.evaluate("() => document.activeElement.type") == "search"
    sidebar = page.locator("aside#menu")
    thumbs = sidebar.locator("img.thumb")
    assert thumbs.count() == len(course["slides"])
    # Thumbnails are small WebP files of the package, decorative beside the slide's named button.
    first = page.evaluate(
        "() => { const i = document.querySelector('aside#menu img.thumb');"
        " return {src: i.getAttribute('src'), alt: i.alt, w: i.naturalWidth}; }"
    )
    assert first["src"].startswith("slides/thumbs/") and first["src"].endswith(".webp") and first["alt"] == ""
    # The sidebar sits left of the slide, the slide text right of it, both beside the stage.
    text = page.get_by_role("button", name="Show slide text", exact=True)
    text.focus()
    page.keyboard.press("Space")
    assert page.get_by_role("button", name="Hide slide text", exact=True).get_attribute("aria-expanded") == "true"
    boxes = page.evaluate("""() => ['aside#menu', 'figure.stage', 'aside#transcript'].map(
        q => document.querySelector(q).getBoundingClientRect().toJSON())""")
    assert boxes[0]["right"] <= boxes[1]["left"] + 1 and boxes[1]["right"] <= boxes[2]["left"] + 1, boxes
    shot(s, "slide-laptop-sidebar-and-text")
    violations = run_axe(page, axe_url(lms_server))
    assert not violations, describe(violations)
    page.keyboard.press("Space")  # closes the text panel again
    assert page.locator("aside#transcript").is_hidden()
    menu.focus()
    page.keyboard.press("Enter")
    assert sidebar.is_hidden()
    s.assert_clean()


def test_full_screen_hides_the_header_and_grows_the_slide(standalone, web_package, lms_server):  # noqa: F811
    s = standalone(web_package, viewport={"width": 1366, "height": 768})
    learner = learner_for(s, web_package)
    learner.start()
    page = s.page
    page.wait_for_function(
        "() => { const i = document.querySelector('img.slide'); return i.complete && i.naturalWidth > 0; }"
    )
    before = page.evaluate(STAGE)
    toggle = page.get_by_role("button", name="Full screen", exact=True)
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    page.wait_for_function("() => document.querySelector('header.bar').getBoundingClientRect().height === 0")
    after = page.evaluate(STAGE)
    assert after["share"] > before["share"], (before, after)
    violations = run_axe(page, axe_url(lms_server))
    assert not violations, describe(violations)
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "false"
    assert page.locator("header.bar").is_visible()
    s.assert_clean()


def test_theme_colours_are_applied_and_pass_axe(standalone, tmp_path, lms_server):  # noqa: F811
    """Issue 11: module.yaml `theme` colours the player (contrast checked at build time, tests/test_player_theme.py)."""
    import shutil

    src = tmp_path / "src"
    shutil.copytree(MODULE_SRC, src)
    with (src / "module.yaml").open("a") as f:
        f.write('\ntheme:\n  primary: "#7a1f5c"\n  accent: "#c05a00"\n')
    package = pack(src, "web", tmp_path / "dist")
    s = standalone(package, viewport={"width": 1366, "height": 768})
    learner_for(s, package).on_start_screen()
    start = s.page.locator("main[data-screen=start] .actions button").first
    assert start.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(122, 31, 92)"
    assert s.page.evaluate("() => getComputedStyle(document.querySelector('main h1')).boxShadow").startswith(
        "rgb(192, 90, 0)"
    )
    violations = run_axe(s.page, axe_url(lms_server))
    assert not violations, describe(violations)
    shot(s, "start-laptop-themed")
    s.assert_clean()
