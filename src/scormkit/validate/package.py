"""Opening a package (zip, folder or bare manifest file) safely: nothing is ever extracted to disk.

Zip safety is checked from the central directory before any member is read; members are then read in memory
with a bounded read, so a header that lies about sizes cannot make us inflate more than the limit.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from scormkit import limits as named_limits
from scormkit.diagnostics import Diagnostic

from .findings import finding

MANIFEST_NAMES = ("imsmanifest.xml", "cmi5.xml", "tincan.xml")
JUNK_RE = re.compile(r"(^|/)(__MACOSX/|\.DS_Store$|Thumbs\.db$|desktop\.ini$|\._)", re.IGNORECASE)


@dataclass(frozen=True)
class Limits:
    """Safety limits; defaults suit real e-learning packages (video included)."""

    # The values are scormkit.limits' (named, with their codes, in docs/limits.md).
    max_total: int = named_limits.ZIP_TOTAL_BYTES  # uncompressed bytes over all entries
    max_entry: int = named_limits.ZIP_ENTRY_BYTES  # uncompressed bytes of one entry
    max_ratio: int = named_limits.ZIP_RATIO  # uncompressed / compressed, for entries of at least ratio_floor bytes
    # Below this an entry may compress as well as it likes (tiny XML, JS); at 1 MiB a 1,000:1 manifest of
    # repeated `<!DOCTYPE a` slipped through.
    ratio_floor: int = named_limits.ZIP_RATIO_FLOOR
    max_entries: int = named_limits.ZIP_ENTRIES
    max_manifest: int = named_limits.MANIFEST_BYTES  # bytes of a manifest we agree to parse


DEFAULT_LIMITS = Limits()


class ReadError(Exception):
    def __init__(self, item: Diagnostic):
        super().__init__(item.message)
        self.finding = item


@dataclass
class Package:
    """A package's file listing (files only, '/'-separated, relative to the package root) and a bounded reader."""

    path: Path
    kind: str  # "zip" | "dir" | "file"
    sizes: dict[str, int] = field(default_factory=dict)
    findings: list[Diagnostic] = field(default_factory=list)
    limits: Limits = DEFAULT_LIMITS
    _zip: zipfile.ZipFile | None = None
    _infos: dict[str, zipfile.ZipInfo] = field(default_factory=dict)
    _unsafe: set[str] = field(default_factory=set)  # names never read (unsafe path or encrypted)

    @property
    def names(self) -> list[str]:
        return list(self.sizes)

    @property
    def total_size(self) -> int:
        return sum(self.sizes.values())

    def read(self, name: str, limit: int) -> bytes:
        """Read one member fully in memory, refusing more than `limit` bytes. Raises ReadError."""
        if name in self._unsafe:
            raise ReadError(finding("zip.corrupt", name, None, f"{name} was not read: its entry is unsafe"))
        if self.kind == "zip":
            assert self._zip is not None
            info = self._infos[name]
            if info.file_size > limit:
                raise ReadError(
                    finding(
                        "pkg.manifest-too-large", name, None, f"{name} is {info.file_size} bytes; the limit is {limit}"
                    )
                )
            try:
                with self._zip.open(info) as fh:
                    data = fh.read(limit + 1)  # bounded: zipfile inflates at most what is asked for
            except (zipfile.BadZipFile, zlib.error, OSError, RuntimeError, NotImplementedError, EOFError) as exc:
                raise ReadError(finding("zip.corrupt", name, None, f"cannot read {name}: {exc}")) from exc
            if len(data) > limit:
                raise ReadError(
                    finding(
                        "zip.bomb",
                        name,
                        None,
                        f"{name} inflates beyond {limit} bytes although its header says {info.file_size}",
                    )
                )
            return data
        full = self.path / name if self.kind == "dir" else self.path
        with open(full, "rb") as fh:
            data = fh.read(limit + 1)
        if len(data) > limit:
            raise ReadError(finding("pkg.manifest-too-large", name, None, f"{name} is larger than {limit} bytes"))
        return data

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


def _name_problems(name: str) -> list[tuple[str, str]]:
    out = []
    if "\\" in name:
        out.append(("zip.backslash", f"entry name {name!r} uses backslashes"))
    posix = name.replace("\\", "/")
    if posix.startswith("/") or re.match(r"^[A-Za-z]:", posix):
        out.append(("zip.absolute-path", f"entry name {name!r} is absolute"))
    if ".." in posix.split("/"):
        out.append(("zip.parent-traversal", f"entry name {name!r} climbs out of the package with '..'"))
    if "\x00" in name:
        out.append(("zip.absolute-path", f"entry name {name!r} contains a NUL byte"))
    return out


