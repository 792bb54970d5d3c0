"""Small third-party-style packages written for the local LMS tests: each one misbehaves in one known way.

Every package is a SCORM 1.2 zip with a valid manifest, so `scormkit validate` alone calls it valid: only a launch
shows what is wrong, which is what `validate --run` is for.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

MANIFEST_12 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="com.example.{name}" version="1"
    xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="ORG">
    <organization identifier="ORG">
      <title>{title}</title>
      <item identifier="ITEM" identifierref="RES">
        <title>{title}</title>{item_extra}
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="RES" type="webcontent" adlcp:scormtype="sco" href="index.html">
{files}
    </resource>
  </resources>
</manifest>
"""

# The SCORM 1.2 API search every SCO does (docs/lms-pitfalls.md rule 14): this window, then its parents.
FIND_API = """
function findAPI(win) {
  for (var i = 0; win && i < 10; i++) { if (win.API) return win.API; if (win.parent === win) break; win = win.parent; }
  return null;
}
var api = findAPI(window);
"""

PAGES = {
    # Loads, shows a page, never looks for the API: the LMS records nothing.
    "never-initializes": """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Never initializes</title></head>
<body><h1>Welcome</h1><p>This SCO forgot to call LMSInitialize.</p></body></html>""",
    # Initializes, then writes values the SCORM 1.2 data model refuses, reads a write-only element, and finishes.
    "wrong-api": """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Wrong API</title></head>
<body><h1>Quiz</h1><script>"""
    + FIND_API
    + """
api.LMSInitialize("");
api.LMSSetValue("cmi.core.lesson_status", "done");
api.LMSSetValue("cmi.core.score.raw", "ninety");
api.LMSGetValue("cmi.core.session_time");
api.LMSCommit("");
window.addEventListener("pagehide", function () { api.LMSFinish(""); });
</script></body></html>""",
    # Initializes and finishes correctly, but needs a file it does not ship, a CDN script, and throws.
    "leaky": """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Leaky</title>
<script src="https://cdn.example.com/tracking.js"></script></head>
<body><h1>Slides</h1><img src="images/missing.png" alt="a chart"><script>"""
    + FIND_API
    + """
api.LMSInitialize("");
api.LMSSetValue("cmi.core.lesson_status", "incomplete");
api.LMSCommit("");
console.error("player: could not read the slide list");
window.addEventListener("pagehide", function () { api.LMSSetValue("cmi.core.exit", "suspend"); api.LMSFinish(""); });
setTimeout(function () { undefinedPlayer.start(); }, 0);
</script></body></html>""",
    # Initializes, never finishes: closing it loses the session.
    "no-finish": """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>No finish</title></head>
<body><h1>Slides</h1><script>"""
    + FIND_API
    + """
api.LMSInitialize("");
api.LMSSetValue("cmi.core.lesson_status", "incomplete");
api.LMSCommit("");
</script></body></html>""",
    # Sets a failing score and says "completed": an LMS that grades by masteryscore (80 here) stores failed.
    "completes-with-low-score": """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Low score</title></head>
<body><h1>Quiz done</h1><script>"""
    + FIND_API
    + """
api.LMSInitialize("");
api.LMSSetValue("cmi.core.score.raw", "50");
api.LMSSetValue("cmi.core.score.max", "100");
api.LMSSetValue("cmi.core.lesson_status", "completed");
api.LMSCommit("");
window.addEventListener("pagehide", function () { api.LMSFinish(""); });
</script></body></html>""",
}

# A cmi5 AU that uses the fetch URL twice, sends a statement without an actor, and never sends terminated.
CMI5_XML = """<?xml version="1.0" encoding="UTF-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="https://example.org/cmi5/course">
    <title><langstring lang="en-US">Careless AU</langstring></title>
    <description><langstring lang="en-US">Fetches twice</langstring></description>
  </course>
  <au id="https://example.org/cmi5/au" moveOn="Completed">
    <title><langstring lang="en-US">Careless AU</langstring></title>
    <description><langstring lang="en-US">Fetches twice</langstring></description>
    <url>index.html</url>
  </au>
</courseStructure>
"""

CMI5_AU = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Careless AU</title></head>
<body><h1>Careless AU</h1><script>
var p = new URLSearchParams(location.search);
function post(url, body, auth) {
  var x = new XMLHttpRequest();
  x.open("POST", url, false);
  if (auth) x.setRequestHeader("Authorization", auth);
  x.setRequestHeader("Content-Type", "application/json");
  x.send(body);
  return x;
}
var auth = "Basic " + JSON.parse(post(p.get("fetch"), "").responseText)["auth-token"];
post(p.get("fetch"), "");
var session = {extensions: {"https://w3id.org/xapi/cmi5/context/extensions/sessionid": "s-1"}, registration: p.get("registration")};
var verb = function (v) { return {id: "http://adlnet.gov/expapi/verbs/" + v}; };
post(p.get("endpoint") + "statements", JSON.stringify({actor: JSON.parse(p.get("actor")), verb: verb("initialized"),
  object: {id: p.get("activityId")}, context: session}), auth);
post(p.get("endpoint") + "statements", JSON.stringify({verb: verb("completed"), object: {id: p.get("activityId")},
  context: session}), auth);
</script></body></html>"""


def write_cmi5_package(folder: Path) -> Path:
    path = Path(folder) / "careless-cmi5.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("cmi5.xml", CMI5_XML)
        z.writestr("index.html", CMI5_AU)
    return path


def write_package(folder: Path, name: str, *, item_extra: str = "") -> Path:
    """folder/<name>.zip: the manifest above with PAGES[name] as index.html (a masteryscore of 80 for the
    low-score one)."""
    if name == "completes-with-low-score" and not item_extra:
        item_extra = "\n        <adlcp:masteryscore>80</adlcp:masteryscore>"
    files = "\n".join(f'      <file href="{f}"/>' for f in ("index.html",))
    manifest = MANIFEST_12.format(
        name=name, title=name.replace("-", " ").capitalize(), item_extra=item_extra, files=files
    )
    path = Path(folder) / f"{name}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("imsmanifest.xml", manifest)
        z.writestr("index.html", PAGES[name])
    return path
