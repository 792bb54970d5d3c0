"""A package's files, served read-only from a folder or straight from its zip (never extracted).

Both sources answer `read(rel)` with the bytes of one regular file inside the package, or None. A path that
leaves the root (`..`, an absolute path, a backslash, a symlink pointing out) raises OutsideRoot; a folder is not
a file, so there is no directory listing.
"""

from __future__ import annotations

import threading
import zipfile
from pathlib import Path, PurePosixPath


class OutsideRoot(ValueError):
    """The requested path is not inside the package."""


def clean_path(rel: str) -> str:
    """`a/b.html` for a request path inside the package; OutsideRoot for anything that could leave it."""
    if "\\" in rel or "\x00" in rel or rel.startswith("/"):
        raise OutsideRoot(rel)
    parts = PurePosixPath(rel).parts
    if any(part in ("..", ".") for part in rel.split("/")) or (parts and ":" in parts[0]):
        raise OutsideRoot(rel)
    return "/".join(parts)


class FolderContent:
    """An unpacked package folder."""

    kind = "folder"

    def __init__(self, root: Path):
        self.root = Path(root).resolve()

    def read(self, rel: str) -> bytes | None:
        rel = clean_path(rel)
        if not rel:
            return None
        target = (self.root / rel).resolve()
        if not target.is_relative_to(self.root):  # a symlink that points out of the package
            raise OutsideRoot(rel)
        return target.read_bytes() if target.is_file() else None

    def close(self) -> None:
        pass


class ZipContent:
    """A package zip, read member by member with exact (case-sensitive) names, as a Linux LMS serves it."""

    kind = "zip"

    def __init__(self, path: Path):
        self.path = Path(path)
        self._zip = zipfile.ZipFile(self.path)
        self._lock = threading.Lock()
        self._members = {info.filename: info for info in self._zip.infolist() if not info.is_dir()}

    def read(self, rel: str) -> bytes | None:
        rel = clean_path(rel)
        info = self._members.get(rel)
        if info is None:
            return None
        with self._lock:
            return self._zip.read(info)

    def close(self) -> None:
        with self._lock:
            self._zip.close()


def open_content(path: Path) -> FolderContent | ZipContent:
    """The package at `path` (a folder or a zip); FileNotFoundError when it is neither."""
    path = Path(path)
    if path.is_dir():
        return FolderContent(path)
    if path.is_file() and zipfile.is_zipfile(path):
        return ZipContent(path)
    raise FileNotFoundError(f"{path} is neither a package folder nor a zip")
