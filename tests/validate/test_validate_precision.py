"""Issue 13 "Precision" and new rules, issue 9 items 1, 6 and 15: each on a realistic crafted package
(tests/validate/crafted.py), asserting the verdict and the exact codes a user sees."""

from __future__ import annotations

import zipfile

import pytest
from crafted import OBJECTIVES_CONSISTENT, OBJECTIVES_MOODLE_100, XSD_12, scorm12, scorm2004, set_method
from hostile import make_zip

from scormkit.validate import validate_path


def check(tmp_path, files, name="pkg.zip", compression=zipfile.ZIP_DEFLATED, **kw):
    p = tmp_path / name
    p.write_bytes(make_zip(files, compression))
    return validate_path(p, **kw)


def codes(r, severity):
    return {f.code for f in r.findings if f.severity.value == severity}


def test_crafted_packages_are_clean(tmp_path):
    for files in (scorm12(), scorm2004()):
        for lms in (None, "moodle", "openedx", "docebo"):
            r = check(tmp_path, files, lms=lms)
            assert r.valid and not r.warnings, (lms, [str(f) for f in r.findings])


# --- Open edX precision (docs/lms-pitfalls.md rule 21) ----------------------------------------------------------------

AUX_NO_HREF = (
    '<resource identifier="SHARED" type="webcontent" adlcp:scormtype="asset"><file href="js/scorm_api.js"/></resource>'
)


def test_openedx_leading_resource_without_href_is_harmless(tmp_path):
    files = scorm12()
    m = files["imsmanifest.xml"].replace(b"<resources>\n    ", b"<resources>\n    " + AUX_NO_HREF.encode())
    r = check(tmp_path, dict(files, **{"imsmanifest.xml": m}), lms="openedx")
    assert r.valid and "lms.first-resource" not in r.codes(), [str(f) for f in r.findings]


def test_openedx_leading_resource_with_href_is_launched(tmp_path):
    files = scorm12()
    aux = b'<resource identifier="GLOSSARY" type="webcontent" adlcp:scormtype="asset" href="css/course.css"/>'
    m = files["imsmanifest.xml"].replace(b"<resources>\n    ", b"<resources>\n    " + aux)
    r = check(tmp_path, dict(files, **{"imsmanifest.xml": m}), lms="openedx")
    f = next(f for f in r.errors if f.code == "lms.first-resource")
    assert "'GLOSSARY'" in f.message and "'RES1'" in f.message


HIDDEN_UNTITLED = (
    '<item identifier="ITEM1" identifierref="RES1"><title>Lesson 1</title></item>'
    '<item identifier="ITEM2" isvisible="false"><title></title></item>'
    '<item identifier="ITEM3"/>'
)
VISIBLE_UNTITLED = '<item identifier="ITEM1" identifierref="RES1" isvisible="true"><title> </title></item>'


def test_openedx_titles_only_of_items_it_reads(tmp_path):
    r = check(tmp_path, scorm12(items=HIDDEN_UNTITLED), lms="openedx")
    assert "lms.item-title" not in r.codes() and "cp.title-missing" not in r.codes(), [str(f) for f in r.findings]
    r = check(tmp_path, scorm12(items=VISIBLE_UNTITLED), lms="openedx")
    f = next(f for f in r.errors if f.code == "lms.item-title")
    assert "item 'ITEM1'" in f.message and "Open edX" in f.message


def test_empty_organization_title(tmp_path):
    files = scorm12(org_title="")
    plain = check(tmp_path, files)
    f = next(f for f in plain.findings if f.code == "cp.title-missing")
    assert plain.valid and f.severity.value == "warning" and "organization 'ORG1'" in f.message
    assert "Open edX" in f.message and f.line == 5  # the <organization> line
    profiled = check(tmp_path, files, lms="openedx")
    assert not profiled.valid and "lms.item-title" in codes(profiled, "error")


# --- detection, identifiers, XSD policy ------------------------------------------------------------------------


def test_namespaceless_scorm12(tmp_path):
    """Old Reload/eXe-style manifests: no default namespace, adlcp still bound."""
    r = check(tmp_path, scorm12(namespace=False))
    assert (r.standard, r.valid) == ("scorm12", True), [str(f) for f in r.findings]
    assert codes(r, "warning") == {"detect.no-namespace"} and "detect.unknown-root" not in r.codes()
    f = next(f for f in r.findings if f.code == "detect.no-namespace")
    assert "Moodle and Open edX" in f.message and "XSD was not checked" in f.message


