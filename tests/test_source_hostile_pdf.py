"""Issue 15: hostile slides PDFs are errors naming the file and the page, within the render limits; never an abort,
a MemoryError, a traceback or a hang. Each PDF is written by hand, object by object, as an attacker would."""

from __future__ import annotations

import os
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from scormkit.diagnostics import Report
from scormkit.model import SlidesOptions
from scormkit.source import read_module
from scormkit.source.render import MAX_PAGES, RenderLimits
from scormkit.source.slides import open_deck, render_deck
from tests.factories import deck_folder, errors

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def mod(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return deck_folder(tmp_path, monkeypatch)


def pdf(objects: list[bytes]) -> bytes:
    """A PDF of `objects` (1-based, 1 is the catalog) with a correct xref table."""
    out = b"%PDF-1.7\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def stream(entries: bytes, data: bytes) -> bytes:
    return b"<< " + entries + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
ONE_PAGE = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"


def fan_out(levels: int = 9, fan: int = 10) -> bytes:
    """Forms that each draw the next `fan` times, `levels` deep: fan**levels draws from a 4 KB file."""
    objects = [
        CATALOG,
        ONE_PAGE,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 720 405] /Contents 4 0 R "
        b"/Resources << /XObject << /F 5 0 R >> >> >>",
        stream(b"", b" ".join([b"q /F Do Q"] * fan)),
    ]
    for level in range(levels):
        last = level == levels - 1
        content = b"0 0 1 rg 0 0 10 10 re f" if last else b" ".join([b"q 0.9 0 0 0.9 1 1 cm /F Do Q"] * fan)
        resources = b"" if last else b"/Resources << /XObject << /F %d 0 R >> >>" % (6 + level)
        objects.append(stream(b"/Type /XObject /Subtype /Form /BBox [0 0 720 405] " + resources, content))
    return pdf(objects)


def page_of(media_box: bytes) -> bytes:
    return pdf([CATALOG, ONE_PAGE, b"<< /Type /Page /Parent 2 0 R /MediaBox " + media_box + b" >>"])


def many_pages(count: int) -> bytes:
    """`count` pages that are one page object listed `count` times: 600 KB for 100,000 pages."""
    kids = b" ".join([b"3 0 R"] * count)
    return pdf(
        [
            CATALOG,
            b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 720 405] >>",
        ]
    )


def flate_bomb(megabytes: int) -> bytes:
    """A content stream of `megabytes` MB of spaces, deflated twice: a few KB on disk."""
    compressor = zlib.compressobj(1)
    chunk = b" " * (1 << 20)
    inner = b"".join(compressor.compress(chunk) for _ in range(megabytes)) + compressor.flush()
    return pdf(
        [
            CATALOG,
            ONE_PAGE,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 720 405] /Contents 4 0 R >>",
            stream(b"/Filter [/FlateDecode /FlateDecode]", zlib.compress(inner, 9)),
        ]
    )


def read_pdf(path: Path, limits: RenderLimits) -> list[str]:
    """Open and render `path` as read_module does, with `limits`; the diagnostics as printed."""
    report = Report()
    deck = open_deck(
        path, path.name, file=path.name, folder=".", where="module.yaml", line=None, report=report, limits=limits
    )
    if deck is not None:
        render_deck(deck, SlidesOptions(width=320), report=report, limits=limits)
    return [str(d) for d in report.diagnostics]


def test_fan_out_of_forms_is_an_error_within_the_default_limits(mod: Path) -> None:
    """Issue 15: 10^9 draws from a 2.8 KB file made PDFium allocate until the process aborted (SIGABRT, 4-8 GB)."""
    (mod / "deck" / "slides.pdf").write_bytes(fan_out())
    (message,) = errors(mod)
    assert message.startswith("mod/deck/slides.pdf: error[slides.render-limit] page 1 of deck/slides.pdf ")
    # Under the default limits (1 GiB, 30 s) PDFium runs out of memory first; a slower machine may hit the time.
    assert ("needs more than 1024 MB of memory to render" in message) or ("takes more than 30 s to render" in message)
    assert message.endswith(
        "simplify it (flatten nested drawings and transparency, downsample huge images) and "
        "export the deck to PDF again"
    )


