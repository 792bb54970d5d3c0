"""`scormkit validate --run`: each package launched in Chromium against the local LMS; what an LMS would see.

Our own packages (every target with an LMS) launch clean; the packages of tests/lms/packages.py each show their one
defect with the reason. The in-process tests share the session's Chromium (tests/conftest.py); the CLI tests run
scormkit in a subprocess, as CI does.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from scormkit.diagnostics import Severity
from scormkit.validate import validate_path
from scormkit.validate.run import RUN_RULES, run_packages

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs" / "preview.md"


def run(browser, path: Path, timeout: float = 15.0):
    (result,) = run_packages([validate_path(path)], browser=browser, timeout=timeout)
    return result


def run_findings(result, code: str | None = None):
    return [f for f in result.findings if f.code.startswith("run.") and (code is None or f.code == code)]


@pytest.mark.parametrize("target", ["scorm12", "scorm2004", "xapi", "cmi5"])
def test_our_packages_launch_clean(browser, our_package, target: str):
    result = run(browser, our_package(target))
    found = run_findings(result)
    # cmi5: the player sends terminated on Exit only, so a reload never ends the session (docs/lms-pitfalls.md rule 27); a
    # window closed without Exit is an abandoned session, which the LMS records (cmi5 9.3.6): --run says so.
    expected = ["run.launched"] + (["run.no-finish"] if target == "cmi5" else [])
    assert [f.code for f in found] == expected, [str(f) for f in found]
    assert result.valid
    summary = found[0].message
    if target == "scorm12":
        assert re.fullmatch(
            r"LMSInitialize after \d+\.\d s, \d+ API calls \(0 failed\), LMSFinish on close; "
            r"the LMS stored status incomplete",
            summary,
        ), summary
    elif target == "scorm2004":
        assert re.fullmatch(
            r"Initialize after \d+\.\d s, \d+ API calls \(0 failed\), Terminate on close; "
            r"the LMS stored status incomplete/unknown",
            summary,
        ), summary
    elif target == "cmi5":  # cmi5 9.3: initialized first, terminated last (docs/lms-pitfalls.md rule 16)
        assert summary.split(": ", 1)[1].split(", ")[0] == "initialized"
    else:
        assert summary.split(": ", 1)[1].split(", ")[0] == "initialized"


def test_a_sco_that_never_initializes(browser, bad_package):
    result = run(browser, bad_package("never-initializes"), timeout=4)
    (f,) = run_findings(result)
    assert (f.code, f.severity, f.file) == ("run.not-initialized", Severity.ERROR, "index.html")
    assert f.message == 'the content never called LMSInitialize("") within 4 s of loading index.html'
    assert not result.valid


def test_a_sco_that_calls_the_api_wrongly(browser, bad_package):
    result = run(browser, bad_package("wrong-api"))
    errors = sorted(f.message for f in run_findings(result, "run.api-error"))
    assert errors == [
        'LMSGetValue("cmi.core.session_time") returned "", error 404: Element is write only',
        'LMSSetValue("cmi.core.lesson_status", "done") returned "false", error 405: Incorrect Data Type',
        'LMSSetValue("cmi.core.score.raw", "ninety") returned "false", error 405: Incorrect Data Type',
    ]
    assert not result.valid
    (launched,) = run_findings(result, "run.launched")
    assert "(3 failed), LMSFinish on close" in launched.message


def test_missing_files_external_requests_console_and_script_errors(browser, bad_package):
    result = run(browser, bad_package("leaky"))
    by_code = {f.code: f for f in run_findings(result)}
    assert set(by_code) == {
        "run.launched",
        "run.script-error",
        "run.file-missing",
        "run.external-request",
        "run.console-error",
    }
    assert (by_code["run.file-missing"].file, by_code["run.file-missing"].severity) == (
        "images/missing.png",
        Severity.WARNING,
    )
    assert by_code["run.external-request"].message == "request to https://cdn.example.com/tracking.js (blocked)"
    script = by_code["run.script-error"]
    assert (script.file, script.message) == ("index.html", "ReferenceError: undefinedPlayer is not defined")
    source = bad_package("leaky")
    import zipfile

    html = zipfile.ZipFile(source).read("index.html").decode().splitlines()
    assert "undefinedPlayer.start()" in html[script.line - 1]  # the line to fix
    console = by_code["run.console-error"]
    assert console.message == "player: could not read the slide list" and "console.error" in html[console.line - 1]
    assert not result.valid  # the uncaught error; the rest are warnings


def test_closing_without_finish_is_a_warning(browser, bad_package):
    result = run(browser, bad_package("no-finish"))
    assert [f.code for f in run_findings(result)] == ["run.launched", "run.no-finish"]
    assert run_findings(result, "run.no-finish")[0].message == "the LMS closed the content and got no LMSFinish"
    assert result.valid


@pytest.mark.parametrize("profile, stored", [("moodle", "failed"), ("lenient", "completed")])
def test_the_lms_grades_by_masteryscore_like_moodle(browser, bad_package, profile: str, stored: str):
    """docs/lms-pitfalls.md rule 24: with a masteryscore and credit, the LMS stores the status the score earns, not the SCO's."""
    (result,) = run_packages([validate_path(bad_package("completes-with-low-score"))], browser=browser, profile=profile)
    (launched,) = run_findings(result, "run.launched")
    assert launched.message.endswith(f"LMSFinish on close; the LMS stored status {stored}")
    overridden = [f.message for f in run_findings(result, "run.status-overridden")]
    if profile == "moodle":
        assert overridden == [
            "the content set cmi.core.lesson_status=completed; the LMS stored failed "
            "(cmi.student_data.mastery_score=80)"
        ]
    else:
        assert overridden == []


