"""The player's stylesheet is inline in index.html (issue 11, fast first paint: no render-blocking stylesheet request)
and the Content-Security-Policy allows it by its hash: in chromium the styles apply with no CSP violation, and any
other inline style, such as one a script would add, is still refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.a11y import standalone  # noqa: F401
from tests.browser.journey import MODULE_SRC, pack

pytestmark = pytest.mark.browser

STYLES = """() => {
    const button = document.querySelector('main[data-screen=start] .btn.primary');
    return {button: getComputedStyle(button).backgroundColor, bodyMargin: getComputedStyle(document.body).margin,
            font: getComputedStyle(document.body).fontFamily, sheets: document.styleSheets.length,
            href: document.styleSheets[0].href};
}"""

INJECT = """() => new Promise(resolve => {
    const refused = [];
    document.addEventListener('securitypolicyviolation', e => refused.push(e.effectiveDirective));
    const style = document.createElement('style');
    style.textContent = 'body { background: rgb(255, 0, 0) !important; }';
    document.head.appendChild(style);
    const div = document.createElement('div');
    div.setAttribute('style', 'color: rgb(255, 0, 0)');
    document.body.appendChild(div);
    setTimeout(() => resolve({refused, body: getComputedStyle(document.body).backgroundColor,
                              div: getComputedStyle(div).color}), 200);
})"""


@pytest.fixture(scope="module")
def web_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pack(MODULE_SRC, "web", tmp_path_factory.mktemp("stylesheet"))


def test_the_inline_stylesheet_applies_and_nothing_else_inline_does(standalone, web_package):  # noqa: F811
    s = standalone(web_package)
    s.page.locator("main[data-screen=start] .btn.primary").wait_for()
    styles = s.page.evaluate(STYLES)
    assert styles["sheets"] == 1 and styles["href"] is None  # one stylesheet, in the page, none fetched
    assert styles["button"] == "rgb(11, 92, 173)"  # player.css's --accent, #0b5cad
    assert styles["bodyMargin"] == "0px" and styles["font"].startswith("system-ui")
    assert s.console_errors == [] and s.page_errors == []  # no "Refused to apply inline style"
    injected = s.page.evaluate(INJECT)
    assert sorted(injected["refused"]) == ["style-src-attr", "style-src-elem"]
    assert injected["body"] == "rgb(255, 255, 255)" and injected["div"] != "rgb(255, 0, 0)"
    assert s.external == []