def test_item_and_resource_share_an_identifier(tmp_path):
    """Docebo's diagnostics package names its item and its resource alike."""
    files = scorm12(
        items='<item identifier="SHARED" identifierref="SHARED"><title>Diagnostics</title></item>',
        resources=(
            '<resource identifier="SHARED" type="webcontent" adlcp:scormtype="sco" '
            'href="index.html"><file href="index.html"/></resource>'
        ),
    )
    r = check(tmp_path, files)
    shared = [f for f in r.findings if f.code == "cp.identifier-shared"]
    assert r.valid and len(shared) == 1 and "'SHARED'" in shared[0].message
    assert not {"cp.identifier-duplicate", "xsd.id-syntax", "xsd.invalid"} & r.codes(), [str(f) for f in r.findings]


def test_two_items_with_one_identifier_stay_an_error(tmp_path):
    files = scorm12(
        items='<item identifier="X" identifierref="RES1"><title>A</title></item>'
        '<item identifier="X" identifierref="RES1"><title>B</title></item>'
    )
    assert "cp.identifier-duplicate" in codes(check(tmp_path, files), "error")


def _datafromlms(n: int) -> dict[str, bytes]:
    return scorm12(
        items='<item identifier="ITEM1" identifierref="RES1"><title>Lesson 1</title>'
        f"<adlcp:datafromlms>{'k=v;' * (n // 4)}</adlcp:datafromlms></item>"
    )


def test_xsd_policy_datafromlms_length(tmp_path):
    r = check(tmp_path, _datafromlms(4096))
    assert r.valid and codes(r, "warning") == {"xsd.length"}, [str(f) for f in r.findings]
    r = check(tmp_path, _datafromlms(4100))
    assert "xsd.invalid" in codes(r, "error")


def test_xsd_policy_empty_boolean(tmp_path):
    seq = OBJECTIVES_CONSISTENT.replace('satisfiedByMeasure="true"', 'satisfiedByMeasure=""')
    files = scorm2004(
        sequencing=f'<imsss:sequencing>{seq}<imsss:deliveryControls completionSetByContent="true" '
        'objectiveSetByContent="true"/></imsss:sequencing>'
    )
    r = check(tmp_path, files)
    assert r.valid and codes(r, "warning") == {"xsd.empty-boolean"}, [str(f) for f in r.findings]


def test_xsd_policy_imsss_order(tmp_path):
    files = scorm2004(
        sequencing='<imsss:sequencing><imsss:deliveryControls completionSetByContent="true" '
        f'objectiveSetByContent="true"/>{OBJECTIVES_CONSISTENT}</imsss:sequencing>'
    )
    r = check(tmp_path, files)
    assert r.valid and codes(r, "warning") == {"xsd.imsss-order"}, [str(f) for f in r.findings]
    bogus = scorm2004(sequencing="<imsss:sequencing><imsss:bogus/></imsss:sequencing>")
    assert "xsd.invalid" in codes(check(tmp_path, bogus), "error")


MAPINFO = OBJECTIVES_CONSISTENT.replace(
    "<imsss:minNormalizedMeasure>0.8</imsss:minNormalizedMeasure>\n              </imsss:primaryObjective>",
    "<imsss:minNormalizedMeasure>0.8</imsss:minNormalizedMeasure>\n"
    '<imsss:mapInfo targetObjectiveID="com.example.global.fire" writeSatisfiedStatus="true"/>'
    "</imsss:primaryObjective>",
)


def test_mapinfo_warns_by_default_and_fails_moodle(tmp_path):
    files = scorm2004(
        sequencing=f"<imsss:sequencing>{MAPINFO}<imsss:deliveryControls "
        'completionSetByContent="true" objectiveSetByContent="true"/></imsss:sequencing>'
    )
    r = check(tmp_path, files)
    f = next(f for f in r.findings if f.code == "seq.mapinfo")
    assert r.valid and f.severity.value == "warning" and "Moodle" in f.message
    assert "lms.mapinfo" in codes(check(tmp_path, files, lms="moodle"), "error")
    assert check(tmp_path, files, lms="canvas").valid


# --- issue 9 item 1: Moodle's launch loop and cmi.scaled_passing_score (docs/lms-pitfalls.md rule 23) -----------------