def test_a_careless_cmi5_au(browser, tmp_path: Path):
    """cmi5 8.2.3: the fetch URL works once; an LRS refuses a statement without an actor; terminated is missing."""
    from .packages import write_cmi5_package

    result = run(browser, write_cmi5_package(tmp_path))
    found = {f.code: f.message for f in run_findings(result)}
    assert found == {
        "run.launched": "1 statement(s) stored: initialized",
        "run.cmi5-fetch": "POST fetch: the LRS answered 200: this fetch URL has been used already (cmi5 8.2.3)",
        "run.statement-rejected": "completed statement: the LRS answered 400: the statement has no actor",
        "run.no-finish": "the LMS closed the content and got no terminated statement",
    }
    assert not result.valid


def test_rules_are_documented():
    text = DOCS.read_text()
    documented = dict(re.findall(r"^\| `(run\.[a-z0-9-]+)` \| (error|warning|info) \|", text, re.M))
    assert documented == {code: rule.severity.value for code, rule in RUN_RULES.items()}


# ---- the CLI, in a real process ----------------------------------------------------------------------------


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full = {**os.environ, "PYTHONPATH": str(REPO / "src"), "COLUMNS": "200", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "scormkit", "validate", *args], capture_output=True, text=True, env=full, timeout=300
    )


def test_cli_exit_codes_and_formats(our_package, bad_package):
    ours = cli("--run", str(our_package("scorm12")), str(our_package("cmi5")))
    assert ours.returncode == 0, ours.stdout + ours.stderr
    assert "info[run.launched] index.html: LMSInitialize after" in ours.stdout

    bad = cli(
        "--run",
        "--run-timeout",
        "3",
        "--format",
        "json",
        str(bad_package("never-initializes")),
        str(bad_package("wrong-api")),
    )
    assert bad.returncode == 1, bad.stderr
    doc = json.loads(bad.stdout)
    from scormkit.validate import RESULT_JSON_SCHEMA

    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(doc, RESULT_JSON_SCHEMA)
    # The runtime findings (the static rules also see that these hand-made packages lack control documents).
    codes = [[f["code"] for f in r["findings"] if f["code"].startswith("run.")] for r in doc["results"]]
    assert codes[0] == ["run.not-initialized"]
    assert codes[1].count("run.api-error") == 3

    github = cli("--run", "--format", "github", str(bad_package("wrong-api")))
    assert github.returncode == 1
    assert re.search(
        r'^::error file=.*wrong-api\.zip,title=run\.api-error::index\.html: LMSSetValue\("cmi\.core\.'
        r'lesson_status", "done"\) returned "false", error 405: Incorrect Data Type',
        github.stdout,
        re.M,
    )


def test_cli_says_how_to_get_a_browser(our_package, tmp_path: Path):
    missing = cli("--run", "--browser", str(tmp_path / "no-chrome"), str(our_package("scorm12")))
    assert missing.returncode == 2
    assert f"--browser {tmp_path / 'no-chrome'}: no such executable" in missing.stderr
    none_on_path = cli("--run", str(our_package("scorm12")), env={"PATH": str(tmp_path)})
    assert none_on_path.returncode == 2
    assert "validate --run needs Chromium or Chrome, and none is on PATH" in none_on_path.stderr
    assert "apt-get install chromium" in none_on_path.stderr and "--browser" in none_on_path.stderr
    assert "Traceback" not in missing.stderr + none_on_path.stderr


def test_a_bare_manifest_is_launched_from_its_folder(browser, our_package, tmp_path: Path):
    import zipfile

    zipfile.ZipFile(our_package("scorm12")).extractall(tmp_path / "unzipped")
    result = run(browser, tmp_path / "unzipped" / "imsmanifest.xml")
    assert [f.code for f in run_findings(result)] == ["run.launched"]
