"""A warm `pack` of an unchanged module does nothing (issue 14): no zip touched, no file written, and the console
script answers it before loading the CLI. Anything that changed an input, or a damaged zip, builds again."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from factories import deck_folder, edit

from scormkit.entry import parse_plain_pack

ENV = {**os.environ, "NO_COLOR": "1"}


@pytest.fixture
def mod(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return deck_folder(tmp_path, monkeypatch)


def scormkit(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scormkit", *args], capture_output=True, text=True, env=env or ENV, timeout=300
    )


def files(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Every file under `folder` (the cache too) with its inode, size and mtime: what "not touched" means."""
    return {
        str(p.relative_to(folder)): (p.stat().st_ino, p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_unchanged_module_is_answered_without_writing_anything(mod: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    first = scormkit("pack", str(mod), "--out", str(out))
    assert first.returncode == 0, first.stderr
    before = files(out)

    again = scormkit("pack", str(mod), "--out", str(out))

    assert again.returncode == 0, again.stderr
    assert files(out) == before  # no zip rewritten, no cache entry added
    lines = again.stdout.splitlines()
    assert lines[0] == f"Nothing changed in {mod} since it was packed; no zip was touched:"
    assert [line.split()[:2] for line in lines[1:]] == [
        ["scorm12", str(out / "demo-module-1.0.0-scorm12.zip")],
        ["scorm2004", str(out / "demo-module-1.0.0-scorm2004.zip")],
    ]
    assert all(line.endswith("4 slides  1 items") for line in lines[1:])
    assert again.stderr == ""


def test_quiet_unchanged_pack_prints_nothing(mod: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    assert scormkit("pack", str(mod), "-o", str(out), "-t", "web").returncode == 0
    quiet = scormkit("-q", "pack", str(mod), "-o", str(out), "--target=web")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")


def test_changed_input_builds_again(mod: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    assert scormkit("pack", str(mod), "--out", str(out), "-t", "scorm12").returncode == 0
    zip_path = out / "demo-module-1.0.0-scorm12.zip"
    first = zip_path.read_bytes()
    edit(mod / "quiz.yaml", "prompt: Start low.", "prompt: Start low and go slow.")

    again = scormkit("pack", str(mod), "--out", str(out), "-t", "scorm12")

    assert again.returncode == 0, again.stderr
    assert "Nothing changed" not in again.stdout
    assert "Packed" in again.stdout
    assert zip_path.read_bytes() != first
    with zipfile.ZipFile(zip_path) as package:
        assert "Start low and go slow." in package.read("course.json").decode()


def test_other_options_are_another_build(mod: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    assert scormkit("pack", str(mod), "--out", str(out), "-t", "scorm2004").returncode == 0
    other = scormkit("pack", str(mod), "--out", str(out), "-t", "scorm2004", "--edition", "4th")
    assert other.returncode == 0, other.stderr
    assert "Nothing changed" not in other.stdout


def test_damaged_zip_is_rebuilt_to_the_same_bytes(mod: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    assert scormkit("pack", str(mod), "--out", str(out), "-t", "scorm12").returncode == 0
    zip_path = out / "demo-module-1.0.0-scorm12.zip"
    good = zip_path.read_bytes()
    damaged = bytearray(good)
    damaged[len(damaged) // 2] ^= 0xFF  # same size, one byte off: only the hash can tell
    zip_path.write_bytes(bytes(damaged))

    again = scormkit("pack", str(mod), "--out", str(out), "-t", "scorm12")

    assert again.returncode == 0, again.stderr
    assert "Nothing changed" not in again.stdout
    assert zip_path.read_bytes() == good


def test_recorded_warnings_are_printed_again_by_the_full_cli(mod: Path, tmp_path: Path) -> None:
    edit(mod / "module.yaml", "objectives:\n", "objectives:\n  - id: untested\n    text: Something not in the quiz.\n")
    out = tmp_path / "dist"
    first = scormkit("pack", str(mod), "--out", str(out), "-t", "scorm12")
    assert first.returncode == 0, first.stderr
    before = files(out)

    again = scormkit("pack", str(mod), "--out", str(out), "-t", "scorm12")

    assert again.returncode == 0, again.stderr
    assert files(out) == before
    assert "warning[quiz.unused-objective]" in again.stderr
    assert "(unchanged)" in again.stdout


def test_json_output_of_an_unchanged_pack_is_the_build_report(mod: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    assert scormkit("pack", str(mod), "--out", str(out), "-t", "scorm12").returncode == 0
    report = scormkit("pack", str(mod), "--out", str(out), "-t", "scorm12", "--format", "json")
    assert report.returncode == 0, report.stderr
    assert '"ok": true' in report.stdout


@pytest.mark.parametrize(
    "argv",
    [
        ["pack", "a", "b"],  # a catalogue: the process pool of the full CLI
        ["pack", "--format", "json"],
        ["pack", "--handoff"],
        ["pack", "--help"],
        ["-v", "pack"],
        ["pack", "-tscorm12"],
        ["pack", "--edition", "5th"],
        ["pack", "--jobs", "0"],
        ["pack", "--out"],
        ["validate", "x.zip"],
        [],
    ],
)
def test_only_a_plain_pack_is_answered_by_the_console_script(argv: list[str]) -> None:
    assert parse_plain_pack(argv) is None


def test_plain_pack_options_are_read_as_the_cli_reads_them() -> None:
    request = parse_plain_pack(
        ["-q", "pack", "src", "--target=xapi", "-t", "cmi5", "-o", "out", "--iri-base", "https://x.example/", "-j", "2"]
    )
    assert request == {
        "src": Path("src"),
        "targets": ("xapi", "cmi5"),
        "out": Path("out"),
        "options": {"edition": None, "iri_base": "https://x.example/"},
        "cache_root": Path("out/.cache"),
        "quiet": True,
    }
    default = parse_plain_pack(["pack", "--cache-dir", "/shared/cache", "--edition=4th"])
    assert default is not None
    assert (default["src"], default["targets"], default["out"]) == (Path("module_src"), (), Path("dist"))
    assert (default["cache_root"], default["options"]["edition"]) == (Path("/shared/cache"), "4th")
