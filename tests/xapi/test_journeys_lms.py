"""Journeys against the LMS side of cmi5 and the State API: reloads, outages, modes, relaunches (issue 9, items 9-15).

The test LRS front (tests/xapi/lrs.py) plays a cmi5 LMS as the spec has it: the fetch URL answers once (cmi5 8.2),
LMS.LaunchData carries a new session id per launch (10.0), statements of a session after its `terminated` are
refused (9.3.8), and any endpoint can be switched off (503). Every journey asserts what the LRS stored (checked
with xapi-validation and `tincan`), that nothing the player sent was lost, and that the page had no error and made
no request off loopback. docs/lms-pitfalls.md rules 27 (reload, one-shot fetch) and 28 (outages) are the ones under test.
"""

from __future__ import annotations

import json
import re
import time
import uuid
import zipfile
from datetime import datetime
from typing import Any

import pytest

from tests.browser.journey import Learner, course_of

from .test_journeys import (
    MASTERY_EXT,
    SESSION_EXT,
    Session,
    actor,
    assert_valid,
    cmi5_checks,
    cmi5_launch,
    stored,
    verbs,
    xapi_url,
)

pytestmark = pytest.mark.browser

ATTEMPT_EXT = "http://id.tincanapi.com/extension/attempt-id"
RESUME_STATE_IDS = ("suspendData", "scormkit.resume")  # the current name, and the one of earlier packages


