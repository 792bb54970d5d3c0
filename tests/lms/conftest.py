"""Fixtures of the local LMS tests: packages of the example module, and the small misbehaving packages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .packages import write_package

MODULE_SRC = Path(__file__).resolve().parents[2] / "module_src"


@pytest.fixture(scope="session")
def our_package(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """our_package(target): module_src packed for that target with the public API, once per session."""
    from scormkit.api import pack

    cache: dict[str, Path] = {}

    def make(target: str) -> Path:
        if target not in cache:
            (result,) = pack(MODULE_SRC, targets=[target], out=tmp_path_factory.mktemp(f"lms-{target}"))
            cache[target] = result.path
        return cache[target]

    return make


@pytest.fixture(scope="session")
def bad_package(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """bad_package(name): one of tests/lms/packages.py's PAGES as a SCORM 1.2 zip."""
    folder = tmp_path_factory.mktemp("lms-bad")
    return lambda name: write_package(folder, name)
