"""Output formats of `scormkit validate`: text (rich), JSON (schema below), JUnit XML, GitHub workflow commands."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence

from lxml import etree
from rich.console import Console
from rich.markup import escape

from scormkit.boundary import printable
from scormkit.diagnostics import Diagnostic, Severity, github_annotation

from .findings import PackageResult

JSON_SCHEMA_VERSION = 1

_FINDING_FIELDS = ("code", "severity", "file", "line", "message", "fix")
_FINDING_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": list(_FINDING_FIELDS),
    "properties": {
        "code": {"type": "string", "pattern": "^[a-z0-9]+\\.[a-z0-9-]+$"},
        "severity": {"enum": ["error", "warning", "info"]},
        "file": {"type": "string"},
        "line": {"type": ["integer", "null"], "minimum": 1},
        "message": {"type": "string"},
        "fix": {"type": "string"},
    },
}

#: JSON Schema (draft 2020-12) of `render_json`'s output; documented in docs/validate.md.
RESULT_JSON_SCHEMA: dict = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://scormkit.invalid/schemas/validate-result-1.json",
    "title": "scormkit validate --format json",
    "type": "object",
    "additionalProperties": False,
    "required": ["schema_version", "tool", "summary", "results"],
    "properties": {
        "schema_version": {"const": 1},
        "tool": {"const": "scormkit"},
        "summary": {
            "type": "object",
            "additionalProperties": False,
            "required": ["packages", "valid", "invalid", "errors", "warnings", "infos"],
            "properties": {
                k: {"type": "integer", "minimum": 0}
                for k in ("packages", "valid", "invalid", "errors", "warnings", "infos")
            },
        },
        "results": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": [
                    "path",
                    "standard",
                    "edition",
                    "schema_set",
                    "lms",
                    "manifest",
                    "valid",
                    "counts",
                    "findings",
                ],
                "properties": {
                    "path": {"type": "string"},
                    "standard": {"enum": ["scorm12", "scorm2004", "cmi5", "xapi", None]},
                    "edition": {"enum": ["2nd", "3rd", "4th", None]},
                    "schema_set": {
                        "enum": ["scorm12", "scorm2004-2nd", "scorm2004-3rd", "scorm2004-4th", "cmi5", None]
                    },
                    "lms": {"type": ["string", "null"]},
                    "manifest": {"type": ["string", "null"]},
                    "valid": {"type": "boolean"},
                    "counts": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["error", "warning", "info"],
                        "properties": {k: {"type": "integer", "minimum": 0} for k in ("error", "warning", "info")},
                    },
                    "findings": {"type": "array", "items": _FINDING_SCHEMA},
                },
            },
        },
    },
}


def exit_code(results: Sequence[PackageResult], strict: bool = False) -> int:
    """0 when every package is valid (and, with strict, has no warnings); 1 otherwise. (2 = usage, from the CLI.)"""
    for r in results:
        if not r.valid or (strict and r.warnings):
            return 1
    return 0


def _finding_dict(f: Diagnostic) -> dict:
    """The diagnostic's JSON object with its keys in the order of the schema (a contract for CI scripts)."""
    record = {**f.to_dict(), "fix": f.fix}
    return {key: record[key] for key in _FINDING_FIELDS}


def _result_dict(r: PackageResult) -> dict:
    return {
        "path": str(r.path),
        "standard": r.standard,
        "edition": r.edition,
        "schema_set": r.schema_set,
        "lms": r.lms,
        "manifest": r.manifest,
        "valid": r.valid,
        "counts": {s.value: r.count(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)},
        "findings": [_finding_dict(f) for f in r.sorted_findings()],
    }


def render_json(results: Sequence[PackageResult]) -> str:
    doc = {
        "schema_version": JSON_SCHEMA_VERSION,
        "tool": "scormkit",
        "summary": {
            "packages": len(results),
            "valid": sum(1 for r in results if r.valid),
            "invalid": sum(1 for r in results if not r.valid),
            "errors": sum(r.count(Severity.ERROR) for r in results),
            "warnings": sum(r.count(Severity.WARNING) for r in results),
            "infos": sum(r.count(Severity.INFO) for r in results),
        },
        "results": [_result_dict(r) for r in results],
    }
    return json_text(doc)


def _json_safe(value):
    """Values JSON and UTF-8 can carry: no NaN/infinity (not JSON), no lone surrogates (not UTF-8)."""
    if isinstance(value, dict):
        return {_json_safe(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str):
        # Entry and folder names that were not UTF-8 arrive as surrogate escapes: show their bytes as \xNN.
        return _SURROGATE.sub(
            lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}" if ord(m.group()) >= 0xDC80 else f"\\u{ord(m.group()):04x}",
            value,
        )
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    return _json_safe(str(value))


