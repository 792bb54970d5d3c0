"""Issue 15: a failed, killed or concurrent build leaves dist/ with the zips it had or the whole new set, no temporary
file, and one clear error; the render cache is written only once the zips are in place."""

from __future__ import annotations

import hashlib
import io
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from scormkit import api
from scormkit.diagnostics import ScormkitError
from scormkit.package import JOURNAL, TEMP_MARK, write_packages
from tests.conftest import unavailable
from tests.factories import deck_folder, edit, make_pdf

REPO = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(REPO / "src")}


@pytest.fixture
def mod(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return deck_folder(tmp_path, monkeypatch)


def contents(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (hidden ones too), by relative path."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def zips(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.zip"))}


def temporaries(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.name.endswith(".tmp") or p.name == JOURNAL)


def test_failure_after_rendering_writes_no_zip_and_no_cache(mod: Path, tmp_path: Path) -> None:
    """Issue 15: failures after rendering wrote dist/.cache while saying "nothing was written"."""
    out = tmp_path / "dist"
    api.pack(mod, out=out)
    before = contents(out)
    # Over SCORM 1.2's 4,096-character suspend_data once the slides are rendered: fails in the target build.
    (mod / "quiz.yaml").write_text(
        "items:\n"
        + "".join(
            f"  - id: q{n}\n    type: fillin\n    objective: dosing\n    prompt: P{n}\n    accepted: [x]\n"
            for n in range(40)
        )
    )
    edit(mod / "module.yaml", "  width: 320", "  width: 330")  # new renders, which must not reach the cache
    with pytest.raises(ScormkitError) as info:
        api.pack(mod, out=out)
    assert [d.code for d in info.value.report.errors] == ["scorm12.unsupported"]
    assert contents(out) == before


def test_failure_into_a_new_folder_creates_nothing(mod: Path, tmp_path: Path) -> None:
    edit(mod / "quiz.yaml", "objective: dosing", "objective: nowhere")
    with pytest.raises(ScormkitError):
        api.pack(mod, out=tmp_path / "new" / "dist")
    assert not (tmp_path / "new").exists()


def test_a_killed_commit_is_finished_and_temporaries_of_killed_writes_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / "a.zip").write_bytes(b"old a")
    (out / "b.zip").write_bytes(b"old b")
    # Killed after the journal and the first rename: b's new zip is still under its temporary name.
    (out / f".b.zip{TEMP_MARK}123.tmp").write_bytes(b"new b")
    (out / "a.zip").write_bytes(b"new a")
    (out / JOURNAL).write_text(f'[[".a.zip{TEMP_MARK}456.tmp", "a.zip"], [".b.zip{TEMP_MARK}123.tmp", "b.zip"]]')
    (out / f".c.zip{TEMP_MARK}789.tmp").write_bytes(b"a write killed before its commit")
    write_packages([(out / "d.zip", {"index.html": b"x"})], date_time=(2020, 1, 1, 0, 0, 0))
    assert sorted(p.name for p in out.iterdir()) == ["a.zip", "b.zip", "d.zip"]
    assert (out / "a.zip").read_bytes() == b"new a" and (out / "b.zip").read_bytes() == b"new b"


def mount_tmpfs(where: Path, size: str, *options: str) -> None:
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", ",".join((f"size={size}", *options)), "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        unavailable(f"cannot mount a tmpfs to stand for a full or read-only disk: {done.stderr.strip()}")


@pytest.fixture
def small_disk(tmp_path: Path):
    where = tmp_path / "disk"
    yield where
    subprocess.run(["umount", str(where)], capture_output=True)


def run_pack(src: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scormkit", "pack", str(src), "--out", str(out), *extra],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=300,
    )


def test_full_disk_leaves_the_previous_set_and_one_clear_error(mod: Path, small_disk: Path, tmp_path: Path) -> None:
    """Issue 15: a full disk left this build's scorm12 beside last release's scorm2004."""
    api.pack(mod, out=tmp_path / "probe")
    one_set = sum(len(data) for data in zips(tmp_path / "probe").values())
    # Room for one set and its cache, not for a second set beside it.
    mount_tmpfs(small_disk, f"{(one_set * 3) // 2 // 4096 * 4096 + 4096 * 8}")
    out = small_disk / "dist"
    api.pack(mod, out=out, cache_dir=tmp_path / "cache")
    before = contents(out)
    edit(mod / "module.yaml", "title: Demo", "title: Demo, second edition")
    done = run_pack(mod, out, "--cache-dir", str(tmp_path / "cache"))
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == [
        f"{out}: error[pack.write-failed] no space left for {out}; free some space or pack to another folder with --out",
        "1 error(s), 0 warning(s); nothing was written.",
    ]
    assert contents(out) == before


