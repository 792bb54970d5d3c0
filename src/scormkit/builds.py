"""The build manifest: what makes a `pack` a no-op.

A pack's inputs (every file of the module folder, the targets and their options, the output folder,
SOURCE_DATE_EPOCH and scormkit itself) hash to a build key; the cache's `builds/<key>.json` lists the zips that pack
wrote, with their sizes and SHA-256. When the record exists and every zip it lists is still there byte for byte,
nothing needs doing.

Standard library only, and nothing of scormkit but the cache: the console script (scormkit.entry) answers an
unchanged `pack` with this module before the CLI, typer and rich are loaded.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Sequence
from pathlib import Path

#: What `pack` builds when no target is named (here, not in scormkit.api: the console script reads it too).
DEFAULT_TARGETS = ("scorm12", "scorm2004")

#: A module folder larger than this is not fingerprinted for the no-op check (the full pack's limits judge it).
BUILD_KEY_MAX_BYTES = 1 << 30


_CODE_SUFFIXES = (".py", ".js", ".css", ".j2", ".xsd", ".dtd", ".json", ".txt")


def scormkit_fingerprint() -> str:
    """scormkit's version and the size and mtime of every file of the installed package: a changed player,
    template or target code invalidates the build manifests of an editable install too."""
    import scormkit

    digest = hashlib.sha256(scormkit.__version__.encode())
    root = os.path.dirname(scormkit.__file__)
    found = []
    # os.walk and the entries' own stat: a few milliseconds for the package's 200-odd files, where Path.rglob took 40.
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        for name in names:
            if name.endswith(_CODE_SUFFIXES):
                st = os.stat(os.path.join(folder, name))
                found.append(f"{os.path.relpath(os.path.join(folder, name), root)}\0{st.st_size}\0{st.st_mtime_ns}\n")
    for line in sorted(found):
        digest.update(line.encode())
    return digest.hexdigest()


def build_key(
    src: Path, targets: Sequence[str], options: dict[str, str | None], out: Path, cache_root: Path
) -> str | None:
    """Every input of a pack: each file of the module folder (path and content), the targets and their options, the
    output folder, SOURCE_DATE_EPOCH and scormkit itself. None when the folder holds anything but plain files and
    folders (a FIFO, a symlink loop, an unreadable entry) or too many bytes: then the full pack runs and reports it,
    rather than this shortcut waiting on a FIFO or hashing gigabytes (issue 15)."""
    digest = hashlib.sha256()
    for part in (
        scormkit_fingerprint(),
        str(out.resolve()),
        os.environ.get("SOURCE_DATE_EPOCH", ""),
        ",".join(targets),
        ",".join(f"{option}={value}" for option, value in sorted(options.items()) if value is not None),
    ):
        digest.update(part.encode() + b"\0")
    root = Path(src)
    total = 0
    try:
        skip = {out.resolve(), cache_root.resolve()}
        for path in sorted(root.rglob("*")) if root.is_dir() else []:
            if any(parent in skip for parent in (path.resolve(), *path.resolve().parents)) or ".git" in path.parts:
                continue
            mode = path.stat().st_mode
            if stat.S_ISDIR(mode):
                continue
            if not stat.S_ISREG(mode):
                return None
            total += path.stat().st_size
            if total > BUILD_KEY_MAX_BYTES:
                return None
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            with path.open("rb") as handle:
                digest.update(hashlib.file_digest(handle, "sha256").digest())
    except (OSError, RuntimeError):  # a symlink loop (RuntimeError from resolve), no permission, a vanished file
        return None
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in chunks: a zip of a large deck is never held whole."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def intact_outputs(record: dict | None, out: Path) -> list[dict] | None:
    """The recorded build's zip entries when every zip it wrote is still in `out`, byte for byte; else None."""
    if record is None:
        return None
    try:
        entries = list(record["results"])
        for entry in entries:
            path = out / entry["path"]
            if not path.is_file() or path.stat().st_size != entry["size"] or file_sha256(path) != entry["sha256"]:
                return None
    except (KeyError, TypeError, ValueError, OSError):
        return None
    return entries
