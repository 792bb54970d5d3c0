"""The pack benchmark runs end to end on a tiny deck, so it cannot rot (issue 14). No timing is asserted: the
figures depend on the machine and its load; `python benchmarks/bench_pack.py` is run by hand."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.conftest import unavailable

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def test_bench_pack_smoke_run(tmp_path: Path, capsys) -> None:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import bench_pack
    finally:
        sys.path.remove(str(BENCHMARKS))
    missing = bench_pack.reference_available()
    if missing:
        unavailable(missing)
    figures = bench_pack.main(["--slides", "3", "--big", "4", "--repeat", "1", "--decks", str(tmp_path)])
    table = capsys.readouterr().out
    for row in (
        "cold pack",
        "zip bytes",
        "warm re-pack, nothing changed",
        "slide fidelity",
        "4 slides, peak RSS",
        "all five targets vs one",
    ):
        assert f"| {row}" in table
    assert figures["slides"] == 3 and figures["zip_bytes"] > 0 and figures["reference_zip_bytes"] > 0
    # Both sides shipped 3 slide images the fidelity could be measured on.
    assert 20 < figures["psnr_db"] < 80 and 20 < figures["reference_psnr_db"] < 80