def test_read_only_dist_is_one_clear_error(mod: Path, small_disk: Path, tmp_path: Path) -> None:
    mount_tmpfs(small_disk, "4m")
    out = small_disk / "dist"
    api.pack(mod, out=out)
    before = contents(out)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    edit(mod / "module.yaml", "title: Demo", "title: Demo, second edition")
    done = run_pack(mod, out)
    assert done.returncode == 1, done.stderr
    # The pre-flight check (scormkit.preflight) finds it before any work: one error, nothing written.
    assert done.stderr.splitlines() == [
        f"{out}: error[cli.out-not-writable] --out {out} is read-only for this user; choose another folder with --out "
        "or fix the permissions",
        "1 error(s), 0 warning(s); nothing was written.",
    ]
    assert contents(out) == before


def test_out_naming_a_file_is_one_clear_error(mod: Path, tmp_path: Path) -> None:
    (tmp_path / "dist").write_text("not a folder")
    done = run_pack(mod, tmp_path / "dist")
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        f"{tmp_path / 'dist'}: error[cli.out-not-a-folder] --out {tmp_path / 'dist'} is a file, not a folder; give a "
        "folder (it is created if missing)"
    )


def test_kill_9_at_random_moments_of_a_200_page_pack_leaves_the_old_set_or_the_new(mod: Path, tmp_path: Path) -> None:
    """Issue 15: kill -9 at random moments of a pack (200-page deck, 30 runs) leaves dist/ holding the old zips or
    the complete new set, and no temporary file once the next pack has run."""
    make_pdf(mod / "deck" / "slides.pdf", 200, label="Old slide", size=14)
    out = tmp_path / "dist"
    api.pack(mod, out=out, cache_dir=tmp_path / "unused")
    old = zips(out)
    make_pdf(mod / "deck" / "slides.pdf", 200, label="New slide", size=14)
    started = time.monotonic()
    api.pack(mod, out=tmp_path / "expected", cache_dir=tmp_path / "warm")
    cold = time.monotonic() - started
    new = zips(tmp_path / "expected")
    assert new.keys() == old.keys() and new != old
    rng = random.Random(15)
    seen = {"old": 0, "new": 0}
    for run in range(30):
        for path in out.glob("*.zip"):
            path.unlink()
        for name, data in old.items():
            (out / name).write_bytes(data)
        # Half the runs render everything (cold cache), half only build and write (warm render cache).
        cache = tmp_path / f"cold-{run}" if run % 2 == 0 else tmp_path / "warm"
        process = subprocess.Popen(
            [sys.executable, "-m", "scormkit", "pack", str(mod), "--out", str(out), "--cache-dir", str(cache)],
            env=ENV,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0, cold * (1.5 if run % 2 == 0 else 0.5)))
        process.send_signal(signal.SIGKILL)
        process.wait()
        now = zips(out)
        assert now in (old, new), f"run {run}: a mixed or damaged set"
        seen["old" if now == old else "new"] += 1
        # Whatever the killed run left in its cache is whole (named by the hash of its bytes) and has no temporary.
        assert temporaries(cache) == []
        for path in cache.glob("objects/*"):
            assert hashlib.sha256(path.read_bytes()).hexdigest() == path.name
        # Left in dist/ at most: a temporary of a killed commit, which the next pack removes (or renames in).
        done = run_pack(mod, out, "--cache-dir", str(tmp_path / "warm"))
        assert done.returncode == 0, done.stderr
        assert zips(out) == new
        assert temporaries(out) == []
    print(f"kill -9: {seen['old']} runs left the old set, {seen['new']} the new one")


def test_concurrent_packs_into_one_dist_all_succeed_with_whole_zips(mod: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    api.pack(mod, out=tmp_path / "expected")
    expected = zips(tmp_path / "expected")
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "scormkit", "pack", str(mod), "--out", str(out)],
            env=ENV,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(4)
    ]
    for process in processes:
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr
    assert zips(out) == expected
    assert temporaries(out) == []
    for data in expected.values():
        assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None


def test_a_catalogue_packs_every_folder_and_reports_the_broken_one(mod: Path, tmp_path: Path) -> None:
    """Issue 14: `scormkit pack SRC...` builds many module folders in a process pool (--jobs)."""
    import shutil

    second, broken = tmp_path / "second", tmp_path / "broken"
    shutil.copytree(mod, second)
    edit(second / "module.yaml", "id: demo-module", "id: second-module")
    shutil.copytree(mod, broken)
    edit(broken / "quiz.yaml", "objective: dosing", "objective: nowhere")
    out = tmp_path / "dist"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "scormkit",
            "pack",
            str(mod),
            str(second),
            str(broken),
            "--out",
            str(out),
            "--jobs",
            "2",
        ],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=600,
    )
    assert done.returncode == 1
    assert sorted(zips(out)) == [
        "demo-module-1.0.0-scorm12.zip",
        "demo-module-1.0.0-scorm2004.zip",
        "second-module-1.0.0-scorm12.zip",
        "second-module-1.0.0-scorm2004.zip",
    ]
    errors = [line for line in done.stderr.splitlines() if "error[" in line]
    # The broken folder's one error (an objective no item assesses is a designer warning since issue 12).
    assert len(errors) == 1 and all(line.startswith("broken/") for line in errors)
    assert done.stderr.splitlines()[-1].endswith("in 1 module(s); nothing was written for them.")
