"""The CLI's one error boundary and its generated help: every scormkit error is exit 1 and diagnostic lines."""

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scormkit.cli import app

ROOT = Path(__file__).resolve().parents[1]
MODULE_SRC = ROOT / "module_src"
runner = CliRunner()
BAD_BASE = "https://lms.example/a b"


@pytest.fixture
def mod(tmp_path: Path) -> Path:
    src = tmp_path / "module_src"
    shutil.copytree(MODULE_SRC, src, ignore=shutil.ignore_patterns("make_slides.py"))
    return src


@pytest.mark.parametrize("verb", ["check", "pack"])
def test_a_bad_iri_base_is_one_diagnostic_and_exit_1_in_every_verb(mod: Path, tmp_path: Path, verb: str) -> None:
    args = [verb, str(mod), "--target", "xapi"] + (["--out", str(tmp_path / "dist")] if verb == "pack" else [])
    result = runner.invoke(app, args, env={"SCORMKIT_XAPI_IRI_BASE": BAD_BASE})
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "error[internal]" not in result.output
    assert f"SCORMKIT_XAPI_IRI_BASE: error[cli.iri-base] xAPI IRI base {BAD_BASE!r}" in result.output


def test_info_refuses_a_format_it_cannot_write(tmp_path: Path) -> None:
    """info writes text or json; --format junit printed the text table and exit 0."""
    result = runner.invoke(app, ["info", str(tmp_path), "--format", "junit"])
    assert result.exit_code == 2
    assert "junit" in result.output


@pytest.mark.parametrize("verb", ["pack", "check", "preview"])
def test_the_target_help_names_every_registered_target(verb: str) -> None:
    """It was written out, and named three of the five targets."""
    from scormkit.targets import TARGETS

    result = runner.invoke(app, [verb, "--help"], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    (target_help,) = [line for line in result.output.splitlines() if re.search(r"--target +-t|-t, --target", line)]
    assert ", ".join(TARGETS) in target_help, target_help
