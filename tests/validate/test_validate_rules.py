"""Rules one by one on small packages built here: detection, XSD quirks, CP rules, cmi5, tincan, LMS profiles, info."""

from __future__ import annotations

import dataclasses

import pytest
from hostile import files12, files2004, make_zip, manifest12, manifest2004

from scormkit.validate import LMS_PROFILES, package_info, validate_path
from scormkit.validate import profiles as profiles_mod


def zipped(tmp_path, files, name="p.zip"):
    p = tmp_path / name
    p.write_bytes(make_zip(files))
    return p


def check(tmp_path, files, **kw):
    return validate_path(zipped(tmp_path, files), **kw)


def errs(r):
    return {f.code for f in r.errors}


def warns(r):
    return {f.code for f in r.warnings}


# --- detection -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sv, edition",
    [("CAM 1.3", "2nd"), ("2004 3rd Edition", "3rd"), ("2004 4th Edition", "4th"), ("  2004   4th   Edition ", "4th")],
)
def test_2004_editions(tmp_path, sv, edition):
    r = check(tmp_path, files2004(schemaversion=sv))
    assert (r.standard, r.edition, r.schema_set) == ("scorm2004", edition, f"scorm2004-{edition}")
    assert r.valid and not r.warnings, [str(f) for f in r.findings]


def test_unknown_schemaversion_guessed(tmp_path):
    r = check(tmp_path, files2004(schemaversion="SCORM 2004"))
    assert r.standard == "scorm2004" and r.edition == "4th" and "detect.schemaversion" in warns(r)


def test_version_mismatch(tmp_path):
    r = check(tmp_path, files2004(schemaversion="1.2"))
    assert r.standard == "scorm2004" and "detect.version-mismatch" in warns(r)


def test_unknown_root(tmp_path):
    r = check(tmp_path, {"imsmanifest.xml": b"<foo/>"})
    assert "detect.unknown-root" in errs(r)


# --- XSD -------------------------------------------------------------------------------------------------------


def test_xsd_error_with_line(tmp_path):
    bad = manifest12().replace(b"<organizations", b"<bogus/><organizations")
    r = check(tmp_path, dict(files12(), **{"imsmanifest.xml": bad}))
    f = next(f for f in r.errors if f.code == "xsd.invalid")
    assert f.line == 6 and "bogus" in f.message


def test_id_starting_with_digit_is_a_warning(tmp_path):
    m = manifest12().replace(b'identifier="item1"', b'identifier="1item"')
    r = check(tmp_path, dict(files12(), **{"imsmanifest.xml": m}))
    assert r.valid and "xsd.id-syntax" in warns(r)


def test_padded_identifiers_accepted(tmp_path):
    m = (
        manifest12()
        .replace(b'identifier="res1"', b'identifier="  res1  "')
        .replace(b'default="org"', b'default=" org "')
    )
    r = check(tmp_path, dict(files12(), **{"imsmanifest.xml": m}))
    assert r.valid and not r.warnings, [str(f) for f in r.findings]


def test_template_placeholder(tmp_path):
    m = manifest12().replace(b'identifier="com.example.course"', b'identifier="@@config._id"')
    r = check(tmp_path, dict(files12(), **{"imsmanifest.xml": m}))
    assert "pkg.template-placeholder" in errs(r)


def test_inline_lom12_length(tmp_path):
    m = manifest12().replace(
        b"</schemaversion></metadata>",
        b"</schemaversion><lom xmlns='http://www.imsglobal.org/xsd/imsmd_rootv1p2p1'>"
        b"<general><description><langstring>" + b"d" * 1200 + b"</langstring></description></general></lom></metadata>",
    )
    r = check(tmp_path, dict(files12(), **{"imsmanifest.xml": m}))
    assert r.valid and warns(r) == {"lom.too-long"}, [str(f) for f in r.findings]


def test_inline_lom12_xsd_error_is_warning(tmp_path):
    m = manifest12().replace(
        b"</schemaversion></metadata>",
        b"</schemaversion><lom xmlns='http://www.imsglobal.org/xsd/imsmd_rootv1p2p1'><bogus/></lom></metadata>",
    )
    r = check(tmp_path, dict(files12(), **{"imsmanifest.xml": m}))
    assert r.valid and "xsd.metadata" in warns(r), [str(f) for f in r.findings]