def _with_objectives(objectives: str) -> dict[str, bytes]:
    return scorm2004(
        sequencing=f"<imsss:sequencing>{objectives}<imsss:deliveryControls "
        'completionSetByContent="true" objectiveSetByContent="true"/></imsss:sequencing>'
    )


@pytest.mark.parametrize("lms", ["moodle", "totara"])
def test_moodle_passing_score_raised_to_100(tmp_path, lms):
    files = _with_objectives(OBJECTIVES_MOODLE_100)
    r = check(tmp_path, files, lms=lms)
    f = next(f for f in r.warnings if f.code == "lms.passing-score")
    assert r.valid and "'use-extinguisher'" in f.message and "1.0 (100 %)" in f.message
    assert "0.8 (80 %)" in f.message and "get_scorm_default" in f.message and f.line is not None
    assert "lms.passing-score" not in check(tmp_path, files).codes()  # Moodle's behaviour, not a spec rule
    assert "lms.passing-score" not in check(tmp_path, files, lms="canvas").codes()


@pytest.mark.parametrize(
    "objectives",
    [
        OBJECTIVES_CONSISTENT,
        # primary objective alone
        '<imsss:objectives><imsss:primaryObjective objectiveID="P" satisfiedByMeasure="true"><imsss:minNormalizedMeasure>'
        "0.8</imsss:minNormalizedMeasure></imsss:primaryObjective></imsss:objectives>",
        # no measure anywhere and satisfiedByMeasure true: 1.0 both by the spec's default and by Moodle's
        '<imsss:objectives><imsss:primaryObjective objectiveID="P" satisfiedByMeasure="true"/>'
        '<imsss:objective objectiveID="O"/></imsss:objectives>',
    ],
)
def test_moodle_passing_score_consistent(tmp_path, objectives):
    r = check(tmp_path, _with_objectives(objectives), lms="moodle")
    assert "lms.passing-score" not in r.codes(), [str(f) for f in r.findings]


def test_moodle_passing_score_primary_not_by_measure(tmp_path):
    """satisfiedByMeasure is not read at launch: the rows alone decide what Moodle hands the SCO."""
    objectives = (
        '<imsss:objectives><imsss:primaryObjective objectiveID="P"><imsss:minNormalizedMeasure>0.6'
        '</imsss:minNormalizedMeasure></imsss:primaryObjective><imsss:objective objectiveID="O"/>'
        "</imsss:objectives>"
    )
    f = next(
        f for f in check(tmp_path, _with_objectives(objectives), lms="moodle").warnings if f.code == "lms.passing-score"
    )
    assert "1.0 (100 %) from objective 'O'" in f.message and "0.6 (60 %)" in f.message
    only_primary = '<imsss:objectives><imsss:primaryObjective objectiveID="P"/></imsss:objectives>'
    assert "lms.passing-score" not in check(tmp_path, _with_objectives(only_primary), lms="moodle").codes()


def test_moodle_loop_model():
    """The loop's rule, row by row: the last row with a non-empty stored value wins; absent = 1.0; 0 is empty."""
    from lxml import etree

    from scormkit.validate.moodle import moodle_passing_score, objective_rows, primary_passing_score

    ns = 'xmlns:imsss="http://www.imsglobal.org/xsd/imsss"'

    def rows(body):
        return objective_rows(
            etree.fromstring(
                f"<item {ns}><imsss:sequencing><imsss:objectives>{body}</imsss:objectives></imsss:sequencing></item>"
            )
        )

    mnm = "<imsss:minNormalizedMeasure>{}</imsss:minNormalizedMeasure>"
    r = rows(
        f'<imsss:primaryObjective satisfiedByMeasure="true">{mnm.format("0.6")}</imsss:primaryObjective>'
        f'<imsss:objective objectiveID="a">{mnm.format("0.7")}</imsss:objective>'
        f'<imsss:objective objectiveID="b">{mnm.format("0")}</imsss:objective>'
    )
    assert moodle_passing_score(r)[0] == "0.7" and primary_passing_score(r) == "0.6"
    r = rows('<imsss:primaryObjective satisfiedByMeasure="true"/><imsss:objective objectiveID="a"/>')
    assert moodle_passing_score(r)[0] == "1.0" and primary_passing_score(r) == "1.0"


