"""Hypothesis strategies for what scormkit reads: module.yaml, quiz files, manifests and zips.

Each strategy starts from a valid input and breaks it the ways real and hostile inputs break: values replaced by
nasty ones (control characters, NaN, huge numbers, impossible dates, deep lists, aliases, tags), keys dropped or
misspelled, text cut or spliced with YAML/XML syntax, zip entries with hostile names, modes and flags. Starting from
valid input keeps most examples deep in the pipeline instead of failing at the first parse.
"""

from __future__ import annotations

import io
import stat
import zipfile
from typing import Any

from hypothesis import strategies as st
from ruamel.yaml import YAML

# ---- the valid starting points --------------------------------------------------------------------------

MODULE = {
    "id": "fuzz-module",
    "version": "1.0.0",
    "title": "Fuzz",
    "language": "en",
    "description": "A module with an image: ![chart](assets/chart.png)",
    "authors": [{"name": "Ada Lovelace", "affiliation": "Analytical"}],
    "publisher": "Example",
    "published": 2020,
    "updated": "2024-01-31",
    "disclosures": [{"person": "Ada Lovelace", "statement": "None"}],
    "credit": {"provider": "EACCME", "credits": 1.5, "expires": 2030},
    "objectives": [{"id": "dosing", "text": "Dose drugs safely."}, {"id": "safety", "text": "Spot side effects."}],
    "slides": {"file": "slides.pdf", "width": 160, "format": "webp", "download": True},
    "quiz": {"file": "quiz.yaml", "passing_score": 80, "attempts": 2, "shuffle": True, "feedback": "end"},
    "tracking": {"completion": "slides_and_quiz", "slides_required": 1.0, "success": "quiz"},
}

QUIZ = {
    "items": [
        {
            "id": "q1",
            "type": "single",
            "objective": "dosing",
            "prompt": "Which dose?",
            "choices": [{"text": "Low", "correct": True, "feedback": "Yes"}, {"text": "High"}],
        },
        {
            "id": "q2",
            "type": "multiple",
            "objective": "safety",
            "prompt": "Which **effects**?",
            "choices": [
                {"text": "Nausea", "correct": True},
                {"text": "Growth"},
                {"text": "Constipation", "correct": True},
            ],
        },
        {"id": "q3", "type": "truefalse", "objective": "safety", "prompt": "Nausea is common.", "answer": True},
        {
            "id": "q4",
            "type": "fillin",
            "objective": "dosing",
            "prompt": "Antagonist?",
            "accepted": ["naloxone"],
            "case_sensitive": False,
        },
        {"id": "q5", "type": "numeric", "objective": "dosing", "prompt": "mg?", "min": 12, "max": 20},
        {
            "id": "q6",
            "type": "numeric",
            "objective": "dosing",
            "prompt": "mg?",
            "answer": 5,
            "tolerance": 0.5,
            "weight": 2,
        },
        {
            "id": "q7",
            "type": "matching",
            "objective": "safety",
            "prompt": "Match",
            "pairs": [{"source": "A", "target": "1"}, {"source": "B", "target": "2"}],
        },
        {"id": "q8", "type": "sequencing", "objective": "dosing", "prompt": "Order", "steps": ["One", "Two", "Three"]},
    ]
}

# ---- nasty values ---------------------------------------------------------------------------------------

