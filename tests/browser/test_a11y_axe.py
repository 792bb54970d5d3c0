"""axe-core (WCAG 2.0/2.1 A and AA) finds nothing on any screen of the example module (issue 3).

One walk per target through every screen a learner meets: start (with the declaration of interest and the cover),
slides (first, middle with the slide text open, the slide menu and its search, last), each of the seven item types
before an answer and after correct and incorrect feedback, results not passed and passed (with the review of
answers), the closing screen. All screens are checked before the test fails, and
the failure lists every violation with its rule id, impact and target selectors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.a11y import (
    axe_url,
    describe,
    run_axe,
    standalone,  # noqa: F401 (fixture)
    walk_screens,
)
from tests.browser.journey import MODULE_SRC, pack

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("a11y")
    return {t: pack(MODULE_SRC, t, out) for t in ("scorm2004", "web")}


class Audit:
    def __init__(self, frame: Any, url: str):
        self.frame, self.url = frame, url
        self.results: dict[str, list[dict[str, Any]]] = {}

    def check(self, name: str) -> None:
        self.results[name] = run_axe(self.frame, self.url)

    def report(self) -> str:
        return "\n".join(f"{name}: {len(v)} violation(s)" for name, v in self.results.items())

    def assert_none(self) -> None:
        bad = {name: v for name, v in self.results.items() if v}
        assert not bad, "axe-core WCAG 2.1 A/AA violations:\n" + "\n".join(
            f"[{name}]\n{describe(v)}" for name, v in bad.items()
        )


def test_axe_finds_no_violation_scorm2004(launch, lms_server, packages):
    s = launch(packages["scorm2004"], "scorm2004")
    s.wait_for_initialize()
    audit = Audit(s.frame, axe_url(lms_server))
    walk_screens(s, packages["scorm2004"], audit.check)
    print("\nscorm2004\n" + audit.report())
    audit.assert_none()
    s.assert_clean()


def test_axe_finds_no_violation_web(standalone, lms_server, packages):  # noqa: F811
    s = standalone(packages["web"])
    audit = Audit(s.frame, axe_url(lms_server))
    walk_screens(s, packages["web"], audit.check)
    print("\nweb\n" + audit.report())
    audit.assert_none()
    s.assert_clean()


def test_axe_run_reports_a_violation(standalone, lms_server, packages):  # noqa: F811
    """The injected axe really runs in the player's document: an image without alt text is caught."""
    s = standalone(packages["web"])
    url = axe_url(lms_server)
    assert run_axe(s.frame, url) == []
    s.page.evaluate(
        "() => { const i = document.createElement('img'); i.src = 'x.webp'; document.querySelector('main').append(i); }"
    )
    found = run_axe(s.frame, url)
    assert [v["id"] for v in found] == ["image-alt"], describe(found)
