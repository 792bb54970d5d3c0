"""Diagnostics: every problem found, each with a place, a stable code, what is wrong and what to do about it.

One `Diagnostic` serves every verb (pack, check, validate, diff, ...); `Report` and the validator's PackageResult
are lists of them. The renderers of one diagnostic live here too: the text line, the JSON object, the GitHub
annotation; the verbs compose them into their outputs.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


_SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding, rendered `file:line: error[code] message`; `fix` is the one-line remedy, when one is known."""

    file: str
    line: int | None
    severity: Severity
    code: str
    message: str
    fix: str = ""

    @property
    def place(self) -> str:
        return self.file if self.line is None else f"{self.file}:{self.line}"

    def __str__(self) -> str:
        return f"{self.place}: {self.severity.value}[{self.code}] {self.message}"

    def with_fix(self) -> str:
        """The text line followed by the fix: how the JUnit report lists a finding."""
        return f"{self} (fix: {self.fix})"

    def to_dict(self) -> dict:
        """The JSON object of the diagnostic; `fix` only when there is one (pack's and check's JSON have none)."""
        record: dict = {
            "file": self.file,
            "line": self.line,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
        }
        if self.fix:
            record["fix"] = self.fix
        return record


def by_place(diagnostic: Diagnostic) -> tuple:
    """Sort key of a build report: by file and line, so a designer reads a file top to bottom."""
    return (diagnostic.file, diagnostic.line or 0, diagnostic.code, diagnostic.message)


def by_severity(diagnostic: Diagnostic) -> tuple:
    """Sort key of a package's findings: errors first, then by place."""
    return (_SEVERITY_RANK[diagnostic.severity], *by_place(diagnostic))


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def github_annotation(diagnostic: Diagnostic, file: str, line: int | None, message: str) -> str:
    """The GitHub Actions workflow command of `diagnostic`, annotating `file` (and `line`) with `message`."""
    props = f"file={_gh_property(file)}"
    if line is not None:
        props += f",line={line}"
    props += f",title={_gh_property(diagnostic.code)}"
    text = message + (f" Fix: {diagnostic.fix}" if diagnostic.fix else "")
    return f"::{_GITHUB_LEVEL[diagnostic.severity]} {props}::{_gh_data(text)}"


class Diagnostics:
    """What a list of diagnostics tells: its errors and warnings, how many of each, whether it passes."""

    def _all(self) -> Iterable[Diagnostic]:
        raise NotImplementedError

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self._all() if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self._all() if d.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self._all() if d.severity is severity)

    def codes(self, severity: Severity | None = None) -> set[str]:
        return {d.code for d in self._all() if severity is None or d.severity is severity}


@dataclass
class Report(Diagnostics):
    """Diagnostics collected across a whole run, so a designer sees every problem at once."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def _all(self) -> list[Diagnostic]:
        return self.diagnostics

    def error(self, file: str, line: int | None, code: str, message: str) -> None:
        self.diagnostics.append(Diagnostic(file, line, Severity.ERROR, code, message))

    def warning(self, file: str, line: int | None, code: str, message: str) -> None:
        self.diagnostics.append(Diagnostic(file, line, Severity.WARNING, code, message))

    def extend(self, other: Report) -> None:
        self.diagnostics.extend(other.diagnostics)

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.diagnostics, key=by_place)


class ScormkitError(Exception):
    """Raised with a report when a run cannot go on; the CLI prints it and exits 1."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__("\n".join(str(d) for d in report.sorted()))
