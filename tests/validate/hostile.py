"""Builders for hostile packages and small valid ones, shared by the validate tests."""

from __future__ import annotations

import io
import struct
import warnings
import zipfile

MANIFEST_12 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="com.example.course" version="1"
    xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>{title}</title>
      <item identifier="item1" identifierref="res1">
        <title>Lesson</title>
        <adlcp:masteryscore>{mastery}</adlcp:masteryscore>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res1" type="webcontent" adlcp:scormtype="sco" href="{href}">
      <file href="{href}"/>
      <file href="app.js"/>
    </resource>
  </resources>
</manifest>
"""

MANIFEST_2004 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="com.example.course2004" version="1"
    xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
    xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
    xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"
    xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata><schema>ADL SCORM</schema><schemaversion>{schemaversion}</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>Course</title>
      <item identifier="item1" identifierref="res1">
        <title>Lesson</title>
        <imsss:sequencing>
          <imsss:objectives>
            <imsss:primaryObjective objectiveID="pass" satisfiedByMeasure="true">
              <imsss:minNormalizedMeasure>{measure}</imsss:minNormalizedMeasure>
            </imsss:primaryObjective>
          </imsss:objectives>
          <imsss:deliveryControls completionSetByContent="true" objectiveSetByContent="true"/>
        </imsss:sequencing>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res1" type="webcontent" adlcp:scormType="sco" href="index.html">
      <file href="index.html"/>
      <file href="app.js"/>
    </resource>
  </resources>
</manifest>
"""


def manifest12(title: str = "Course", mastery: str = "80", href: str = "index.html") -> bytes:
    return MANIFEST_12.format(title=title, mastery=mastery, href=href).encode()


def manifest2004(schemaversion: str = "2004 4th Edition", measure: str = "0.8") -> bytes:
    return MANIFEST_2004.format(schemaversion=schemaversion, measure=measure).encode()


def files12(**kw) -> dict[str, bytes]:
    return {"imsmanifest.xml": manifest12(**kw), "index.html": b"<html></html>", "app.js": b"//"}


def files2004(**kw) -> dict[str, bytes]:
    return {"imsmanifest.xml": manifest2004(**kw), "index.html": b"<html></html>", "app.js": b"//"}


def make_zip(
    entries: list[tuple[str | zipfile.ZipInfo, bytes]] | dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED
) -> bytes:
    items = list(entries.items()) if isinstance(entries, dict) else entries
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names on purpose
        with zipfile.ZipFile(buf, "w", compression) as zf:
            for name, data in items:
                zf.writestr(name, data)
    return buf.getvalue()


def patch_zip(data: bytes, member: str, *, flag_bits: int | None = None, file_size: int | None = None) -> bytes:
    """Rewrite header fields of one member in both the local header and the central directory."""
    buf = bytearray(data)
    name = member.encode()
    # local file headers
    pos = 0
    while (pos := buf.find(b"PK\x03\x04", pos)) != -1:
        n, _ = struct.unpack_from("<HH", buf, pos + 26)
        if bytes(buf[pos + 30 : pos + 30 + n]) == name:
            if flag_bits is not None:
                struct.pack_into("<H", buf, pos + 6, flag_bits)
            if file_size is not None:
                struct.pack_into("<I", buf, pos + 22, file_size)
        pos += 4
    pos = 0
    while (pos := buf.find(b"PK\x01\x02", pos)) != -1:
        n = struct.unpack_from("<H", buf, pos + 28)[0]
        if bytes(buf[pos + 46 : pos + 46 + n]) == name:
            if flag_bits is not None:
                struct.pack_into("<H", buf, pos + 8, flag_bits)
            if file_size is not None:
                struct.pack_into("<I", buf, pos + 24, file_size)
        pos += 4
    return bytes(buf)


def symlink_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = 0o120777 << 16
    return info


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE manifest [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<manifest xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" identifier="m"><organizations/>
<resources><resource identifier="r" type="webcontent" href="index.html"><file href="&lol9;"/></resource></resources>
</manifest>
"""


def xxe_manifest(secret_path: str) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE manifest [ <!ENTITY xxe SYSTEM "file://{secret_path}"> ]>
<manifest xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" identifier="m">
  <organizations default="o"><organization identifier="o"><title>&xxe;</title>
  <item identifier="i" identifierref="r"><title>&xxe;</title></item></organization></organizations>
  <resources><resource identifier="r" type="webcontent" href="&xxe;"/></resources>
</manifest>
""".encode()


def external_dtd_manifest(url: str) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE manifest SYSTEM "{url}">
<manifest xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" identifier="m"/>
""".encode()