def test_a_page_that_renders_too_long_is_stopped_at_the_time_limit(tmp_path: Path) -> None:
    path = tmp_path / "slow.pdf"
    path.write_bytes(fan_out())
    # A time limit shorter than the memory exhaustion of the fan-out (seconds) and more memory than it reaches then.
    (message,) = read_pdf(path, RenderLimits(memory_bytes=8 << 30, seconds=0.5))
    assert message == (
        "slow.pdf: error[slides.render-limit] page 1 of slow.pdf takes more than 0.5 s to render; "
        "simplify it (flatten nested drawings and transparency, downsample huge images) and export "
        "the deck to PDF again"
    )


def test_flate_bomb_is_an_error_at_the_memory_limit(tmp_path: Path) -> None:
    """Issue 15: a 1 MB flate bomb took 2.1 GB. Here 512 MB of content against a 256 MB limit, to keep CI fast;
    the issue's own file gives the same error at the default 1 GiB (docs/performance.md)."""
    path = tmp_path / "bomb.pdf"
    path.write_bytes(flate_bomb(512))
    assert path.stat().st_size < 100_000
    (message,) = read_pdf(path, RenderLimits(memory_bytes=256 << 20, seconds=60))
    assert message.startswith(
        "bomb.pdf: error[slides.render-limit] page 1 of bomb.pdf needs more than 256 MB of memory to render"
    )


@pytest.mark.parametrize(
    ("box", "shown"), [(b"[0 0 1 14400]", "1 x 14400"), (b"[0 0 1 200]", "1 x 200"), (b"[0 0 14400 1]", "14400 x 1")]
)
def test_pages_far_from_slide_proportions_are_refused_before_rendering(mod: Path, box: bytes, shown: str) -> None:
    """Issue 15: MediaBox [0 0 1 14400] gave MemoryError, [0 0 1 200] 2.6 GB then WebP's 16,383 px limit."""
    (mod / "deck" / "slides.pdf").write_bytes(page_of(box))
    assert errors(mod) == [
        f"mod/deck/slides.pdf: error[slides.page-size] page 1 of deck/slides.pdf is {shown} pt; a slide may be at "
        "most 4 times as tall as it is wide, or as wide as it is tall: export the deck at a slide size such as 16:9 "
        "or 4:3",
    ]


def test_a_tall_but_sane_page_renders_within_webp_limits(mod: Path) -> None:
    (mod / "deck" / "slides.pdf").write_bytes(page_of(b"[0 0 100 400]"))
    module = read_module(mod)
    assert (module.slides[0].width, module.slides[0].height) == (320, 1280)


def test_too_many_pages_is_refused_at_once(mod: Path) -> None:
    """Issue 15: a 600 KB PDF with 100,000 pages was still running at 600 s."""
    (mod / "deck" / "slides.pdf").write_bytes(many_pages(100_000))
    assert errors(mod) == [
        f"mod/deck/slides.pdf: error[slides.too-many-pages] deck/slides.pdf has 100,000 pages, more than the "
        f"{MAX_PAGES:,} a module can carry; split the deck into several modules",
    ]


def test_the_cli_reports_a_hostile_pdf_in_one_line_and_writes_nothing(mod: Path, tmp_path: Path) -> None:
    (mod / "deck" / "slides.pdf").write_bytes(fan_out())
    out = tmp_path / "dist"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "scormkit", "pack", str(mod), "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert lines[0].startswith("mod/deck/slides.pdf: error[slides.render-limit] page 1 of deck/slides.pdf ")
    assert lines[-1] == "1 error(s), 0 warning(s); nothing was written."
    assert "Traceback" not in done.stderr
    assert not out.exists()
