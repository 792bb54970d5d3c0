"""The functions the CLI calls: each one runs a whole verb and raises ScormkitError with every problem found."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scormkit.builds import DEFAULT_TARGETS, build_key, file_sha256, intact_outputs
from scormkit.diagnostics import Diagnostic, Report, ScormkitError, Severity
from scormkit.package import entry_date

if TYPE_CHECKING:  # imported where used: the CLI starts without them
    from scormkit.authoring.check import CheckResult
    from scormkit.diff import DiffResult
    from scormkit.fileasset import AssetChanged


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
    # Worst-case resume state of the module in characters, and the target's budget for it (docs/lms-pitfalls.md rule 1).
    state: int = 0
    state_budget: int = 0
    unchanged: bool = False  # True when the build manifest showed nothing changed and no zip was touched


def pack(
    src: Path,
    *,
    targets: Sequence[str] = DEFAULT_TARGETS,
    out: Path = Path("dist"),
    edition: str | None = None,
    iri_base: str | None = None,
    on_slide: Callable[[int, int], None] | None = None,
    handoff: bool = False,
    cache_dir: Path | None = None,
    jobs: int | None = None,
) -> list[PackResult]:
    """Read `src`, build every target in memory, then write `out/<id>-<version>-<target>.zip` for each.

    All targets are built before the first zip is written and the zips go in as one set (package.write_packages),
    so a failure leaves `out` as it was; the render cache (`cache_dir`, default `out/.cache`) is written only after
    the zips. When the build manifest in the cache shows that nothing changed (same inputs, options and scormkit)
    and the zips it wrote are intact, nothing is read, rendered or written. Slides render in `jobs` processes.
    With `handoff`, `out/<id>-<version>-handoff.md` (the administrator's sheet, see `handoff`) is written beside
    the zips. `edition` (scorm2004) and `iri_base` (xapi, cmi5) are target options (`Target.options`).
    """
    from scormkit.source.cache import RenderCache

    cache = RenderCache(cache_dir if cache_dir is not None else out / ".cache", deferred=True)
    # Checked before anything heavy is imported (pydantic, lxml, the player): a no-op pack costs the hashing only.
    key = build_key(src, targets, {"edition": edition, "iri_base": iri_base}, out, cache.root)
    unchanged = _unchanged(cache.build(key), out) if key is not None else None
    if unchanged is not None and not handoff:
        return unchanged

    from scormkit.fileasset import AssetChanged
    from scormkit.package import PackageWriteError, write_packages
    from scormkit.player import UnsupportedModule
    from scormkit.preflight import check_pack
    from scormkit.source import read_module

    # The output folder and the environment first: one clear error each, before any work (issue 15).
    _raise_if_failed(check_pack(Path(out), targets))
    chosen = _resolve_targets(targets, edition, iri_base=iri_base)
    # Rendered slides are cached beside the output (never in the source folder): a warm pack renders nothing.
    source_warnings = Report()
    module = read_module(src, cache=cache, on_slide=on_slide, workers=jobs, warnings=source_warnings)

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
    paths = [out / target.zip_name(module) for target, _ in built]
    try:
        write_packages([(path, files) for path, (_, files) in zip(paths, built)], date_time=date_time)
    except PackageWriteError as problem:
        report.error(str(problem.path), None, "pack.write-failed", problem.advice())
        raise ScormkitError(report) from None
    except AssetChanged as problem:  # a file streamed into the zips is not what was checked: no zip was written
        report.error(*_asset_changed(problem, module.config.slides.file))
        raise ScormkitError(report) from None
    results = []
    for path, (target, files) in zip(paths, built):
        warnings = tuple(source_warnings.diagnostics) + tuple(target.package_warnings(files).diagnostics)
        results.append(
            PackResult(
                target.name,
                path,
                path.stat().st_size,
                len(files),
                len(module.slides),
                len(module.items),
                warnings,
                state=state,
                state_budget=target.suspend_data_limit,
            )
        )
    if handoff:
        write_handoff([r.path for r in results], out / f"{module.zip_stem}-handoff.md")
    if key is not None:
        cache.put_build(key, _build_record(results))
    try:
        cache.commit()
    except OSError as problem:  # the zips are in place; a cache that cannot be written only costs the next pack time
        note = Diagnostic(
            str(cache.root),
            None,
            Severity.WARNING,
            "pack.cache-not-written",
            f"the render cache could not be written ({problem.strerror or problem}); the packages are "
            "complete, the next pack renders again",
        )
        results = [replace(r, warnings=r.warnings + (note,)) for r in results]
    return results


def _asset_changed(problem: AssetChanged, slides_file: str) -> tuple[str, None, str, str]:
    """The error for a file that no longer held what was checked when the zips were written from it: the slides
    PDF, saved again by its author, or an image of the render cache, damaged or replaced by another process."""
    from scormkit.source.paths import shown

    asset = problem.asset
    if asset.stat is not None:  # only a source file records its stat, and the slides PDF is the one that ships so
        return (
            shown(asset.path),
            None,
            "slides.changed",
            f"{slides_file} changed while the packages were written; wait until it is saved and pack again",
        )
    return (
        str(asset.path),
        None,
        "pack.cache-changed",
        f"this image of the render cache {problem.reason}: it was damaged, or changed by another process while this "
        "pack read it; nothing was written: pack again, and the slide is rendered again",
    )


def _raise_if_failed(report: Report) -> None:
    if not report.ok:
        raise ScormkitError(report)


def pack_many(
    sources: Sequence[Path],
    *,
    jobs: int | None = None,
    **options: object,
) -> list[tuple[Path, list[PackResult] | Report]]:
    """`pack` each module folder of a catalogue, `jobs` modules at a time (default: every core), each in its own
    process rendering on one core; one folder's errors do not stop the others. Returns, per folder in the given
    order, its results or the report of what is wrong."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from scormkit.source.render import default_workers

    jobs = jobs or default_workers()
    if len(sources) == 1:
        try:
            return [(sources[0], pack(sources[0], jobs=jobs, **options))]  # type: ignore[arg-type]
        except ScormkitError as problem:
            return [(sources[0], problem.report)]
    # spawn: a fresh interpreter per worker, so no thread or lock of this process is inherited half-held.
    with ProcessPoolExecutor(
        max_workers=min(jobs, len(sources)), mp_context=multiprocessing.get_context("spawn")
    ) as pool:
        futures = [pool.submit(_pack_one, Path(source), options) for source in sources]
        return [(Path(source), future.result()) for source, future in zip(sources, futures)]


def _pack_one(src: Path, options: dict) -> list[PackResult] | Report:
    try:
        return pack(src, jobs=1, **options)
    except ScormkitError as problem:
        return problem.report


def _build_record(results: list[PackResult]) -> dict:
    return {
        "results": [
            {
                "target": r.target,
                "path": r.path.name,
                "size": r.size,
                "sha256": file_sha256(r.path),
                "files": r.files,
                "slides": r.slides,
                "items": r.items,
                "state": r.state,
                "state_budget": r.state_budget,
                "warnings": [w.to_dict() for w in r.warnings],
            }
            for r in results
        ]
    }


def _unchanged(record: dict | None, out: Path) -> list[PackResult] | None:
    """The results of the recorded build when every zip it wrote is still there, byte for byte; else None."""
    entries = intact_outputs(record, out)
    if entries is None:
        return None
    try:
        return [
            PackResult(
                entry["target"],
                out / entry["path"],
                entry["size"],
                entry["files"],
                entry["slides"],
                entry["items"],
                tuple(
                    Diagnostic(w["file"], w["line"], Severity(w["severity"]), w["code"], w["message"])
                    for w in entry["warnings"]
                ),
                state=entry.get("state", 0),
                state_budget=entry.get("state_budget", 0),
                unchanged=True,
            )
            for entry in entries
        ]
    except (KeyError, TypeError, ValueError):
        return None


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


def _resolve_targets(names: Sequence[str], edition: str | None = None, *, iri_base: str | None = None):
    """The targets called `names`, each made with the options it declares (`Target.options` checks the values);
    an option none of them takes, or an unknown name, is the user's error."""
    from scormkit.targets import TARGETS, OptionError, TargetError, get_target

    given = {"edition": edition, "iri_base": iri_base}
    report = Report()
    chosen = []
    for name in dict.fromkeys(names):  # keep order, drop repeats
        if name not in TARGETS:
            report.error(
                "--target",
                None,
                "cli.unknown-target",
                f"unknown target {name!r}; choose from {', '.join(sorted(TARGETS))}",
            )
            continue
        cls = TARGETS[name]
        try:
            chosen.append(get_target(name, **{option: value for option, value in given.items() if cls.takes(option)}))
        except OptionError as problem:  # reported once, though xapi and cmi5 both refuse a bad IRI base
            flag = (problem.option or "option").replace("_", "-")
            if not any(d.code == f"cli.{flag}" for d in report.diagnostics):
                report.error(f"--{flag}", None, f"cli.{flag}", str(problem))
        except TargetError as problem:
            report.extend(problem.report)
    for option, value in given.items():
        takers = [name for name, cls in TARGETS.items() if cls.takes(option)]
        if value is None or set(takers) & set(names):
            continue
        flag = "--" + option.replace("_", "-")
        report.error(
            flag,
            None,
            f"cli.{flag[2:]}-without-{'-'.join(takers)}",
            f"{flag} applies to the {' and '.join(takers)} target{'s' if len(takers) > 1 else ''} only; "
            f"add --target {takers[0]} or drop {flag}",
        )
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


def check(src: Path, *, targets: Sequence[str] = DEFAULT_TARGETS, edition: str | None = None) -> CheckResult:
    """Everything `pack` would report for `src`, plus designer warnings; writes nothing (a CheckResult)."""
    from scormkit.authoring.check import check_module
    from scormkit.preflight import check_environment

    _raise_if_failed(check_environment(targets))
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
                "target": r.target,
                "zip": str(r.path),
                "size": r.size,
                "files": r.files,
                "slides": r.slides,
                "items": r.items,
                "state": {"worst_case": r.state, "budget": r.state_budget},
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


@dataclass(frozen=True)
class ValidateOutcome:
    """What `validate` found: a result per package, and the `pack --target web` packages it left out."""

    results: list  # of scormkit.validate.PackageResult
    skipped: list[Path]


def validate(
    paths: Sequence[Path],
    *,
    lms: str | None = None,
    jobs: int | None = None,
    run: bool = False,
    browser: str | None = None,
    run_timeout: float = 15.0,
) -> ValidateOutcome:
    """Validate each package the way an LMS would (`lms`: add one LMS's known limits), on `jobs` processes; with
    `run`, also launch each in headless Chromium (`browser`) against the local LMS (raises RunUnavailable without
    one). A web package has no LMS manifest by design: it is skipped, not called invalid."""
    from scormkit.validate import validate_paths

    web = [is_web_package(path) for path in paths]
    skipped = [path for path, is_web in zip(paths, web) if is_web]
    packages = [path for path, is_web in zip(paths, web) if not is_web]
    results = validate_paths(packages, lms=lms, jobs=jobs) if packages else []
    if run and results:
        from scormkit.validate.run import run_packages

        run_packages(results, browser_path=browser, timeout=run_timeout)
    return ValidateOutcome(results, skipped)


def info(path: Path) -> dict:
    """Standard, edition, title, SCOs/AUs, launch, mastery, objectives and files of a package (scormkit info)."""
    from scormkit.validate import package_info

    return package_info(path)


def diff(old: Path, new: Path) -> DiffResult:
    """Compare two packages (any standard): what an update changes for learners in progress and LMS records.

    Returns scormkit.diff.DiffResult; raises ScormkitError when a package cannot be read.
    """
    from scormkit.diff import diff_packages

    return diff_packages(old, new)


def preview(src: Path, *, target: str | None = None, edition: str | None = None, **options: Any) -> None:
    """Build `src` into a temporary folder and serve it in the local LMS on 127.0.0.1 until Ctrl-C (docs/preview.md).

    `options`: those of scormkit.preview.run_preview (port, profile, open_browser, say)."""
    from scormkit.preflight import check_environment
    from scormkit.preview import DEFAULT_TARGET, run_preview

    if target is not None:
        _resolve_targets([target], edition)  # an unknown target or a stray --edition: the usual message
    _raise_if_failed(check_environment([target or DEFAULT_TARGET]))
    run_preview(src, target=target, edition=edition, **options)
