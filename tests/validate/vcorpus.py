"""Synthesize packages from ../shared/corpus (manifest + files.txt with placeholder bytes), in memory.

Used by the corpus test and by benchmarks/bench_validate.py. Nothing is copied into the repo: the corpus is
read from the sibling `shared/` folder (licences differ per source, see its PROVENANCE.md).
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def corpus_available() -> bool:
    return (CORPUS / "index.json").is_file()


def require_corpus() -> None:
    """Skip (or fail under CI=true) when ../shared/corpus is absent."""
    import pytest

    if corpus_available():
        return
    msg = f"the test corpus is not at {CORPUS} (it lives in the sibling shared/ checkout, not in this repo)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(msg + "; CI=true requires it")
    pytest.skip(msg)


def rows() -> list[dict]:
    return json.loads((CORPUS / "index.json").read_text()) if corpus_available() else []


@dataclass
class Synth:
    """How a corpus row is turned into a package: files (path -> bytes), or a bare manifest file."""

    row: dict
    files: dict[str, bytes] | None  # None = validate the bare manifest file itself
    bare: Path | None = None

    @property
    def name(self) -> str:
        return self.row["name"]


def synthesize(row: dict) -> Synth:
    manifest_path = CORPUS / row["path"]
    folder = manifest_path.parent
    listing = folder / "files.txt"
    if not listing.is_file():
        return Synth(row, None, manifest_path)
    manifest_name = manifest_path.name
    lines = [ln.strip() for ln in listing.read_text(encoding="utf-8").splitlines()]
    lines = [ln for ln in dict.fromkeys(lines) if ln and not ln.endswith("/")]
    manifest_slots = sorted(
        (ln for ln in lines if PurePosixPath(ln).name == manifest_name), key=lambda n: (n.count("/"), n)
    )
    slot = manifest_slots[0] if manifest_slots else manifest_name
    files: dict[str, bytes] = {}
    for ln in lines:
        if ln == slot:
            continue
        sibling = folder / ln
        if ln != "files.txt" and sibling.is_file() and sibling.suffix.lower() == ".xml":
            files[ln] = sibling.read_bytes()  # metadata XML the corpus kept next to the manifest
        else:
            files[ln] = b"placeholder: " + ln.encode()
    files[slot] = manifest_path.read_bytes()
    return Synth(row, files)


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def materialize(s: Synth, tmp: Path, *, as_folder: bool = False) -> Path:
    """Write the synthesized package under tmp (zip or folder) and return its path."""
    if s.files is None:
        assert s.bare is not None
        return s.bare  # read in place: validation never writes
    if as_folder:
        root = tmp / s.name
        for name, data in s.files.items():
            p = root / name
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
        return root
    out = tmp / f"{s.name}.zip"
    out.write_bytes(zip_bytes(s.files))
    return out