# --- content packaging -----------------------------------------------------------------------------------------


def test_duplicate_after_trim(tmp_path):
    m = manifest12().replace(b'identifier="item1"', b'identifier=" org"')
    r = check(tmp_path, dict(files12(), **{"imsmanifest.xml": m}))
    assert "cp.identifier-duplicate" in errs(r)


def test_identifierref_unresolved(tmp_path):
    m = manifest12().replace(b'identifierref="res1"', b'identifierref="nope"')
    r = check(tmp_path, dict(files12(), **{"imsmanifest.xml": m}))
    assert "cp.identifierref-unresolved" in errs(r)


def test_default_org_missing_and_no_org(tmp_path):
    m = manifest12().replace(b'default="org"', b'default="other"')
    r = check(tmp_path, dict(files12(), **{"imsmanifest.xml": m}))
    assert r.valid and "cp.default-organization-missing" in warns(r)


def test_item_resource_without_href(tmp_path):
    m = manifest12().replace(b'href="index.html">', b">")
    r = check(tmp_path, dict(files12(), **{"imsmanifest.xml": m}))
    assert "cp.item-resource-no-href" in errs(r)


def test_launch_missing_and_case_mismatch(tmp_path):
    files = files12()
    del files["index.html"]
    r = check(tmp_path, files)
    assert "cp.launch-missing" in errs(r)
    files["Index.html"] = b"x"
    r = check(tmp_path, files)
    f = next(f for f in r.errors if f.code == "cp.case-mismatch")
    assert "'Index.html'" in f.message and "Index.html" in f.fix


def test_file_missing_is_warning_unlisted_too(tmp_path):
    files = files12()
    del files["app.js"]
    files["extra.css"] = b"x"
    files["adlcp_rootv1p2.xsd"] = b"<xs/>"  # schema files are not "unlisted"
    r = check(tmp_path, files)
    assert r.valid and {"cp.file-missing", "cp.file-unlisted"} <= warns(r)
    unl = next(f for f in r.warnings if f.code == "cp.file-unlisted")
    assert "extra.css" in unl.message and "xsd" not in unl.message


def test_absolute_href(tmp_path):
    r = check(tmp_path, dict(files12(), **{"imsmanifest.xml": manifest12(href="/index.html")}))
    assert "cp.href-absolute" in errs(r)


def test_href_with_query_and_escapes(tmp_path):
    files = dict(files12(href="my%20page.html?x=1#top"))
    files["my page.html"] = b"x"
    del files["index.html"]
    r = check(tmp_path, files)
    assert r.valid and not r.warnings, [str(f) for f in r.findings]


def test_xml_base_levels(tmp_path):
    m = manifest12().replace(b"<resources>", b'<resources xml:base="content/">')
    files = {"imsmanifest.xml": m, "content/index.html": b"x", "content/app.js": b"x"}
    r = check(tmp_path, files)
    assert r.valid and "cp.xml-base" in warns(r)
    assert "lms.xml-base" in errs(check(tmp_path, files, lms="moodle"))
    m2 = manifest12().replace(b'type="webcontent"', b'type="webcontent" xml:base="content/"')
    files2 = dict(files, **{"imsmanifest.xml": m2})
    r2 = check(tmp_path, files2)
    assert r2.valid and not r2.warnings, [str(f) for f in r2.findings]
    assert check(tmp_path, files2, lms="moodle").valid
    assert "lms.xml-base" in errs(check(tmp_path, files2, lms="openedx"))


def test_nested_xml_base(tmp_path):
    m = (
        manifest12()
        .replace(b"<resources>", b'<resources xml:base="a/">')
        .replace(b'type="webcontent"', b'type="webcontent" xml:base="b/"')
    )
    r = check(tmp_path, {"imsmanifest.xml": m, "a/b/index.html": b"x", "a/b/app.js": b"x"})
    assert r.valid, [str(f) for f in r.findings]


@pytest.mark.parametrize("value", ["150", "-1", "abc"])
def test_masteryscore_range(tmp_path, value):
    r = check(tmp_path, dict(files12(), **{"imsmanifest.xml": manifest12(mastery=value)}))
    assert "cp.masteryscore-range" in errs(r)


def test_measure_range(tmp_path):
    r = check(tmp_path, dict(files2004(), **{"imsmanifest.xml": manifest2004(measure="1.5")}))
    assert "cp.measure-range" in errs(r)


