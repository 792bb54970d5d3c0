"""Deterministic zips, written as a set all or nothing: the same files give the same bytes, and a failed or killed
write leaves the folder with the zips it had (or, once the last one is renamed in, the whole new set).

How a set is committed into `out/`:
1. take an exclusive flock on the folder itself (concurrent packs into one dist/ take turns here, and only here);
2. finish an earlier commit that was killed between renames (its journal lists renames whose sources are all
   complete), and delete temporary files of killed writes (no one else can be writing: we hold the lock);
3. write every zip into an unnamed file (O_TMPFILE): a kill or a full disk here leaves no name behind;
4. link each under a temporary name, write the journal, rename each over its zip, delete the journal.

A package file is bytes or a `FileAsset` (scormkit.fileasset): a file on disk, streamed into the zip and checked as it
is read, so a large PDF is never held in memory; one that changed since it was checked raises AssetChanged, and no zip
of the set is written.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import os
import tempfile
import zipfile
import zlib
from pathlib import Path

from scormkit.fileasset import Asset, FileAsset, asset_chunks, asset_head
from scormkit.source.cache import link_unnamed

# Regular file, rw-r--r--: fixed so that the umask or the build machine never leaks into the zip.
_FILE_MODE = 0o100644 << 16
# ZIP stores local time with 2-second precision and cannot go before 1980.
_ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)
#: Written in out/ while a set of zips is being renamed into place; see the module docstring.
JOURNAL = ".scormkit-commit.json"
#: Marks our temporary files in out/ (".<zip name>.scormkit-<random>.tmp").
TEMP_MARK = ".scormkit-"


#: A zip entry's timestamp: year, month, day, hour, minute, second.
ZipDate = tuple[int, int, int, int, int, int]


def entry_date(updated: dt.date, environ: os._Environ | dict | None = None) -> ZipDate:
    """The timestamp of every zip entry: SOURCE_DATE_EPOCH when set (reproducible-builds.org), else `updated`."""
    environ = os.environ if environ is None else environ
    raw = environ.get("SOURCE_DATE_EPOCH")
    if raw:
        moment = dt.datetime.fromtimestamp(int(raw), tz=dt.UTC)
    else:
        moment = dt.datetime(updated.year, updated.month, updated.day, tzinfo=dt.UTC)
    moment = max(moment, _ZIP_EPOCH)
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second - moment.second % 2)


# Already-compressed formats gain nothing from deflate: they are stored, never re-compressed.
_STORED = (".webp", ".jpg", ".jpeg", ".png", ".gif", ".zip", ".woff2", ".mp4", ".mp3", ".webm", ".ogg", ".m4a")
# Files that may or may not be compressed inside (a PDF of photos is; a PDF of text often is not): deflated only
# when a sample shrinks by a tenth. Measured: the 100-slide benchmark deck (12.7 MB of JPEG photos) deflates by 2 %
# in 0.4 s, the example module's PDF (text) by 40 %.
_SAMPLED = (".pdf",)
_SAMPLE = 256 * 1024


def _stored(name: str, data: Asset) -> bool:
    lower = name.lower()
    if lower.endswith(_STORED):
        return True
    if lower.endswith(_SAMPLED):
        sample = asset_head(data, _SAMPLE)
        return len(zlib.compress(sample, 1)) > 0.9 * len(sample)
    return False


class PackageWriteError(OSError):
    """The output folder could not take the zips (full disk, read-only, not a folder): nothing in it was changed."""

    def __init__(self, path: Path, error: OSError):
        super().__init__(error.errno, error.strerror)
        self.path = path
        self.error = error

    def advice(self) -> str:
        code = self.error.errno
        where = self.path
        if code == errno.ENOSPC or code == errno.EDQUOT:
            return f"no space left for {where}; free some space or pack to another folder with --out"
        if code in (errno.EROFS, errno.EACCES, errno.EPERM):
            return f"cannot write to {where} ({self.error.strerror}); make it writable or pack to another folder with --out"
        if code in (errno.ENOTDIR, errno.EEXIST):
            return f"{where} is not a folder; give --out a folder (it is created when missing)"
        return f"cannot write {where} ({self.error.strerror or self.error}); check the folder or pack to another --out"


def _zip_into(handle, files: dict[str, Asset], date_time: ZipDate) -> None:
    with zipfile.ZipFile(handle, "w") as archive:
        for name in sorted(files):
            data = files[name]
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.external_attr = _FILE_MODE
            info.create_system = 3  # Unix, so that the mode above is honoured everywhere
            stored = _stored(name, data)
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            if not isinstance(data, FileAsset):
                archive.writestr(info, data, compresslevel=None if stored else 9)
                continue
            # What writestr does, a chunk at a time: the size is known first (it decides the ZIP64 header, as for
            # bytes), and deflate's output does not depend on how its input is cut, so the bytes are the same.
            info.file_size = data.size
            info._compresslevel = None if stored else 9  # type: ignore[attr-defined]  # writestr's compresslevel
            with archive.open(info, "w") as entry:
                for chunk in asset_chunks(data):
                    entry.write(chunk)


def _temp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}{TEMP_MARK}{os.urandom(6).hex()}.tmp")


def recover(out: Path) -> None:
    """Finish a commit that was killed between renames, and delete temporary files of killed writes.
    Call with the folder's lock held."""
    journal = out / JOURNAL
    try:
        renames = json.loads(journal.read_text())
    except FileNotFoundError:
        renames = []
    except (OSError, ValueError):
        renames = []  # a journal that is not whole was never acted on: its temporaries go below
    for temp, final in renames:
        if (out / temp).is_file():
            os.replace(out / temp, out / final)
    journal.unlink(missing_ok=True)
    for leftover in out.glob(f".*{TEMP_MARK}*.tmp"):
        leftover.unlink(missing_ok=True)


