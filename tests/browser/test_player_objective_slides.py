"""Issue 11, results by objective with links back to the slides that cover it (module.yaml `objectives[].slides`):
each objective's row links its slides; a link (clicked, or Enter without a mouse) opens the viewer at that slide with
the focus on its heading, and the viewer offers the way back to the results; axe finds nothing on the results with
the links, and the links do not make the phone layout scroll sideways."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.a11y import axe_url, describe, run_axe, standalone  # noqa: F401 (fixture)
from tests.browser.journey import MODULE_SRC, course_of, pack
from tests.browser.test_a11y_keyboard import KeyboardLearner
from tests.browser.test_journey_player import Quiz, norm

pytestmark = pytest.mark.browser

FOCUSED_HEADING = "() => { const h = document.querySelector('main h1'); return !!h && document.activeElement === h; }"


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pack(MODULE_SRC, "web", tmp_path_factory.mktemp("objective-slides"))


def to_results(session: Any, package: Path, *, plan: list[bool] | None = None) -> Quiz:
    """Start the example module, take the quiz (every answer right unless `plan` says), arrive on the results."""
    learner = Quiz(session, course_of(package))
    learner.start()
    learner.click("Quiz")
    items = learner.course["quiz"]["items"]
    for n, right in enumerate(plan or [True] * len(items)):
        learner.answer_and_check(right)
        learner.next_question(last=n == len(items) - 1)
    learner.ui.get_by_role("heading", name="Results by objective", exact=True).wait_for()
    return learner


def rows(learner: Quiz) -> dict[str, Any]:
    """Objective text -> its row on the results screen."""
    found = learner.ui.locator("table.objectives tbody tr")
    return {norm(found.nth(k).locator("th .obj-text").inner_text()): found.nth(k) for k in range(found.count())}


def test_each_objective_links_the_slides_that_cover_it(standalone, web, lms_server) -> None:  # noqa: F811
    s = standalone(web)
    learner = to_results(s, web)
    course, ui = learner.course, learner.ui
    slides = course["slides"]
    shown = rows(learner)
    assert set(shown) == {norm(o["text"]) for o in course["objectives"]}
    for objective in course["objectives"]:
        assert objective["slides"], objective["id"]  # module_src maps every objective to its slides
        row = shown[norm(objective["text"])]
        # What the learner reads under the objective: "Slides: 4 5 6 16", each number a link.
        assert norm(row.locator(".obj-slides").text_content()) == "Slides: " + " ".join(map(str, objective["slides"]))
        links = row.get_by_role("link")
        assert links.all_inner_texts() == [str(n) for n in objective["slides"]]
        for k, n in enumerate(objective["slides"]):
            assert links.nth(k).get_attribute("title") == f"Slide {n}: {slides[n - 1]['title']}"
    violations = run_axe(s.frame, axe_url(lms_server))
    assert not violations, describe(violations)

    # A click opens the viewer at that slide, the focus on its heading; Next keeps the way back to the results.
    stepwise = next(o for o in course["objectives"] if o["id"] == "stepwise")
    n = stepwise["slides"][0]
    shown[norm(stepwise["text"])].get_by_role("link", name=str(n), exact=True).click()
    s.page.wait_for_function(FOCUSED_HEADING)
    assert learner.heading() == slides[n - 1]["title"]
    ui.get_by_text(f"Slide {n} of {len(slides)}", exact=True).wait_for()
    assert learner.button("Quiz").count() == 0
    learner.click("Next")
    ui.get_by_text(f"Slide {n + 1} of {len(slides)}", exact=True).wait_for()
    learner.click("Back to the results")
    ui.get_by_role("heading", name="Results", exact=True).wait_for()
    s.page.wait_for_function(FOCUSED_HEADING)
    assert ui.locator("table.objectives .obj-slides a").count() == sum(len(o["slides"]) for o in course["objectives"])

    # On the last slide the way back replaces "Go to the quiz"; Back to the slides (not a link) keeps the quiz button.
    last = len(slides)
    learner.click("Back to the slides")
    ui.get_by_role("combobox", name="Go to slide").select_option(str(last - 1))
    ui.get_by_text(f"Slide {last} of {last}", exact=True).wait_for()
    assert learner.button("Go to the quiz").count() == 1 and learner.button("Back to the results").count() == 0
    learner.click("Go to the quiz")
    ui.get_by_role("heading", name="Results", exact=True).wait_for()
    # The row of the first objective linked to slide 16: from there, the last slide offers only the way back.
    shown = rows(learner)
    shown[norm(stepwise["text"])].get_by_role("link", name=str(stepwise["slides"][-1]), exact=True).click()
    ui.get_by_role("combobox", name="Go to slide").select_option(str(last - 1))
    ui.get_by_text(f"Slide {last} of {last}", exact=True).wait_for()
    assert learner.button("Go to the quiz").count() == 0
    learner.click("Back to the results")
    ui.get_by_role("heading", name="Results", exact=True).wait_for()
    s.assert_clean()  # no page error, no CSP violation (console), no request elsewhere


def test_a_slide_link_works_from_the_keyboard(launch, web, lms_server) -> None:
    package = pack(MODULE_SRC, "scorm2004", web.parent / "scorm2004")
    session = launch(package, "scorm2004")
    learner = to_results(session, package, plan=[n % 4 != 0 for n in range(len(course_of(package)["quiz"]["items"]))])
    course = learner.course
    slides = course["slides"]
    keys = KeyboardLearner(session, course)
    keys.expect_heading_focus("Results")
    titration = next(o for o in course["objectives"] if o["id"] == "titration")
    n = next(x for x in titration["slides"] if sum(x in o["slides"] for o in course["objectives"]) == 1)
    # Tab to the link (no mouse), Enter: the viewer at that slide, the focus on its heading.
    keys.activate(str(n))
    keys.expect_heading_focus(slides[n - 1]["title"])
    keys.activate("Back to the results")
    keys.expect_heading_focus("Results")
    assert not keys.invisible, f"focused without a visible focus indicator: {keys.invisible}"
    violations = run_axe(session.frame, axe_url(lms_server))
    assert not violations, describe(violations)
    session.assert_clean()


def test_the_links_fit_a_phone(standalone, web) -> None:  # noqa: F811
    s = standalone(web, viewport={"width": 390, "height": 844})
    learner = to_results(s, web)
    links = learner.ui.locator("table.objectives .obj-slides a")
    assert links.count() > 0
    assert s.page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
    # Each link is a target of at least 24 x 24 CSS pixels (WCAG 2.2 2.5.8, beyond the 2.1 AA the player meets).
    sizes = links.evaluate_all("as => as.map(a => [a.getBoundingClientRect().width, a.getBoundingClientRect().height])")
    assert all(w >= 24 and h >= 24 for w, h in sizes), sizes
    s.assert_clean()
