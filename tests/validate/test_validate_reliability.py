"""Issue 15, validate side: hostile packages end in findings, under memory and time bounds, printed safely.

The slow cases ran for minutes or never ended before; they run the real CLI in a child process under RLIMIT_AS and
a watchdog (tests/bounded.py), so a regression shows as a failed bound, not as a stuck CI job.
"""

from __future__ import annotations

import json
import os
import stat
import zipfile
from pathlib import Path

from bounded import assert_kept_promise, run_bounded
from hostile import files12, make_zip, manifest12

from scormkit.validate import validate_path


def _codes(path: Path) -> set[str]:
    return {f.code for f in validate_path(path).findings}


def test_doctype_scan_is_linear(tmp_path: Path) -> None:
    """`<!DOCTYPE a` repeated without `>`: the lazy DOCTYPE regex was quadratic (256 KB: 117 s)."""
    folder = tmp_path / "pkg"
    folder.mkdir()
    (folder / "imsmanifest.xml").write_bytes(b"<!DOCTYPE a" * 40_000)  # 440 KB: hours before
    outcome = run_bounded(["validate", str(folder)], timeout=60)
    assert_kept_promise(outcome, exit_code=1)
    assert "error[xml.not-well-formed] imsmanifest.xml:1: not well-formed XML" in outcome.stdout


def test_doctype_forms_still_recognised(tmp_path: Path) -> None:
    """The linear scan reports what the regex did: a plain DOCTYPE, an internal subset with entities, SYSTEM."""
    cases = {
        b'<?xml version="1.0"?>\n<!DOCTYPE manifest>\n': "xml.doctype",
        b'<?xml version="1.0"?>\n<!DOCTYPE manifest [\n<!ENTITY x "y">\n]>\n': "xml.entity-declaration",
        b'<?xml version="1.0"?>\n<!doctype manifest SYSTEM "http://evil.example/x.dtd">\n': "xml.external-dtd",
    }
    for n, (prolog, code) in enumerate(cases.items()):
        body = manifest12().split(b"?>", 1)[1]
        path = tmp_path / f"m{n}.zip"
        path.write_bytes(make_zip({**files12(), "imsmanifest.xml": prolog + body.lstrip()}))
        assert code in _codes(path), (prolog, _codes(path))


def test_small_entries_with_a_bomb_ratio_are_refused(tmp_path: Path) -> None:
    """Entries under 1 MiB skipped the ratio check: a 1,000:1 manifest held a CI job with the DOCTYPE scan."""
    path = tmp_path / "small-bomb.zip"
    path.write_bytes(make_zip({**files12(), "filler.js": b"\0" * 512 * 1024}))
    result = validate_path(path)
    bombs = [f for f in result.findings if f.code == "zip.bomb"]
    assert [f.file for f in bombs] == ["filler.js"]
    assert "the limit is 200:1" in bombs[0].message


def _with_directory_entry(name: str, mode: int = stat.S_IFDIR | 0o755) -> bytes:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (mode << 16) | (0x10 if stat.S_ISDIR(mode) else 0)
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, data in files12().items():
            archive.writestr(member, data)
        archive.writestr(info, b"")
    return buffer.getvalue()


def test_directory_entries_get_the_zip_safety_checks(tmp_path: Path) -> None:
    """`../../../x/`, `/etc/cron.d/x/` and a symlink-mode directory entry passed: an unzip creates them."""
    cases = [
        ("../../../x/", "zip.parent-traversal"),
        ("/etc/cron.d/x/", "zip.absolute-path"),
        ("linked/", "zip.symlink"),
    ]
    for n, (name, code) in enumerate(cases):
        mode = stat.S_IFLNK | 0o777 if code == "zip.symlink" else stat.S_IFDIR | 0o755
        path = tmp_path / f"d{n}.zip"
        path.write_bytes(_with_directory_entry(name, mode))
        result = validate_path(path)
        assert not result.valid
        assert [f.file for f in result.findings if f.code == code] == [name]


def test_an_ordinary_directory_entry_is_still_fine(tmp_path: Path) -> None:
    path = tmp_path / "dir.zip"
    path.write_bytes(_with_directory_entry("assets/"))
    assert validate_path(path).valid


def _many_files_manifest(count: int, per_resource: bool) -> bytes:
    if per_resource:
        resources = "".join(
            f'<resource identifier="r{i}" type="webcontent" adlcp:scormtype="asset" href="f{i}.html">'
            f'<file href="f{i}.html"/></resource>'
            for i in range(count)
        )
    else:
        resources = "".join(f'<file href="missing/f{i}.html"/>' for i in range(count))
    text = manifest12().decode()
    if per_resource:
        return text.replace("</resources>", resources + "</resources>").encode()
    return text.replace('<file href="app.js"/>', '<file href="app.js"/>' + resources).encode()


def test_missing_file_lookup_is_linear(tmp_path: Path) -> None:
    """40,000 missing files took 164 s: every lookup scanned the whole listing."""
    folder = tmp_path / "pkg"
    folder.mkdir()
    for name, data in files12().items():
        (folder / name).write_bytes(data)
    for i in range(2000):  # a listing to scan
        (folder / f"present{i}.txt").write_bytes(b"x")
    (folder / "imsmanifest.xml").write_bytes(_many_files_manifest(40_000, per_resource=False))
    outcome = run_bounded(["validate", str(folder), "--format", "json"], timeout=90)
    assert_kept_promise(outcome, exit_code=0)  # cp.file-missing is a warning
    summary = json.loads(outcome.stdout)["summary"]
    assert summary["warnings"] >= 40_000


