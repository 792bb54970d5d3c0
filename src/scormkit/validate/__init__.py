"""Validate any SCORM 1.2 / 2004, cmi5 or xAPI (tincan.xml) package the way a careful LMS would.

Public API (what `scormkit validate` / `scormkit info` call):

- `validate_path(path, *, lms=None) -> PackageResult` for a .zip, a folder or a bare manifest file
- `validate_paths(paths, *, lms=None, jobs=None) -> list[PackageResult]`: many, on every core (a process pool)
- `package_info(path) -> dict`
- `render_text(results, console, *, strict=False)`, `render_json(results) -> str`,
  `render_junit(results, *, strict=False) -> str`, `render_github(results) -> str`
- `exit_code(results, strict=False) -> int`
- `LMS_PROFILES` (names accepted by `lms`), `RULES` (code -> Rule), `RESULT_JSON_SCHEMA`

See docs/validate.md for the rule table and the JSON schema.
"""

from __future__ import annotations

from scormkit.diagnostics import Diagnostic

from .batch import validate_paths
from .core import package_info, validate_path
from .findings import RULES, PackageResult, Rule
from .package import Limits
from .profiles import PROFILES
from .render import RESULT_JSON_SCHEMA, exit_code, json_text, render_github, render_json, render_junit, render_text

LMS_PROFILES: tuple[str, ...] = tuple(PROFILES)

__all__ = [
    "LMS_PROFILES",
    "RESULT_JSON_SCHEMA",
    "RULES",
    "Diagnostic",
    "Limits",
    "PackageResult",
    "Rule",
    "exit_code",
    "json_text",
    "package_info",
    "render_github",
    "render_json",
    "render_junit",
    "render_text",
    "validate_path",
    "validate_paths",
]
