"""Issue 11, theme branding in chromium: module.yaml `theme` with a logo (header and certificate), a cover (start
screen) and a font shipped in the package (@font-face in index.html's <style>, nothing fetched from elsewhere: the CSP and
the standalone fixture's request log both hold); axe 0 on the branded start screen and certificate."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.a11y import axe_url, describe, learner_for, run_axe, standalone  # noqa: F401
from tests.browser.journey import course_of, pack
from tests.browser.test_journey_player import Quiz
from tests.browser.test_player_stage import VIEWPORTS, shot
from tests.browser.theme_helpers import FONT, branded_source

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not FONT.is_file(), reason=f"the test font {FONT} is not installed"),
]

LOADED = "i => i.complete && i.naturalWidth > 0"
FONT_STATE = """async () => {
    await document.fonts.ready;
    const faces = [...document.fonts].map(f => ({family: f.family.replace(/"/g, ''), status: f.status}));
    return {faces, body: getComputedStyle(document.body).fontFamily,
            button: getComputedStyle(document.querySelector('main .actions button')).fontFamily,
            check: document.fonts.check('16px "module-font"')};
}"""


@pytest.fixture(scope="module")
def branded_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("branded")
    return pack(branded_source(folder), "web", folder / "dist")


def test_logo_cover_and_font_are_shown_and_the_start_screen_passes_axe(standalone, branded_package, lms_server):  # noqa: F811
    s = standalone(branded_package, viewport={"width": 1366, "height": 768})
    learner_for(s, branded_package).on_start_screen()
    page = s.page
    logo, cover = page.locator("header.bar img.bar-logo"), page.locator("main img.cover")
    page.wait_for_function(f"() => [...document.querySelectorAll('img.bar-logo, img.cover')].every({LOADED})")
    assert logo.is_visible() and logo.get_attribute("src") == "assets/logo.png"
    assert logo.get_attribute("alt") == course_of(branded_package)["publisher"]
    header, box = page.locator("header.bar").bounding_box(), logo.bounding_box()
    assert box["y"] >= header["y"] and box["y"] + box["height"] <= header["y"] + header["height"] + 0.5, (box, header)
    assert cover.is_visible() and cover.get_attribute("src") == "assets/cover.jpg"
    assert cover.bounding_box()["width"] > 300
    fonts = page.evaluate(FONT_STATE)
    assert {"family": "module-font", "status": "loaded"} in fonts["faces"], fonts
    first_family = {key: fonts[key].split(",")[0].strip('" ') for key in ("body", "button")}
    assert first_family == {"body": "module-font", "button": "module-font"}, fonts
    assert fonts["check"], fonts
    violations = run_axe(page, axe_url(lms_server))
    assert not violations, describe(violations)
    shot(s, "start-laptop-branded")
    s.assert_clean()  # no page error, no console error (a CSP refusal is one), no request to another host


@pytest.mark.parametrize("name", VIEWPORTS)
def test_start_stays_above_the_fold_with_the_cover(standalone, branded_package, name):  # noqa: F811
    width, height = VIEWPORTS[name]
    s = standalone(branded_package, viewport={"width": width, "height": height})
    learner_for(s, branded_package).on_start_screen()
    s.page.wait_for_function(f"() => [...document.querySelectorAll('img.cover')].every({LOADED})")
    s.page.evaluate("() => document.fonts.ready")
    box = s.page.locator("main[data-screen=start] .actions button").first.bounding_box()
    assert s.page.evaluate("() => scrollY") == 0
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, f"Start ends {box['y'] + box['height']:.0f} px down"
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    s.assert_clean()


def test_the_certificate_shows_the_logo(standalone, branded_package, lms_server):  # noqa: F811
    s = standalone(branded_package, viewport={"width": 1366, "height": 768})
    learner = Quiz(s, course_of(branded_package))
    learner.start()
    learner.click("Quiz")
    learner.answer_all(True, check=True)
    learner.click("Certificate of completion")
    logo = s.page.locator(".certificate img.cert-logo")
    s.page.wait_for_function(f"() => [...document.querySelectorAll('.certificate img.cert-logo')].every({LOADED})")
    assert logo.is_visible() and logo.get_attribute("src") == "assets/logo.png"
    assert logo.get_attribute("alt") == course_of(branded_package)["publisher"]
    violations = run_axe(s.page, axe_url(lms_server))
    assert not violations, describe(violations)
    shot(s, "certificate-laptop-branded")
    s.assert_clean()
