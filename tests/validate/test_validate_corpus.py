"""Every real manifest of ../shared/corpus, synthesized into a package (zip or folder) and validated.

valid -> no errors (warnings allowed); invalid -> the rule named below; template -> pkg.template-placeholder;
lms-dependent -> the verdict and codes chosen below, whose messages say which LMSs take the package.
"""

from __future__ import annotations

import pytest
import vcorpus

from scormkit.validate import LMS_PROFILES, validate_path

# invalid rows: the rule that must reject each one
INVALID: dict[str, str] = {
    "moodle_badscorm": "pkg.manifest-not-at-root",
    "catapult-lts_201-1-iris-course-id": "cmi5.id-not-iri",
    "catapult-lts_201-2-iris-block-id": "cmi5.id-not-iri",
    "catapult-lts_201-3-iris-au-id": "cmi5.id-not-iri",
    "catapult-lts_201-4-iris-objective-id": "cmi5.id-not-iri",
    "catapult-lts_202-1-relative-url-no-zip": "cmi5.relative-url-no-zip",
    "catapult-lts_202-2-relative-url-no-zip": "cmi5.relative-url-no-zip",
    "catapult-lts_202-3-relative-url-no-zip": "cmi5.relative-url-no-zip",
    "catapult-lts_202-4-relative-url-no-zip": "cmi5.relative-url-no-zip",
    "catapult-lts_202-5-relative-url-no-zip": "cmi5.relative-url-no-zip",
    "catapult-lts_203-1-relative-url-no-reference": "cmi5.au-file-missing",
    "catapult-lts_204-query-string-conflict-endpoint": "cmi5.reserved-parameter",
    "catapult-lts_205-1-duplicated-block": "cmi5.duplicate-id",
    "catapult-lts_205-2-duplicated-objective": "cmi5.duplicate-id",
    "catapult-lts_205-3-duplicated-au": "cmi5.duplicate-id",
    "catapult-lts_206-1-invalid-au-url": "cmi5.url-invalid",
    "catapult-lts_207-1-invalid-courseStructure": "xsd.invalid",
}

TEMPLATE_CODE = "pkg.template-placeholder"

# lms-dependent rows: (valid?, codes expected, LMS named in the message or None)
LMS_DEPENDENT: dict[str, tuple[bool, set[str], str | None]] = {
    # only an XML declaration: Moodle's validator checks presence only; no parser can read it -> invalid
    "moodle_validscorm": (False, {"xml.not-well-formed"}, None),
    # lists scos/SCORM_12_APIWrapper.js, ships scos/APIWrapper.js: imported everywhere, one 404 at run time
    "adl-scorm-to-xapi-wrapper_whyno": (True, {"cp.file-missing"}, None),
    "moodle_complexscorm": (True, {"cp.default-organization-missing", "zip.junk"}, "Moodle"),
    "moodle_singlescobasic_missingorg": (True, {"cp.no-organization"}, "Moodle"),
}

STANDARD = {
    "scorm12": ("scorm12", None),
    "scorm2004-2nd": ("scorm2004", "2nd"),
    "scorm2004-3rd": ("scorm2004", "3rd"),
    "scorm2004-4th": ("scorm2004", "4th"),
    "cmi5": ("cmi5", None),
    "tincan": ("xapi", None),
}

ROWS = vcorpus.rows()


def test_corpus_present_and_complete():
    vcorpus.require_corpus()
    assert len(ROWS) == 263
    named = {r["name"] for r in ROWS}
    assert set(INVALID) <= named and set(LMS_DEPENDENT) <= named
    invalid = {r["name"] for r in ROWS if r["expected_import"] == "invalid"}
    assert invalid == set(INVALID), "every invalid row needs its rule in INVALID"
    lms_dep = {r["name"] for r in ROWS if r["expected_import"] == "lms-dependent"}
    assert lms_dep == set(LMS_DEPENDENT)


