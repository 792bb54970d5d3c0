"""Every bound scormkit puts on its input, named once, with the diagnostic code it gives (docs/limits.md).

A hostile or broken input must end in a clear error, never in a hang, a traceback or unbounded memory: each limit
here is checked before the costly step it protects. The values suit real e-learning modules with room to spare;
a test (tests/test_limits.py) checks that docs/limits.md lists every one of them with its code.
"""

from __future__ import annotations

from dataclasses import dataclass

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB


@dataclass(frozen=True)
class Limit:
    """One bound: its value, the unit it counts, the diagnostic code it gives, and what it protects."""

    name: str
    value: int
    unit: str
    code: str
    why: str


_LIMITS = [
    # ---- source (pack) ------------------------------------------------------------------------------------
    Limit(
        "yaml_bytes",
        2 * MiB,
        "bytes",
        "yaml.too-large",
        "size of module.yaml or a quiz file; a 100 MB file of comments took minutes to parse",
    ),
    Limit(
        "yaml_nodes",
        200_000,
        "nodes",
        "yaml.too-complex",
        "values a YAML file expands to, aliases counted each time they are used (alias bomb: 3.4 KB -> 2 GB)",
    ),
    Limit(
        "yaml_depth",
        64,
        "levels",
        "yaml.too-deep",
        "nesting of mappings and lists; the parser recurses and ran out of stack near 300",
    ),
    Limit(
        "image_bytes",
        50 * MiB,
        "bytes",
        "markdown.image-too-large",
        "size of one image under assets/ (it ships in every package and the learner downloads it)",
    ),
    Limit(
        "image_pixels",
        50_000_000,
        "pixels",
        "markdown.image-too-large",
        "width x height of one image under assets/ (the learner's browser decodes it in memory)",
    ),
    Limit(
        "theme_file_bytes",
        2 * MiB,
        "bytes",
        "theme.file-too-large",
        "size of the theme's logo, cover or font: each is loaded on the learner's first screen",
    ),
    Limit(
        "zip_last_year",
        2107,
        "year",
        "source.date-range",
        "zip entry dates end on 2107-12-31: `updated` and SOURCE_DATE_EPOCH must not go beyond",
    ),
    # ---- validate ------------------------------------------------------------------------------------------
    Limit("zip_entries", 100_000, "entries", "zip.too-large", "entries in one package"),
    Limit("zip_total_bytes", 2 * GiB, "bytes", "zip.too-large", "uncompressed bytes over all entries"),
    Limit("zip_entry_bytes", 1 * GiB, "bytes", "zip.bomb", "uncompressed bytes of one entry"),
    Limit(
        "zip_ratio",
        200,
        "x",
        "zip.bomb",
        "uncompressed / compressed size of one entry of at least zip_ratio_floor bytes",
    ),
    Limit(
        "zip_ratio_floor",
        64 * KiB,
        "bytes",
        "zip.bomb",
        "entries smaller than this may compress as well as they like (tiny XML, JS); above it the ratio applies",
    ),
    Limit("manifest_bytes", 16 * MiB, "bytes", "pkg.manifest-too-large", "bytes of a manifest we agree to parse"),
]

LIMITS: dict[str, Limit] = {limit.name: limit for limit in _LIMITS}


def __getattr__(name: str) -> int:
    """A limit's value by its constant name, so each is written once, in the table: `limits.YAML_BYTES` is
    `LIMITS["yaml_bytes"].value` (PEP 562)."""
    limit = LIMITS.get(name.lower()) if name.isupper() else None
    if limit is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return limit.value


def human(value: int, unit: str) -> str:
    """A limit as a person reads it: 2 MiB, 200,000 nodes."""
    if unit == "bytes":
        for size, name in ((GiB, "GiB"), (MiB, "MiB"), (KiB, "KiB")):
            if value >= size and value % size == 0:
                return f"{value // size} {name}"
        return f"{value:,} bytes"
    if unit == "year":
        return str(value)
    if unit == "x":
        return f"{value}:1"
    return f"{value:,} {unit}"
