"""`scormkit handoff ZIP...`: a one-page sheet for the LMS administrator who imports the packages.

Per package: which LMSs take it (each profile run over it), standard and edition, launch file, passing score,
completion rule, attempts, what is reported, the resume budget, and the known limits of the chosen LMS profile.
Facts come from the package itself (manifest; for scormkit's own packages also course.json), the way
`scormkit info` and `scormkit validate` read it: any package works, ours tell more.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from scormkit import __version__
from scormkit.diagnostics import Severity
from scormkit.validate import package_info, validate_path, validate_paths
from scormkit.validate.package import ReadError, open_package
from scormkit.validate.profiles import PROFILES

# the suspend_data / state budget per standard (docs/lms-pitfalls.md rule 1); xAPI/cmi5 keep state in the State API
STATE_BUDGET = {
    ("scorm12", None): "cmi.suspend_data, 4,096 characters",
    ("scorm2004", "2nd"): "cmi.suspend_data, 4,000 characters (2nd Edition)",
    ("scorm2004", "3rd"): "cmi.suspend_data, 64,000 characters",
    ("scorm2004", "4th"): "cmi.suspend_data, 64,000 characters",
    ("cmi5", None): "the xAPI State API (one document per registration)",
    ("xapi", None): "the xAPI State API (one document per learner and activity)",
}
COMPLETION = {
    "slides": "the required share of slides viewed",
    "quiz": "the quiz submitted",
    "slides_and_quiz": "the required share of slides viewed and the quiz submitted",
}


@dataclass
class Sheet:
    """The facts of one package for the administrator."""

    path: Path
    facts: dict[str, str] = field(default_factory=dict)  # row label -> value, in order
    fit: list[tuple[str, str, str]] = field(default_factory=list)  # (LMS, verdict, notes)
    limits: list[str] = field(default_factory=list)  # the chosen profile's known limits for this package
    title: str | None = None


def _course_json(path: Path, manifest: str | None) -> dict | None:
    pkg = open_package(path)
    try:
        prefix = manifest.rsplit("/", 1)[0] + "/" if manifest and "/" in manifest else ""
        name = prefix + "course.json"
        if name not in pkg.sizes:
            return None
        return json.loads(pkg.read(name, 16 * 1024 * 1024))
    except (ReadError, ValueError, OSError):
        return None
    finally:
        pkg.close()


def _percent(value: object) -> str:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    pct = number * 100 if number <= 1 else number
    return f"{pct:g} %"


def _reported(std: str | None, course: dict | None) -> str:
    quiz = (course or {}).get("quiz") or {}
    has_quiz = bool(quiz.get("items"))
    objectives = [str(o.get("id")) for o in (course or {}).get("objectives") or [] if isinstance(o, dict)]
    if std == "scorm12":
        parts = ["cmi.core.lesson_status", "cmi.core.score.raw/min/max"]
    elif std == "scorm2004":
        parts = ["cmi.completion_status", "cmi.success_status", "cmi.score.scaled (and raw/min/max)"]
    elif std in ("cmi5", "xapi"):
        parts = [
            "xAPI statements: "
            + (
                "launched/initialized, completed, passed or failed (with the score), terminated"
                if std == "cmi5"
                else "experienced, completed, passed or failed (with the score)"
            )
        ]
    else:
        return "-"
    if course is None:
        return ", ".join(parts) + "; interactions and objectives as the content sends them (not a scormkit package)"
    if has_quiz:
        parts.append(
            "one interaction per answer" if std in ("scorm12", "scorm2004") else "one answered statement per question"
        )
    if objectives:
        parts.append("objectives " + ", ".join(objectives))
    return ", ".join(parts)


def sheet_for(path: Path, lms: str | None = None, *, profiled: dict[str, object] | None = None) -> Sheet:
    """The facts of one package; `profiled` maps profile name -> its PackageResult (computed if not given)."""
    path = Path(path)
    info = package_info(path)
    plain = validate_path(path)
    course = _course_json(path, info.get("manifest")) if info.get("manifest") else None
    sheet = Sheet(path=path, title=info.get("title"))
    std, ed = info.get("standard"), info.get("edition")
    f = sheet.facts
    f["standard"] = info.get("label") or "unknown"
    f["launch file"] = str(info.get("launch") or "-")
    units = info.get("units") or []
    if len(units) > 1:
        f["units"] = f"{len(units)} ({'SCOs/assets' if std in ('scorm12', 'scorm2004') else 'AUs/activities'})"
    quiz = (course or {}).get("quiz") or {}
    tracking = (course or {}).get("tracking") or {}
    mastery = info.get("mastery")
    if quiz.get("passingScore") is not None:
        f["passing score"] = _percent(quiz["passingScore"]) + (f" (manifest: {mastery})" if mastery else "")
    elif mastery is not None:
        f["passing score"] = _percent(mastery) if not isinstance(mastery, list) else ", ".join(map(str, mastery))
    else:
        f["passing score"] = "none in the manifest (the content decides passed/failed)"
    if tracking:
        share = tracking.get("slidesRequired", 1)
        rule = COMPLETION.get(str(tracking.get("completion")), str(tracking.get("completion")))
        if share not in (None, 1, 1.0):
            rule = rule.replace("the required share of slides", f"{_percent(share)} of the slides")
        elif "share" in rule:
            rule = rule.replace("the required share of slides", "all slides")
        f["completion"] = rule + ("; passed/failed from the quiz" if tracking.get("success") == "quiz" else "")
    elif std == "cmi5":
        f["completion"] = ", ".join(sorted({f"moveOn {u.get('moveOn') or 'NotApplicable'}" for u in units})) or "-"
    else:
        f["completion"] = "set by the content"
    if quiz:
        f["attempts"] = str(quiz.get("attempts") or "unlimited")
    f["reported"] = _reported(std, course)
    budget = STATE_BUDGET.get((str(std), ed if std == "scorm2004" else None))
    if budget:
        # course.json carries the budget the player keeps to, not the module's worst case: say so, not "it is 4,096".
        kept = (course or {}).get("stateBudget")
        f["resume"] = budget + (
            f"; scormkit checked at build time that this module's largest resume state fits, and the player keeps "
            f"it within {kept:,} characters"
            if isinstance(kept, int)
            else ""
        )
    errors, warnings = len(plain.errors), len(plain.warnings)
    f["validation"] = (
        ("valid" if plain.valid else "INVALID")
        + f", {errors} error(s), {warnings} warning(s)"
        + (f" (first: {plain.sorted_findings()[0].code})" if errors or warnings else "")
    )
    profiled = profiled or {}
    base = set(plain.findings)
    for key, profile in PROFILES.items():
        result = profiled.get(key) or validate_path(path, lms=key)
        added = [x for x in result.findings if x not in base]  # type: ignore[attr-defined]
        errs = [x for x in added if x.severity is Severity.ERROR]
        warns = [x for x in added if x.severity is Severity.WARNING]
        unsupported = [x for x in warns if x.code in ("lms.unsupported-standard", "lms.unsupported-edition")]
        if not plain.valid:
            verdict, notes = "no", "the package is invalid"
        elif unsupported:
            verdict, notes = (
                "no",
                _note(unsupported[0].message)
                + (" (a plugin may add it)" if unsupported[0].code == "lms.unsupported-standard" else ""),
            )
        elif errs:
            verdict, notes = "no", _note(errs[0].message)
        elif warns:
            verdict, notes = "yes, with limits", "; ".join(dict.fromkeys(_note(w.message) for w in warns))
        else:
            verdict, notes = "yes", "-"
        sheet.fit.append((profile.name, verdict, notes))
        if key == lms:
            sheet.limits = [f"{x.severity.value}: {_note(x.message)}" for x in added] or [
                "no known limit of this LMS applies to this package"
            ]
            sheet.limits.append(f"source: {profile.source}")
    return sheet


def _note(message: str) -> str:
    return re.sub(r"^\[[^\]]+\] ", "", message)


def build_sheets(paths: list[Path], lms: str | None = None) -> list[Sheet]:
    """One sheet per package; the profile runs use every core (validate_paths)."""
    paths = [Path(p) for p in paths]
    profiled: dict[Path, dict[str, object]] = {p: {} for p in paths}
    for key in PROFILES:
        for p, r in zip(paths, validate_paths(paths, lms=key)):
            profiled[p][key] = r
    return [sheet_for(p, lms, profiled=profiled[p]) for p in paths]


def _cell(text: object) -> str:
    """A Markdown table cell: pipes and Markdown punctuation from package texts cannot break the sheet."""
    return re.sub(r"([\\`*\[\]<>|])", r"\\\1", str(text)).replace("\n", " ")


def render_markdown(sheets: list[Sheet], lms: str | None = None) -> str:
    titles = list(dict.fromkeys(s.title for s in sheets if s.title))
    heading = titles[0] if len(titles) == 1 else "e-learning packages"
    out = [
        f"# Hand-off: {_cell(heading)}",
        "",
        f"For the LMS administrator: {len(sheets)} package(s), checked by scormkit {__version__}"
        + (f" with the {PROFILES[lms].name} profile" if lms else "")
        + ".",
        "",
    ]
    for s in sheets:
        out += [f"## {_cell(s.path.name)}", "", "| fact | value |", "|---|---|"]
        out += [f"| {_cell(k)} | {_cell(v)} |" for k, v in s.facts.items()]
        out += ["", "Which LMS takes it:", "", "| LMS | imports it | notes |", "|---|---|---|"]
        groups: dict[tuple[str, str], list[str]] = {}  # LMSs with the same verdict share a row: one page
        for name, verdict, notes in s.fit:
            groups.setdefault((verdict, notes), []).append(name)
        out += [
            f"| {_cell(', '.join(names))} | {_cell(verdict)} | {_cell(notes)} |"
            for (verdict, notes), names in groups.items()
        ]
        if lms:
            out += ["", f"Known limits of {_cell(PROFILES[lms].name)} for this package:", ""]
            out += [f"- {_cell(x)}" for x in s.limits]
        out.append("")
    return "\n".join(out)


def render_html(sheets: list[Sheet], lms: str | None = None) -> str:
    """The same sheet as one self-contained HTML page (no script, no request anywhere)."""
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(render_markdown(sheets, lms))
    title = html.escape(next((s.title for s in sheets if s.title), "Hand-off"))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Hand-off: {title}</title><style>"
        "body{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}"
        "table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #bbb;padding:.25rem .5rem;"
        "vertical-align:top;text-align:left}th{background:#eee}h2{margin-top:2rem;border-top:2px solid #333;"
        "padding-top:.5rem}@media print{body{margin:0}h2{break-before:page}}"
        f"</style></head><body>\n{body}</body></html>\n"
    )