def test_delivery_controls(tmp_path):
    m = manifest2004().replace(
        b'<imsss:deliveryControls completionSetByContent="true" objectiveSetByContent="true"/>', b""
    )
    r = check(tmp_path, dict(files2004(), **{"imsmanifest.xml": m}))
    assert r.valid and "seq.delivery-controls" in warns(r)


def test_title_length_12(tmp_path):
    r = check(tmp_path, dict(files12(), **{"imsmanifest.xml": manifest12(title="t" * 201)}))
    assert "lom.too-long" in warns(r)


# --- LMS profiles ----------------------------------------------------------------------------------------------

MAPINFO = (
    b'<imsss:primaryObjective objectiveID="pass" satisfiedByMeasure="true">',
    b'<imsss:primaryObjective objectiveID="pass" satisfiedByMeasure="true"><imsss:mapInfo targetObjectiveID="g1"/>',
)


def test_mapinfo_moodle(tmp_path):
    m = manifest2004().replace(*MAPINFO)
    # mapInfo must follow minNormalizedMeasure in the schema
    m = m.replace(b'<imsss:mapInfo targetObjectiveID="g1"/>', b"").replace(
        b"</imsss:minNormalizedMeasure>", b'</imsss:minNormalizedMeasure><imsss:mapInfo targetObjectiveID="g1"/>'
    )
    files = dict(files2004(), **{"imsmanifest.xml": m})
    r = check(tmp_path, files)
    assert r.valid and "seq.mapinfo" in r.codes()
    assert "lms.mapinfo" in errs(check(tmp_path, files, lms="moodle"))
    assert check(tmp_path, files, lms="canvas").valid


def test_sequencing_unsupported(tmp_path):
    assert "lms.sequencing" not in check(tmp_path, files2004(), lms="docebo").codes()  # objectives only
    m = manifest2004().replace(b"<imsss:objectives>", b'<imsss:controlMode flow="true"/><imsss:objectives>')
    files = dict(files2004(), **{"imsmanifest.xml": m})
    r = check(tmp_path, files, lms="docebo")
    assert r.valid and "lms.sequencing" in warns(r)
    assert "lms.sequencing" not in check(tmp_path, files, lms="canvas").codes()


def test_openedx(tmp_path, monkeypatch):
    # Open edX launches the first resource *with an href* and reads the titles of items marked isvisible="true"
    # (test_validate_precision.py has the harmless variants)
    m = manifest12().replace(
        b"<resources>",
        b'<resources><resource identifier="aux" type="webcontent" '
        b'adlcp:scormtype="asset" href="app.js"><file href="app.js"/></resource>',
    )
    m = m.replace(b"<title>Lesson</title>", b"").replace(
        b'identifierref="res1"', b'identifierref="res1" isvisible="true" parameters="?a=1"'
    )
    files = dict(files12(), **{"imsmanifest.xml": m})
    r = check(tmp_path, files, lms="openedx")
    assert {"lms.first-resource", "lms.item-title"} <= errs(r)
    assert "lms.item-parameters" in warns(r)
    small = dataclasses.replace(profiles_mod.PROFILES["openedx"], max_size=100)
    monkeypatch.setitem(profiles_mod.PROFILES, "openedx", small)
    assert "lms.package-size" in errs(check(tmp_path, files12(), lms="openedx"))


def test_unsupported_standard(tmp_path):
    r = check(tmp_path, CMI5_FILES, lms="moodle")
    assert "lms.unsupported-standard" in warns(r)


def test_unknown_lms():
    with pytest.raises(ValueError, match="unknown LMS profile"):
        validate_path("x.zip", lms="nope")


@pytest.mark.parametrize("lms", LMS_PROFILES)
def test_clean_packages_under_every_profile(tmp_path, lms):
    for files in (files12(), files2004()):
        r = check(tmp_path, files, lms=lms)
        assert r.valid, (lms, [str(f) for f in r.findings])


# --- cmi5 / tincan ---------------------------------------------------------------------------------------------

CMI5 = """<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="{course}"><title><langstring lang="en">C</langstring></title>
    <description><langstring lang="en">C</langstring></description></course>
  <objectives><objective id="https://example.org/obj/1"><title><langstring lang="en">O</langstring></title>
    <description><langstring lang="en">O</langstring></description></objective></objectives>
  <au id="https://example.org/au/1" moveOn="CompletedOrPassed" masteryScore="0.8">
    <title><langstring lang="en">A</langstring></title><description><langstring lang="en">A</langstring></description>
    <objectives><objective idref="https://example.org/obj/1"/></objectives>
    <url>{url}</url></au>
</courseStructure>
"""


