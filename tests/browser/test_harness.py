"""Proves the browser harness (conftest.py + harness/) with hand-written SCOs."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

# The SCO: finds the API in window.parent, starts the session on load, shows
# what it read from the LMS, sets status + suspend_data + location, commits;
# the "Exit" button finishes. Other buttons misbehave on purpose.
SCO_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tiny SCO</title></head>
<body>
  <p id="entry"></p><p id="suspend"></p><p id="location"></p><p id="name"></p>
  <button id="exit">Exit</button>
  <button id="leak">Leak</button>
  <button id="bad">Bad value</button>
  <script>
  var STD = "__STD__";
  var FINISH_ON_UNLOAD_ONLY = __UNLOAD_ONLY__;
  var api = STD === "scorm12" ? window.parent.API : window.parent.API_1484_11;
  var E = STD === "scorm12"
    ? {init: "LMSInitialize", fin: "LMSFinish", get: "LMSGetValue", set: "LMSSetValue", commit: "LMSCommit",
       entry: "cmi.core.entry", location: "cmi.core.lesson_location", name: "cmi.core.student_name",
       exit: "cmi.core.exit"}
    : {init: "Initialize", fin: "Terminate", get: "GetValue", set: "SetValue", commit: "Commit",
       entry: "cmi.entry", location: "cmi.location", name: "cmi.learner_name", exit: "cmi.exit"};
  api[E.init]("");
  document.getElementById("entry").textContent = "entry=" + api[E.get](E.entry);
  document.getElementById("suspend").textContent = "suspend=" + api[E.get]("cmi.suspend_data");
  document.getElementById("location").textContent = "location=" + api[E.get](E.location);
  document.getElementById("name").textContent = "name=" + api[E.get](E.name);
  if (STD === "scorm12") {
    api.LMSSetValue("cmi.core.lesson_status", "completed");
  } else {
    api.SetValue("cmi.completion_status", "completed");
    api.SetValue("cmi.success_status", "passed");
  }
  var previous = api[E.get]("cmi.suspend_data");
  api[E.set]("cmi.suspend_data", previous + "x");
  api[E.set](E.location, "page-2");
  api[E.set](E.exit, "suspend");
  if (!FINISH_ON_UNLOAD_ONLY) api[E.commit]("");
  var finished = false;
  function finish() { if (!finished) { finished = true; api[E.fin](""); } }
  document.getElementById("exit").onclick = finish;
  if (FINISH_ON_UNLOAD_ONLY) window.addEventListener("pagehide", finish);
  document.getElementById("leak").onclick = function () {
    fetch("http://example.com/").catch(function () {});
    console.error("sco says boom");
    setTimeout(function () { throw new Error("sco uncaught"); }, 0);
  };
  document.getElementById("bad").onclick = function () {
    api[E.set](STD === "scorm12" ? "cmi.core.lesson_status" : "cmi.completion_status", "bogus");
  };
  </script>
</body></html>
"""


