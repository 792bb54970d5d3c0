"""Package files that stay on disk until they are zipped: the slides PDF and the render cache's slide images.

A module's assets (`Module.assets`) are bytes or `FileAsset`s. A FileAsset names a file with the size and SHA-256 its
bytes had when they were checked (and, for a source file the author may still be editing, the size, mtime and inode
it had then). The zip writer streams it in chunks and checks it as it goes, so a 500-slide deck's 64 MB PDF is never
held in memory, and a file that changed since it was checked is an error (`AssetChanged`), never a silently different
zip. Whatever needs the bytes themselves (a thumbnail's size, a theme image) reads them with `asset_bytes`, checked
the same way. Imports nothing heavy: the model and the zip writer both use it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

#: Bytes read at a time when a file asset is streamed.
CHUNK = 1 << 20


@dataclass(frozen=True)
class FileAsset:
    """The file `path`, whose bytes were `size` long and hashed to `sha256` when they were checked."""

    path: Path
    size: int
    sha256: str
    #: (st_size, st_mtime_ns, st_ino) of a source file when it was read: a file saved again since (even with the same
    #: bytes) is refused, as rendering refuses it. None for a render cache object: its name is its hash, so the hash
    #: alone says whether it is the same.
    stat: tuple[int, int, int] | None = None


#: What a package file is, by path: its bytes, or a file read when the zip is written.
Asset: TypeAlias = bytes | FileAsset


class AssetChanged(Exception):
    """A file asset no longer holds what was checked: it was edited, replaced or damaged since."""

    def __init__(self, asset: FileAsset, reason: str):
        super().__init__(f"{asset.path}: {reason}")
        self.asset = asset
        self.reason = reason


def file_stat(path: Path | int) -> tuple[int, int, int]:
    """(st_size, st_mtime_ns, st_ino) of a path or an open file descriptor: what `FileAsset.stat` records."""
    st = os.fstat(path) if isinstance(path, int) else path.stat()
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def asset_size(asset: Asset) -> int:
    return asset.size if isinstance(asset, FileAsset) else len(asset)


def asset_chunks(asset: Asset) -> Iterator[bytes]:
    """The bytes of `asset`, in chunks. A file asset is checked as it is read: AssetChanged (after the last chunk, or
    as soon as the file is longer) when its stat, size or SHA-256 is not what was recorded."""
    if not isinstance(asset, FileAsset):
        yield asset
        return
    try:
        handle = asset.path.open("rb")
    except OSError as error:
        raise AssetChanged(asset, f"cannot be read any more ({error.strerror})") from None
    with handle:
        if asset.stat is not None and file_stat(handle.fileno()) != asset.stat:
            raise AssetChanged(asset, "was saved again after it was read")
        digest, total = hashlib.sha256(), 0
        while chunk := handle.read(CHUNK):
            total += len(chunk)
            if total > asset.size:
                raise AssetChanged(asset, f"is longer than the {asset.size} bytes it had")
            digest.update(chunk)
            yield chunk
    if total != asset.size or digest.hexdigest() != asset.sha256:
        raise AssetChanged(asset, "does not hold the bytes it had")


def asset_bytes(asset: Asset) -> bytes:
    """The whole of `asset`, checked like `asset_chunks`."""
    return asset if not isinstance(asset, FileAsset) else b"".join(asset_chunks(asset))


def asset_head(asset: Asset, size: int) -> bytes:
    """The first `size` bytes of `asset` (not checked: what they decide, the whole is checked for when streamed)."""
    if not isinstance(asset, FileAsset):
        return asset[:size]
    try:
        with asset.path.open("rb") as handle:
            return handle.read(size)
    except OSError as error:
        raise AssetChanged(asset, f"cannot be read any more ({error.strerror})") from None