def _common_checks(pkg: Package, raw_names: list[str]) -> None:
    """Duplicates, case collisions and junk, shared by zips and folders."""
    seen: dict[str, str] = {}
    lower: dict[str, str] = {}
    dup_reported: set[str] = set()
    for name in raw_names:
        if name in seen and name not in dup_reported:
            dup_reported.add(name)
            pkg.findings.append(finding("zip.duplicate-name", name, None, f"{name!r} appears more than once"))
            continue
        seen[name] = name
        key = name.lower()
        if key in lower and lower[key] != name:
            pkg.findings.append(
                finding("zip.case-collision", name, None, f"{name!r} and {lower[key]!r} differ only in letter case")
            )
        lower.setdefault(key, name)
    junk = sorted({n for n in raw_names if JUNK_RE.search(n)})
    if junk:
        shown = ", ".join(junk[:3]) + (f" and {len(junk) - 3} more" if len(junk) > 3 else "")
        pkg.findings.append(finding("zip.junk", junk[0], None, f"{len(junk)} OS junk entries: {shown}"))


def open_zip(path: Path, limits: Limits = DEFAULT_LIMITS) -> Package:
    pkg = Package(path=path, kind="zip", limits=limits)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:  # "zip file version 17.9"
        pkg.findings.append(finding("zip.corrupt", path.name, None, f"not a readable zip: {exc}"))
        return pkg
    pkg._zip = zf
    infos = zf.infolist()
    if len(infos) > limits.max_entries:
        pkg.findings.append(
            finding("zip.too-large", path.name, None, f"{len(infos)} entries; the limit is {limits.max_entries}")
        )
    total = 0
    raw_names: list[str] = []
    for info in infos:
        name = info.filename
        problems = _name_problems(name)
        for code, msg in problems:
            pkg.findings.append(finding(code, name, None, msg))
        mode = info.external_attr >> 16
        if info.create_system == 3 and stat.S_ISLNK(mode):
            problems.append(("zip.symlink", ""))
            pkg.findings.append(finding("zip.symlink", name, None, f"{name!r} is a symbolic link"))
        if name.endswith("/") and info.file_size == 0:
            continue  # a directory entry: its name and mode are checked above (an unzip creates `../../x/`)
        raw_names.append(name)
        if info.flag_bits & 0x1:
            problems.append(("zip.encrypted", ""))
            pkg.findings.append(finding("zip.encrypted", name, None, f"{name!r} is encrypted"))
        total += info.file_size
        if info.file_size > limits.max_entry:
            problems.append(("zip.bomb", ""))
            pkg.findings.append(
                finding(
                    "zip.bomb",
                    name,
                    None,
                    f"{name!r} inflates to {info.file_size} bytes; the limit is {limits.max_entry}",
                )
            )
        elif info.file_size >= limits.ratio_floor and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            problems.append(("zip.bomb", ""))
            ratio = info.file_size // max(info.compress_size, 1)
            pkg.findings.append(
                finding(
                    "zip.bomb",
                    name,
                    None,
                    f"{name!r} compresses {ratio}:1 ({info.compress_size} -> {info.file_size} "
                    f"bytes); the limit is {limits.max_ratio}:1",
                )
            )
        if problems:
            pkg._unsafe.add(name)
        key = name.replace("\\", "/")
        if key not in pkg.sizes:
            pkg.sizes[key] = info.file_size
            pkg._infos[key] = info
            if problems:
                pkg._unsafe.add(key)
    if total > limits.max_total:
        pkg.findings.append(
            finding(
                "zip.too-large",
                path.name,
                None,
                f"entries inflate to {total} bytes in all; the limit is {limits.max_total}",
            )
        )
    _common_checks(pkg, raw_names)
    return pkg


def open_dir(path: Path, limits: Limits = DEFAULT_LIMITS) -> Package:
    pkg = Package(path=path, kind="dir", limits=limits)
    raw: list[str] = []
    for root, dirs, files in os.walk(path, followlinks=False):
        dirs.sort()
        rel_root = Path(root).relative_to(path)
        for d in list(dirs):
            if (Path(root) / d).is_symlink():
                rel = (rel_root / d).as_posix()
                pkg.findings.append(finding("zip.symlink", rel, None, f"{rel!r} is a symbolic link (not followed)"))
                pkg._unsafe.add(rel)
        for f in sorted(files):
            full = Path(root) / f
            rel = PurePosixPath(*(rel_root / f).parts).as_posix()
            raw.append(rel)
            st = full.lstat()
            if stat.S_ISLNK(st.st_mode):
                pkg.findings.append(finding("zip.symlink", rel, None, f"{rel!r} is a symbolic link (not followed)"))
                pkg._unsafe.add(rel)
                pkg.sizes[rel] = 0
                continue
            if not stat.S_ISREG(st.st_mode):  # a FIFO would block the reader forever; devices are no content
                pkg.findings.append(
                    finding(
                        "pkg.special-file",
                        rel,
                        None,
                        f"{rel!r} is not a regular file (a FIFO, socket or device); not read",
                    )
                )
                pkg._unsafe.add(rel)
                pkg.sizes[rel] = 0
                continue
            for code, msg in _name_problems(rel):
                pkg.findings.append(finding(code, rel, None, msg))
            pkg.sizes[rel] = st.st_size
    _common_checks(pkg, raw)
    return pkg


