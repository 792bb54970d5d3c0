"""Hostile packages built here: each is reported with its code, nothing is written anywhere, no secret leaks."""

from __future__ import annotations

import io
import os
import secrets
import sys
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from hostile import (
    BILLION_LAUGHS,
    external_dtd_manifest,
    files12,
    make_zip,
    manifest12,
    patch_zip,
    symlink_info,
    xxe_manifest,
)
from rich.console import Console

from scormkit.validate import Limits, render_github, render_json, render_junit, render_text, validate_path

# --- a write monitor: an audit hook records every file opened for writing, dir made, rename, link ---------------

_WRITES: list[tuple] | None = None


def _hook(event: str, args: tuple) -> None:
    if _WRITES is None:
        return
    if event == "open":
        path, mode, flags = (tuple(args) + (None, None, None))[:3]
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND)
        )
        if writing:
            _WRITES.append((event, path))
    elif event in (
        "os.mkdir",
        "os.rename",
        "os.symlink",
        "os.link",
        "os.remove",
        "os.rmdir",
        "os.truncate",
        "shutil.copyfile",
        "shutil.unpack_archive",
    ):
        _WRITES.append((event, args[0] if args else None))


sys.addaudithook(_hook)


@contextmanager
def no_writes():
    global _WRITES
    _WRITES = []
    try:
        yield
    finally:
        recorded, _WRITES = _WRITES, None
        assert recorded == [], f"validation wrote to disk: {recorded}"


def run(tmp_path: Path, entries, name: str = "pkg.zip", **kw):
    path = tmp_path / name
    path.write_bytes(entries if isinstance(entries, bytes) else make_zip(entries))
    before = sorted(p.name for p in tmp_path.iterdir())
    with no_writes():
        result = validate_path(path, **kw)
        outputs = [render_json([result]), render_junit([result]), render_github([result])]
        console = Console(record=True, width=200, file=io.StringIO())
        render_text([result], console)
        outputs.append(console.export_text())
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    return result, "\n".join(outputs)


def codes(result) -> set[str]:
    return {f.code for f in result.findings}


GOOD = files12()


def test_baseline_is_valid(tmp_path):
    result, _ = run(tmp_path, GOOD)
    assert result.valid and not result.warnings, [str(f) for f in result.findings]
    assert (result.standard, result.edition, result.schema_set) == ("scorm12", None, "scorm12")


@pytest.mark.parametrize(
    "bad_name, code",
    [
        ("/etc/evil.txt", "zip.absolute-path"),
        ("C:/evil.txt", "zip.absolute-path"),
        ("../evil.txt", "zip.parent-traversal"),
        ("a/../../evil.txt", "zip.parent-traversal"),
        ("dir\\evil.txt", "zip.backslash"),
    ],
)
def test_unsafe_names(tmp_path, bad_name, code):
    result, _ = run(tmp_path, [*GOOD.items(), (bad_name, b"pwned")])
    assert code in {f.code for f in result.errors}
    assert not (tmp_path.parent / "evil.txt").exists() and not Path("/etc/evil.txt").exists()


def test_symlink(tmp_path):
    result, _ = run(tmp_path, [*GOOD.items(), (symlink_info("link.html"), b"/etc/passwd")])
    assert "zip.symlink" in {f.code for f in result.errors}


def test_symlink_in_folder(tmp_path):
    root = tmp_path / "course"
    root.mkdir()
    for n, d in GOOD.items():
        (root / n).write_bytes(d)
    (root / "passwd.html").symlink_to("/etc/passwd")
    with no_writes():
        result = validate_path(root)
    assert "zip.symlink" in {f.code for f in result.errors}


def test_duplicate_and_case_collision(tmp_path):
    result, _ = run(tmp_path, [*GOOD.items(), ("app.js", b"again"), ("Index.html", b"x")])
    errs = {f.code for f in result.errors}
    assert {"zip.duplicate-name", "zip.case-collision"} <= errs


def test_encrypted_entry(tmp_path):
    data = patch_zip(make_zip(GOOD), "app.js", flag_bits=0x1)
    result, _ = run(tmp_path, data)
    assert "zip.encrypted" in {f.code for f in result.errors}


def test_zip_bomb_ratio(tmp_path):
    # 16 MiB of zeros deflates to ~16 KB: ratio ~1000:1, flagged from the headers without inflating it
    result, _ = run(tmp_path, [*GOOD.items(), ("video.mp4", b"\0" * (16 * 1024 * 1024))])
    assert "zip.bomb" in {f.code for f in result.errors}


def test_zip_total_limit(tmp_path):
    result, _ = run(tmp_path, [*GOOD.items(), ("big.bin", os.urandom(64 * 1024))], limits=Limits(max_total=32 * 1024))
    assert "zip.too-large" in {f.code for f in result.errors}


def test_lying_header_is_bounded(tmp_path):
    # the manifest's headers claim 300 bytes; the deflated data holds ~2 MB: the read stops at the limit
    padding = b"<!--" + b"x" * (2 * 1024 * 1024) + b"-->"
    files = dict(GOOD, **{"imsmanifest.xml": manifest12() + padding})
    data = patch_zip(make_zip(files), "imsmanifest.xml", file_size=300)
    result, _ = run(tmp_path, data)
    assert {"zip.corrupt", "zip.bomb"} & {f.code for f in result.errors}


