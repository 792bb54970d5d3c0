"""The render cache: content-addressed, verified on every read, safe for concurrent writers and shareable.

Layout under the cache folder (`dist/.cache` by default, `--cache-dir` to share it between runs and machines):

    objects/<sha256 of the bytes>    one slide image; its name is its hash, so the same slide of two decks is stored once
    probes/<sha256 of the PDF>.json  what opening the PDF found: page count, page sizes, bookmark titles
    renders/<render key>.json        per page of one PDF at one set of slides options: text, size, image hash
    builds/<build key>.json          one pack's inputs -> the zips it wrote, with their hashes (the no-op warm pack)

Every record carries the SHA-256 of its own body and every image is checked against the hash it is stored under, so a
replaced, swapped or truncated entry is a miss (it is re-rendered and rewritten), never shipped. Entries are
published whole: written to an unnamed file (O_TMPFILE) and linked under their name, so a kill leaves nothing
half-written and no temporary name; two writers of one entry write the same bytes, and the first link wins.

A `RenderCache(deferred=True)` keeps what a build would write in memory until `commit()`: `scormkit pack` commits only
after its zips are in place, so a failed build leaves the cache (and dist/) as they were.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import tempfile
from pathlib import Path

from scormkit.fileasset import CHUNK, Asset, FileAsset


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sealed(record: dict) -> bytes:
    body = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(
        {"sha256": sha256(body.encode()), "body": record}, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode()


def _unsealed(data: bytes) -> dict | None:
    try:
        outer = json.loads(data)
        record = outer["body"]
        body = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        if not isinstance(record, dict) or outer["sha256"] != sha256(body.encode()):
            return None
    except (ValueError, KeyError, TypeError):
        return None
    return record


def link_unnamed(fd: int, path: Path) -> None:
    """Give the unnamed file `fd` (opened with O_TMPFILE) the name `path`; FileExistsError when it is taken."""
    # linkat(AT_SYMLINK_FOLLOW) through /proc/self/fd: os.link only takes that path when given a directory fd.
    proc = os.open("/proc/self/fd", os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.link(str(fd), path, src_dir_fd=proc, follow_symlinks=True)
    finally:
        os.close(proc)


def publish(path: Path, data: bytes, *, replace: bool = False) -> None:
    """Write `path` whole or not at all. With replace=False an existing entry is kept (content-addressed entries
    with one name have one content: the first writer wins)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path.parent, os.O_TMPFILE | os.O_WRONLY, 0o644)
    except (AttributeError, OSError) as exc:  # no O_TMPFILE here (e.g. NFS, macOS): a named temporary file
        if isinstance(exc, OSError) and exc.errno not in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
            raise
        _publish_named(path, data, replace=replace)
        return
    try:
        with os.fdopen(fd, "wb", closefd=False) as handle:
            handle.write(data)
        os.fchmod(fd, 0o644)
        if not replace:
            try:
                link_unnamed(fd, path)
            except FileExistsError:
                pass
            return
        # Link under a private name, then rename over the entry: the name exists for the microseconds between.
        temp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
        link_unnamed(fd, temp)
        try:
            os.replace(temp, path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
    finally:
        os.close(fd)


def _publish_named(path: Path, data: bytes, *, replace: bool) -> None:
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temp, 0o644)
        if replace:
            os.replace(temp, path)
        else:
            try:
                os.link(temp, path)
            except FileExistsError:
                pass
    finally:
        Path(temp).unlink(missing_ok=True)


class RenderCache:
    """The cache folder `root` (see the module docstring)."""

    def __init__(self, root: Path, *, deferred: bool = False):
        self.root = Path(root)
        self.deferred = deferred
        self._pending: dict[Path, tuple[bytes, bool]] = {}

    # ---- reads (each verified) ----------------------------------------------------------------------------------

    def _read(self, path: Path) -> bytes | None:
        if path in self._pending:
            return self._pending[path][0]
        try:
            return path.read_bytes()
        except OSError:
            return None

    def _record(self, path: Path) -> dict | None:
        data = self._read(path)
        return None if data is None else _unsealed(data)

    def image(self, digest: str) -> Asset | None:
        """The image stored under `digest`, or None when it is missing or its bytes do not hash to `digest`. Its bytes
        are hashed in chunks, not kept: the answer is a FileAsset of its file (the zip writer streams it and checks
        it again), or the bytes themselves while this deferred cache holds them."""
        path = self.root / "objects" / digest
        if path in self._pending:
            return self._pending[path][0]
        hashed, size = hashlib.sha256(), 0
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(CHUNK):
                    hashed.update(chunk)
                    size += len(chunk)
        except OSError:
            return None
        return FileAsset(path, size, digest) if hashed.hexdigest() == digest else None

    def probe(self, pdf_sha: str) -> dict | None:
        return self._record(self.root / "probes" / f"{pdf_sha}.json")

    def render(self, key: str) -> dict | None:
        return self._record(self.root / "renders" / f"{key}.json")

    def build(self, key: str) -> dict | None:
        return self._record(self.root / "builds" / f"{key}.json")

    # ---- writes ----------------------------------------------------------------------------------------------

    def _write(self, path: Path, data: bytes, *, replace: bool) -> None:
        if self.deferred:
            self._pending[path] = (data, replace)
        else:
            publish(path, data, replace=replace)

    def put_image(self, data: bytes) -> str:
        digest = sha256(data)
        path = self.root / "objects" / digest
        if path not in self._pending and self.image(digest) is None:
            # A damaged entry under this name is replaced; a sound one is left as it is.
            self._write(path, data, replace=path.exists())
        return digest

    def put_probe(self, pdf_sha: str, record: dict) -> None:
        self._write(self.root / "probes" / f"{pdf_sha}.json", _sealed(record), replace=True)

    def put_render(self, key: str, record: dict) -> None:
        self._write(self.root / "renders" / f"{key}.json", _sealed(record), replace=True)

    def put_build(self, key: str, record: dict) -> None:
        self._write(self.root / "builds" / f"{key}.json", _sealed(record), replace=True)

    def commit(self) -> None:
        """Write what a deferred cache holds (objects first, so no record ever names a missing image)."""
        order = sorted(self._pending, key=lambda p: p.parent.name != "objects")
        for path in order:
            data, replace = self._pending[path]
            publish(path, data, replace=replace)
        self._pending.clear()

    def discard(self) -> None:
        self._pending.clear()
