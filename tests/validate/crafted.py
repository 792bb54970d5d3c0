"""Realistic third-party-style packages for the precision rules (issue 13) and issue 9's validate rules.

Each builder returns {path: bytes}; the shapes follow what real tools write (noted per builder), reduced to what
the rule looks at. Nothing here is copied from a real package.
"""

from __future__ import annotations

import struct

XSD_12 = ("imscp_rootv1p1p2.xsd", "imsmd_rootv1p2p1.xsd", "adlcp_rootv1p2.xsd")
XSD_2004 = ("imscp_v1p1.xsd", "adlcp_v1p3.xsd", "adlseq_v1p3.xsd", "adlnav_v1p3.xsd", "imsss_v1p0.xsd")

LAUNCH_HTML = b"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Lesson</title>
<link rel="stylesheet" href="css/course.css">
<script src="js/scorm_api.js"></script>
</head><body><img src="images/cover.png" alt=""></body></html>
"""
COURSE_CSS = b"body { background: url('../images/bg.jpg') no-repeat; }\n"


def _controls(names: tuple[str, ...]) -> dict[str, bytes]:
    return {n: b'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"/>' for n in names}


def content_files() -> dict[str, bytes]:
    return {
        "index.html": LAUNCH_HTML,
        "css/course.css": COURSE_CSS,
        "js/scorm_api.js": b"// API wrapper\n",
        "images/cover.png": b"\x89PNG",
        "images/bg.jpg": b"\xff\xd8",
    }


def _file_list(names) -> str:
    return "\n".join(f'      <file href="{n}"/>' for n in names)


def scorm12(
    *,
    items: str | None = None,
    resources: str | None = None,
    org_title: str = "Fire safety basics",
    namespace: bool = True,
    extra_root: str = "",
) -> dict[str, bytes]:
    """A SCORM 1.2 single-SCO package shaped like a Rustici/iSpring publish (schemaLocation, XSDs at the root)."""
    files = content_files()
    ns = (
        (
            'xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:schemaLocation="http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd '
            "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd "
            'http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd" '
        )
        if namespace
        else ""
    )
    items = (
        items
        if items is not None
        else (
            '<item identifier="ITEM1" identifierref="RES1"><title>Lesson 1</title>'
            "<adlcp:masteryscore>80</adlcp:masteryscore></item>"
        )
    )
    resources = (
        resources
        if resources is not None
        else (
            '<resource identifier="RES1" type="webcontent" adlcp:scormtype="sco" href="index.html">\n'
            + _file_list(sorted(files))
            + "\n    </resource>"
        )
    )
    manifest = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="com.example.fire-safety" version="1.0" {ns}xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"{extra_root}>
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="ORG1">
    <organization identifier="ORG1">
      <title>{org_title}</title>
      {items}
    </organization>
  </organizations>
  <resources>
    {resources}
  </resources>
</manifest>
"""
    files["imsmanifest.xml"] = manifest.encode()
    if namespace:
        files.update(_controls(XSD_12))
    return files


OBJECTIVES_MOODLE_100 = """<imsss:objectives>
              <imsss:primaryObjective objectiveID="PRIMARYOBJ" satisfiedByMeasure="true">
                <imsss:minNormalizedMeasure>0.8</imsss:minNormalizedMeasure>
              </imsss:primaryObjective>
              <imsss:objective objectiveID="identify-hazards"/>
              <imsss:objective objectiveID="use-extinguisher"/>
            </imsss:objectives>"""

OBJECTIVES_CONSISTENT = """<imsss:objectives>
              <imsss:primaryObjective objectiveID="PRIMARYOBJ" satisfiedByMeasure="true">
                <imsss:minNormalizedMeasure>0.8</imsss:minNormalizedMeasure>
              </imsss:primaryObjective>
              <imsss:objective objectiveID="identify-hazards">
                <imsss:minNormalizedMeasure>0.8</imsss:minNormalizedMeasure>
              </imsss:objective>
              <imsss:objective objectiveID="use-extinguisher">
                <imsss:minNormalizedMeasure>0.8</imsss:minNormalizedMeasure>
              </imsss:objective>
            </imsss:objectives>"""


def scorm2004(
    *,
    edition: str = "2004 3rd Edition",
    sequencing: str | None = None,
    items: str | None = None,
    extra_resources: str = "",
) -> dict[str, bytes]:
    """A SCORM 2004 single-SCO package shaped like a Storyline/Captivate publish (objectives in imsss)."""
    files = content_files()
    sequencing = (
        sequencing
        if sequencing is not None
        else f"""<imsss:sequencing>
            {OBJECTIVES_CONSISTENT}
            <imsss:deliveryControls completionSetByContent="true" objectiveSetByContent="true"/>
          </imsss:sequencing>"""
    )
    items = (
        items
        if items is not None
        else f"""<item identifier="ITEM1" identifierref="RES1">
          <title>Lesson 1</title>
          {sequencing}
        </item>"""
    )
    manifest = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="com.example.fire-safety.2004" version="1"
    xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
    xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
    xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"
    xmlns:imsss="http://www.imsglobal.org/xsd/imsss"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd
                        http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd
                        http://www.adlnet.org/xsd/adlseq_v1p3 adlseq_v1p3.xsd
                        http://www.adlnet.org/xsd/adlnav_v1p3 adlnav_v1p3.xsd
                        http://www.imsglobal.org/xsd/imsss imsss_v1p0.xsd">
  <metadata><schema>ADL SCORM</schema><schemaversion>{edition}</schemaversion></metadata>
  <organizations default="ORG1">
    <organization identifier="ORG1">
      <title>Fire safety basics</title>
        {items}
    </organization>
  </organizations>
  <resources>
    <resource identifier="RES1" type="webcontent" adlcp:scormType="sco" href="index.html">
{_file_list(sorted(files))}
    </resource>
    {extra_resources}
  </resources>
</manifest>
"""
    files["imsmanifest.xml"] = manifest.encode()
    files.update(_controls(XSD_2004))
    return files


def set_method(data: bytes, member: str, method: int) -> bytes:
    """Rewrite the compression method of one stored member (local header and central directory), e.g. 9 for
    Deflate64, which is what Windows Explorer writes for large files."""
    buf = bytearray(data)
    name = member.encode()
    for sig, name_len_at, method_at, name_at in ((b"PK\x03\x04", 26, 8, 30), (b"PK\x01\x02", 28, 10, 46)):
        pos = 0
        while (pos := buf.find(sig, pos)) != -1:
            n = struct.unpack_from("<H", buf, pos + name_len_at)[0]
            if bytes(buf[pos + name_at : pos + name_at + n]) == name:
                struct.pack_into("<H", buf, pos + method_at, method)
            pos += 4
    return bytes(buf)