NASTY_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "\x1b[31mred\x1b[0m",
        "\x1b]0;title\x07",
        "\ufffe",
        "\ud800",
        "\u202etxet",
        ":x: :smile:",
        "[bold]x[/]",
        "[/]",
        "<script>alert(1)</script>",
        "</script><script>alert(1)</script>",
        "{{ 7*7 }}",
        "{% raw %}",
        "${7*7}",
        "javascript:alert(1)",
        "[x](javascript:alert(1))",
        "![a](http://evil.example/x.png)",
        "![a](assets/../../etc/passwd)",
        "![a](assets//chart.png)",
        "![a](assets/./chart.png)",
        "![](assets/chart.png)",
        "![a](<assets/missing file.png>)",
        "<b>raw</b>",
        "x" * 5000,
        "é" * 300,
        "\U0001f600" * 50,
        "a\nb\n\nc",
        "2023-02-30",
        "1e999",
        "NaN",
        "-0",
        "0x10",
        "~",
        "null",
        "yes",
        "%00",
        "../../x",
        "/etc/passwd",
        "C:\\x",
        "'",
        '"',
        "\\",
        "&amp;",
        "&x;",
        "]]>",
        "\r\n",
        "\t",
    ]
)
NASTY_NUMBER = st.sampled_from(
    [
        float("nan"),
        float("inf"),
        float("-inf"),
        -1,
        0,
        1e308,
        -1e308,
        2**64,
        -(2**63),
        0.1,
        100,
        101,
        10**100,
        True,
        False,
    ]
)
NASTY_DATE = st.sampled_from(
    [
        "2023-02-30",
        "2023-13-01",
        "0001-01-01",
        "9999-12-31",
        "2200-01-01",
        "1979-12-31",
        "2024-01-31T25:00:00",
        "2024-1-5",
        "20240131",
    ]
)
NASTY_VALUE = st.recursive(
    st.one_of(NASTY_TEXT, NASTY_NUMBER, st.text(max_size=30), st.integers(), st.floats(), st.none(), st.booleans()),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value in a plain YAML document."""
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += _paths(value, prefix + (index,))
    return out


def _copy(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _copy(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_copy(v) for v in node]
    return node


@st.composite
def mutated(draw, base: dict) -> Any:
    """`base` with a few values replaced, keys removed, keys misspelled, items duplicated."""
    doc = _copy(base)
    for _ in range(draw(st.integers(0, 4))):
        paths = _paths(doc)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = doc
        for part in path[:-1]:
            parent = parent[part]
        last = path[-1]
        action = draw(st.sampled_from(["replace", "replace", "date", "delete", "rename", "duplicate"]))
        if action == "replace":
            parent[last] = draw(NASTY_VALUE)
        elif action == "date":
            parent[last] = draw(NASTY_DATE)
        elif action == "delete":
            del parent[last]
        elif action == "rename" and isinstance(parent, dict):
            parent[draw(st.sampled_from([str(last) + "x", str(last)[:-1], "type", "id", "\x1b"]))] = parent.pop(last)
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(_copy(parent[last]))
    return doc


def _dump(doc: Any) -> str:
    stream = io.StringIO()
    yaml = YAML(typ="safe", pure=True)
    yaml.allow_unicode = True
    yaml.dump(doc, stream)
    return stream.getvalue()


YAML_SPLICES = st.sampled_from(
    [
        "\n",
        ":",
        ": ",
        "- ",
        "? ",
        "&a ",
        "*a",
        "*nope",
        "!!binary ",
        "!!python/object:os.system ",
        "!tag ",
        "!!set ",
        "!!timestamp ",
        "!!float ",
        "!!int ",
        "{",
        "}",
        "[",
        "]",
        "'",
        '"',
        "|",
        ">",
        "#",
        "---\n",
        "...\n",
        "%YAML 1.1\n",
        "\t",
        "\ufeff",
        "\x00",
        "\x1b",
        ".nan",
        ".inf",
        "2023-02-30",
        "<<: *a\n",
        "[" * 200,
        "- " * 100,
    ]
)


@st.composite
def yaml_text(draw, base: dict) -> str:
    """A YAML file: a mutated document, sometimes with its text spliced, cut, or turned into an alias bomb."""
    text = _dump(draw(mutated(base)))
    shape = draw(st.sampled_from(["plain", "plain", "splice", "cut", "bomb", "deep"]))
    if shape == "splice":
        for _ in range(draw(st.integers(1, 4))):
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(YAML_SPLICES) + text[at:]
    elif shape == "cut":
        text = text[: draw(st.integers(0, len(text)))]
    elif shape == "bomb":
        fan, levels = draw(st.integers(2, 12)), draw(st.integers(2, 9))
        lines = [f"l0: &l0 [{', '.join(['x'] * fan)}]"]
        lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * fan)}]" for i in range(1, levels)]
        text = "\n".join(lines) + "\n" + text
    elif shape == "deep":
        depth = draw(st.integers(50, 3000))
        text += "\ndeep: " + "[" * depth + "]" * depth + "\n"
    return text


def module_yaml() -> st.SearchStrategy[str]:
    return yaml_text(MODULE)


def quiz_yaml() -> st.SearchStrategy[str]:
    return yaml_text(QUIZ)


# ---- manifests ------------------------------------------------------------------------------------------

MANIFEST_12 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="com.example.course" version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org"><organization identifier="org"><title>{title}</title>
    <item identifier="item1" identifierref="res1"><title>Lesson</title>
      <adlcp:masteryscore>{score}</adlcp:masteryscore></item></organization></organizations>
  <resources><resource identifier="res1" type="webcontent" adlcp:scormtype="sco" href="{href}">
    <file href="{href}"/><file href="app.js"/></resource></resources>
</manifest>"""

MANIFEST_2004 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="c2004" version="1" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="org"><organization identifier="org"><title>{title}</title>
    <item identifier="item1" identifierref="res1"><title>Lesson</title><imsss:sequencing><imsss:objectives>
      <imsss:primaryObjective objectiveID="p" satisfiedByMeasure="true"><imsss:minNormalizedMeasure>{score}
      </imsss:minNormalizedMeasure></imsss:primaryObjective></imsss:objectives></imsss:sequencing></item>
  </organization></organizations>
  <resources><resource identifier="res1" type="webcontent" adlcp:scormType="sco" href="{href}">
    <file href="{href}"/></resource></resources>
</manifest>"""

CMI5 = """<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="https://example.org/c"><title><langstring lang="en">{title}</langstring></title>
    <description><langstring lang="en">d</langstring></description></course>
  <au id="https://example.org/au" moveOn="Passed" masteryScore="{score}"><title><langstring lang="en">A</langstring>
    </title><description><langstring lang="en">d</langstring></description><url>{href}</url></au>
</courseStructure>"""

TINCAN = """<?xml version="1.0" encoding="utf-8"?>
<tincan xmlns="http://projecttincan.com/tincan.xsd"><activities>
  <activity id="https://example.org/a" type="http://adlnet.gov/expapi/activities/course">
    <name>{title}</name><description lang="en-US">{score}</description><launch lang="en-us">{href}</launch>
  </activity></activities></tincan>"""

TEMPLATES = {"imsmanifest.xml": [MANIFEST_12, MANIFEST_2004], "cmi5.xml": [CMI5], "tincan.xml": [TINCAN]}

XML_TEXT = st.sampled_from(
    [
        "Course",
        "",
        "&amp;",
        "&lt;b&gt;",
        "<![CDATA[x]]>",
        "&#0;",
        "&#x1b;",
        "&#xFFFE;",
        "\x1b[2J",
        "é",
        "x" * 3000,
        "80",
        "NaN",
        "-1",
        "101",
        "1e400",
        "0.8",
        "abc",
        "index.html",
        "/index.html",
        "../x.html",
        "file:///etc/passwd",
        "http://evil.example/x",
        "Index.HTML",
        "a%20b.html",
        "a b.html",
        "index.html?x=1",
        "javascript:alert(1)",
    ]
)
XML_SPLICES = st.sampled_from(
    [
        "<!DOCTYPE a",
        '<!DOCTYPE manifest [<!ENTITY x "y">]>',
        '<!DOCTYPE m SYSTEM "http://evil.example/x.dtd">',
        '<!ENTITY lol "lol">',
        "&lol;",
        "<",
        ">",
        "</manifest>",
        "<item>",
        "<resource/>",
        '<file href="x"/>',
        'xmlns="urn:x"',
        "\x00",
        "\xff",
        "<?xml version='1.0' encoding='ebcdic'?>",
        "]]>",
        "<!--",
        "-->",
        "<!DOCTYPE a" * 200,
        "<a>" * 300,
    ]
)


@st.composite
def manifest(draw) -> tuple[str, bytes]:
    """(manifest file name, bytes) of a SCORM 1.2 / 2004, cmi5 or tincan manifest, possibly broken."""
    name = draw(st.sampled_from(sorted(TEMPLATES)))
    template = draw(st.sampled_from(TEMPLATES[name]))
    text = template.format(title=draw(XML_TEXT), score=draw(XML_TEXT), href=draw(XML_TEXT))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(XML_SPLICES) + text[at:]
    if draw(st.booleans()) and draw(st.booleans()):
        text = text[: draw(st.integers(0, len(text)))]
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-16", "latin-1"]))
    return name, text.encode(encoding, "replace") if encoding != "utf-8" else text.encode("utf-8", "surrogatepass")


# ---- zips -----------------------------------------------------------------------------------------------

ENTRY_NAMES = st.one_of(
    st.sampled_from(
        [
            "index.html",
            "app.js",
            "Index.html",
            "INDEX.HTML",
            "../x",
            "../../../x/",
            "/etc/cron.d/x",
            "/etc/cron.d/x/",
            "a\\b.js",
            "C:/x",
            "\x00x",
            "\x1b[2J.php",
            ":x:.html",
            "__MACOSX/._x",
            ".DS_Store",
            "dir/",
            "dir/sub/",
            "a" * 300,
            "é.html",
            "s p a c e.html",
            "x.php",
            "x.htaccess",
            "sub/imsmanifest.xml",
            "Imsmanifest.xml",
            "cmi5.xml",
            "tincan.xml",
        ]
    ),
    st.text(min_size=1, max_size=24),
)
MODES = st.sampled_from(
    [0o100644, 0o100755, stat.S_IFLNK | 0o777, stat.S_IFDIR | 0o755, stat.S_IFIFO | 0o644, stat.S_IFCHR | 0o644, 0]
)


@st.composite
def zip_bytes(draw) -> bytes:
    """A zip holding a manifest and files, with hostile names, modes, flags, sizes; sometimes corrupted."""
    name, data = draw(manifest())
    entries: list[tuple[str, bytes, int, int, int]] = [(name, data, 0o100644, 0, zipfile.ZIP_DEFLATED)]
    for _ in range(draw(st.integers(0, 6))):
        body = draw(
            st.sampled_from([b"", b"x", b"<html></html>", b"\0" * 300_000, b"<?php echo 1;", b"<!DOCTYPE a" * 10_000])
        )
        entries.append(
            (
                draw(ENTRY_NAMES),
                body,
                draw(MODES),
                draw(st.sampled_from([0, 0, 1, 8])),
                draw(st.sampled_from([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])),
            )
        )
    buffer = io.BytesIO()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names on purpose
        with zipfile.ZipFile(buffer, "w") as archive:
            for entry, body, mode, flags, method in entries:
                try:
                    info = zipfile.ZipInfo(entry)
                except (ValueError, TypeError):
                    continue
                info.create_system = 3
                info.external_attr = (mode << 16) & 0xFFFFFFFF
                info.compress_type = method
                try:
                    archive.writestr(info, body)
                except (ValueError, UnicodeEncodeError, IndexError, OSError):
                    continue
                info.flag_bits |= flags
    raw = bytearray(buffer.getvalue())
    if draw(st.integers(0, 4)) == 0 and raw:  # corrupt a few bytes: headers, sizes, CRCs, the directory
        for _ in range(draw(st.integers(1, 8))):
            raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
    return bytes(raw)