def test_junit_with_100000_resources_finishes(tmp_path: Path) -> None:
    """`--format junit` never finished on 100,000 findings (`f not in failing` was quadratic); JSON took 2.6 s."""
    folder = tmp_path / "pkg"
    folder.mkdir()
    for name, data in files12().items():
        (folder / name).write_bytes(data)
    (folder / "imsmanifest.xml").write_bytes(_many_files_manifest(100_000, per_resource=True))
    outcome = run_bounded(["validate", str(folder), "--format", "junit", "--strict"], timeout=240)
    assert_kept_promise(outcome, exit_code=1)
    from lxml import etree

    suites = etree.fromstring(outcome.stdout.encode(), etree.XMLParser(huge_tree=True))
    failure = suites.find("testsuite/testcase/failure")
    assert failure is not None and failure.text.count("\n") + 1 >= 100_000


def test_a_fifo_is_refused_not_read(tmp_path: Path) -> None:
    """A manifest that is a FIFO hung forever; so did a FIFO named imsmanifest.xml inside a folder."""
    fifo = tmp_path / "imsmanifest.xml"
    os.mkfifo(fifo)
    folder = tmp_path / "pkg"
    folder.mkdir()
    os.mkfifo(folder / "imsmanifest.xml")
    outcome = run_bounded(["validate", str(fifo), str(folder)], timeout=60)
    assert_kept_promise(outcome, exit_code=1)
    assert (
        f"error[pkg.special-file] {fifo}: {fifo} is not a regular file (a FIFO, socket or device); not read"
        in outcome.stdout
    )
    assert (
        "error[pkg.special-file] imsmanifest.xml: 'imsmanifest.xml' is not a regular file (a FIFO, socket or "
        "device); not read"
    ) in outcome.stdout


def test_ansi_escapes_and_emoji_codes_in_entry_names_are_shown_as_text(tmp_path: Path) -> None:
    """Entry names were printed raw (a zip could clear the screen or retitle the terminal) and `:x:` became ❌."""
    path = tmp_path / "names.zip"
    path.write_bytes(make_zip({**files12(), "\x1b[2J\x1b]0;owned\x07:x:.php": b"<?php"}))
    for fmt in ("text", "github", "json", "junit"):
        outcome = run_bounded(["validate", str(path), "--format", fmt], timeout=60)
        assert_kept_promise(outcome, exit_code=0)
        assert "\x1b" not in outcome.stdout and "\x07" not in outcome.stdout and "\u274c" not in outcome.stdout, fmt
        assert ":x:.php" in outcome.stdout, fmt
    text = run_bounded(["validate", str(path)], timeout=60).stdout
    assert "\\x1b[2J\\x1b]0;owned\\x07:x:.php" in text


def test_json_output_is_valid_utf8_whatever_the_file_names(tmp_path: Path) -> None:
    """A folder member named with bytes that are not UTF-8 made the JSON output invalid UTF-8 (or crashed print)."""
    folder = tmp_path / "pkg"
    folder.mkdir()
    for name, data in files12().items():
        (folder / name).write_bytes(data)
    os.close(os.open(os.path.join(os.fsencode(folder), b"caf\xe9.html"), os.O_CREAT | os.O_WRONLY))
    for verb in (["validate", str(folder), "--format", "json"], ["info", str(folder), "--format", "json"]):
        outcome = run_bounded(verb, timeout=60)
        assert_kept_promise(outcome)
        raw = outcome.stdout.encode("utf-8")  # decoded with 'replace' by the runner: no U+FFFD may appear
        assert "\ufffd" not in outcome.stdout
        doc = json.loads(raw.decode("utf-8"))
        assert any("caf\\xe9.html" in text for text in _strings(doc)), verb


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def test_a_corrupt_deflate_stream_is_a_finding(tmp_path: Path) -> None:
    """Found by the zip fuzzer: zlib.error ("invalid block type") escaped the reader as an internal error."""
    data = bytearray(make_zip(files12()))
    import io

    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("imsmanifest.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start] = 0xFF  # BFINAL=1, BTYPE=11: a block type deflate does not have
    path = tmp_path / "corrupt.zip"
    path.write_bytes(bytes(data))
    outcome = run_bounded(["validate", str(path)], timeout=60)
    assert_kept_promise(outcome, exit_code=1)
    assert (
        "error[zip.corrupt] imsmanifest.xml: cannot read imsmanifest.xml: Error -3 while decompressing data"
        in outcome.stdout
    )


def test_an_unsupported_zip_version_is_a_finding(tmp_path: Path) -> None:
    """Found by the long zip fuzz run: "version needed to extract" 17.9 raised NotImplementedError on opening."""
    data = bytearray(make_zip(files12()))
    central = data.index(b"PK\x01\x02")
    data[central + 6 : central + 8] = (179).to_bytes(2, "little")
    path = tmp_path / "version.zip"
    path.write_bytes(bytes(data))
    result = validate_path(path)
    assert [f.code for f in result.findings] == ["zip.corrupt"]
    assert "zip file version 17.9" in result.findings[0].message
