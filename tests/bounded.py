"""Run the real `scormkit` CLI in a child process under memory and time bounds, and judge what it printed.

The promise of issue 15: whatever the input, scormkit exits 0, or 1 with a diagnostic naming the file; it never
prints a traceback, never hangs and never grows without bound. `run_bounded` enforces the bounds on the child
(RLIMIT_AS for memory, a wall-clock watchdog for time) and reports its peak resident memory (from wait4) and its
run time, so a test can check the outcome and a report can quote the worst case. The bounds are limits, not speed
targets: a healthy run is far below them.
"""

from __future__ import annotations

import json
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
#: Address space of one CLI run. Python, lxml, pypdfium2 and Pillow map about 0.5 GiB before reading anything.
MEMORY_LIMIT = 1536 * 1024 * 1024
#: Wall-clock bound of one CLI run; the slowest honest case (a cold pack on a loaded CI machine) is well under it.
TIME_LIMIT = 120.0

# One diagnostic line: `place: severity[code] message` (pack, info), or validate's `  severity[code] place: message`.
DIAGNOSTIC = re.compile(r"^(\S.*?: |\s+)(error|warning|info)\[[a-z0-9]+\.[a-z0-9-]+\] \S")
SUMMARY = re.compile(r"^\d+ error\(s\), \d+ warning\(s\)")


@dataclass
class Outcome:
    returncode: int | None  # None: killed by the watchdog (a hang)
    stdout: str
    stderr: str
    seconds: float
    peak_bytes: int  # maximum resident set size of the child
    signal: int | None = None

    @property
    def hung(self) -> bool:
        return self.returncode is None

    def problems(self) -> list[str]:
        """Every way this run broke the promise (empty when it kept it)."""
        found = []
        if self.hung:
            found.append(f"no answer within {TIME_LIMIT:.0f} s")
        elif self.signal is not None:
            found.append(f"killed by signal {self.signal}")
        elif self.returncode not in (0, 1):
            found.append(f"exit code {self.returncode}")
        if "Traceback (most recent call last)" in self.stderr + self.stdout:
            found.append("printed a traceback")
        if "error[internal]" in self.stderr or "error[limit." in self.stderr:
            found.append("reported an internal error: " + self.stderr.strip().splitlines()[-1])
        if self.returncode == 1 and not any(
            DIAGNOSTIC.match(line) for line in self.stderr.splitlines() + self.stdout.splitlines()
        ):
            found.append("exit 1 without a diagnostic")
        if "\x1b" in self.stderr or "\x1b" in self.stdout:
            found.append("printed a raw ESC (ANSI escape) from the input")
        return found


def _limit_child(memory: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.setsid()  # the watchdog kills the whole group


def run_bounded(
    args: list[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    memory: int = MEMORY_LIMIT,
    timeout: float = TIME_LIMIT,
    stdin: bytes | None = None,
    user: int | None = None,
) -> Outcome:
    """`python -m scormkit *args` in a child with RLIMIT_AS=`memory`, killed after `timeout` seconds."""
    full_env = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "200", "NO_COLOR": "1", **(env or {})}
    full_env.pop("SCORMKIT_DEBUG", None)

    def prepare() -> None:
        _limit_child(memory)
        if user is not None:
            os.setgid(user)
            os.setuid(user)

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        child = subprocess.Popen(
            [sys.executable, "-m", "scormkit", *args],
            cwd=cwd,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            preexec_fn=prepare,
        )
        killed = threading.Event()

        def watchdog() -> None:
            killed.set()
            try:
                os.killpg(child.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, watchdog)
        timer.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            timer.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    code = None if killed.is_set() else child.returncode
    sig = -code if code is not None and code < 0 else None
    outcome = Outcome(code, stdout, stderr, seconds, usage.ru_maxrss * 1024, sig)
    if os.environ.get("SCORMKIT_BOUNDS_LOG"):  # for a report of the worst case: one JSON line per run
        with open(os.environ["SCORMKIT_BOUNDS_LOG"], "a") as log:
            log.write(
                json.dumps(
                    {
                        "args": args[:1] + [a[-60:] for a in args[1:]],
                        "exit": code,
                        "seconds": round(seconds, 2),
                        "peak_mib": round(outcome.peak_bytes / 2**20),
                    }
                )
                + "\n"
            )
    return outcome


def assert_kept_promise(outcome: Outcome, *, exit_code: int | None = None) -> None:
    """The run ended cleanly (exit 0, or 1 with a diagnostic), within the bounds; optionally with `exit_code`."""
    assert not outcome.problems(), (outcome.problems(), outcome.stderr[-3000:])
    if exit_code is not None:
        assert outcome.returncode == exit_code, outcome.stderr[-3000:]


def diagnostic_lines(outcome: Outcome) -> list[str]:
    return [line for line in outcome.stderr.splitlines() if DIAGNOSTIC.match(line)]