def open_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> Package:
    pkg = Package(path=path, kind="file", limits=limits)
    pkg.sizes[path.name] = path.stat().st_size
    return pkg


def _special(path: Path) -> bool:
    """True for what exists but is neither a folder nor a regular file: FIFO, socket, device."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def open_package(path: Path, limits: Limits = DEFAULT_LIMITS) -> Package:
    if path.is_symlink() and not path.exists():
        pkg = Package(path=path, kind="file")
        pkg.findings.append(finding("pkg.not-found", str(path), None, f"{path} is a dangling symbolic link"))
        return pkg
    if _special(path):  # `validate` on a FIFO hung forever reading it
        pkg = Package(path=path, kind="file")
        pkg.findings.append(
            finding(
                "pkg.special-file",
                str(path),
                None,
                f"{path} is not a regular file (a FIFO, socket or device); not read",
            )
        )
        return pkg
    try:
        unreadable = not os.access(path, os.R_OK)
    except (OSError, ValueError):
        unreadable = False
    if unreadable and path.exists():
        pkg = Package(path=path, kind="file")
        pkg.findings.append(finding("pkg.not-found", str(path), None, f"{path} cannot be read (no permission)"))
        return pkg
    if path.is_dir():
        return open_dir(path, limits)
    if path.is_file():
        if path.name in MANIFEST_NAMES or (path.suffix.lower() == ".xml" and not zipfile.is_zipfile(path)):
            return open_file(path, limits)
        return open_zip(path, limits)
    pkg = Package(path=path, kind="file")
    pkg.findings.append(finding("pkg.not-found", str(path), None, f"{path} does not exist"))
    return pkg


def locate_manifest(pkg: Package) -> tuple[str | None, str, list[Diagnostic]]:
    """Find the manifest. Returns (manifest path or None, package root prefix inside the package, findings)."""
    out: list[Diagnostic] = []
    if pkg.kind == "file":
        return pkg.path.name, "", out
    names = pkg.names
    at_root = [m for m in MANIFEST_NAMES if m in pkg.sizes]
    if at_root:
        if len(at_root) > 1:
            out.append(
                finding(
                    "pkg.multiple-manifests",
                    at_root[0],
                    None,
                    f"found {', '.join(at_root)} at the root; validated {at_root[0]}",
                )
            )
        return at_root[0], "", out
    by_lower = {n.lower(): n for n in names if "/" not in n}
    for m in MANIFEST_NAMES:
        if m in by_lower:
            real = by_lower[m]
            out.append(
                finding(
                    "pkg.manifest-name-case",
                    real,
                    None,
                    f"the manifest is named {real!r}; LMSs look for exactly {m!r}",
                    fix=f"rename {real} to {m}",
                )
            )
            return real, "", out
    nested = sorted(
        (n for n in names if PurePosixPath(n).name in MANIFEST_NAMES and not JUNK_RE.search(n)),
        key=lambda n: (n.count("/"), MANIFEST_NAMES.index(PurePosixPath(n).name), n),
    )
    if nested:
        found = nested[0]
        folder = found.rsplit("/", 1)[0]
        if found.count("/") == 1:
            msg = f"{PurePosixPath(found).name} is in {folder}/, not at the root: you zipped the parent folder"
            fix = f"zip the contents of {folder}/ (select the files inside it), not the folder itself"
        else:
            msg = f"{PurePosixPath(found).name} is at {found}, not at the package root"
            fix = f"make {folder}/ the package root: zip its contents"
        out.append(finding("pkg.manifest-not-at-root", found, None, msg, fix=fix))
        return found, folder + "/", out
    what = "the zip" if pkg.kind == "zip" else "the folder"
    out.append(
        finding("pkg.no-manifest", pkg.path.name, None, f"{what} has no imsmanifest.xml, cmi5.xml or tincan.xml")
    )
    return None, "", out
