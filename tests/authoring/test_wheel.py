"""What `pip install .` gives an author: a real wheel, installed in a fresh virtualenv, runs init and pack.

Built offline (--no-build-isolation, setuptools from the test extras) from a copy of the project files, so the
checkout is left as it was and nothing reaches beyond this machine.
"""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("project")
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, project / name)
    shutil.copytree(ROOT / "src", project / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copytree(ROOT / "module_src", project / "module_src")
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(project),
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            "-w",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = out.glob("scormkit-*.whl")
    return built


def test_wheel_ships_the_example_the_templates_and_every_data_file(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for name in ("module.yaml", "quiz.yaml", "slides.pdf", "make_slides.py"):
        assert f"scormkit/example/{name}" in names
        assert archive_bytes(wheel, f"scormkit/example/{name}") == (ROOT / "module_src" / name).read_bytes()
    assert {"scormkit/authoring/templates/module.yaml", "scormkit/authoring/templates/quiz.yaml"} <= names
    # Every non-Python file of the package (player, XSDs, licences, templates) is in the wheel.
    package = ROOT / "src" / "scormkit"
    data = {
        f"scormkit/{p.relative_to(package).as_posix()}"
        for p in package.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    }
    assert data - names == set()


def archive_bytes(wheel: Path, name: str) -> bytes:
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(name)


def test_installed_wheel_inits_the_example_and_packs_it(wheel, tmp_path):
    # Installed into a folder of its own that comes first on the path: the dependencies come from this machine,
    # scormkit itself only from the wheel (not from the checkout or an editable install).
    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    environment = {**os.environ, "PYTHONPATH": str(target)}
    where = subprocess.run(
        [sys.executable, "-c", "import scormkit; print(scormkit.__file__)"],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
    )
    assert where.stdout.startswith(str(target)), where.stdout + where.stderr
    entry_points = next(target.glob("scormkit-*.dist-info")) / "entry_points.txt"
    # The `scormkit` command of pip install .: the console script that answers an unchanged pack, then the CLI.
    assert "scormkit = scormkit.entry:main" in entry_points.read_text()
    for args in (["init", "esmo", "--example"], ["init", "mine"], ["pack", "esmo"], ["pack", "mine"]):
        result = subprocess.run(
            [sys.executable, "-m", "scormkit", *args], capture_output=True, text=True, env=environment, cwd=tmp_path
        )
        assert result.returncode == 0, (args, result.stdout + result.stderr)
    assert (tmp_path / "esmo" / "slides.pdf").read_bytes() == (ROOT / "module_src" / "slides.pdf").read_bytes()
    assert sorted(p.name for p in (tmp_path / "dist").glob("*.zip")) == [
        "esmo-difficult-pain-problems-1.0.0-scorm12.zip",
        "esmo-difficult-pain-problems-1.0.0-scorm2004.zip",
        "mine-0.1.0-scorm12.zip",
        "mine-0.1.0-scorm2004.zip",
    ]
