"""The shipped scorm-again: byte-identical to the npm package, hashed, licensed, and in the wheel's package data."""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from fnmatch import fnmatch
from importlib import resources
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LMS = REPO / "src" / "scormkit" / "lms"
SHIPPED = LMS / "scorm-again"
NPM_DIST = REPO / "node_modules" / "scorm-again" / "dist"


def test_sha256sums_cover_every_file():
    sums = dict(reversed(line.split("  ", 1)) for line in (SHIPPED / "SHA256SUMS").read_text().splitlines())
    files = {p.name for p in SHIPPED.iterdir()} - {"SHA256SUMS", "PROVENANCE.md"}
    assert set(sums) == files
    for name, digest in sums.items():
        assert hashlib.sha256((SHIPPED / name).read_bytes()).hexdigest() == digest, name


def test_version_and_licence_match_the_npm_package():
    lock = json.loads((REPO / "package-lock.json").read_text())
    version = lock["packages"]["node_modules/scorm-again"]["version"]
    provenance = (SHIPPED / "PROVENANCE.md").read_text()
    assert re.search(rf"\| version \| {re.escape(version)} ", provenance)
    assert lock["packages"]["node_modules/scorm-again"]["integrity"] in provenance
    assert (SHIPPED / "LICENSE").read_text().startswith("MIT License")


def test_files_equal_node_modules():
    if not NPM_DIST.is_dir():
        pytest.skip("node_modules/scorm-again not installed (npm ci)")
    for name in ("scorm12.min.js", "scorm2004.min.js", "scorm12.min.js.map", "scorm2004.min.js.map"):
        assert (SHIPPED / name).read_bytes() == (NPM_DIST / name).read_bytes(), f"re-copy {name} (PROVENANCE.md)"


def test_every_lms_file_is_package_data():
    patterns = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["scormkit"]
    root = REPO / "src" / "scormkit"
    for path in sorted(LMS.rglob("*")):
        if path.is_file() and path.suffix != ".py" and "__pycache__" not in path.parts:
            rel = path.relative_to(root).as_posix()
            assert any(fnmatch(rel, p) for p in patterns), f"{rel} is not in pyproject's package-data"
    node = resources.files("scormkit.lms").joinpath("scorm-again", "scorm2004.min.js")
    assert b"Scorm2004API" in node.read_bytes()
