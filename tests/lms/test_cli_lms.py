"""The preview and validate --run verbs' usage errors, through typer's CliRunner (no browser needed)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from scormkit.cli import app
from scormkit.lms import LocalLms

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()


def test_preview_of_a_missing_folder(tmp_path: Path):
    result = runner.invoke(app, ["preview", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert (
        f"error: {tmp_path / 'nowhere'} does not exist; pass a module folder (module.yaml) or a package zip"
        in result.output
    )


def test_preview_of_a_zip_takes_no_target(our_package):
    result = runner.invoke(app, ["preview", str(our_package("scorm12")), "--target", "scorm2004"])
    assert result.exit_code == 2
    assert "--target and --edition apply to a module folder; a zip is previewed as it was built" in result.output


def test_preview_unknown_target():
    result = runner.invoke(app, ["preview", str(REPO / "module_src"), "--target", "scorm3000"])
    assert result.exit_code == 1
    assert "error[cli.unknown-target] unknown target 'scorm3000'" in result.output


def test_preview_on_a_taken_port(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    taken = LocalLms()
    try:
        result = runner.invoke(app, ["preview", str(REPO / "module_src"), "--port", str(taken.port)])
    finally:
        taken.close()
    assert result.exit_code == 2
    assert (
        f"error: cannot listen on 127.0.0.1:{taken.port}: Address already in use; pass another --port" in result.output
    )
    assert not list(tmp_path.glob("scormkit-preview-*"))


def test_validate_run_without_playwright(our_package, tmp_path: Path):
    """A Python without Playwright gets the install line, exit 2 (a stand-in package that fails to import)."""
    fake = tmp_path / "site" / "playwright"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('No module named playwright (test stand-in)')\n")
    (fake / "sync_api.py").write_text("raise ImportError('No module named playwright (test stand-in)')\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(fake.parent), str(REPO / "src")])}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "scormkit",
            "validate",
            "--run",
            "--browser",
            sys.executable,
            str(our_package("scorm12")),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "validate --run needs Playwright for Python: pip install 'scormkit[run]'" in done.stderr
    assert "Traceback" not in done.stderr
