"""Scale (issue 13): `validate` over many paths runs a process pool; results keep the order given and equal what
validate_path says package by package. Speed is measured in benchmarks/bench_validate.py, not here."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from crafted import scorm12, scorm2004
from hostile import make_zip

from scormkit.validate import validate_path, validate_paths
from scormkit.validate.batch import SERIAL_BELOW, default_jobs


@pytest.fixture()
def many(tmp_path):
    paths = []
    for i in range(SERIAL_BELOW + 8):  # enough to take the pool path
        files = scorm12() if i % 3 else scorm2004()
        if i % 4 == 0:
            del files["index.html"]  # every fourth one is invalid (cp.launch-missing)
        p = tmp_path / f"pkg-{i:02d}.zip"
        p.write_bytes(make_zip(files))
        paths.append(p)
    (tmp_path / "notes.txt").write_text("not a package")
    paths.insert(5, tmp_path / "notes.txt")
    return paths


def _summary(results):
    return [(r.path.name, r.standard, r.valid, sorted(f.code for f in r.findings)) for r in results]


def test_pool_equals_serial_in_order(many):
    pooled = validate_paths(many, jobs=2)
    serial = [validate_path(p) for p in many]
    assert _summary(pooled) == _summary(serial)
    assert [r.path for r in pooled] == many
    assert sum(not r.valid for r in pooled) == 7  # 6 without index.html + notes.txt


def test_pool_with_profile_and_unknown_profile(many):
    assert _summary(validate_paths(many, lms="moodle", jobs=2)) == _summary(
        [validate_path(p, lms="moodle") for p in many]
    )
    with pytest.raises(ValueError, match="unknown LMS profile"):
        validate_paths(many, lms="nope", jobs=2)


def test_default_jobs_is_the_cores_we_may_use():
    assert 1 <= default_jobs() <= (__import__("os").cpu_count() or 1)


def test_cli_jobs_option(many):
    out = subprocess.run(
        [sys.executable, "-m", "scormkit", "validate", *map(str, many), "-j", "2", "--format", "json"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1, out.stderr
    doc = json.loads(out.stdout)
    assert [r["path"] for r in doc["results"]] == [str(p) for p in many]
    assert doc["summary"]["invalid"] == 7
