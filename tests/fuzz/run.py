"""Fuzz one target of the scormkit CLI and report, as JSON on stdout, every example that broke the promise.

    python tests/fuzz/run.py module --examples 300          # what CI runs for each target (tests/fuzz/test_fuzz.py)
    python tests/fuzz/run.py zip --examples 20000 --seed 7   # a long run (docs/limits.md, "Fuzzing")

Targets: `module` (module.yaml through `pack`), `quiz` (quiz.yaml through `pack`), `manifest` (a bare manifest and
its folder through `validate` and `info`), `zip` (zips through `validate` in every format, and `info`). Each
example runs the real CLI in-process, through its error boundary, and must end with exit 0, or exit 1 with a
diagnostic: no traceback, no internal error, no raw ESC, within the per-example CPU and time bounds. Run it in a child
process with RLIMIT_AS (test_fuzz.py does) so unbounded memory shows as a failure, not as a dead machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from strategies import MODULE, QUIZ, _dump, manifest, module_yaml, quiz_yaml, zip_bytes  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from scormkit.cli import app  # noqa: E402

#: CPU seconds one example may use, and wall-clock seconds it may take (bounds far above a normal run, so a hang
#: shows as a failure; CPU time keeps a starved process on a loaded machine from passing for a hang).
EXAMPLE_CPU_SECONDS = 30
EXAMPLE_SECONDS = 300
DIAGNOSTIC = re.compile(r"^(\S.*?: |\s+)(error|warning|info)\[[a-z0-9]+\.[a-z0-9-]+\] \S", re.MULTILINE)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8ffff3f0005fe02fea7d6a4810000000049454e44ae426082"
)


# How each output format names an error: a diagnostic line (pack, validate text), a JUnit <failure>, a JSON finding,
# a GitHub ::error annotation, or the error codes `info` lists.
_WHY = re.compile(
    r'<failure |"severity": "error"|^::error |"errors": \[\s*"[a-z0-9]+\.|errors +│ \["[a-z0-9]+\.', re.MULTILINE
)


def _says_why(output: str) -> bool:
    return bool(DIAGNOSTIC.search(output) or _WHY.search(output))


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang()


class Fuzz:
    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.runner = CliRunner()
        self.examples = 0
        self.exits = {0: 0, 1: 0}
        self.failures: list[dict] = []
        self.worst_seconds = 0.0
        self.base = workdir / "base"
        self._make_base_module()

    def _make_base_module(self) -> None:
        from fpdf import FPDF

        self.base.mkdir()
        pdf = FPDF(orientation="L", format=(90, 160))
        pdf.set_font("helvetica", size=12)
        pdf.add_page()
        pdf.cell(text="Slide 1")
        pdf.output(str(self.base / "slides.pdf"))
        (self.base / "assets").mkdir()
        (self.base / "assets" / "chart.png").write_bytes(PNG)
        (self.base / "module.yaml").write_text(_dump(MODULE))
        (self.base / "quiz.yaml").write_text(_dump(QUIZ))
        self.dist = self.workdir / "dist"  # shared: its render cache makes a valid example cheap

    def cli(self, args: list[str], what: str) -> None:
        """Run one CLI call and judge it."""
        self.examples += 1
        signal.alarm(EXAMPLE_SECONDS)
        signal.setitimer(signal.ITIMER_PROF, EXAMPLE_CPU_SECONDS)
        start = time.monotonic()
        try:
            result = self.runner.invoke(app, args, catch_exceptions=True)
            problems = []
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                problems.append(f"raised {type(result.exception).__name__}: {result.exception}")
        except Hang:
            problems, result = [f"over {EXAMPLE_CPU_SECONDS} s of CPU or {EXAMPLE_SECONDS} s"], None
        finally:
            signal.alarm(0)
            signal.setitimer(signal.ITIMER_PROF, 0)
        seconds = time.monotonic() - start
        self.worst_seconds = max(self.worst_seconds, seconds)
        if result is not None:
            output = result.stdout + result.stderr
            if result.exit_code not in (0, 1):
                problems.append(f"exit code {result.exit_code}")
            else:
                self.exits[result.exit_code] += 1
            if "Traceback" in output or "error[internal]" in output or "error[limit." in output:
                problems.append("traceback or internal error: " + output.strip()[-500:])
            if result.exit_code == 1 and not _says_why(output):
                problems.append("exit 1 without a diagnostic: " + output.strip()[-300:])
            if "\x1b" in output:
                problems.append("raw ESC in the output")
        if problems:
            self.failures.append({"what": what, "args": args, "problems": problems})

    # ---- targets ----------------------------------------------------------------------------------------

    def _module(self, **files: str) -> Path:
        src = self.workdir / "mod"
        shutil.rmtree(src, ignore_errors=True)
        shutil.copytree(self.base, src)
        for name, text in files.items():
            (src / name).write_text(text, encoding="utf-8", errors="surrogatepass")
        return src

    def module(self, text: str) -> None:
        self.cli(
            ["pack", str(self._module(**{"module.yaml": text})), "--out", str(self.dist), "-t", "web"],
            "module.yaml:\n" + text,
        )

    def quiz(self, text: str) -> None:
        self.cli(
            ["pack", str(self._module(**{"quiz.yaml": text})), "--out", str(self.dist), "-t", "scorm12"],
            "quiz.yaml:\n" + text,
        )

    def manifest(self, named: tuple[str, bytes], fmt: str) -> None:
        name, data = named
        folder = self.workdir / "pkg"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        (folder / name).write_bytes(data)
        (folder / "index.html").write_bytes(b"<html></html>")
        self.cli(["validate", str(folder / name), str(folder), "--format", fmt], f"{name}: {data[:1500]!r}")
        self.cli(["info", str(folder), "--format", "json"], f"info {name}: {data[:1500]!r}")

    def zip(self, data: bytes, fmt: str, strict: bool) -> None:
        path = self.workdir / "f.zip"
        path.write_bytes(data)
        self.cli(["validate", str(path), "--format", fmt] + (["--strict"] if strict else []), f"zip {len(data)} bytes")
        self.cli(["info", str(path)], f"info zip {len(data)} bytes")

    def run(self, target: str, examples: int, seed_value: int | None) -> None:
        formats = st.sampled_from(["text", "json", "junit", "github"])
        strategies = {
            "module": (given(module_yaml()), self.module),
            "quiz": (given(quiz_yaml()), self.quiz),
            "manifest": (given(manifest(), formats), self.manifest),
            "zip": (given(zip_bytes(), formats, st.booleans()), self.zip),
        }
        decorate, body = strategies[target]
        test = settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=seed_value is None,
            suppress_health_check=list(HealthCheck),
        )(decorate(body))
        if seed_value is not None:
            test = seed(seed_value)(test)
        test()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", choices=["module", "quiz", "manifest", "zip"])
    parser.add_argument("--examples", type=int, default=300)
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: a fixed, derandomized run)")
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, _alarm)
    signal.signal(signal.SIGPROF, _alarm)
    with tempfile.TemporaryDirectory(prefix="scormkit-fuzz-") as tmp:
        old = os.getcwd()
        os.chdir(tmp)
        try:
            fuzz = Fuzz(Path(tmp))
            start = time.monotonic()
            fuzz.run(args.target, args.examples, args.seed)
            total = time.monotonic() - start
        finally:
            os.chdir(old)
    print(
        json.dumps(
            {
                "target": args.target,
                "examples": fuzz.examples,
                "exits": fuzz.exits,
                "failures": fuzz.failures[:50],
                "failure_count": len(fuzz.failures),
                "worst_seconds": round(fuzz.worst_seconds, 2),
                "total_seconds": round(total, 1),
                "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
            },
            default=str,
        )
    )


if __name__ == "__main__":
    main()