def test_oversized_manifest(tmp_path):
    result, _ = run(tmp_path, GOOD, limits=Limits(max_manifest=256))
    assert "pkg.manifest-too-large" in {f.code for f in result.errors}


def test_manifest_one_level_down(tmp_path):
    result, _ = run(tmp_path, {f"mycourse/{n}": d for n, d in GOOD.items()})
    err = next(f for f in result.errors if f.code == "pkg.manifest-not-at-root")
    assert "zipped the parent folder" in err.message and "mycourse/" in err.fix
    # the rest is still checked with mycourse/ as the root
    assert result.standard == "scorm12" and codes(result) == {"pkg.manifest-not-at-root"}


def test_manifest_deeper_and_missing(tmp_path):
    result, _ = run(tmp_path, {f"a/b/{n}": d for n, d in GOOD.items()})
    assert "pkg.manifest-not-at-root" in codes(result)
    result, _ = run(tmp_path, {"index.html": b"x"}, name="none.zip")
    assert "pkg.no-manifest" in codes(result)


def test_junk_is_a_warning(tmp_path):
    result, _ = run(tmp_path, [*GOOD.items(), ("__MACOSX/._index.html", b"x"), (".DS_Store", b"x")])
    assert result.valid and "zip.junk" in {f.code for f in result.warnings}


def test_not_a_zip(tmp_path):
    result, _ = run(tmp_path, b"this is not a zip", name="fake.zip")
    assert "zip.corrupt" in {f.code for f in result.errors}


def test_billion_laughs(tmp_path):
    result, _ = run(tmp_path, dict(GOOD, **{"imsmanifest.xml": BILLION_LAUGHS}))
    assert "xml.entity-declaration" in {f.code for f in result.errors}


def test_xxe_never_resolved(tmp_path):
    token = "SECRET-" + secrets.token_hex(16)
    secret = tmp_path / "secret.txt"
    secret.write_text(token)
    result, out = run(tmp_path, dict(GOOD, **{"imsmanifest.xml": xxe_manifest(str(secret))}))
    assert "xml.entity-declaration" in {f.code for f in result.errors}
    assert token not in out


def test_xxe_bare_manifest_file(tmp_path):
    token = "SECRET-" + secrets.token_hex(16)
    secret = tmp_path / "secret.txt"
    secret.write_text(token)
    (tmp_path / "imsmanifest.xml").write_bytes(xxe_manifest(str(secret)))
    with no_writes():
        result = validate_path(tmp_path / "imsmanifest.xml")
        out = render_json([result]) + render_github([result])
    assert "xml.entity-declaration" in codes(result) and token not in out


def test_external_dtd_not_fetched(tmp_path):
    result, _ = run(tmp_path, dict(GOOD, **{"imsmanifest.xml": external_dtd_manifest("http://evil.invalid/x.dtd")}))
    assert "xml.external-dtd" in {f.code for f in result.errors}


def test_utf16_entity_declaration(tmp_path):
    doc = BILLION_LAUGHS.decode().replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
    result, _ = run(tmp_path, dict(GOOD, **{"imsmanifest.xml": doc.encode("utf-16")}))
    assert "xml.entity-declaration" in {f.code for f in result.errors}


def test_not_well_formed(tmp_path):
    result, _ = run(tmp_path, dict(GOOD, **{"imsmanifest.xml": b"<manifest><unclosed></manifest>"}))
    err = next(f for f in result.errors if f.code == "xml.not-well-formed")
    assert err.line == 1


def test_server_scripts(tmp_path):
    result, _ = run(tmp_path, [*GOOD.items(), ("upload.php", b"<?php"), (".htaccess", b"x")])
    assert result.valid and "pkg.server-script" in codes(result)
    result, _ = run(tmp_path, [*GOOD.items(), ("upload.php", b"<?php")], name="d.zip", lms="docebo")
    assert "lms.forbidden-file" in {f.code for f in result.errors}


def test_missing_path(tmp_path):
    result = validate_path(tmp_path / "nope.zip")
    assert "pkg.not-found" in codes(result) and not result.valid


def test_stored_zip_also_read(tmp_path):
    path = tmp_path / "stored.zip"
    path.write_bytes(make_zip(GOOD, compression=zipfile.ZIP_STORED))
    assert validate_path(path).valid


# --- fuzz: arbitrary manifests and entry names never crash the validator --------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    manifest=st.binary(max_size=400) | st.text(max_size=300).map(str.encode),
    names=st.lists(st.text(min_size=1, max_size=20), max_size=4),
)
def test_fuzz_never_crashes(tmp_path_factory, manifest, names):
    tmp = tmp_path_factory.mktemp("fuzz")
    entries = [("imsmanifest.xml", manifest)] + [(n, b"x") for n in names]
    path = tmp / "f.zip"
    try:
        path.write_bytes(make_zip(entries))
    except (ValueError, UnicodeEncodeError, IndexError):
        # zipfile cannot write some names (surrogates; a name that is only NULs becomes empty and raises
        # IndexError): the test cannot build that package, so there is nothing to validate
        return
    result = validate_path(path)
    render_json([result]), render_junit([result]), render_github([result])