def seconds(iso: str) -> float:
    match = re.match(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$", iso)
    assert match, iso
    h, m, s = match.groups()
    return int(h or 0) * 3600 + int(m or 0) * 60 + float(s or 0)


def when(statement: dict[str, Any]) -> float:
    return datetime.fromisoformat(statement["timestamp"].replace("Z", "+00:00")).timestamp()


def next_slides(learner: Learner, first: int, last: int) -> None:
    """On slide `first` (1-based), press Next until slide `last`."""
    total = len(learner.course["slides"])
    for n in range(first, last):
        learner.ui.get_by_text(f"Slide {n} of {total}", exact=True).wait_for()
        learner.click("Next")
    learner.ui.get_by_text(f"Slide {last} of {total}", exact=True).wait_for()


def wait_banner(s: Session, text: str, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    while text not in s.banner() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert text in s.banner(), f"banner is {s.banner()!r}"
    return s.banner()


def nothing_lost(lrs: Any, registration: str, found: list[dict[str, Any]]) -> None:
    """Every statement the LRS was sent for the registration is stored, once, and none was refused."""
    assert {st["id"] for st in lrs.posted_statements(registration)} == {st["id"] for st in found}
    assert [
        r for r in lrs.rejected if any(st["context"]["registration"] == registration for st in r["statements"])
    ] == []


def settled_state(lrs: Any, activity: str, who: dict, registration: str, timeout: float = 10) -> dict[str, Any]:
    """The resume document once the last writes of a page that went away have landed (two equal reads)."""
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        doc = lrs.get_state(activity, who, registration, "suspendData")
        if doc is not None and doc == last:
            return doc
        last = doc
        time.sleep(0.5)
    assert last is not None
    return last


def state_puts(lrs: Any, since: float) -> list[dict[str, Any]]:
    return [
        r
        for r in lrs.requests
        if r["t"] >= since
        and r["method"] in ("PUT", "POST")
        and r["path"] == "/xAPI/activities/state"
        and r["params"].get("stateId") in RESUME_STATE_IDS
    ]


# ---- item 9: a reload continues the cmi5 session ------------------------------------------------------------


def test_cmi5_reload_continues_the_session(chromium, web, lrs, packages, check_statements):
    course = course_of(packages["cmi5"])
    slides, items = len(course["slides"]), len(course["quiz"]["items"])
    back = web.url("/lms/returned.html")
    url, info = cmi5_launch(packages["cmi5"], web, lrs, actor(), return_url=back)
    s = Session(chromium, url)
    learner = Learner(s, course)
    learner.start()
    learner.view_slides(upto=3)
    s.wait_outbox_empty()
    s.page.reload()  # F5: the same URL, the fetch URL already used
    learner.start(label="Resume")
    next_slides(learner, 3, slides)
    learner.to_quiz()
    learner.take_quiz(correct=True)
    s.wait_outbox_empty()
    learner.click("Exit")
    s.page.wait_for_url(back)
    found = stored(lrs, info["registration"], "terminated")
    assert_valid(check_statements, found)
    cmi5_checks(found, info)  # one session id on every statement
    # One session: one initialized, terminated last and only when the learner left (cmi5 9.3, 9.3.2, 9.3.8).
    assert verbs(found) == ["initialized"] + ["experienced"] * slides + ["answered"] * items + [
        "completed",
        "passed",
        "terminated",
    ]
    assert lrs.fetch_count(info["fetch"]) == 1  # the token of the first POST served the reload (8.2)
    terminated = found[-1]
    assert seconds(terminated["result"]["duration"]) >= when(terminated) - when(found[0]) - 0.02  # reload included
    nothing_lost(lrs, info["registration"], found)
    s.assert_clean(left_to=back)


# ---- item 10: an outage at reload or at launch is not "no LMS" -------------------------------------------------


def test_cmi5_reload_during_an_outage_waits_for_the_lrs(chromium, web, lrs, packages, check_statements):
    course = course_of(packages["cmi5"])
    url, info = cmi5_launch(packages["cmi5"], web, lrs, actor())
    s = Session(chromium, url)
    learner = Learner(s, course)
    learner.start()
    learner.view_slides(upto=2)
    s.wait_outbox_empty()
    lrs.outage = True
    s.page.reload()
    banner = wait_banner(s, "not answering")
    assert "refused" not in banner
    assert "No learning platform" not in s.page.locator("main").inner_text()
    assert s.page.locator("main[data-screen=start]").count() == 0  # no Start until the launch data is read
    assert any(r["status"] == 503 and r["params"].get("stateId") == "LMS.LaunchData" for r in lrs.requests)
    lrs.outage = False
    learner.start(label="Resume")  # the retry found the LRS back: the same session goes on
    assert s.banner() == ""
    next_slides(learner, 2, 3)
    s.wait_outbox_empty()
    learner.click("Exit")
    found = stored(lrs, info["registration"], "terminated")
    assert_valid(check_statements, found)
    cmi5_checks(found, info)
    assert verbs(found) == ["initialized", "experienced", "experienced", "experienced", "terminated"]
    assert lrs.fetch_count(info["fetch"]) == 1
    nothing_lost(lrs, info["registration"], found)
    s.assert_clean(expected=(503,))


def test_cmi5_outage_at_launch_retries_the_fetch_url_and_the_launch_data(
    chromium, web, lrs, packages, check_statements
):
    course = course_of(packages["cmi5"])
    url, info = cmi5_launch(packages["cmi5"], web, lrs, actor())
    lrs.outage = True  # the LMS's fetch URL and the LRS: both answer 503
    s = Session(chromium, url)
    learner = Learner(s, course)
    wait_banner(s, "not answering")
    assert s.page.locator("main[data-screen=start]").count() == 0
    assert [r["status"] for r in lrs.requests if r["path"] == "/cmi5/fetch/" + info["fetch"].rsplit("/", 1)[-1]][
        :1
    ] == [503]
    lrs.outage = False
    learner.start()
    learner.view_slides(upto=2)
    s.wait_outbox_empty()
    learner.click("Exit")
    found = stored(lrs, info["registration"], "terminated")
    assert_valid(check_statements, found)
    cmi5_checks(found, info)
    assert verbs(found) == ["initialized", "experienced", "experienced", "terminated"]
    assert lrs.fetch_count(info["fetch"]) == 1  # a 503 handed out no token, so the retry got it
    nothing_lost(lrs, info["registration"], found)
    s.assert_clean(expected=(503,))


# ---- item 11: a failed State API read is not "no saved progress" -----------------------------------------------


@pytest.mark.parametrize("runtime", ["xapi", "cmi5"])
def test_a_failed_state_read_never_starts_over(chromium, web, lrs, packages, check_statements, runtime):
    course = course_of(packages[runtime])
    slides = len(course["slides"])
    who = actor()
    if runtime == "cmi5":
        url, info = cmi5_launch(packages["cmi5"], web, lrs, who)
        registration = info["registration"]
    else:
        registration = str(uuid.uuid4())
        url = xapi_url(packages["xapi"], web, lrs, who, registration)
    s = Session(chromium, url)
    learner = Learner(s, course)
    learner.start()
    learner.view_slides()
    if runtime == "cmi5":  # completed and passed in the first session
        learner.to_quiz()
        learner.take_quiz(correct=True)
    s.wait_outbox_empty()
    learner.click("Exit")
    stored(lrs, registration, "terminated" if runtime == "cmi5" else "suspended")
    s.context.close()

    # The next launch, in another browser (nothing in localStorage), while the State API fails on the resume
    # document only: the player must wait, not start over and overwrite it.
    if runtime == "cmi5":
        url, _ = cmi5_launch(packages["cmi5"], web, lrs, who, again=info)
    lrs.outages.update("state:" + name for name in RESUME_STATE_IDS)
    since = time.time()
    s2 = Session(chromium, url)
    learner2 = Learner(s2, course)
    wait_banner(s2, "not answering")
    assert s2.page.locator("main[data-screen=start]").count() == 0
    assert state_puts(lrs, since) == []  # nothing was written over the unread state
    lrs.outages.clear()
    learner2.start(label="Resume")
    if runtime == "cmi5":
        s2.page.get_by_role("heading", name="Results", exact=True).wait_for()
    else:
        s2.page.get_by_text(f"Slide {slides} of {slides}", exact=True).wait_for()
    s2.wait_outbox_empty()
    learner2.click("Exit")
    found = stored(lrs, registration, "terminated" if runtime == "cmi5" else "suspended", count=2)
    assert_valid(check_statements, found)
    v = verbs(found)
    assert v.count("initialized") == 2 and v.count("experienced") == slides
    if runtime == "cmi5":
        assert v.count("completed") == 1 and v.count("passed") == 1  # once per registration (cmi5 9.3)
        assert v[-2:] == ["initialized", "terminated"]
    nothing_lost(lrs, registration, found)
    s2.assert_clean(expected=(503,))


# ---- item 12: Browse, then Normal ------------------------------------------------------------------------------


def test_cmi5_browse_then_normal_records_nothing_of_the_browse_session(chromium, web, lrs, packages, check_statements):
    course = course_of(packages["cmi5"])
    who = actor()
    url, info = cmi5_launch(packages["cmi5"], web, lrs, who, mode="Browse")
    s = Session(chromium, url)
    learner = Learner(s, course)
    learner.start()
    learner.view_slides()
    learner.to_quiz()
    learner.take_quiz(correct=True)  # the learner was told nothing is recorded
    s.wait_outbox_empty()
    learner.click("Exit")
    stored(lrs, info["registration"], "terminated")
    s.context.close()
    for state_id in RESUME_STATE_IDS:  # Browse writes no progress (cmi5 10.0 launchMode, rule 8)
        assert lrs.get_state(info["activity"], who, info["registration"], state_id) is None

    url, info2 = cmi5_launch(packages["cmi5"], web, lrs, who, again=info)
    s2 = Session(chromium, url)
    learner2 = Learner(s2, course)
    learner2.start()  # "Start", not "Resume": nothing was saved
    learner2.view_slides(upto=1)
    s2.wait_outbox_empty()
    learner2.click("Exit")
    found = stored(lrs, info["registration"], "terminated", count=2)
    assert_valid(check_statements, found)
    assert verbs(found) == ["initialized", "terminated", "initialized", "experienced", "terminated"]
    cmi5_checks(found[:2], info)
    cmi5_checks(found[2:], info2)
    nothing_lost(lrs, info["registration"], found)
    s2.assert_clean()


# ---- items 13 and 14: one judgement per registration, with its score ---------------------------------------------


def test_cmi5_relaunch_after_a_final_failure_reports_it_once_with_its_score(
    chromium, web, lrs, packages, check_statements
):
    package = packages["cmi5-1"]  # one attempt: the first failure is final
    course = course_of(package)
    who = actor()
    url, info = cmi5_launch(package, web, lrs, who)
    s = Session(chromium, url)
    learner = Learner(s, course)
    learner.start()
    learner.view_slides()
    learner.to_quiz()
    learner.take_quiz(correct=False)
    s.wait_outbox_empty()
    learner.click("Exit")
    stored(lrs, info["registration"], "terminated")
    s.context.close()
    for n in (2, 3):  # two more sessions of the same registration
        url, _ = cmi5_launch(package, web, lrs, who, again=info)
        s = Session(chromium, url)
        learner = Learner(s, course)
        learner.start(label="Resume")
        s.page.get_by_role("heading", name="Results", exact=True).wait_for()
        s.wait_outbox_empty()
        learner.click("Exit")
        stored(lrs, info["registration"], "terminated", count=n)
        s.assert_clean()
        s.context.close()
    found = stored(lrs, info["registration"], "terminated", count=3)
    assert_valid(check_statements, found)
    v = verbs(found)
    assert v.count("failed") == 1 and "passed" not in v and "completed" not in v
    assert v.count("initialized") == 3 and v.count("terminated") == 3
    failed = found[v.index("failed")]
    assert failed["result"]["success"] is False
    assert 0 <= failed["result"]["score"]["scaled"] < 0.8  # the final attempt's score reaches the LRS
    assert failed["context"]["extensions"][MASTERY_EXT] == 0.8
    assert failed["context"]["extensions"][SESSION_EXT] == info["session"]
    nothing_lost(lrs, info["registration"], found)


def test_xapi_statements_tell_attempts_apart_and_count_time_across_sessions(
    chromium, web, lrs, packages, check_statements
):
    package = packages["xapi"]  # unlimited attempts
    course = course_of(package)
    items = course["quiz"]["items"]
    who, registration = actor(), str(uuid.uuid4())
    url = xapi_url(package, web, lrs, who, registration)
    s = Session(chromium, url)
    learner = Learner(s, course)
    learner.start()
    learner.view_slides()
    learner.to_quiz()
    learner.take_quiz(correct=False)  # attempt 1 fails, attempts remain
    s.wait_outbox_empty()
    s.page.goto("about:blank")  # leaves without Exit: suspended
    s.assert_clean()
    s.context.close()
    stored(lrs, registration, "suspended")
    defs = json.loads(zipfile.ZipFile(package).read("xapi.json"))
    known = settled_state(lrs, defs["course"]["id"], who, registration)["time"] / 1000  # learning time so far

    s2 = Session(chromium, url)
    learner2 = Learner(s2, course)
    learner2.start(label="Resume")
    learner2.click("Retake the quiz")
    learner2.take_quiz(correct=True)  # attempt 2 passes
    s2.wait_outbox_empty()
    learner2.click("Exit")
    found = stored(lrs, registration, "terminated")
    assert_valid(check_statements, found)
    answered = [st for st in found if verbs([st])[0] == "answered"]
    assert [st["context"]["extensions"][ATTEMPT_EXT] for st in answered] == [1] * len(items) + [2] * len(items)
    assert [st["result"]["success"] for st in answered] == [False] * len(items) + [True] * len(items)
    by_id = {item["id"]: item for item in items}
    lang = course["language"]
    for st in answered:  # the question's prompt names it in reports, not "Question 6: q06-..."
        name = st["object"]["definition"]["name"][lang]
        prompt = " ".join(by_id[st["object"]["id"].rsplit("/", 1)[-1]]["promptText"].split())
        assert not name.startswith("Question ") and prompt.startswith(name.rstrip("\u2026"))
    v = verbs(found)
    passed, completed = found[v.index("passed")], found[v.index("completed")]
    second_start = found[v.index("initialized", 1)]
    # cmi5 9.5.4.1: the time spent to reach the status, the first session's (as the LRS knows it) included.
    assert known > 0
    assert seconds(passed["result"]["duration"]) >= known + when(passed) - when(second_start) - 0.02
    assert 0 < seconds(completed["result"]["duration"]) <= known + 0.01  # completed in session 1, at its time
    assert passed["result"]["score"] == {"scaled": 1, "raw": 100, "min": 0, "max": 100}
    # Open edX's cmi5 xblock (rule 29): verb display with an `en` key, the judgement alone in a PUT.
    assert all(st["verb"]["display"]["en"] == v for st, v in zip(found, v))
    puts = [p["body"]["id"] for p in lrs.statement_posts if p["method"] == "PUT"]
    assert completed["id"] in puts and passed["id"] in puts
    doc = settled_state(lrs, defs["course"]["id"], who, registration)
    assert doc["passed"] and doc["completed"] and doc["time"] >= seconds(passed["result"]["duration"]) * 1000 - 20
    nothing_lost(lrs, registration, found)
    s2.assert_clean()
