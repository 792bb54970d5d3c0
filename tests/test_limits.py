"""docs/limits.md lists every named limit of scormkit.limits with its value and code, and each code exists."""

from __future__ import annotations

import re
from pathlib import Path

from scormkit.limits import LIMITS, human
from scormkit.validate import RULES

DOC = Path(__file__).resolve().parents[1] / "docs" / "limits.md"


def test_every_limit_is_documented_with_its_value_and_code() -> None:
    rows = {
        m.group(1): (m.group(2), m.group(3))
        for m in re.finditer(r"^\| `([a-z_]+)` \| ([^|]+?) \| `([a-z0-9.-]+)` \|", DOC.read_text(), re.MULTILINE)
    }
    assert set(rows) == set(LIMITS)
    for name, limit in LIMITS.items():
        assert rows[name] == (human(limit.value, limit.unit), limit.code), name


def test_validate_limits_give_codes_of_the_rule_table() -> None:
    for limit in LIMITS.values():
        if limit.code.startswith(("zip.", "pkg.")):
            assert limit.code in RULES, limit.code


def test_validate_uses_the_named_limits() -> None:
    from scormkit.validate import Limits

    limits = Limits()
    assert (
        limits.max_total,
        limits.max_entry,
        limits.max_ratio,
        limits.ratio_floor,
        limits.max_entries,
        limits.max_manifest,
    ) == tuple(
        LIMITS[n].value
        for n in ("zip_total_bytes", "zip_entry_bytes", "zip_ratio", "zip_ratio_floor", "zip_entries", "manifest_bytes")
    )
