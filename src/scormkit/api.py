"""The functions the CLI calls: each one runs a whole verb and raises ScormkitError with every problem found."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from scormkit.diagnostics import Diagnostic, Report, ScormkitError
from scormkit.package import entry_date, write_package

DEFAULT_TARGETS = ("scorm12", "scorm2004")


@dataclass(frozen=True)
class PackResult:
    """One zip written by `pack`."""

    target: str
    path: Path
    size: int
    files: int
    slides: int
    items: int
    warnings: tuple[Diagnostic, ...] = ()
    # Worst-case resume state of the module in characters, and the target's budget for it (LMS-PITFALLS rule 1).
    state: int = 0
    state_budget: int = 0


def pack(
    src: Path,
    *,
    targets: Sequence[str] = DEFAULT_TARGETS,
    out: Path = Path("dist"),
    edition: str | None = None,
    on_slide: Callable[[int, int], None] | None = None,
    handoff: bool = False,
) -> list[PackResult]:
    """Read `src`, build every target in memory, then write `out/<id>-<version>-<target>.zip` for each.

    All targets are built before the first zip is written, so a failure leaves `out` as it was. With `handoff`,
    `out/<id>-<version>-handoff.md` (the administrator's sheet, see `handoff`) is written beside the zips.
    """
    from scormkit.player import UnsupportedModule
    from scormkit.preflight import check_pack
    from scormkit.source import read_module

    # The output folder and the environment first: one clear error each, before any work (issue 15).
    preflight = check_pack(Path(out), targets)
    if not preflight.ok:
        raise ScormkitError(preflight)
    chosen = _resolve_targets(targets, edition)
    # Rendered slides are cached beside the output (never in the source folder): a warm pack renders nothing.
    source_warnings = Report()
    module = read_module(src, cache_dir=out / ".cache", on_slide=on_slide, warnings=source_warnings)

    built = []
    report = Report()
    for target in chosen:
        try:
            built.append((target, target.build(module)))
        except UnsupportedModule as problem:  # e.g. resume data over the target's suspend_data budget (rule 1)
            report.error(str(src / "module.yaml"), None, f"{target.name}.unsupported", str(problem))
    if not report.ok:
        raise ScormkitError(report)

    from scormkit.player import worst_case_state_length

    date_time = entry_date(module.config.updated)
    state = worst_case_state_length(module)
    results = []
    for target, files in built:
        path = out / target.zip_name(module)
        write_package(files, path, date_time=date_time)
        warnings = tuple(source_warnings.diagnostics) + tuple(target.package_warnings(files).diagnostics)
        results.append(
            PackResult(target.name, path, path.stat().st_size, len(files), len(module.slides), len(module.items), warnings,
                       state=state, state_budget=target.suspend_data_limit)
        )
    if handoff:
        write_handoff([r.path for r in results], out / f"{module.zip_stem}-handoff.md")
    return results


def handoff(paths: Sequence[Path], *, lms: str | None = None, fmt: str = "markdown") -> str:
    """The LMS administrator's sheet for these packages (Markdown, or HTML with fmt="html")."""
    from scormkit.handoff import build_sheets, render_html, render_markdown

    sheets = build_sheets(list(paths), lms)
    return render_html(sheets, lms) if fmt == "html" else render_markdown(sheets, lms)


def write_handoff(paths: Sequence[Path], target: Path, *, lms: str | None = None) -> Path:
    """Write the sheet atomically (a temporary file beside it, then a rename)."""
    text = handoff(paths, lms=lms, fmt="html" if target.suffix.lower() in (".html", ".htm") else "markdown")
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)
    return target


def _resolve_targets(names: Sequence[str], edition: str | None):
    from scormkit.targets import TARGETS, get_target

    report = Report()
    chosen = []
    for name in dict.fromkeys(names):  # keep order, drop repeats
        if name not in TARGETS:
            report.error("--target", None, "cli.unknown-target", f"unknown target {name!r}; choose from {', '.join(sorted(TARGETS))}")
            continue
        chosen.append(get_target(name, edition=edition if name == "scorm2004" else None))
    if edition is not None and "scorm2004" not in names:
        report.error("--edition", None, "cli.edition-without-scorm2004", "--edition applies to the scorm2004 target only; add --target scorm2004 or drop --edition")
    if not report.ok:
        raise ScormkitError(report)
    return chosen


# ---- the authoring loop (issue 12): init, schema, check, quiz convert; the modules live in scormkit.authoring ----

def init(folder: Path, *, example: bool = False) -> list[Path]:
    """Write a new module source into `folder` (the commented template, or the shipped example); never overwrites."""
    from scormkit.authoring.init import init_module

    return init_module(folder, example=example)


def schema(kind: str) -> str:
    """The JSON Schema of module.yaml (`module`) or quiz.yaml (`quiz`), generated from the model."""
    from scormkit.authoring.schema import schema_text

    return schema_text(kind)


def check(src: Path, *, targets: Sequence[str] = DEFAULT_TARGETS, edition: str | None = None):
    """Everything `pack` would report for `src`, plus designer warnings; writes nothing (a CheckResult)."""
    from scormkit.authoring.check import check_module

    return check_module(src, targets=targets, edition=edition)


def convert_quiz(path: Path) -> str:
    """A GIFT, Aiken or YAML quiz file as quiz.yaml text."""
    from scormkit.authoring.convert import convert_quiz as convert

    return convert(path)


def pack_report(results: Sequence[PackResult]) -> dict:
    """The machine-readable report of `pack --format json` (README, "Pack a module")."""
    return {
        "ok": True,
        "targets": [
            {
                "target": r.target, "zip": str(r.path), "size": r.size, "files": r.files, "slides": r.slides,
                "items": r.items, "state": {"worst_case": r.state, "budget": r.state_budget},
                "warnings": [w.to_dict() for w in r.warnings],
            }
            for r in results
        ],
    }


def is_web_package(path: Path) -> bool:
    """A `--target web` package: no LMS manifest by design, and the player's course.json says runtime "web".

    Only that exact shape is recognised, so one of our SCORM packages that lost its manifest is still invalid.
    """
    import json
    import zipfile

    manifests = {"imsmanifest.xml", "cmi5.xml", "tincan.xml"}
    try:
        if path.is_dir():
            names = {p.name for p in path.iterdir()}
            course = (path / "course.json").read_bytes() if "course.json" in names else b""
        elif path.is_file() and zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                course = archive.read("course.json") if "course.json" in names else b""
        else:
            return False
        if "index.html" not in names or names & manifests or len(course) > 10_000_000:
            return False
        return json.loads(course).get("runtime") == "web"
    except (OSError, ValueError, zipfile.BadZipFile, AttributeError):
        return False

def diff(old: Path, new: Path):
    """Compare two packages (any standard): what an update changes for learners in progress and LMS records.

    Returns scormkit.diff.DiffResult; raises ScormkitError when a package cannot be read.
    """
    from scormkit.diff import diff_packages

    return diff_packages(old, new)

def preview(
    src: Path,
    *,
    target: str | None = None,
    edition: str | None = None,
    port: int = 0,
    profile: str = "moodle",
    open_browser: bool = False,
    say: Callable[[str], None] = print,
) -> None:
    """Build `src` into a temporary folder and serve it in the local LMS on 127.0.0.1 until Ctrl-C (docs/preview.md)."""
    from scormkit.preview import run_preview

    if target is not None:
        _resolve_targets([target], edition)  # an unknown target or a stray --edition: the usual message
    run_preview(src, target=target, edition=edition, port=port, profile=profile, open_browser=open_browser, say=say)
