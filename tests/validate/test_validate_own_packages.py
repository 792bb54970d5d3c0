"""Every package `scormkit pack`'s targets produce validates clean under every LMS profile that supports its
standard (no errors, no warnings)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import vcorpus

from scormkit.validate import LMS_PROFILES, validate_path
from scormkit.validate.profiles import PROFILES

TARGETS = [("scorm12", None), ("scorm2004", "2nd"), ("scorm2004", "3rd"), ("scorm2004", "4th"), ("cmi5", None),
           ("xapi", None)]
STANDARD = {"scorm12": "scorm12", "scorm2004": "scorm2004", "cmi5": "cmi5", "xapi": "xapi"}


def _build(name: str, edition: str | None) -> dict[str, bytes]:
    tests_dir = str(Path(__file__).resolve().parents[1])
    if tests_dir not in sys.path:
        sys.path.insert(0, tests_dir)
    from test_targets_common import make_module

    from scormkit.targets import get_target

    return get_target(name, edition=edition).build(make_module())


@pytest.mark.parametrize("name, edition", TARGETS, ids=[f"{n}-{e}" if e else n for n, e in TARGETS])
def test_own_package_validates_clean(tmp_path, name, edition):
    files = _build(name, edition)
    path = tmp_path / "pkg.zip"
    path.write_bytes(vcorpus.zip_bytes(files))
    result = validate_path(path)
    assert result.standard == STANDARD[name] and (edition is None or result.edition == edition)
    assert result.valid and not result.warnings, [str(f) for f in result.findings]
    for lms in LMS_PROFILES:
        if STANDARD[name] not in PROFILES[lms].standards:
            continue
        profiled = validate_path(path, lms=lms)
        assert profiled.valid and not profiled.warnings, (lms, [str(f) for f in profiled.findings])
