"""The command line: parse options, call scormkit.api, print the outcome, map it to an exit code."""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
import typer.core
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from scormkit import __version__, api
from scormkit.boundary import ErrorBoundaryGroup, print_diagnostics, printable
from scormkit.diagnostics import ScormkitError
from scormkit.terminal import human_size

app = typer.Typer(
    help="Turn a slides PDF, learning objectives and a quiz into LMS packages, and check any package.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish, PowerShell
    cls=ErrorBoundaryGroup,  # one error boundary: exit 1 with a diagnostic line, never a traceback
    pretty_exceptions_enable=False,
)
quiz_app = typer.Typer(help="Quiz files: convert a Moodle GIFT or Aiken file to quiz.yaml.", no_args_is_help=True)
app.add_typer(quiz_app, name="quiz")
# rich styles only a terminal (or FORCE_COLOR); NO_COLOR (no-color.org) turns every style off, bold included.
# emoji=False: rich would turn `:x:` in a module title or an entry name into an emoji.
_STYLES: Literal["auto"] | None = None if os.environ.get("NO_COLOR") else "auto"
out = Console(color_system=_STYLES, emoji=False)
err = Console(stderr=True, color_system=_STYLES, emoji=False)
#: --quiet prints errors only; --verbose adds detail (set by the main callback).
verbosity = {"quiet": False, "verbose": False}


def examples(*lines: str) -> str:
    """The epilog of a verb's --help: examples, one per line (keep them under 76 characters: help wraps at 80)."""
    return "Examples:\n\n" + "\n".join(f"  {line}" for line in lines)


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
    version: Annotated[
        bool | None, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only.")] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Print more detail (resume state vs budget, files written).")
    ] = False,
) -> None:
    """scormkit: e-learning packages that import first time."""
    verbosity["quiet"], verbosity["verbose"] = quiet, verbose and not quiet


#: Where an option's help names the targets: replaced, when help is shown, by the names in scormkit.targets.TARGETS
#: (imported only then: the registry brings pydantic, which a CLI start does not pay for).
TARGET_NAMES = "{target names}"


def _targets_option(what: str) -> Any:
    """--target/-t, repeatable, for the verbs that build several targets."""
    return typer.Option("--target", "-t", help=f"{what}: {TARGET_NAMES}. Default: {' and '.join(api.DEFAULT_TARGETS)}.")


