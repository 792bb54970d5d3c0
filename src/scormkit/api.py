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


def pack(
    src: Path,
    *,
    targets: Sequence[str] = DEFAULT_TARGETS,
    out: Path = Path("dist"),
    edition: str | None = None,
    on_slide: Callable[[int, int], None] | None = None,
) -> list[PackResult]:
    """Read `src`, build every target in memory, then write `out/<id>-<version>-<target>.zip` for each.

    All targets are built before the first zip is written, so a failure leaves `out` as it was.
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
    source_warnings: list[Diagnostic] = []
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

    date_time = entry_date(module.config.updated)
    results = []
    for target, files in built:
        path = out / f"{module.zip_stem}-{target.name}.zip"
        write_package(files, path, date_time=date_time)
        warnings = tuple(source_warnings) + tuple(target.package_warnings(files).diagnostics)
        results.append(
            PackResult(target.name, path, path.stat().st_size, len(files), len(module.slides), len(module.items), warnings)
        )
    return results


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