@pytest.mark.parametrize("index", range(len(ROWS)), ids=[r["name"] for r in ROWS])
def test_corpus_row(index, tmp_path):
    vcorpus.require_corpus()
    row = ROWS[index]
    synth = vcorpus.synthesize(row)
    # alternate zips and folders so both readers see the whole corpus over time
    path = vcorpus.materialize(synth, tmp_path, as_folder=index % 2 == 1)
    result = validate_path(path)
    errors = {f.code for f in result.errors}
    warnings = {f.code for f in result.warnings}
    expected = row["expected_import"]
    if (row["standard"] in STANDARD and expected != "invalid") or row["standard"] == "cmi5":
        std, ed = STANDARD[row["standard"]]
        assert (result.standard, result.edition) == (std, ed), result.label
    detail = "\n".join(str(f) for f in result.sorted_findings())
    if expected == "valid":
        assert result.valid, detail
    elif expected == "invalid":
        assert not result.valid
        assert INVALID[row["name"]] in errors, detail
    elif expected == "template":
        assert TEMPLATE_CODE in errors, detail
    else:
        ok, codes, lms_name = LMS_DEPENDENT[row["name"]]
        assert result.valid is ok, detail
        assert codes <= (warnings if ok else errors) | warnings, detail
        if lms_name:
            assert any(lms_name in f.message for f in result.findings if f.code in codes), detail


def test_cmi5_bare_vs_zip(tmp_path):
    """202-*: a bare cmi5.xml with a relative AU url is invalid; the same file in a zip with the AU file is not."""
    vcorpus.require_corpus()
    row = next(r for r in ROWS if r["name"] == "catapult-lts_202-1-relative-url-no-zip")
    bare = vcorpus.synthesize(row)
    assert bare.files is None
    assert "cmi5.relative-url-no-zip" in validate_path(bare.bare).codes()
    zipped = vcorpus.Synth(row, {"cmi5.xml": bare.bare.read_bytes(), "index.html": b"<html></html>"})
    result = validate_path(vcorpus.materialize(zipped, tmp_path))
    assert result.valid, [str(f) for f in result.findings]


@pytest.mark.parametrize("lms", LMS_PROFILES)
def test_corpus_sample_under_profiles(lms, tmp_path):
    """One package per standard under every profile: runs, and adds only lms.* codes."""
    vcorpus.require_corpus()
    seen = set()
    for row in ROWS:
        if row["standard"] in seen or row["expected_import"] != "valid":
            continue
        seen.add(row["standard"])
        path = vcorpus.materialize(vcorpus.synthesize(row), tmp_path)
        plain = validate_path(path)
        profiled = validate_path(path, lms=lms)
        added = set(profiled.findings) - set(plain.findings)
        assert all(f.code.startswith("lms.") for f in added), added


def _corpus_result(name, tmp_path, **kw):
    row = next(r for r in ROWS if r["name"] == name)
    return validate_path(vcorpus.materialize(vcorpus.synthesize(row), tmp_path), **kw)


def test_new_rules_on_real_packages(tmp_path):
    """Issue 13's rules and issue 9 item 1 on real packages: each fires where the real package has the problem."""
    vcorpus.require_corpus()
    # Storyline 360's SCORM 2004 publish still ships its Flash fallback (story.swf and 25 more)
    r = _corpus_result("articulate-storyline360_SL360_LMS_SCORM_2004", tmp_path)
    f = next(f for f in r.warnings if f.code == "pkg.flash")
    assert r.valid and f.message.startswith("26 Flash file(s) (story.swf")
    # Rustici's golf example: primary objective at 0.8, then objectives without a measure (docs/lms-pitfalls.md rule 23)
    r = _corpus_result("rustici-golf_RunTimeAdvancedCalls_SCORM20043rdEdition", tmp_path, lms="moodle")
    f = next(f for f in r.warnings if f.code == "lms.passing-score")
    assert r.valid and "1.0 (100 %)" in f.message and "0.8 (80 %)" in f.message
    # golf sequencing examples use mapInfo: a warning naming Moodle by default, an error under --lms moodle
    name = "rustici-golf_SequencingSimpleRemediation_SCORM20043rdEdition"
    r = _corpus_result(name, tmp_path)
    assert r.valid and any(f.code == "seq.mapinfo" and "Moodle" in f.message for f in r.warnings)
    assert "lms.mapinfo" in {f.code for f in _corpus_result(name, tmp_path, lms="moodle").errors}
    # every real package that names its XSDs in xsi:schemaLocation ships them
    assert not any(
        "pkg.control-documents" in _corpus_result(r["name"], tmp_path).codes()
        for r in ROWS
        if r["standard"].startswith("scorm") and r["expected_import"] == "valid"
    )
