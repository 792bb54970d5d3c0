"""Diagnostics: every problem found, each with a place, a stable code and what to do about it."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding, rendered `file:line: error[code] message`."""

    file: str
    line: int | None
    severity: Severity
    code: str
    message: str

    def __str__(self) -> str:
        place = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{place}: {self.severity.value}[{self.code}] {self.message}"

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
        }


@dataclass
class Report:
    """Diagnostics collected across a whole run, so a designer sees every problem at once."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def error(self, file: str, line: int | None, code: str, message: str) -> None:
        self.diagnostics.append(Diagnostic(file, line, Severity.ERROR, code, message))

    def warning(self, file: str, line: int | None, code: str, message: str) -> None:
        self.diagnostics.append(Diagnostic(file, line, Severity.WARNING, code, message))

    def extend(self, other: Report) -> None:
        self.diagnostics.extend(other.diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.diagnostics, key=lambda d: (d.file, d.line or 0, d.code, d.message))


class ScormkitError(Exception):
    """Raised with a report when a run cannot go on; the CLI prints it and exits 1."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__("\n".join(str(d) for d in report.sorted()))
