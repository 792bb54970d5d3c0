"""Every package `scormkit pack`'s targets produce validates clean under every LMS profile that supports its
standard (no errors, no warnings), except for two known gaps the targets are being fixed for (issue 9), which
must then be reported exactly when the package has them:

- items 6 / docs/lms-pitfalls.md rule 26: `pkg.control-documents` while the zip lacks the XSDs its xsi:schemaLocation names;
- item 1 / docs/lms-pitfalls.md rule 23: `lms.passing-score` under Moodle-like profiles while an imsss:objective has no
  minNormalizedMeasure (Moodle stores 1.0 for it and its launch loop lets the last row win).

Once the targets ship the XSDs and write the objectives' measures, no warning at all is allowed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import vcorpus
from lxml import etree

from scormkit.validate import LMS_PROFILES, validate_path
from scormkit.validate.profiles import PROFILES

TARGETS = [
    ("scorm12", None),
    ("scorm2004", "2nd"),
    ("scorm2004", "3rd"),
    ("scorm2004", "4th"),
    ("cmi5", None),
    ("xapi", None),
]
STANDARD = {"scorm12": "scorm12", "scorm2004": "scorm2004", "cmi5": "cmi5", "xapi": "xapi"}
XSI = "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation"
IMSSS = "http://www.imsglobal.org/xsd/imsss"


def _build(name: str, edition: str | None) -> dict[str, bytes]:
    tests_dir = str(Path(__file__).resolve().parents[1])
    if tests_dir not in sys.path:
        sys.path.insert(0, tests_dir)
    from scormkit.targets import get_target
    from tests.factories import make_module

    return get_target(name, edition=edition).build(make_module())


def known_gaps(files: dict[str, bytes]) -> tuple[bool, bool]:
    """(XSDs named by xsi:schemaLocation missing, an imsss:objective without minNormalizedMeasure)."""
    if "imsmanifest.xml" not in files:
        return False, False
    root = etree.fromstring(files["imsmanifest.xml"])
    named = (root.get(XSI) or "").split()[1::2]
    xsd_missing = any(loc not in files for loc in named)
    unmeasured = any(o.find(f"{{{IMSSS}}}minNormalizedMeasure") is None for o in root.iter(f"{{{IMSSS}}}objective"))
    return xsd_missing, unmeasured


@pytest.mark.parametrize("name, edition", TARGETS, ids=[f"{n}-{e}" if e else n for n, e in TARGETS])
def test_own_package_validates_clean(tmp_path, name, edition):
    files = _build(name, edition)
    path = tmp_path / "pkg.zip"
    path.write_bytes(vcorpus.zip_bytes(files))
    xsd_missing, unmeasured = known_gaps(files)
    result = validate_path(path)
    assert result.standard == STANDARD[name] and (edition is None or result.edition == edition)
    expected = {"pkg.control-documents"} if xsd_missing else set()
    assert result.valid and {f.code for f in result.warnings} == expected, [str(f) for f in result.findings]
    for lms in LMS_PROFILES:
        profile = PROFILES[lms]
        if STANDARD[name] not in profile.standards or (name == "scorm2004" and edition not in profile.editions):
            continue
        profiled = validate_path(path, lms=lms)
        want = expected | ({"lms.passing-score"} if unmeasured and profile.moodle_launch else set())
        assert profiled.valid and {f.code for f in profiled.warnings} == want, (
            lms,
            [str(f) for f in profiled.findings],
        )
