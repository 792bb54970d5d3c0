"""The zip an LMS imports: deterministic bytes, fixed metadata, atomic writes."""

import datetime as dt
import zipfile

import pytest

from scormkit.package import entry_date, write_package

FILES = {"index.html": b"<!doctype html>", "slides/001.webp": b"RIFF....WEBP", "imsmanifest.xml": b"<manifest/>"}


def test_same_files_give_identical_bytes(tmp_path):
    date = entry_date(dt.date(2010, 9, 22), environ={})
    write_package(FILES, tmp_path / "a.zip", date_time=date)
    write_package(dict(reversed(FILES.items())), tmp_path / "b.zip", date_time=date)
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


def test_entries_are_sorted_dated_and_moded(tmp_path):
    write_package(FILES, tmp_path / "p.zip", date_time=entry_date(dt.date(2010, 9, 22), environ={}))
    with zipfile.ZipFile(tmp_path / "p.zip") as archive:
        infos = archive.infolist()
        assert [i.filename for i in infos] == sorted(FILES)
        assert {i.date_time for i in infos} == {(2010, 9, 22, 0, 0, 0)}
        assert {i.external_attr >> 16 for i in infos} == {0o100644}
        # Images are already compressed: stored, not deflated.
        assert archive.getinfo("slides/001.webp").compress_type == zipfile.ZIP_STORED
        assert archive.getinfo("index.html").compress_type == zipfile.ZIP_DEFLATED
        assert archive.read("imsmanifest.xml") == b"<manifest/>"


def test_source_date_epoch_wins_over_updated():
    # 2020-01-02T03:04:05Z; ZIP keeps even seconds only.
    assert entry_date(dt.date(2010, 9, 22), environ={"SOURCE_DATE_EPOCH": "1577934245"}) == (2020, 1, 2, 3, 4, 4)


def test_dates_before_1980_are_clamped_to_the_zip_epoch():
    assert entry_date(dt.date(1970, 1, 1), environ={}) == (1980, 1, 1, 0, 0, 0)


def test_failed_write_leaves_the_previous_zip_and_no_temp_file(tmp_path):
    target = tmp_path / "p.zip"
    write_package(FILES, target, date_time=(2010, 9, 22, 0, 0, 0))
    before = target.read_bytes()
    with pytest.raises(TypeError):
        write_package({"index.html": object()}, target, date_time=(2010, 9, 22, 0, 0, 0))  # type: ignore[dict-item]
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.zip"]
