"""Deterministic, atomic zip writer: the same files give the same bytes, and a failed write leaves nothing."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import zipfile
from pathlib import Path

# Regular file, rw-r--r--: fixed so that the umask or the build machine never leaks into the zip.
_FILE_MODE = 0o100644 << 16
# ZIP stores local time with 2-second precision and cannot go before 1980.
_ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)


def entry_date(updated: dt.date, environ: os._Environ | dict | None = None) -> tuple[int, int, int, int, int, int]:
    """The timestamp of every zip entry: SOURCE_DATE_EPOCH when set (reproducible-builds.org), else `updated`."""
    environ = os.environ if environ is None else environ
    raw = environ.get("SOURCE_DATE_EPOCH")
    if raw:
        moment = dt.datetime.fromtimestamp(int(raw), tz=dt.timezone.utc)
    else:
        moment = dt.datetime(updated.year, updated.month, updated.day, tzinfo=dt.timezone.utc)
    moment = max(moment, _ZIP_EPOCH)
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second - moment.second % 2)


# Already-compressed formats gain nothing from deflate; storing them keeps packing fast.
_STORED = (".webp", ".jpg", ".jpeg", ".png", ".gif", ".zip", ".woff2", ".mp4", ".mp3")


def write_package(files: dict[str, bytes], path: Path, *, date_time: tuple[int, ...]) -> None:
    """Zip `files` (package path -> bytes) to `path`: sorted entries, fixed dates and modes, written atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w") as archive:
            for name in sorted(files):
                info = zipfile.ZipInfo(name, date_time=date_time)
                info.external_attr = _FILE_MODE
                info.create_system = 3  # Unix, so that the mode above is honoured everywhere
                stored = name.lower().endswith(_STORED)
                info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                archive.writestr(info, files[name], compresslevel=None if stored else 9)
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