def make_sco(folder: Path, standard: str, *, finish_on_unload_only: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    html = SCO_TEMPLATE.replace("__STD__", standard).replace(
        "__UNLOAD_ONLY__", "true" if finish_on_unload_only else "false"
    )
    (folder / "index.html").write_text(html, encoding="utf-8")
    return folder


def location(cmi: dict, standard: str) -> str:
    return cmi["core"]["lesson_location"] if standard == "scorm12" else cmi["location"]


def entry(cmi: dict, standard: str) -> str:
    return cmi["core"]["entry"] if standard == "scorm12" else cmi["entry"]


@pytest.mark.parametrize("standard", ["scorm12", "scorm2004"])
def test_sco_calls_reach_the_lms(launch, tmp_path, standard):
    session = launch(make_sco(tmp_path / "sco", standard), standard)
    session.wait_for_initialize()
    session.content.locator("#exit").click()
    session.wait_for_finish()

    cmi = session.cmi()
    assert cmi["suspend_data"] == "x"
    assert location(cmi, standard) == "page-2"
    assert entry(cmi, standard) == "ab-initio"
    if standard == "scorm12":
        assert cmi["core"]["lesson_status"] == "completed"
        assert cmi["core"]["exit"] == "suspend"
        assert cmi["core"]["student_name"] == "Tester, Scormkit"
        assert cmi["core"]["lesson_mode"] == "normal"
        methods = ["LMSInitialize", "LMSCommit", "LMSFinish"]
    else:
        assert cmi["completion_status"] == "completed"
        assert cmi["success_status"] == "passed"
        assert cmi["exit"] == "suspend"
        assert cmi["learner_name"] == "Scormkit Tester"
        assert cmi["mode"] == "normal"
        methods = ["Initialize", "Commit", "Terminate"]
    assert session.committed_cmi()["suspend_data"] == "x"
    assert session.get("cmi.suspend_data") == "x"
    calls = session.calls()
    assert [c["method"] for c in calls if c["method"] in methods] == methods
    # 2004: GetValue of a never-set element answers "" with error 403 (first launch)
    assert all(c["error"] == "0" or (c["method"] == "GetValue" and c["error"] == "403") for c in calls), calls
    sets = session.set_values()
    assert sets["cmi.suspend_data"] == "x"
    assert session.finished
    session.content.get_by_text("entry=ab-initio").wait_for()
    session.assert_clean()


@pytest.mark.parametrize("standard", ["scorm12", "scorm2004"])
def test_relaunch_resumes_with_suspend_data_and_location(launch, relaunch, tmp_path, standard):
    first = launch(make_sco(tmp_path / "sco", standard), standard)
    first.content.locator("#exit").click()
    first.wait_for_finish()

    second = relaunch(first)
    assert first.closed
    assert entry(second.cmi(), standard) == "resume"
    second.content.get_by_text("entry=resume").wait_for()
    second.content.get_by_text("suspend=x", exact=True).wait_for()
    second.content.get_by_text("location=page-2").wait_for()
    # the SCO appended to what it resumed with
    assert second.cmi()["suspend_data"] == "xx"
    assert second.saved_cmi["suspend_data"] == "x"
    second.assert_clean()


@pytest.mark.parametrize("standard", ["scorm12", "scorm2004"])
def test_finish_from_pagehide_is_recorded_on_relaunch(launch, relaunch, tmp_path, standard):
    first = launch(make_sco(tmp_path / "sco", standard, finish_on_unload_only=True), standard)
    first.wait_for_initialize()
    assert first.committed_cmi() is None  # nothing committed yet
    second = relaunch(first)  # unloads the SCO first: pagehide -> Finish/Terminate
    assert first.finished
    assert second.saved_cmi["suspend_data"] == "x"
    second.content.get_by_text("entry=resume").wait_for()


def test_relaunch_without_suspend_is_not_resume(launch, relaunch, tmp_path):
    first = launch(make_sco(tmp_path / "sco", "scorm12"), "scorm12")
    first.wait_for_initialize()
    first.page.evaluate("window.API.LMSSetValue('cmi.core.exit', '')")
    first.content.locator("#exit").click()
    first.wait_for_finish()
    second = relaunch(first)
    assert second.cmi()["core"]["entry"] == ""
    second.content.get_by_text("suspend=x", exact=True).wait_for()


def test_outside_requests_console_errors_and_page_errors_are_caught(launch, tmp_path):
    session = launch(make_sco(tmp_path / "sco", "scorm12"), "scorm12")
    session.content.locator("#leak").click()
    session.page.wait_for_timeout(300)
    assert any(u.startswith("http://example.com/") for u in session.external_requests)
    assert any(u.startswith("http://example.com/") for u in session.blocked)
    assert any("sco says boom" in m["text"] for m in session.console_errors)
    assert any("sco uncaught" in e for e in session.page_errors)
    assert not all(not v for v in session.problems().values())
    with pytest.raises(AssertionError):
        session.assert_clean()


def test_invalid_value_is_an_lms_error(launch, tmp_path):
    session = launch(make_sco(tmp_path / "sco", "scorm2004"), "scorm2004")
    session.content.locator("#bad").click()
    errors = session.errors()
    assert any(
        e["source"] == "sco-call" and e["element"] == "cmi.completion_status" and e["error"] == "406" for e in errors
    ), errors
    bad = [c for c in session.calls() if c["value"] == "bogus"]
    assert bad and bad[0]["result"] == "false"


def test_review_mode_and_presets(launch, tmp_path):
    session = launch(
        make_sco(tmp_path / "sco", "scorm12"), "scorm12", mode="review", presets={"cmi.core.student_name": "Ünal, Zoë"}
    )
    cmi = session.cmi()
    assert cmi["core"]["lesson_mode"] == "review"
    assert cmi["core"]["credit"] == "no-credit"
    session.content.get_by_text("name=Ünal, Zoë").wait_for()


MANIFEST_12 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="m" version="1.0" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="o"><organization identifier="o"><title>T</title>
    <item identifier="i" identifierref="r" parameters="?lang=en"><title>T</title>
      <adlcp:masteryscore>80</adlcp:masteryscore>
      <adlcp:datafromlms>hello</adlcp:datafromlms>
    </item></organization></organizations>
  <resources><resource identifier="r" type="webcontent" adlcp:scormtype="sco" href="content/index.html">
    <file href="content/index.html"/></resource></resources>
</manifest>
"""

WEBP_1PX = bytes.fromhex("524946461a000000574542505650384c0d0000002f00000010071011118888fe0700")


def test_zip_package_manifest_and_content_types(launch, lms_server, tmp_path):
    sco = make_sco(tmp_path / "sco", "scorm12")
    zpath = tmp_path / "course.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        z.writestr("imsmanifest.xml", MANIFEST_12)
        z.write(sco / "index.html", "content/index.html")
        z.writestr("content/img/a.webp", WEBP_1PX)
        z.writestr("content/data.json", json.dumps({"ok": True}))
        z.writestr("content/app.js", "window.x = 1;")
    session = launch(zpath, "scorm12")
    assert session.frame.url.endswith("/content/index.html?lang=en")
    cmi = session.cmi()
    assert cmi["student_data"]["mastery_score"] == "80"
    assert cmi["launch_data"] == "hello"
    types = session.frame.evaluate("""async () => {
        const out = {};
        for (const p of ['img/a.webp', 'data.json', 'app.js', 'index.html', 'missing.png']) {
            const r = await fetch(p);
            out[p] = [r.status, r.headers.get('content-type')];
        }
        return out;
    }""")
    assert types["img/a.webp"] == [200, "image/webp"]
    assert types["data.json"] == [200, "application/json"]
    assert types["app.js"][1].startswith("text/javascript")
    assert types["index.html"][1].startswith("text/html")
    assert types["missing.png"][0] == 404
    assert any(r["url"].endswith("/missing.png") and r["status"] == 404 for r in session.bad_responses)
    assert lms_server.not_found()[-1].endswith("/content/missing.png")
    with pytest.raises(ValueError, match="scorm12 package"):
        launch(zpath, "scorm2004")


RECORD_QUIZ = {
    "scorm12": """(() => { const a = window.API;
        a.LMSSetValue('cmi.interactions.0.id', 'q1'); a.LMSSetValue('cmi.interactions.0.type', 'choice');
        a.LMSSetValue('cmi.interactions.0.student_response', 'a');
        a.LMSSetValue('cmi.interactions.0.result', 'correct');
        a.LMSSetValue('cmi.objectives.0.id', 'obj1'); a.LMSSetValue('cmi.objectives.0.status', 'passed');
        a.LMSSetValue('cmi.core.score.raw', '90');
        a.LMSSetValue('cmi.core.session_time', '00:01:30'); a.LMSFinish(''); })()""",
    "scorm2004": """(() => { const a = window.API_1484_11;
        a.SetValue('cmi.interactions.0.id', 'q1'); a.SetValue('cmi.interactions.0.type', 'choice');
        a.SetValue('cmi.interactions.0.learner_response', 'a'); a.SetValue('cmi.interactions.0.result', 'correct');
        a.SetValue('cmi.objectives.0.id', 'obj1'); a.SetValue('cmi.objectives.0.success_status', 'passed');
        a.SetValue('cmi.score.scaled', '0.9');
        a.SetValue('cmi.session_time', 'PT1M30S'); a.Terminate(''); })()""",
}


@pytest.mark.parametrize("standard", ["scorm12", "scorm2004"])
def test_relaunch_keeps_interactions_objectives_and_adds_up_time(launch, relaunch, tmp_path, standard):
    first = launch(make_sco(tmp_path / "sco", standard), standard)
    first.page.evaluate(RECORD_QUIZ[standard])  # as if the SCO did it
    assert first.finished
    second = relaunch(first)
    cmi = second.cmi()
    assert cmi["interactions"]["0"]["id"] == "q1"
    assert cmi["interactions"]["0"]["result"] == "correct"
    assert cmi["objectives"]["0"]["id"] == "obj1"
    if standard == "scorm12":
        assert cmi["core"]["total_time"] == "00:01:30"
        assert cmi["core"]["score"]["raw"] == "90"
    else:
        assert cmi["total_time"] == "PT1M30S"
        assert cmi["score"]["scaled"] == "0.9"
    assert second.errors() == []


def test_launch_with_handwritten_saved_cmi(launch, tmp_path):
    saved = {"suspend_data": "s=3", "core": {"exit": "suspend", "lesson_location": "3", "lesson_status": "incomplete"}}
    session = launch(make_sco(tmp_path / "sco", "scorm12"), "scorm12", saved_cmi=saved)
    session.content.get_by_text("entry=resume").wait_for()
    session.content.get_by_text("suspend=s=3", exact=True).wait_for()
    session.content.get_by_text("location=3", exact=True).wait_for()
