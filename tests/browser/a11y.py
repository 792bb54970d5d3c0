"""Shared steps of the accessibility and layout tests (no tests here): axe-core, the standalone (web) player,
the screens of the example module.

axe-core comes from node_modules (`npm ci`); it is served by the test LMS server from the same 127.0.0.1 origin as
the package, so the player's Content-Security-Policy (`script-src 'self'`) lets it load like any package script.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import DEFAULT_TIMEOUT_MS, LmsServer
from tests.browser.journey import Learner, course_of

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_DIR = REPO_ROOT / "node_modules" / "axe-core"
# WCAG 2.0 and 2.1, levels A and AA (the WCAG 2.1 AA); best-practice rules are not part of the target.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_url(lms_server: LmsServer) -> str:
    if not (AXE_DIR / "axe.min.js").is_file():
        pytest.fail(f"{AXE_DIR / 'axe.min.js'} missing: run `npm ci` in {REPO_ROOT}", pytrace=False)
    cached = getattr(lms_server, "_axe_url", None)
    if cached is None:
        cached = lms_server.register(AXE_DIR, name="axe-core").base_url + "axe.min.js"
        lms_server._axe_url = cached  # type: ignore[attr-defined]
    return cached


def run_axe(frame: Any, url: str) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.x A/AA violations of the document in `frame` (a Playwright Frame or Page)."""
    if not frame.evaluate("() => !!window.axe"):
        frame.add_script_tag(url=url)
        frame.wait_for_function("() => !!window.axe")
    return frame.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}));
        }""",
        AXE_TAGS,
    )


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  {v['id']} ({v['impact']}): {v['help']}")
        for n in v["nodes"][:8]:
            summary = " ".join((n["summary"] or "").split())[:300]
            lines.append(f"      {n['target']}  -- {summary}")
    return "\n".join(lines)


@dataclass
class Standalone:
    """The web target opened on its own (no LMS), like a learner opening index.html from a web server."""

    context: Any
    page: Any
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    requested: list[str] = field(default_factory=list)  # every URL the page asked for, in order

    @property
    def content(self) -> Any:  # what Learner drives: a Page has the same get_by_* API as a FrameLocator
        return self.page

    @property
    def frame(self) -> Any:
        return self.page.main_frame

    def assert_clean(self) -> None:
        problems = {
            "page_errors": self.page_errors,
            "console_errors": self.console_errors,
            "external_requests": self.external,
        }
        assert not any(problems.values()), json.dumps(problems, indent=2)


@pytest.fixture
def standalone(browser: Any, lms_server: LmsServer) -> Iterator[Callable[..., Standalone]]:
    """standalone(package_zip, viewport=None, **context_options) -> Standalone (web target, served on 127.0.0.1).

    Keywords for a test of the page's loading: `init_script` runs before the page's own scripts, `routes` are
    (glob, handler) pairs that answer before the server does, `wait_until` is goto's, and `wait_for_player=False`
    returns before the player has shown a screen."""
    opened: list[Standalone] = []

    def open_(
        package: Path,
        viewport: dict[str, int] | None = None,
        *,
        init_script: str | None = None,
        routes: tuple[tuple[str, Callable[[Any], None]], ...] = (),
        wait_until: str = "load",
        wait_for_player: bool = True,
        **options: Any,
    ) -> Standalone:
        pkg = lms_server.register(package)
        context = browser.new_context(
            viewport=viewport or {"width": 1280, "height": 800}, service_workers="block", **options
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        if init_script:
            context.add_init_script(init_script)
        page = context.new_page()
        s = Standalone(context, page)
        origin = lms_server.origin + "/"

        def on_route(route: Any) -> None:
            if route.request.url.startswith(origin):
                route.continue_()
            else:
                s.external.append(route.request.url)
                route.abort("blockedbyclient")

        context.route("**/*", on_route)
        for glob, handler in routes:  # registered later, so they answer first
            context.route(glob, handler)
        page.on("request", lambda r: s.requested.append(r.url))
        page.on("pageerror", lambda e: s.page_errors.append(f"{e.name}: {e.message}"))
        page.on("console", lambda m: m.type == "error" and s.console_errors.append(m.text))
        opened.append(s)
        page.goto(pkg.base_url + "index.html", wait_until=wait_until)
        if wait_for_player:
            page.locator("main[data-screen]").wait_for()
        return s

    yield open_
    for s in opened:
        s.context.close()


def learner_for(session: Any, package: Path) -> Learner:
    return Learner(session, course_of(package))


def first_of_each_type(course: dict[str, Any]) -> dict[int, str]:
    """{index of the first item of each type: type} in quiz order."""
    seen: dict[str, int] = {}
    for n, item in enumerate(course["quiz"]["items"]):
        seen.setdefault(item["type"], n)
    return {n: kind for kind, n in seen.items()}


def menu_screens(check: Callable[[str], None], ui: Any) -> None:
    """The slide menu open, then its search with results and with none: check each state."""
    control = ui.get_by_role("button", name="Slide menu", exact=True)
    control.click()
    assert control.get_attribute("aria-expanded") == "true"
    check("viewer, slide menu open")
    search = ui.get_by_role("searchbox")
    search.fill("opioid")
    ui.get_by_text("Slides found:", exact=False).wait_for()
    check("viewer, slide menu, search results")
    search.fill("zzzz-no-such-text")
    ui.get_by_text("No slide matches your search.", exact=True).wait_for()
    check("viewer, slide menu, search without results")
    search.fill("")
    control.click()


def walk_screens(session: Any, package: Path, check: Callable[[str], None]) -> None:
    """Visit every screen of the example module (see test_a11y_axe.py), calling check(name) on each."""
    learner = learner_for(session, package)
    ui, course = learner.ui, learner.course
    total = len(course["slides"])

    learner.on_start_screen()
    check("start")

    learner.start()
    learner.view_slides(1)
    check("slide 1 (first)")
    menu_screens(check, ui)
    middle = (total + 1) // 2
    learner.view_slides(middle)
    toggle = ui.get_by_role("button", name="Show slide text", exact=True)
    if toggle.count():
        toggle.click()
        ui.get_by_role("button", name="Hide slide text", exact=True).wait_for()
        check(f"slide {middle} (middle), slide text open")
    else:
        check(f"slide {middle} (middle)")
    ui.get_by_text(f"Slide {middle} of {total}", exact=True).wait_for()
    for n in range(middle, total):
        learner.click("Next")
        ui.get_by_text(f"Slide {n + 1} of {total}", exact=True).wait_for()
    check(f"slide {total} (last)")
    learner.to_quiz()

    firsts = first_of_each_type(course)
    items = course["quiz"]["items"]
    # Attempt 1 answers everything wrong (not passed, retake offered); attempt 2 answers everything right.
    for correct in (False, True):
        for n in range(len(items)):
            ui.get_by_role("heading", name=f"Question {n + 1} of {len(items)}", exact=True).wait_for()
            kind = firsts.get(n)
            if kind and not correct:
                check(f"{kind} item, unanswered")
            learner.answer_and_check(correct)
            if kind:
                check(f"{kind} item, {'correct' if correct else 'incorrect'} feedback")
            learner.next_question(last=n == len(items) - 1)
        ui.get_by_role("heading", name="Results", exact=True).wait_for()
        check("results, passed, review of answers" if correct else "results, not passed, review of answers")
        if not correct:
            learner.click("Retake the quiz")
    learner.click("Exit")
    ui.get_by_role("heading", name="You can close this window", exact=True).wait_for()
    check("closing screen")