class RegistryHelpCommand(typer.core.TyperCommand):
    """A verb whose --target help lists the registered targets."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        from scormkit.targets import TARGETS

        for param in self.params:
            text = getattr(param, "help", None)  # options have help, arguments not
            if text and TARGET_NAMES in text:
                param.help = text.replace(TARGET_NAMES, ", ".join(TARGETS))  # type: ignore[attr-defined]
        super().format_help(ctx, formatter)


class PackFormat(str, Enum):
    text = "text"
    json = "json"


@app.command(
    cls=RegistryHelpCommand,
    epilog=examples(
        "scormkit pack module_src                  # dist/*-scorm12.zip, *-scorm2004.zip",
        "scormkit pack module_src --target scorm2004 --edition 4th",
        "scormkit pack module_src -t xapi -t cmi5 -t web",
        "scormkit pack module_src --format json    # the build report, for scripts",
    ),
)
def pack(
    src: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Module folders (module.yaml, slides PDF, quiz.yaml); several build in parallel. Default: module_src."
        ),
    ] = None,
    target: Annotated[list[str] | None, _targets_option("Package standard; repeat for several")] = None,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Where the zips go.")] = Path("dist"),
    edition: Annotated[Edition | None, typer.Option(help="SCORM 2004 edition (default 3rd).")] = None,
    iri_base: Annotated[
        str | None,
        typer.Option(
            "--iri-base",
            help="xapi/cmi5: base of every activity IRI, on your domain (overrides module.yaml xapi.iri_base).",
        ),
    ] = None,
    output: Annotated[
        PackFormat, typer.Option("--format", "-f", help="text (a table) or json (the build report, on stdout).")
    ] = PackFormat.text,
    handoff: Annotated[
        bool, typer.Option("--handoff", help="Also write <id>-<version>-handoff.md for the LMS administrator.")
    ] = False,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="Processes to use. Default: all cores.")
    ] = None,
    cache_dir: Annotated[
        Path | None,
        typer.Option("--cache-dir", help="Render cache, shareable between runs and machines. Default: <out>/.cache."),
    ] = None,
) -> None:
    """Build dist/<id>-<version>-<target>.zip for each target (of each module folder)."""
    sources = src or [Path("module_src")]
    options = {
        "targets": target or api.DEFAULT_TARGETS,
        "out": out_dir,
        "edition": edition.value if edition else None,
        "iri_base": iri_base,
        "cache_dir": cache_dir,
        "handoff": handoff,
    }
    if output is PackFormat.json:
        _pack_json(sources[0], target, out_dir, edition, handoff)
        return
    if len(sources) > 1:
        _pack_catalogue(sources, jobs, options)
        return
    with Progress(
        TextColumn("Rendering slides"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task("render", total=None)

        def on_slide(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        results = api.pack(sources[0], on_slide=on_slide, jobs=jobs, **options)  # type: ignore[arg-type]
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
        _print_packed(
            results,
            f"Packed {len(outcomes) - sum(isinstance(o, Report) for _, o in outcomes)} of "
            f"{len(outcomes)} modules into {options['out']}",
        )
    if not failed.ok:
        print_diagnostics(failed.sorted())
        bad = sum(isinstance(o, Report) for _, o in outcomes)
        err.print(
            f"{len(failed.errors)} error(s), {len(failed.warnings)} warning(s) in {bad} module(s); nothing was "
            "written for them.",
            markup=False,
        )
        raise typer.Exit(1)


def _print_packed(results: list, title: str) -> None:
    if verbosity["quiet"]:
        return
    # Source warnings are the same for every target: each is printed once.
    print_diagnostics(dict.fromkeys(w for result in results for w in result.warnings))
    table = Table(title=Text(printable(title)), title_justify="left")
    columns = ("target", "file", "size", "slides", "items") + (("resume state",) if verbosity["verbose"] else ())
    for column in columns:
        table.add_column(column, justify="left" if column in ("target", "file") else "right", no_wrap=True)
    for result in results:
        size = human_size(result.size) + (" (unchanged)" if result.unchanged else "")
        state = (f"{result.state} / {result.state_budget}",) if verbosity["verbose"] else ()
        table.add_row(
            result.target, Text(printable(result.path.name)), size, str(result.slides), str(result.items), *state
        )
    if not out.is_terminal:  # piped or in CI: rich would assume 80 columns and cut the file names
        out.width = max(out.width, max(len(r.path.name) for r in results) + (78 if verbosity["verbose"] else 62))
    out.print(table)


def _pack_json(
    src: Path, target: list[str] | None, out_dir: Path, edition: Edition | None, handoff: bool = False
) -> None:
    """`pack --format json`: the build report, or every diagnostic, as JSON on stdout (exit 1 on errors)."""
    import json

    try:
        results = api.pack(
            src,
            targets=target or api.DEFAULT_TARGETS,
            out=out_dir,
            edition=edition.value if edition else None,
            handoff=handoff,
        )
    except ScormkitError as problem:
        print(json.dumps({"ok": False, "diagnostics": [d.to_dict() for d in problem.report.sorted()]}, indent=2))
        raise typer.Exit(1) from None
    print(json.dumps(api.pack_report(results), indent=2))


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    junit = "junit"
    github = "github"


# scormkit.validate.LMS_PROFILES, written out so that starting the CLI (a no-op `pack` above all) does not import the
# validator with lxml and its XSD sets; tests/test_cli.py checks that the two lists agree.
LMS_NAMES = (
    "moodle",
    "canvas",
    "blackboard",
    "cornerstone",
    "successfactors",
    "talentlms",
    "docebo",
    "openedx",
    "knowbe4",
    "absorb",
    "riseup",
    "latitude",
    "lms365",
    "fuse",
    "ilias",
    "chamilo",
    "totara",
)

LmsProfile = Enum("LmsProfile", {name: name for name in LMS_NAMES}, type=str)  # type: ignore[misc]


def _expand(patterns: list[str]) -> list[Path]:
    """Paths and globs (quoted globs too, for shells and CI that do not expand them); a miss stays as given."""
    import glob

    paths: list[Path] = []
    for pattern in patterns:
        matches = sorted(glob.glob(pattern, recursive=True)) if glob.has_magic(pattern) else []
        paths.extend(Path(m) for m in matches) if matches else paths.append(Path(pattern))
    return paths


@app.command(
    epilog=examples(
        "scormkit validate dist/*.zip",
        "scormkit validate 'dist/*.zip' --lms moodle --strict --format junit",
        "scormkit validate course-folder/ imsmanifest.xml --format github",
    )
)
def validate(
    paths: Annotated[list[str], typer.Argument(help="Zips, folders, manifests or globs such as 'dist/*.zip'.")],
    lms: Annotated[LmsProfile | None, typer.Option(help="Add one LMS's known limits.")] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text, json, junit or github annotations.")
    ] = OutputFormat.text,
    strict: Annotated[bool, typer.Option(help="Fail on warnings too.")] = False,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="Processes to use (default: every core).")
    ] = None,
    run: Annotated[
        bool,
        typer.Option(
            "--run", help="Also launch each package in headless Chromium against the local LMS (needs scormkit[run])."
        ),
    ] = False,
    browser: Annotated[
        str | None, typer.Option(help="Chromium/Chrome executable for --run (default: found on PATH).")
    ] = None,
    run_timeout: Annotated[
        float, typer.Option(help="Seconds the content gets to initialize under --run.", min=1)
    ] = 15.0,
) -> None:
    """Check packages the way an LMS would: exit 0 valid, 1 invalid, 2 usage error."""
    from scormkit import validate as v
    from scormkit.validate.run import RunUnavailable

    try:
        outcome = api.validate(
            _expand(paths), lms=lms.value if lms else None, jobs=jobs, run=run, browser=browser, run_timeout=run_timeout
        )
    except RunUnavailable as problem:
        err.print(f"error: {problem}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    # A `pack --target web` zip has no LMS manifest by design: say so and leave it out, rather than call it invalid.
    for path in outcome.skipped if not verbosity["quiet"] else ():
        err.print(
            f"{path}: a scormkit web package (standalone player, no LMS manifest): not an LMS package, "
            "skipped; upload a scorm12, scorm2004, xapi or cmi5 zip to an LMS",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    results = outcome.results
    if not results:
        raise typer.Exit(0)
    if output is OutputFormat.text:
        v.render_text(results, out, strict=strict, show_info=not verbosity["quiet"])
    elif output is OutputFormat.json:
        print(v.render_json(results))
    elif output is OutputFormat.junit:
        print(v.render_junit(results, strict=strict))
    else:
        print(v.render_github(results))
    raise typer.Exit(v.exit_code(results, strict))


@app.command(
    epilog=examples(
        "scormkit info dist/esmo-difficult-pain-problems-1.0.0-scorm2004.zip",
        "scormkit info course-folder/ --format json",
    )
)
def info(
    package: Annotated[Path, typer.Argument(help="A zip, a folder or a manifest.")],
    output: Annotated[PackFormat, typer.Option("--format", "-f", help="text or json.")] = PackFormat.text,
) -> None:
    """Standard, edition, title, SCOs/AUs, launch, mastery, objectives and files of a package."""
    import json

    from scormkit.validate import json_text

    facts = api.info(package)
    if output is PackFormat.json:
        print(json_text(facts))
    else:
        table = Table(show_header=False, title=Text(printable(str(package))), title_justify="left")
        for key, value in facts.items():
            if key == "files":
                value = f"{len(value)} files"
            elif isinstance(value, (list, dict)):
                value = json.dumps(value, default=str)
            table.add_row(key, Text(printable(str(value))))  # Text: no markup from the package
        out.print(table)
    raise typer.Exit(0 if facts.get("valid", True) else 1)


# ---- the authoring loop (issue 12) ---------------------------------------------------------------------------


@app.command(
    epilog=examples(
        "scormkit init my-module              # commented template, packs as it is",
        "scormkit init esmo-copy --example    # a copy of the README's example module",
        "scormkit check my-module && scormkit pack my-module",
    )
)
def init(
    folder: Annotated[Path, typer.Argument(help="New module folder; it must not exist yet, or be empty.")],
    example: Annotated[
        bool, typer.Option("--example", help="Copy the shipped example module instead of the template.")
    ] = False,
) -> None:
    """Start a module: a source folder that packs as it is, with a comment on each field."""
    written = api.init(folder, example=example)
    if not verbosity["quiet"]:
        for path in written if verbosity["verbose"] else []:
            out.print(f"  wrote {path}", markup=False, highlight=False)
        out.print(
            f"Created {folder} ({len(written)} files). Next: edit {folder}/module.yaml, then "
            f"scormkit check {folder} and scormkit pack {folder}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


class SchemaKind(str, Enum):
    module = "module"
    quiz = "quiz"


@app.command(
    epilog=examples(
        "scormkit schema module > module.schema.json",
        "scormkit schema --out my-module/.schema   # refresh init's schemas",
    )
)
def schema(
    kind: Annotated[SchemaKind, typer.Argument(help="module (module.yaml) or quiz (quiz.yaml).")] = SchemaKind.module,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write module.schema.json and quiz.schema.json into this folder instead."),
    ] = None,
) -> None:
    """Print the JSON Schema of module.yaml or quiz.yaml, for editors that complete and check YAML keys."""
    if out_dir is not None:
        from scormkit.authoring.schema import write_schemas

        for path in write_schemas(out_dir):
            if not verbosity["quiet"]:
                out.print(f"wrote {path}", markup=False, highlight=False)
        return
    print(api.schema(kind.value), end="")


@app.command(
    cls=RegistryHelpCommand,
    epilog=examples(
        "scormkit check module_src",
        "scormkit check module_src -t scorm12 --strict   # warnings fail too",
        "scormkit check module_src --format json",
    ),
)
def check(
    src: Annotated[Path, typer.Argument(help="The module folder.")] = Path("module_src"),
    target: Annotated[list[str] | None, _targets_option("Targets to build in memory")] = None,
    edition: Annotated[Edition | None, typer.Option(help="SCORM 2004 edition (default 3rd).")] = None,
    strict: Annotated[bool, typer.Option(help="Fail on warnings too.")] = False,
    output: Annotated[PackFormat, typer.Option("--format", "-f", help="text or json.")] = PackFormat.text,
) -> None:
    """Report everything pack would, plus designer warnings; write nothing.

    Designer warnings: items without feedback, objectives assessed by fewer than two items, slides without text,
    a resume state near a target's budget. Exit 0 ready, 1 errors (or warnings with --strict).
    """
    import json

    result = api.check(src, targets=target or api.DEFAULT_TARGETS, edition=edition.value if edition else None)
    report = result.report
    failed = not report.ok or (strict and bool(report.warnings))
    if output is PackFormat.json:
        print(
            json.dumps(
                {
                    "ok": not failed,
                    "targets": result.targets,
                    "slides": result.slides,
                    "items": result.items,
                    "state": {"worst_case": result.state, "budgets": result.budgets},
                    "diagnostics": [d.to_dict() for d in report.sorted()],
                },
                indent=2,
            )
        )
        raise typer.Exit(1 if failed else 0)
    print_diagnostics(d for d in report.sorted() if d in report.errors or not verbosity["quiet"])
    if not verbosity["quiet"]:
        verdict = "has errors" if not report.ok else "is ready to pack"
        extra = (
            f"; {result.slides} slides, {result.items} items, built {', '.join(result.targets)} in memory"
            if report.ok
            else ""
        )
        state = (
            f"; resume state {result.state} of " + ", ".join(f"{n} {b}" for n, b in result.budgets.items())
            if verbosity["verbose"] and result.state
            else ""
        )
        err.print(
            f"{src} {verdict}: {len(report.errors)} error(s), {len(report.warnings)} warning(s){extra}{state}; "
            "nothing was written." + (" (--strict: warnings fail)" if strict and report.warnings else ""),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    raise typer.Exit(1 if failed else 0)


@quiz_app.command(
    "convert",
    epilog=examples(
        "scormkit quiz convert bank.gift > module_src/quiz.yaml",
        "scormkit quiz convert questions.txt      # an Aiken file",
    ),
)
def quiz_convert(
    file: Annotated[Path, typer.Argument(help="A Moodle GIFT (.gift) or Aiken (.txt) file, or a quiz.yaml.")],
) -> None:
    """Print the quiz.yaml equivalent of a GIFT or Aiken quiz file (file:line errors, exit 1, if it does not read)."""
    print(api.convert_quiz(file), end="")


class DiffFormat(str, Enum):
    text = "text"
    json = "json"


@app.command("diff")
def diff_command(
    old: Annotated[Path, typer.Argument(help="The package learners have now (zip or folder).")],
    new: Annotated[Path, typer.Argument(help="The updated package.")],
    output: Annotated[DiffFormat, typer.Option("--format", "-f", help="text or json.")] = DiffFormat.text,
) -> None:
    """What an update changes for learners in progress and LMS records: exit 0 nothing breaks, 1 something does."""
    import json

    from scormkit.diff import render_text

    result = api.diff(old, new)
    if output is DiffFormat.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        out.print(render_text(result), markup=False, highlight=False, soft_wrap=True, end="")
    raise typer.Exit(result.exit_code)


class HandoffFormat(str, Enum):
    markdown = "markdown"
    html = "html"


@app.command("handoff")
def handoff_command(
    paths: Annotated[list[str], typer.Argument(help="Zips, folders or globs such as 'dist/*.zip'.")],
    lms: Annotated[LmsProfile | None, typer.Option(help="The LMS the packages go to: list its known limits.")] = None,
    output: Annotated[HandoffFormat, typer.Option("--format", "-f", help="markdown or html.")] = HandoffFormat.markdown,
    out_file: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the sheet to this file instead of printing it.")
    ] = None,
) -> None:
    """A one-page sheet for the LMS administrator: which zip for which LMS, launch, passing score, what is reported."""
    paths_found = _expand(paths)
    missing = [p for p in paths_found if not p.exists()]
    if missing:
        for p in missing:
            err.print(
                f"{p}: error[handoff.not-found] no such package; pass .zip files or unzipped package folders",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
        raise typer.Exit(1)
    text = api.handoff(paths_found, lms=lms.value if lms else None, fmt=output.value)
    if out_file is None:
        print(text, end="")
        return
    tmp = out_file.with_name(f".{out_file.name}.tmp")  # nothing half-written
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out_file)
    out.print(f"wrote {out_file}", markup=False, highlight=False)


class PreviewLms(str, Enum):
    moodle = "moodle"
    lenient = "lenient"


@app.command(cls=RegistryHelpCommand)
def preview(
    src: Annotated[Path, typer.Argument(help="A module folder (rebuilt on every save) or a package zip.")] = Path(
        "module_src"
    ),
    target: Annotated[
        str | None,
        typer.Option("--target", "-t", help=f"Target to build and run: {TARGET_NAMES}; default: scorm12."),
    ] = None,
    edition: Annotated[Edition | None, typer.Option(help="SCORM 2004 edition (with --target scorm2004).")] = None,
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0: any free port).")] = 8765,
    lms: Annotated[
        PreviewLms,
        typer.Option(
            help="moodle: credit and the manifest's mastery applied, as Moodle does; lenient: the content's own status stands."
        ),
    ] = PreviewLms.moodle,
    open_browser: Annotated[bool, typer.Option("--open", help="Open the page in your browser.")] = False,
) -> None:
    """Run the module in a local LMS on 127.0.0.1, with a live panel of what the LMS receives; Ctrl-C stops.

    Example: scormkit preview module_src --target scorm2004 --open
    """
    try:
        api.preview(
            src,
            target=target,
            edition=edition.value if edition else None,
            port=port,
            profile=lms.value,
            open_browser=open_browser,
            say=lambda text: err.print(text, markup=False, highlight=False, soft_wrap=True),
        )
    except (FileNotFoundError, ValueError) as problem:
        err.print(f"error: {problem}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except OSError as problem:  # the port is taken
        err.print(
            f"error: cannot listen on 127.0.0.1:{port}: {problem.strerror or problem}; pass another --port "
            "(0 picks a free one)",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(2) from None