# --- profiles know editions; new profiles ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "lms, edition, code",
    [
        ("talentlms", "2004 3rd Edition", "lms.unsupported-standard"),
        ("fuse", "2004 3rd Edition", "lms.unsupported-standard"),
        ("docebo", "2004 4th Edition", "lms.unsupported-edition"),
        ("docebo", "CAM 1.3", "lms.unsupported-edition"),
        ("knowbe4", "2004 3rd Edition", "lms.unsupported-edition"),
        ("latitude", "2004 4th Edition", "lms.unsupported-edition"),
    ],
)
def test_profile_standards_and_editions(tmp_path, lms, edition, code):
    r = check(tmp_path, scorm2004(edition=edition), lms=lms)
    assert r.valid and codes(r, "warning") == {code}, [str(f) for f in r.findings]


@pytest.mark.parametrize(
    "lms, edition",
    [
        ("docebo", "2004 3rd Edition"),
        ("knowbe4", "2004 4th Edition"),
        ("latitude", "2004 3rd Edition"),
        ("latitude", "CAM 1.3"),
    ],
)
def test_profile_editions_accepted(tmp_path, lms, edition):
    r = check(tmp_path, scorm2004(edition=edition), lms=lms)
    assert r.valid and not r.warnings, [str(f) for f in r.findings]


def test_talentlms_and_fuse_take_scorm12(tmp_path):
    for lms in ("talentlms", "fuse"):
        r = check(tmp_path, scorm12(), lms=lms)
        assert r.valid and not r.warnings, (lms, [str(f) for f in r.findings])


@pytest.mark.parametrize(
    "ext", [".phps", ".ph3", ".php4", ".php5", ".shtml", ".asp", ".aspx", ".jsp", ".rb", ".pl", ".cgi", ".py", ".sh"]
)
def test_docebo_refused_extensions(tmp_path, ext):
    files = dict(scorm2004(), **{f"server/handler{ext}": b"x"})
    r = check(tmp_path, files, lms="docebo")
    assert "lms.forbidden-file" in codes(r, "error")
    assert "pkg.server-script" in codes(check(tmp_path, files), "warning")


def test_riseup_single_sco_and_ascii_names(tmp_path):
    two = (
        '<item identifier="ITEM1" identifierref="RES1"><title>Lesson 1</title></item>'
        '<item identifier="ITEM2" identifierref="RES2"><title>Lesson 2</title></item>'
    )
    res = (
        '<resource identifier="RES1" type="webcontent" adlcp:scormtype="sco" href="index.html">'
        '<file href="index.html"/></resource>'
        '<resource identifier="RES2" type="webcontent" adlcp:scormtype="sco" href="lesson2.html">'
        '<file href="lesson2.html"/></resource>'
    )
    files = dict(scorm12(items=two, resources=res), **{"lesson2.html": b"<html></html>"})
    r = check(tmp_path, files, lms="riseup")
    assert codes(r, "error") == {"lms.multi-sco"}, [str(f) for f in r.findings]
    assert check(tmp_path, files, lms="moodle").valid
    accented = dict(scorm12(), **{"images/sécurité.png": b"\x89PNG"})
    r = check(tmp_path, accented, lms="riseup")
    assert "lms.file-name" in codes(r, "error")
    plain = check(tmp_path, accented)
    assert plain.valid and "pkg.non-ascii-name" in codes(plain, "warning")


def test_absorb_refuses_external_launch(tmp_path):
    """A 'dispatch'-style package: the SCO is a URL on the vendor's server."""
    res = (
        '<resource identifier="RES1" type="webcontent" adlcp:scormtype="sco" '
        'href="https://content.example.com/dispatch/launch.html?course=42"/>'
    )
    files = scorm12(resources=res)
    plain = check(tmp_path, files)
    f = next(f for f in plain.findings if f.code == "cp.external-launch")
    assert plain.valid and f.severity.value == "warning" and "cannot reach the LMS API" in f.message
    assert "lms.external-launch" in codes(check(tmp_path, files, lms="absorb"), "error")
    http = scorm12(resources=res.replace("https:", "http:"))
    f = next(f for f in check(tmp_path, http).findings if f.code == "cp.external-launch")
    assert "mixed content" in f.message


