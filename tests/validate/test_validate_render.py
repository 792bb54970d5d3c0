"""Output formats checked exactly: JSON against its JSON Schema, JUnit parsed with lxml, GitHub lines, exit codes."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from hostile import files12, make_zip
from lxml import etree
from rich.console import Console

from scormkit.diagnostics import Diagnostic, Severity
from scormkit.validate import (
    RESULT_JSON_SCHEMA,
    RULES,
    PackageResult,
    exit_code,
    render_github,
    render_json,
    render_junit,
    render_text,
    validate_path,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "validate.md"


@pytest.fixture()
def results(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ok = files12()
    warn = dict(files12(), **{"extra.css": b"x"})
    bad = files12()
    del bad["index.html"]
    for name, files in (("ok.zip", ok), ("warn.zip", warn), ("bad.zip", bad)):
        Path(name).write_bytes(make_zip(files))
    folder = Path("dir")
    for n, d in bad.items():
        (folder / n).parent.mkdir(parents=True, exist_ok=True)
        (folder / n).write_bytes(d)
    return [validate_path(Path(n)) for n in ("ok.zip", "warn.zip", "bad.zip", "dir")]


def test_json_matches_schema(results):
    jsonschema = pytest.importorskip("jsonschema")
    doc = json.loads(render_json(results))
    jsonschema.validate(doc, RESULT_JSON_SCHEMA)
    assert doc["schema_version"] == 1
    assert doc["summary"] == {"packages": 4, "valid": 2, "invalid": 2, "errors": 2, "warnings": 1, "infos": 0}
    first = doc["results"][2]
    assert list(first) == [
        "path",
        "standard",
        "edition",
        "schema_set",
        "lms",
        "manifest",
        "valid",
        "counts",
        "findings",
    ]
    assert first["findings"][0] == {
        "code": "cp.launch-missing",
        "severity": "error",
        "file": "imsmanifest.xml",
        "line": 16,
        "message": "launch file 'index.html' of resource 'res1' is not in the package",
        "fix": RULES["cp.launch-missing"].fix,
    }


def test_json_schema_rejects_drift(results):
    jsonschema = pytest.importorskip("jsonschema")
    doc = json.loads(render_json(results))
    doc["results"][0]["findings"].append(
        {"code": "x.y", "severity": "fatal", "file": "", "line": None, "message": "", "fix": ""}
    )
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, RESULT_JSON_SCHEMA)


def test_json_schema_documented():
    text = DOCS.read_text()
    block = re.search(r"<!-- json-schema -->\s*```json\n(.*?)```", text, re.S)
    assert block, "docs/validate.md must embed the JSON schema"
    assert json.loads(block.group(1)) == RESULT_JSON_SCHEMA


def test_rule_table_documented():
    text = DOCS.read_text()
    documented = dict(re.findall(r"^\| `([a-z0-9]+\.[a-z0-9-]+)` \| (error|warning|info) \|", text, re.M))
    assert documented == {code: rule.severity.value for code, rule in RULES.items()}


def test_junit(results):
    root = etree.fromstring(render_junit(results).encode())
    assert root.tag == "testsuites" and root.get("tests") == "4" and root.get("failures") == "2"
    cases = root.findall("testsuite/testcase")
    assert [c.get("name") for c in cases] == ["ok.zip", "warn.zip", "bad.zip", "dir"]
    assert [c.find("failure") is not None for c in cases] == [False, False, True, True]
    fail = cases[2].find("failure")
    assert fail.get("type") == "cp.launch-missing" and "index.html" in fail.text
    assert "cp.file-unlisted" in cases[1].find("system-out").text
    strict = etree.fromstring(render_junit(results, strict=True).encode())
    assert strict.get("failures") == "3"


def test_github_lines(results):
    lines = render_github(results).splitlines()
    fix_launch = RULES["cp.launch-missing"].fix
    fix_unlisted = RULES["cp.file-unlisted"].fix
    assert lines == [
        f"::warning file=warn.zip,title=cp.file-unlisted::extra.css: 1 package file(s) not listed in any "
        f"resource: extra.css Fix: {fix_unlisted}",
        f"::error file=bad.zip,title=cp.launch-missing::imsmanifest.xml:16: launch file 'index.html' of resource "
        f"'res1' is not in the package Fix: {fix_launch}",
        f"::error file=dir/imsmanifest.xml,line=16,title=cp.launch-missing::launch file 'index.html' of resource "
        f"'res1' is not in the package Fix: {fix_launch}",
    ]


def test_github_escaping():
    r = PackageResult(
        path=Path("a,b:c.zip"),
        findings=[Diagnostic("x", None, Severity.ERROR, "xml.not-well-formed", "50% broken\nline two", "fix it")],
    )
    assert render_github([r]) == (
        "::error file=a%2Cb%3Ac.zip,title=xml.not-well-formed::x: 50%25 broken%0Aline two Fix: fix it\n"
    )


def test_text(results):
    buf = io.StringIO()
    render_text(results, Console(file=buf, width=300, color_system=None))
    out = buf.getvalue()
    assert "ok.zip: SCORM 1.2 (schema set scorm12): valid" in out
    assert "bad.zip: SCORM 1.2 (schema set scorm12): invalid" in out
    assert "error[cp.launch-missing] imsmanifest.xml:16: launch file 'index.html'" in out
    assert out.rstrip().endswith("4 package(s): 2 valid, 2 invalid; 2 error(s), 1 warning(s)")


def test_exit_codes(results):
    ok, warn, bad, _ = results
    assert exit_code([ok]) == 0
    assert exit_code([ok, warn]) == 0
    assert exit_code([ok, warn], strict=True) == 1
    assert exit_code([ok, bad]) == 1
    assert exit_code([]) == 0
