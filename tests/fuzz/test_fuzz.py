"""The fuzz invariant, run in CI: for every target, a few hundred generated inputs, each ending with exit 0 or exit 1
with a diagnostic; never a traceback, an internal error or a raw ESC; each example under its time bound and the
whole run under RLIMIT_AS (the child is killed, and the test fails, if memory grows without bound).

The long run is the same script with more examples and a seed (docs/limits.md, "Fuzzing").
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from bounded import MEMORY_LIMIT, SRC

RUN = Path(__file__).resolve().parent / "run.py"
# Examples per target in CI: a few hundred, sized so the four targets together stay near a minute.
CI_EXAMPLES = {"module": 100, "quiz": 100, "manifest": 200, "zip": 200}


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


@pytest.mark.parametrize("target", sorted(CI_EXAMPLES))
def test_fuzz_target_keeps_the_promise(target: str) -> None:
    child = subprocess.run(
        [sys.executable, str(RUN), target, "--examples", str(CI_EXAMPLES[target])],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
        preexec_fn=_limit,
        timeout=600,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    report = json.loads(child.stdout.strip().splitlines()[-1])
    assert report["failure_count"] == 0, json.dumps(report["failures"][:5], indent=2)
    assert report["examples"] >= CI_EXAMPLES[target]
    # Both outcomes are reached: the strategies make valid input as well as broken input (not for the manifest
    # and zip targets, whose examples are nearly all broken by design).
    if target in ("module", "quiz"):
        assert report["exits"]["0"] > 0 and report["exits"]["1"] > 0, report["exits"]
    print(
        f"\nfuzz {target}: {report['examples']} CLI runs, exits {report['exits']}, worst "
        f"{report['worst_seconds']} s, peak RSS {report['peak_rss_bytes'] / 2**20:.0f} MiB"
    )