def test_latitude_and_riseup_size_limits(tmp_path, monkeypatch):
    import dataclasses

    from scormkit.validate import profiles

    small = dataclasses.replace(profiles.PROFILES["latitude"], max_size=1000)
    monkeypatch.setitem(profiles.PROFILES, "latitude", small)
    assert "lms.package-size" in codes(check(tmp_path, scorm2004(), lms="latitude"), "error")
    assert profiles.PROFILES["riseup"].max_size == 1024**3 and profiles.PROFILES["latitude"] is small


# --- new rules ---------------------------------------------------------------------------------------------------


def test_deflate64_entry(tmp_path):
    files = dict(scorm12(), **{"media/intro.mp4": b"\x00" * 64})
    data = set_method(make_zip(files, zipfile.ZIP_STORED), "media/intro.mp4", 9)
    p = tmp_path / "explorer.zip"
    p.write_bytes(data)
    r = validate_path(p)
    f = next(f for f in r.errors if f.code == "zip.compression")
    assert "Deflate64" in f.message and f.file == "media/intro.mp4"
    assert "zip.compression" not in check(tmp_path, scorm12()).codes()
    assert "zip.compression" not in check(tmp_path, scorm12(), compression=zipfile.ZIP_STORED).codes()


def test_flash_content(tmp_path):
    r = check(tmp_path, dict(scorm12(), **{"media/intro.swf": b"FWS"}))
    assert r.valid and "pkg.flash" in codes(r, "warning")


def test_control_documents(tmp_path):
    """Issue 9 item 6 / docs/lms-pitfalls.md rule 26: the XSDs xsi:schemaLocation names, at the root."""
    files = scorm12()
    r = check(tmp_path, {k: v for k, v in files.items() if k not in XSD_12[1:]})
    f = next(f for f in r.warnings if f.code == "pkg.control-documents")
    assert "imsmd_rootv1p2p1.xsd, adlcp_rootv1p2.xsd" in f.message and "imscp_rootv1p1p2.xsd" not in f.message
    assert "pkg.control-documents" not in check(tmp_path, files).codes()
    # a manifest without xsi:schemaLocation names nothing, so nothing is missing
    bare = {k: v for k, v in scorm12(namespace=False).items()}
    assert "pkg.control-documents" not in check(tmp_path, bare).codes()


def test_launch_page_missing_files(tmp_path):
    files = scorm12()
    del files["js/scorm_api.js"], files["images/bg.jpg"]
    r = check(tmp_path, files)
    missing = {(f.file, f.line, f.message.split(":")[0]) for f in r.findings if f.code == "html.missing-file"}
    assert ("index.html", 4, "index.html loads 'js/scorm_api.js'") in missing
    assert ("css/course.css", 1, "css/course.css loads '../images/bg.jpg'") in missing
    assert r.valid and len(missing) == 2


def test_launch_page_references_ignored_when_external_or_generated(tmp_path):
    page = (
        b'<html><head><script src="https://cdn.example.com/x.js"></script><link rel="canonical" href="/x">'
        b'<script src="{{ api }}"></script></head><body><img src="data:image/png;base64,AA=="><a href="gone.html">'
        b"x</a></body></html>"
    )
    r = check(tmp_path, dict(scorm12(), **{"index.html": page}))
    assert "html.missing-file" not in r.codes(), [str(f) for f in r.findings]


# --- issue 9 item 15: Open edX's cmi5 xblock ---------------------------------------------------------------------


def test_openedx_cmi5_xblock_note(tmp_path):
    from test_validate_rules import CMI5_FILES

    r = check(tmp_path, CMI5_FILES, lms="openedx")
    f = next(f for f in r.warnings if f.code == "lms.cmi5-tracking")
    assert "0.1.3" in f.message and "'en'" in f.message and "suspendData" in f.message
    assert "lms.cmi5-tracking" not in check(tmp_path, CMI5_FILES, lms="moodle").codes()
    assert "lms.cmi5-tracking" not in check(tmp_path, CMI5_FILES).codes()


def test_launch_page_that_is_a_fifo_is_not_opened(tmp_path):
    """An unzipped folder whose launch page is a named pipe: the crawl must not block on it."""
    import os
    import subprocess
    import sys

    folder = tmp_path / "course"
    for name, data in scorm12().items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        if name != "index.html":
            (folder / name).write_bytes(data)
    os.mkfifo(folder / "index.html")
    code = (
        "import sys; from scormkit.validate import validate_path; "
        f"r = validate_path(__import__('pathlib').Path({str(folder)!r})); print(r.standard)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "scorm12", out.stderr