def write_packages(packages: list[tuple[Path, dict[str, Asset]]], *, date_time: ZipDate) -> None:
    """Zip each `files` (package path -> bytes or FileAsset) to its path: sorted entries, fixed dates and modes, the
    whole set in place or none of it. All paths must be in one folder. Raises PackageWriteError, or AssetChanged when
    a file asset changed since it was checked, with the folder unchanged."""
    if not packages:
        return
    out = packages[0][0].parent
    assert all(path.parent == out for path, _ in packages), "one folder per set"
    created = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
        lock = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as error:
        raise PackageWriteError(out, error) from error
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _commit(out, packages, date_time)
    except BaseException as error:
        if created:
            _remove_if_empty(out)
        if isinstance(error, OSError):
            raise PackageWriteError(out, error) from error
        raise
    finally:
        os.close(lock)  # releases the flock


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass


def _commit(out: Path, packages: list[tuple[Path, dict[str, Asset]]], date_time: ZipDate) -> None:
    recover(out)
    written: list[tuple[int | None, Path | None, Path]] = []  # (unnamed fd, or named temp; final path)
    temps: list[Path] = []
    journaled = False
    try:
        for path, files in packages:
            try:
                fd = os.open(out, os.O_TMPFILE | os.O_WRONLY, 0o644)
            except OSError as error:
                if error.errno not in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
                    raise
                # No O_TMPFILE (NFS and some other file systems): a named temporary, cleaned by recover() if killed.
                fd_named, name = tempfile.mkstemp(prefix=f".{path.name}{TEMP_MARK}", suffix=".tmp", dir=out)
                temps.append(Path(name))
                with os.fdopen(fd_named, "wb") as handle:
                    _zip_into(handle, files, date_time)
                os.chmod(name, 0o644)
                written.append((None, Path(name), path))
                continue
            try:
                with os.fdopen(fd, "w+b", closefd=False) as handle:
                    _zip_into(handle, files, date_time)
                os.fchmod(fd, 0o644)
            except BaseException:
                os.close(fd)
                raise
            written.append((fd, None, path))
        # Every zip is complete: give each a temporary name, then rename the set in.
        renames: list[tuple[Path, Path]] = []
        for unnamed, named, final in written:
            if named is None:
                assert unnamed is not None
                temp = _temp_name(final)
                link_unnamed(unnamed, temp)
                temps.append(temp)
                named = temp
            renames.append((named, final))
        journal_data = json.dumps([[t.name, f.name] for t, f in renames]).encode()
        journal_temp = _temp_name(out / JOURNAL)
        journal_temp.write_bytes(journal_data)
        temps.append(journal_temp)
        os.replace(journal_temp, out / JOURNAL)
        journaled = True
        for temp, final in renames:
            os.replace(temp, final)
        (out / JOURNAL).unlink()
    except BaseException:
        if not journaled:  # once journaled, the set is finished by the next recover(), never half-undone
            for temp in temps:
                temp.unlink(missing_ok=True)
        raise
    finally:
        for unnamed, _, _ in written:
            if unnamed is not None:
                os.close(unnamed)


def write_package(files: dict[str, Asset], path: Path, *, date_time: ZipDate) -> None:
    """Zip `files` (package path -> bytes or FileAsset) to `path`: sorted entries, fixed dates and modes, written
    atomically."""
    write_packages([(path, files)], date_time=date_time)
