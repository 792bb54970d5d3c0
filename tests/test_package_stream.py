"""Issue 14: the slides PDF and the render cache's images are streamed from their files into the zips, not held in
memory, and checked as they are read: the zip is the one bytes would give, and a file that changed since it was
checked is an error that writes nothing, never a silently different package."""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

import pytest

import scormkit.source
from scormkit import api
from scormkit.diagnostics import ScormkitError
from scormkit.fileasset import CHUNK, AssetChanged, FileAsset, asset_bytes, file_stat
from scormkit.model import Module
from scormkit.package import write_package
from tests.factories import deck_folder, edit

DATE = (2010, 9, 22, 0, 0, 0)


def file_asset(path: Path, data: bytes, *, source: bool = False) -> FileAsset:
    path.write_bytes(data)
    return FileAsset(path, len(data), hashlib.sha256(data).hexdigest(), file_stat(path) if source else None)


def test_a_zip_of_file_assets_is_the_zip_of_their_bytes(tmp_path: Path) -> None:
    """Stored and deflated entries, several chunks long, and an empty one: the same bytes as from memory."""
    text_pdf = b"%PDF-1.4\n" + b"".join(
        b"BT /F1 12 Tf (Slide %d: start low, go slow) Tj ET\n" % n for n in range(80_000)
    )
    photo_pdf = b"%PDF-1.4\n" + os.urandom(CHUNK * 2 + 123)  # does not shrink: stored, as the sample rule says
    files = {
        "index.html": b"<!doctype html>",
        "slides.pdf": text_pdf,
        "photos.pdf": photo_pdf,
        "slides/001.webp": os.urandom(CHUNK + 7),
        "slides/thumbs/001.webp": b"",
    }
    assert len(text_pdf) > 3 * CHUNK
    streamed = {
        name: data if name == "index.html" else file_asset(tmp_path / name.replace("/", "-"), data)
        for name, data in files.items()
    }
    write_package(files, tmp_path / "bytes.zip", date_time=DATE)
    write_package(streamed, tmp_path / "files.zip", date_time=DATE)
    assert (tmp_path / "files.zip").read_bytes() == (tmp_path / "bytes.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "files.zip") as archive:
        assert archive.getinfo("slides.pdf").compress_type == zipfile.ZIP_DEFLATED
        assert archive.getinfo("photos.pdf").compress_type == zipfile.ZIP_STORED
        assert archive.getinfo("slides/001.webp").compress_type == zipfile.ZIP_STORED
        assert {name: archive.read(name) for name in archive.namelist()} == files
        assert archive.testzip() is None


@pytest.mark.parametrize("change", ["saved again", "same size and mtime", "longer", "shorter", "deleted"])
def test_a_file_that_changed_since_it_was_checked_writes_no_zip(tmp_path: Path, change: str) -> None:
    target = tmp_path / "p.zip"
    write_package({"index.html": b"old"}, target, date_time=DATE)
    before = target.read_bytes()
    pdf = tmp_path / "slides.pdf"
    asset = file_asset(pdf, b"%PDF-1.4 " + b"x" * 5000, source=True)
    if change == "saved again":  # the same bytes, saved again: refused like a change during rendering
        pdf.write_bytes(pdf.read_bytes())
        os.utime(pdf, ns=(asset.stat[1] + 10**9, asset.stat[1] + 10**9))  # type: ignore[index]
    elif change == "same size and mtime":  # edited in place, its stat put back: the hash tells
        pdf.write_bytes(b"%PDF-1.4 " + b"y" * 5000)
        os.utime(pdf, ns=(asset.stat[1], asset.stat[1]))  # type: ignore[index]
        assert file_stat(pdf) == asset.stat
    elif change == "longer":
        with pdf.open("ab") as handle:
            handle.write(b"more")
    elif change == "shorter":
        pdf.write_bytes(b"%PDF-1.4")
    else:
        pdf.unlink()
    with pytest.raises(AssetChanged) as caught:
        write_package({"index.html": b"new", "slides.pdf": asset}, target, date_time=DATE)
    assert caught.value.asset == asset
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == (["p.zip"] if change == "deleted" else ["p.zip", "slides.pdf"])


def test_a_failed_stream_into_a_new_folder_leaves_no_folder(tmp_path: Path) -> None:
    asset = file_asset(tmp_path / "a.webp", b"RIFF....WEBP")
    (tmp_path / "a.webp").write_bytes(b"RIFF....WEBX")
    with pytest.raises(AssetChanged):
        write_package({"a.webp": asset}, tmp_path / "new" / "p.zip", date_time=DATE)
    assert not (tmp_path / "new").exists()


# ---- through api.pack, as a designer runs it -----------------------------------------------------------------


@pytest.fixture
def mod(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return deck_folder(tmp_path, monkeypatch)


def after_reading(monkeypatch: pytest.MonkeyPatch, action) -> None:  # type: ignore[no-untyped-def]
    """Run `action(module)` once the module is read and checked, before its packages are built and written."""
    real = scormkit.source.read_module

    def read_module(*args, **kwargs) -> Module:  # type: ignore[no-untyped-def]
        module = real(*args, **kwargs)
        action(module)
        return module

    monkeypatch.setattr(scormkit.source, "read_module", read_module)


def zips(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.zip"))}


@pytest.mark.parametrize("how", ["saved again", "edited, size and mtime put back"])
def test_a_pdf_changed_after_it_was_read_is_slides_changed(
    mod: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    out = tmp_path / "dist"
    api.pack(mod, out=out)
    before = zips(out)
    edit(mod / "module.yaml", "  width: 320", "  width: 330")  # not a no-op: the pack reads and writes again
    pdf = mod / "deck" / "slides.pdf"

    def save_pdf(module: Module) -> None:
        asset = module.assets["slides.pdf"]
        assert isinstance(asset, FileAsset) and asset.stat is not None
        data = pdf.read_bytes()
        if how == "saved again":
            pdf.write_bytes(data)
            os.utime(pdf, ns=(asset.stat[1] + 10**9, asset.stat[1] + 10**9))
        else:  # the same length, one byte of the trailer changed, the mtime put back: only the hash can tell
            pdf.write_bytes(data[:-2] + (b"F\n" if data[-2:] != b"F\n" else b"G\n"))
            os.utime(pdf, ns=(asset.stat[1], asset.stat[1]))
            assert file_stat(pdf) == asset.stat

    after_reading(monkeypatch, save_pdf)
    with pytest.raises(ScormkitError) as caught:
        api.pack(mod, out=out)
    assert [str(d) for d in caught.value.report.diagnostics] == [
        "mod/deck/slides.pdf: error[slides.changed] deck/slides.pdf changed while the packages were written; wait "
        "until it is saved and pack again"
    ]
    assert zips(out) == before


def test_a_cache_image_damaged_after_it_was_checked_is_detected_and_rendered_again(
    mod: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, cache = tmp_path / "dist", tmp_path / "cache"
    api.pack(mod, out=out, cache_dir=cache)
    before = zips(out)
    # The quiz changes, the slides do not: the second pack ships the cache's images, streamed from their files.
    edit(mod / "quiz.yaml", "prompt:", "prompt: Now,")
    damaged: list[Path] = []

    def damage_first_slide(module: Module) -> None:
        asset = module.assets["slides/001.webp"]
        assert isinstance(asset, FileAsset) and asset.path.parent == cache / "objects"
        data = asset.path.read_bytes()
        asset.path.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
        damaged.append(asset.path)

    after_reading(monkeypatch, damage_first_slide)
    with pytest.raises(ScormkitError) as caught:
        api.pack(mod, out=out, cache_dir=cache)
    (path,) = damaged
    assert [str(d) for d in caught.value.report.diagnostics] == [
        f"{path}: error[pack.cache-changed] this image of the render cache does not hold the bytes it had: it was "
        "damaged, or changed by another process while this pack read it; nothing was written: pack again, and the "
        "slide is rendered again"
    ]
    assert zips(out) == before
    monkeypatch.undo()
    monkeypatch.chdir(tmp_path)
    # As the message says: the next pack finds the damaged image by its hash, renders the slide again and ships it.
    results = api.pack(mod, out=out, cache_dir=cache)
    with zipfile.ZipFile(results[0].path) as archive:
        shipped = archive.read("slides/001.webp")
    assert hashlib.sha256(shipped).hexdigest() == path.name
    assert asset_bytes(FileAsset(path, len(shipped), path.name)) == shipped