def cmi5(course="https://example.org/course/1", url="index.html"):
    return CMI5.format(course=course, url=url).encode()


CMI5_FILES = {"cmi5.xml": cmi5(), "index.html": b"x"}


def test_cmi5_clean(tmp_path):
    r = check(tmp_path, CMI5_FILES)
    assert r.standard == "cmi5" and r.valid and not r.warnings, [str(f) for f in r.findings]


@pytest.mark.parametrize(
    "kw, code",
    [
        ({"course": "example.org/course"}, "cmi5.id-not-iri"),
        ({"course": "https://example.org/au/1"}, "cmi5.duplicate-id"),
        ({"url": "index.html?fetch=x"}, "cmi5.reserved-parameter"),
        ({"url": "index.html?activityId=x"}, "cmi5.reserved-parameter"),
        ({"url": "missing.html"}, "cmi5.au-file-missing"),
        ({"url": "Index.html"}, "cp.case-mismatch"),
        ({"url": "/index.html"}, "cmi5.url-invalid"),
        ({"url": "http://example.com a.html"}, "cmi5.url-invalid"),
        ({"url": "ftp://example.com/a.html"}, "cmi5.url-invalid"),
    ],
)
def test_cmi5_rules(tmp_path, kw, code):
    r = check(tmp_path, {"cmi5.xml": cmi5(**kw), "index.html": b"x"})
    assert code in errs(r), [str(f) for f in r.findings]


def test_cmi5_moveon_missing(tmp_path):
    r = check(tmp_path, {"cmi5.xml": cmi5().replace(b' moveOn="CompletedOrPassed"', b""), "index.html": b"x"})
    assert r.valid and "cmi5.moveon" in warns(r)


TINCAN = b"""<?xml version="1.0"?><tincan xmlns="http://projecttincan.com/tincan.xsd"><activities>
<activity id="%s" type="http://adlnet.gov/expapi/activities/course"><name>T</name>%s</activity>
</activities></tincan>"""


def test_tincan(tmp_path):
    good = TINCAN % (b"https://example.org/a", b"<launch lang='en'>index.html</launch>")
    r = check(tmp_path, {"tincan.xml": good, "index.html": b"x"})
    assert r.standard == "xapi" and r.valid
    assert "tincan.launch-missing" in errs(check(tmp_path, {"tincan.xml": TINCAN % (b"https://example.org/a", b"")}))
    assert "tincan.launch-file-missing" in errs(check(tmp_path, {"tincan.xml": good}))
    bad_id = TINCAN % (b"activity-1", b"<launch>index.html</launch>")
    assert "tincan.id-not-iri" in errs(check(tmp_path, {"tincan.xml": bad_id, "index.html": b"x"}))


# --- info ------------------------------------------------------------------------------------------------------


def test_info_scorm12(tmp_path):
    info = package_info(zipped(tmp_path, files12()))
    assert info["standard"] == "scorm12" and info["title"] == "Course" and info["launch"] == "index.html"
    assert info["mastery"] == "80" and info["units"][0]["scormtype"] == "sco"
    assert {f["path"] for f in info["files"]} == {"imsmanifest.xml", "index.html", "app.js"}
    assert info["total_size"] == sum(f["size"] for f in info["files"]) and info["valid"]


def test_info_2004_and_cmi5(tmp_path):
    info = package_info(zipped(tmp_path, files2004(), "a.zip"))
    assert (info["standard"], info["edition"], info["mastery"]) == ("scorm2004", "4th", "0.8")
    assert info["objectives"] == [{"id": "pass"}]
    info = package_info(zipped(tmp_path, CMI5_FILES, "b.zip"))
    assert info["standard"] == "cmi5" and info["mastery"] == 0.8 and info["launch"] == "index.html"
    assert info["objectives"][0]["id"] == "https://example.org/obj/1"


def test_info_broken_package(tmp_path):
    info = package_info(zipped(tmp_path, {"imsmanifest.xml": b"<nope"}))
    assert info["valid"] is False and "xml.not-well-formed" in info["errors"]