_SURROGATE = re.compile("[\ud800-\udfff]")


def json_text(doc) -> str:
    """`doc` as indented JSON that is always valid JSON and valid UTF-8."""
    return json.dumps(_json_safe(doc), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def render_text(
    results: Sequence[PackageResult], console: Console, *, strict: bool = False, show_info: bool = True
) -> None:
    style = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
    for r in results:
        failed = not r.valid or (strict and r.warnings)
        verdict = "[bold red]invalid[/]" if failed else "[bold green]valid[/]"
        what = escape(r.label) + (f" [dim](schema set {r.schema_set})[/]" if r.schema_set else "")
        lms = f" [dim]--lms {escape(r.lms)}[/]" if r.lms else ""
        console.print(f"[bold]{escape(printable(str(r.path)))}[/]: {what}{lms}: {verdict}", soft_wrap=True)
        for f in r.sorted_findings():
            if f.severity is Severity.INFO and not show_info:
                continue
            # printable: entry names and manifest text come from the package and may hold ANSI escapes.
            console.print(
                f"  [{style[f.severity]}]{escape(f'{f.severity.value}[{f.code}]')}[/] "
                f"{escape(printable(f.place))}: {escape(printable(f.message))}",
                highlight=False,
                soft_wrap=True,
            )  # soft_wrap: one line per problem, whatever the terminal width
            console.print(f"    [dim]fix: {escape(printable(f.fix))}[/]", highlight=False, soft_wrap=True)
    n_valid = sum(1 for r in results if r.valid and not (strict and r.warnings))
    errors = sum(r.count(Severity.ERROR) for r in results)
    warnings = sum(r.count(Severity.WARNING) for r in results)
    console.print(
        f"{len(results)} package(s): {n_valid} valid, {len(results) - n_valid} invalid; "
        f"{errors} error(s), {warnings} warning(s)" + (" (--strict: warnings fail)" if strict else "")
    )


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    """Characters XML 1.0 cannot carry (entry names may hold any) shown as \\xNN."""
    return _XML_INVALID.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def render_junit(results: Sequence[PackageResult], *, strict: bool = False) -> str:
    """One <testcase> per package; <failure> when it is invalid (or has warnings under strict)."""
    failures = sum(1 for r in results if not r.valid or (strict and r.warnings))
    suites = etree.Element(
        "testsuites", name="scormkit validate", tests=str(len(results)), failures=str(failures), errors="0"
    )
    suite = etree.SubElement(
        suites,
        "testsuite",
        name="scormkit validate",
        tests=str(len(results)),
        failures=str(failures),
        errors="0",
        skipped="0",
    )
    for r in results:
        case = etree.SubElement(
            suite, "testcase", classname=f"scormkit.validate.{r.standard or 'unknown'}", name=_xml_safe(str(r.path))
        )
        ordered = r.sorted_findings()
        failing = [f for f in ordered if f.severity is Severity.ERROR or (strict and f.severity is Severity.WARNING)]
        if failing:
            fail = etree.SubElement(
                case,
                "failure",
                type=failing[0].code,
                message=_xml_safe(f"{len(failing)} problem(s); first: {failing[0].message}"),
            )
            fail.text = _xml_safe("\n".join(f.with_fix() for f in failing))
        failed = set(map(id, failing))  # by identity: `f not in failing` was quadratic (100,000 findings: hours)
        rest = [f for f in ordered if id(f) not in failed]
        if rest:
            out = etree.SubElement(case, "system-out")
            out.text = _xml_safe("\n".join(f.with_fix() for f in rest))
    return etree.tostring(suites, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode()


def render_github(results: Sequence[PackageResult]) -> str:
    """GitHub Actions workflow commands, one line per finding.

    For a folder or a bare manifest the annotation points at the file on disk (with its line); for a zip it
    points at the zip and the message starts with the member path (and line).
    """
    lines = []
    for r in results:
        is_zip = r.path.suffix.lower() == ".zip" or (
            r.path.is_file()
            and r.path.name not in ("imsmanifest.xml", "cmi5.xml", "tincan.xml")
            and r.path.suffix.lower() != ".xml"
        )
        for f in r.sorted_findings():
            if r.path.is_dir():
                file, line, msg = f"{r.path.as_posix()}/{f.file}", f.line, f.message
            elif is_zip:
                file, line, msg = r.path.as_posix(), None, f"{f.place}: {f.message}"
            else:
                file, line, msg = r.path.as_posix(), f.line, f.message
            lines.append(printable(github_annotation(f, file, line, msg)))
    return "\n".join(lines) + ("\n" if lines else "")
