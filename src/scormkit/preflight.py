"""Checks of what `pack` gets from outside the module folder (the output folder, the environment), made before any
work starts, so each problem is one clear error instead of a traceback halfway through the build."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from scormkit import limits
from scormkit.diagnostics import Report

#: The first instant a zip entry can carry (entry_date clamps earlier ones to it) and the last.
_ZIP_LAST = dt.datetime(limits.ZIP_LAST_YEAR, 12, 31, 23, 59, 58, tzinfo=dt.UTC)


def check_output_folder(out: Path, report: Report) -> None:
    """`--out` must be a folder scormkit can write into, or a path where one can be made."""
    where = out.as_posix()
    if out.exists() and not out.is_dir():
        report.error(
            where,
            None,
            "cli.out-not-a-folder",
            f"--out {where} is a file, not a folder; give a folder (it is created if missing)",
        )
        return
    existing = out
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        report.error(
            where,
            None,
            "cli.out-not-a-folder",
            f"--out {where} cannot be created: {existing.as_posix()} is a file; give another folder",
        )
    elif existing.exists() and not os.access(existing, os.W_OK | os.X_OK):
        what = "is read-only" if existing == out else f"cannot be created: {existing.as_posix()} is read-only"
        report.error(
            where,
            None,
            "cli.out-not-writable",
            f"--out {where} {what} for this user; choose another folder with --out or fix the permissions",
        )


def check_source_date_epoch(report: Report, environ: Mapping[str, str] | None = None) -> None:
    """SOURCE_DATE_EPOCH (reproducible-builds.org) must be whole seconds since 1970 that a zip can carry."""
    environ = os.environ if environ is None else environ
    raw = environ.get("SOURCE_DATE_EPOCH")
    if not raw:
        return
    try:
        seconds = int(raw.strip())
        moment = dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    except (ValueError, OverflowError, OSError):
        report.error(
            "SOURCE_DATE_EPOCH",
            None,
            "source.date-range",
            f"SOURCE_DATE_EPOCH is {raw[:40]!r}; it must be a whole number of seconds since 1970-01-01 "
            "(e.g. the output of `git log -1 --format=%ct`), or unset",
        )
        return
    if moment > _ZIP_LAST:
        report.error(
            "SOURCE_DATE_EPOCH",
            None,
            "source.date-range",
            f"SOURCE_DATE_EPOCH {seconds} is {moment.date().isoformat()}, after {limits.ZIP_LAST_YEAR}, "
            "the last year a zip can carry; give a real build time or unset it",
        )
    elif seconds < 0:
        report.error(
            "SOURCE_DATE_EPOCH",
            None,
            "source.date-range",
            f"SOURCE_DATE_EPOCH {seconds} is before 1970; give a real build time or unset it",
        )


def check_iri_base(targets: Sequence[str], report: Report) -> None:
    """$SCORMKIT_XAPI_IRI_BASE, read by the xapi and cmi5 targets, must make absolute IRIs."""
    from scormkit.targets.xapi.activities import IRI_BASE_ENV, IriError
    from scormkit.targets.xapi.activities import check_iri_base as check

    raw = os.environ.get(IRI_BASE_ENV)
    if not raw or not {"xapi", "cmi5"} & set(targets):
        return
    try:
        check(raw)
    except IriError as problem:
        report.error(IRI_BASE_ENV, None, "cli.iri-base", str(problem))


def check_environment(targets: Sequence[str]) -> Report:
    """What building `targets` reads from the environment, for the verbs that build without writing (check, preview)."""
    report = Report()
    check_iri_base(targets, report)
    return report


def check_pack(out: Path, targets: Sequence[str]) -> Report:
    """Every check of this module, as one report."""
    report = Report()
    check_output_folder(out, report)
    check_source_date_epoch(report)
    report.extend(check_environment(targets))
    return report
