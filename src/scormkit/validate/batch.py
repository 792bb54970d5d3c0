"""Validate many packages on every core: a process pool over validate_path, results in the order given.

Validation is CPU-bound (zip directory, XML parse, XSD), so threads would share one core; processes do not.
A small batch stays in this process, where the pool's start-up (a fork per worker, the XSD sets compiled once per
worker) would cost more than it saves.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .core import _check_lms, validate_path
from .findings import PackageResult

SERIAL_BELOW = 16  # packages; under this a pool's start-up outweighs the parallel work


def default_jobs() -> int:
    """The cores this process may run on (the affinity mask, which containers and CI runners narrow)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _one(args: tuple[Path, str | None]) -> PackageResult:
    path, lms = args
    return validate_path(path, lms=lms)


def validate_paths(paths: Sequence[Path], *, lms: str | None = None, jobs: int | None = None) -> list[PackageResult]:
    """validate_path for each path, in order; `jobs` processes (default: every core), 1 = in this process."""
    _check_lms(lms)
    jobs = default_jobs() if jobs is None or jobs < 1 else jobs
    jobs = min(jobs, len(paths))
    if jobs <= 1 or len(paths) < SERIAL_BELOW:
        return [validate_path(Path(p), lms=lms) for p in paths]
    chunk = max(1, min(64, len(paths) // (jobs * 4)))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(_one, [(Path(p), lms) for p in paths], chunksize=chunk))
