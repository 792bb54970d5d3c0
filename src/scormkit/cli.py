"""The command line: parse options, call scormkit.api, print the outcome, map it to an exit code."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from scormkit import __version__, api
from scormkit.diagnostics import ScormkitError

app = typer.Typer(
    help="Turn a slides PDF, learning objectives and a quiz into LMS packages, and check any package.",
    no_args_is_help=True,
    add_completion=False,
)
out = Console()
err = Console(stderr=True)


class Edition(str, Enum):
    second = "2nd"
    third = "3rd"
    fourth = "4th"


def _version(value: bool) -> None:
    if value:
        out.print(f"scormkit {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")] = None,
) -> None:
    """scormkit: e-learning packages that import first time."""


def _fail(problem: ScormkitError) -> None:
    """Print every diagnostic, one per line, then exit 1 (no traceback: the messages say what to do)."""
    report = problem.report
    for diagnostic in report.sorted():
        err.print(str(diagnostic), markup=False, highlight=False, soft_wrap=True)
    err.print(f"{len(report.errors)} error(s), {len(report.warnings)} warning(s); nothing was written.", markup=False)
    raise typer.Exit(1)


@app.command()
def pack(
    src: Annotated[
        Optional[list[Path]],
        typer.Argument(help="Module folders (module.yaml, slides PDF, quiz.yaml); several build in parallel. Default: module_src."),
    ] = None,
    target: Annotated[
        Optional[list[str]],
        typer.Option("--target", "-t", help="Package standard; repeat for several: scorm12, scorm2004, web. Default: scorm12 and scorm2004."),
    ] = None,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Where the zips go.")] = Path("dist"),
    edition: Annotated[Optional[Edition], typer.Option(help="SCORM 2004 edition (default 3rd).")] = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, help="Processes to use. Default: all cores.")] = None,
    cache_dir: Annotated[
        Optional[Path],
        typer.Option("--cache-dir", help="Render cache, shareable between runs and machines. Default: <out>/.cache."),
    ] = None,
) -> None:
    """Build dist/<id>-<version>-<target>.zip for each target (of each module folder)."""
    sources = src or [Path("module_src")]
    options = {"targets": target or api.DEFAULT_TARGETS, "out": out_dir, "edition": edition.value if edition else None,
               "cache_dir": cache_dir}
    if len(sources) > 1:
        _pack_catalogue(sources, jobs, options)
        return
    with Progress(
        TextColumn("Rendering slides"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, transient=True, disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task("render", total=None)

        def on_slide(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        try:
            results = api.pack(sources[0], on_slide=on_slide, jobs=jobs, **options)  # type: ignore[arg-type]
        except ScormkitError as problem:
            progress.stop()
            _fail(problem)
    _print_packed(results, f"Packed {sources[0]} into {out_dir}")


def _pack_catalogue(sources: list[Path], jobs: int | None, options: dict) -> None:
    """Many module folders: every folder's warnings and errors, one table of every zip; exit 1 if any folder failed."""
    from scormkit.diagnostics import Report

    outcomes = api.pack_many(sources, jobs=jobs, **options)
    failed = Report()
    results = []
    for _, outcome in outcomes:
        if isinstance(outcome, Report):
            failed.extend(outcome)
        else:
            results.extend(outcome)
    if results:
        _print_packed(results, f"Packed {len(outcomes) - sum(isinstance(o, Report) for _, o in outcomes)} of "
                               f"{len(outcomes)} modules into {options['out']}")
    if not failed.ok:
        for diagnostic in failed.sorted():
            err.print(str(diagnostic), markup=False, highlight=False, soft_wrap=True)
        bad = sum(isinstance(o, Report) for _, o in outcomes)
        err.print(f"{len(failed.errors)} error(s), {len(failed.warnings)} warning(s) in {bad} module(s); nothing was "
                  "written for them.", markup=False)
        raise typer.Exit(1)


def _print_packed(results: list, title: str) -> None:
    for result in results:
        for warning in result.warnings:
            err.print(str(warning), markup=False, highlight=False, soft_wrap=True)
    table = Table(title=title, title_justify="left")
    for column in ("target", "file", "size", "slides", "items"):
        table.add_column(column, justify="right" if column in ("size", "slides", "items") else "left", no_wrap=True)
    for result in results:
        size = _human_size(result.size) + (" (unchanged)" if result.unchanged else "")
        table.add_row(result.target, result.path.name, size, str(result.slides), str(result.items))
    if not out.is_terminal:  # piped or in CI: rich would assume 80 columns and cut the file names
        out.width = max(out.width, max(len(r.path.name) for r in results) + 62)
    out.print(table)


def _human_size(size: int) -> str:
    for unit in ("B", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} MB"


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    junit = "junit"
    github = "github"


# scormkit.validate.LMS_PROFILES, written out so that starting the CLI (a no-op `pack` above all) does not import the
# validator with lxml and its XSD sets; tests/test_cli.py checks that the two lists agree.
LMS_NAMES = ("moodle", "canvas", "blackboard", "cornerstone", "successfactors", "talentlms", "docebo", "openedx")

LmsProfile = Enum("LmsProfile", {name: name for name in LMS_NAMES}, type=str)  # type: ignore[misc]


def _expand(patterns: list[str]) -> list[Path]:
    """Paths and globs (quoted globs too, for shells and CI that do not expand them); a miss stays as given."""
    import glob

    paths: list[Path] = []
    for pattern in patterns:
        matches = sorted(glob.glob(pattern, recursive=True)) if glob.has_magic(pattern) else []
        paths.extend(Path(m) for m in matches) if matches else paths.append(Path(pattern))
    return paths


@app.command()
def validate(
    paths: Annotated[list[str], typer.Argument(help="Zips, folders, manifests or globs such as 'dist/*.zip'.")],
    lms: Annotated[Optional[LmsProfile], typer.Option(help="Add one LMS's known limits.")] = None,
    output: Annotated[OutputFormat, typer.Option("--format", "-f", help="text, json, junit or github annotations.")] = OutputFormat.text,
    strict: Annotated[bool, typer.Option(help="Fail on warnings too.")] = False,
) -> None:
    """Check packages the way an LMS would: exit 0 valid, 1 invalid, 2 usage error."""
    from scormkit import validate as v

    results = [v.validate_path(path, lms=lms.value if lms else None) for path in _expand(paths)]
    if output is OutputFormat.text:
        v.render_text(results, out, strict=strict)
    elif output is OutputFormat.json:
        print(v.render_json(results))
    elif output is OutputFormat.junit:
        print(v.render_junit(results, strict=strict))
    else:
        print(v.render_github(results))
    raise typer.Exit(v.exit_code(results, strict))


@app.command()
def info(
    package: Annotated[Path, typer.Argument(help="A zip, a folder or a manifest.")],
    output: Annotated[OutputFormat, typer.Option("--format", "-f", help="text or json.")] = OutputFormat.text,
) -> None:
    """Standard, edition, title, SCOs/AUs, launch, mastery, objectives and files of a package."""
    import json

    from scormkit.validate import package_info

    facts = package_info(package)
    if output is OutputFormat.json:
        print(json.dumps(facts, indent=2, default=str))
    else:
        table = Table(show_header=False, title=str(package), title_justify="left")
        for key, value in facts.items():
            if key == "files":
                value = f"{len(value)} files"
            elif isinstance(value, (list, dict)):
                value = json.dumps(value, default=str)
            table.add_row(key, str(value))
        out.print(table)
    raise typer.Exit(0 if facts.get("valid", True) else 1)
