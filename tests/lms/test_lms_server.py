"""The local LMS server without a browser: 127.0.0.1 only, package files only, and what it reads from manifests."""

from __future__ import annotations

import http.client
import json
import socket
import zipfile
from pathlib import Path

import pytest

from scormkit.lms import LaunchError, LocalLms, open_content, read_launch


def get(
    lms: LocalLms, path: str, method: str = "GET", body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    """A raw request: the path goes on the wire as written (a browser would normalise '..' first)."""
    conn = http.client.HTTPConnection("127.0.0.1", lms.port, timeout=10)
    conn.request(method, path, body=body, headers=headers or {})
    answer = conn.getresponse()
    data = answer.read()
    conn.close()
    return answer.status, data


@pytest.fixture
def folder_lms(tmp_path: Path):
    """A package folder beside a secret file, and a symlink inside the package pointing at the secret."""
    pkg = tmp_path / "pkg"
    (pkg / "slides").mkdir(parents=True)
    (pkg / "index.html").write_text("<!doctype html><title>x</title>")
    (pkg / "slides" / "1.txt").write_text("slide one")
    (tmp_path / "secret.txt").write_text("TOP SECRET")
    (pkg / "link.txt").symlink_to(tmp_path / "secret.txt")
    lms = LocalLms()
    lms.serve(pkg)
    yield lms
    lms.close()


def test_listens_on_loopback_only(folder_lms: LocalLms):
    assert folder_lms._httpd.socket.getsockname()[0] == "127.0.0.1"
    assert folder_lms.url == f"http://127.0.0.1:{folder_lms.port}/"
    # The machine's own non-loopback address (the one a LAN neighbour would use) must refuse the connection.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1: no packet is sent by a UDP connect
        own = probe.getsockname()[0]
    if own.startswith("127."):
        pytest.skip("no non-loopback interface on this machine")
    with pytest.raises(OSError):
        socket.create_connection((own, folder_lms.port), timeout=3).close()


@pytest.mark.parametrize(
    "path",
    [
        "/content/../secret.txt",
        "/content/%2e%2e/secret.txt",
        "/content/slides/../../secret.txt",
        "/content/..%2fsecret.txt",
        "/content/slides%5c..%5c..%5csecret.txt",
        "/content//etc/passwd",
        "/content/link.txt",  # a symlink out of the package
    ],
)
def test_refuses_paths_outside_the_package(folder_lms: LocalLms, path: str):
    status, body = get(folder_lms, path)
    assert status == 403
    assert b"TOP SECRET" not in body and b"root:" not in body


@pytest.mark.parametrize("path", ["/content/", "/content/slides", "/content/slides/", "/lms/", "/lms/scorm-again/"])
def test_no_directory_listing(folder_lms: LocalLms, path: str):
    status, body = get(folder_lms, path)
    assert status == 404
    assert b"1.txt" not in body and b"index.html" not in body


def test_serves_package_files_and_the_lms_page(folder_lms: LocalLms):
    assert get(folder_lms, "/content/slides/1.txt") == (200, b"slide one")
    status, page = get(folder_lms, "/")
    assert status == 200 and b'<iframe id="sco"' in page
    status, runtime = get(folder_lms, "/lms/scorm-again/scorm12.min.js")
    assert status == 200 and b"Scorm12API" in runtime


def test_zip_members_are_served_case_sensitively(our_package):
    lms = LocalLms()
    try:
        lms.serve(our_package("scorm12"))
        assert get(lms, "/content/imsmanifest.xml")[0] == 200
        assert get(lms, "/content/IMSMANIFEST.XML")[0] == 404  # as on a Linux LMS (docs/lms-pitfalls.md rule 12)
        assert get(lms, "/content/../imsmanifest.xml")[0] == 403
    finally:
        lms.close()


def test_refuses_to_bind_a_taken_port(folder_lms: LocalLms):
    with pytest.raises(OSError):
        LocalLms(port=folder_lms.port)


# ---- what the LMS reads before launch ------------------------------------------------------------------------


def test_scorm12_launch_data_moodle_and_lenient(our_package):
    """docs/lms-pitfalls.md rules 6 and 24: like Moodle, the LMS hands over masteryscore and lets the score decide the status."""
    package = our_package("scorm12")
    info = read_launch(open_content(package))
    assert (info.standard, info.href) == ("scorm12", "index.html")
    assert info.mastery_data == {"cmi.student_data.mastery_score": "80"}
    for profile, expected in (("moodle", {"cmi.student_data.mastery_score": "80"}), ("lenient", {})):
        lms = LocalLms(profile=profile)
        try:
            lms.serve(package)
            launch = json.loads(get(lms, "/api/launch", "POST", b"")[1])
            mastery = {k: v for k, v in launch["presets"].items() if "mastery" in k}
            assert mastery == expected
            assert launch["masteryOverride"] is (profile == "moodle")
            assert launch["presets"]["cmi.core.student_id"] == "scormkit-learner"
            assert launch["launchUrl"] == lms.origin + "/content/index.html"
        finally:
            lms.close()


def test_scorm2004_scaled_passing_score_as_moodle_computes_it(tmp_path: Path):
    """docs/lms-pitfalls.md rule 23: Moodle takes cmi.scaled_passing_score from the LAST objective row, 1.0 when it has no measure."""

    def manifest(objectives: str) -> Path:
        xml = f"""<manifest identifier="m" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
          xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
          <metadata><schemaversion>2004 3rd Edition</schemaversion></metadata>
          <organizations default="o"><organization identifier="o"><title>T</title>
            <item identifier="i" identifierref="r" parameters="?lang=fr"><title>Item</title>
              <imsss:sequencing><imsss:objectives>{objectives}</imsss:objectives></imsss:sequencing>
            </item></organization></organizations>
          <resources><resource identifier="r" adlcp:scormType="sco" type="webcontent" href="start.html?x=1"/></resources>
        </manifest>"""
        path = tmp_path / f"p{len(list(tmp_path.iterdir()))}.zip"
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("imsmanifest.xml", xml)
        return path

    primary_only = manifest(
        '<imsss:primaryObjective satisfiedByMeasure="true">'
        "<imsss:minNormalizedMeasure>0.8</imsss:minNormalizedMeasure></imsss:primaryObjective>"
    )
    info = read_launch(open_content(primary_only))
    assert info.mastery_data == {"cmi.scaled_passing_score": "0.8"}
    assert info.href == "start.html?x=1&lang=fr"  # the item's parameters joined to the href's query
    with_extra = manifest(
        '<imsss:primaryObjective satisfiedByMeasure="true">'
        "<imsss:minNormalizedMeasure>0.8</imsss:minNormalizedMeasure></imsss:primaryObjective>"
        '<imsss:objective objectiveID="obj-2"/>'
    )
    assert read_launch(open_content(with_extra)).mastery_data == {"cmi.scaled_passing_score": "1.0"}


def test_cmi5_and_xapi_launch_info(our_package):
    cmi5 = read_launch(open_content(our_package("cmi5")))
    assert (cmi5.standard, cmi5.href, cmi5.move_on, cmi5.mastery) == ("cmi5", "index.html", "CompletedAndPassed", 0.8)
    assert cmi5.activity_id.startswith("https://")
    xapi = read_launch(open_content(our_package("xapi")))
    assert (xapi.standard, xapi.href) == ("xapi", "index.html") and xapi.activity_id.startswith("https://")


def test_nothing_to_launch(tmp_path: Path):
    path = tmp_path / "empty.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("course/index.html", "<p>one folder too deep</p>")
    with pytest.raises(
        LaunchError, match=r"no imsmanifest.xml, cmi5.xml, tincan.xml or index.html at the package root"
    ):
        read_launch(open_content(path))


# ---- the LRS ------------------------------------------------------------------------------------------------


def test_cmi5_launch_writes_launch_data_and_a_one_time_fetch_url(our_package):
    """cmi5 8.2 / docs/lms-pitfalls.md rules 16, 27: LMS.LaunchData is in the State API; the fetch URL hands out the token once."""
    import urllib.parse

    lms = LocalLms()
    try:
        lms.serve(our_package("cmi5"))
        url = json.loads(get(lms, "/api/launch", "POST", b"")[1])["launchUrl"]
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
        assert set(query) == {"endpoint", "fetch", "actor", "registration", "activityId"}
        fetch_path = urllib.parse.urlsplit(query["fetch"]).path
        status, first = get(lms, fetch_path, "POST", b"")
        token = json.loads(first)["auth-token"]
        assert json.loads(get(lms, fetch_path, "POST", b"")[1])["error-code"] == "1"
        state = urllib.parse.urlencode(
            {
                "activityId": query["activityId"],
                "agent": query["actor"],
                "registration": query["registration"],
                "stateId": "LMS.LaunchData",
            }
        )
        status, body = get(lms, "/xapi/activities/state?" + state, headers={"Authorization": "Basic " + token})
        launch_data = json.loads(body)
        assert status == 200
        assert launch_data["moveOn"] == "CompletedAndPassed" and launch_data["masteryScore"] == 0.8
        assert launch_data["launchMode"] == "Normal" and launch_data["returnURL"].startswith(lms.origin)
        assert get(lms, "/xapi/activities/state?" + state)[0] == 401  # no credentials, no data
    finally:
        lms.close()


def test_lrs_refuses_bad_statements_and_statements_after_terminated(folder_lms: LocalLms):
    auth = {"Authorization": folder_lms.lrs.auth, "Content-Type": "application/json"}
    session = {"extensions": {"https://w3id.org/xapi/cmi5/context/extensions/sessionid": "s-1"}}
    actor = {"objectType": "Agent", "account": {"homePage": "https://lms.example", "name": "l"}}

    def statement(verb: str) -> bytes:
        return json.dumps(
            {
                "actor": actor,
                "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
                "object": {"id": "https://example.org/au"},
                "context": session,
            }
        ).encode()

    assert get(folder_lms, "/xapi/statements", "POST", statement("initialized"), auth)[0] == 200
    status, body = get(folder_lms, "/xapi/statements", "POST", json.dumps({"verb": {"id": "x"}}).encode(), auth)
    assert status == 400 and json.loads(body)["error"] == "the statement has no actor"
    assert get(folder_lms, "/xapi/statements", "POST", statement("terminated"), auth)[0] == 200
    status, body = get(folder_lms, "/xapi/statements", "POST", statement("completed"), auth)
    assert status == 400 and "terminated" in json.loads(body)["error"]
    log = json.loads(get(folder_lms, "/api/lrs")[1])
    assert [(e["verb"], e["status"]) for e in log if "verb" in e] == [
        ("initialized", 200),
        ("x", 400),
        ("terminated", 200),
        ("completed", 400),
    ]


def test_lrs_answers_409_for_a_statement_id_it_has(folder_lms: LocalLms):
    """xAPI 1.0.3 Communication 2.1.2 (and Ralph): a resent id is a conflict; the player drops it and goes on."""
    auth = {"Authorization": folder_lms.lrs.auth, "Content-Type": "application/json"}
    statement = json.dumps(
        {
            "id": "3f1c6a52-8f4e-4a4b-9a57-0c1d2e3f4a5b",
            "actor": {"mbox": "mailto:l@example.org"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
            "object": {"id": "https://example.org/slide/1"},
        }
    ).encode()
    assert get(folder_lms, "/xapi/statements", "POST", statement, auth)[0] == 200
    status, body = get(folder_lms, "/xapi/statements", "POST", statement, auth)
    assert status == 409 and json.loads(body)["error"].endswith("is stored already (409)")
