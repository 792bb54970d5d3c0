"""Slide encoders and their settings, measured: CPU time, bytes and fidelity per page (docs/performance.md).

    python benchmarks/bench_encoders.py [PAGES]     # the first PAGES pages (default 10) of the 100-slide deck

Each page of benchmarks/make_deck.py's deck is rendered once by pdfium at 1280 px (scormkit's default width) and
encoded with every candidate; fidelity is the PSNR against that lossless render, over the whole slide and over the
footnote strip (7 pt text, the smallest of the deck). Times are CPU seconds of this process (what the load of other
processes disturbs least), the best of three per page.
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from bench_pack import FOOTNOTE, WIDTH, psnr  # noqa: E402
from make_deck import make_module  # noqa: E402

from scormkit.pdfworker import page_text, render_image  # noqa: E402

CANDIDATES: dict[str, dict] = {
    "JPEG q85 (pdftoppm's reference setting)": {"format": "JPEG", "quality": 85},
    "JPEG q85 optimize progressive": {"format": "JPEG", "quality": 85, "optimize": True, "progressive": True},
    "WebP q82 method 0": {"format": "WEBP", "quality": 82, "method": 0},
    "WebP q82 method 1": {"format": "WEBP", "quality": 82, "method": 1},
    "WebP q82 method 2": {"format": "WEBP", "quality": 82, "method": 2},
    "WebP q75 method 2": {"format": "WEBP", "quality": 75, "method": 2},
    "WebP q82 method 4": {"format": "WEBP", "quality": 82, "method": 4},
    "WebP q82 method 6": {"format": "WEBP", "quality": 82, "method": 6},
}


def best_of(runs: int, work):
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.process_time()
        result = work()
        best = min(best, time.process_time() - start)
    return best, result


def main(pages: int = 10) -> None:
    import pypdfium2

    deck = Path(tempfile.gettempdir()) / "scormkit-bench-decks" / "deck-100"
    if not (deck / "slides.pdf").is_file():
        make_module(deck, 100)
    doc = pypdfium2.PdfDocument(str(deck / "slides.pdf"))
    render_s = text_s = 0.0
    totals = {name: [0.0, 0, 0.0, 0, 0.0, 0] for name in CANDIDATES}  # seconds, bytes, sq err, n, strip err, n
    for index in range(pages):
        page = doc[index]
        seconds, image = best_of(3, lambda page=page: render_image(page, WIDTH))
        render_s += seconds
        text_s += best_of(3, lambda page=page: page_text(page))[0]
        lossless = np.asarray(image, np.float64)
        top = int(lossless.shape[0] * FOOTNOTE[0])
        for name, settings in CANDIDATES.items():
            options = {k: v for k, v in settings.items() if k != "format"}

            def encode(image=image, settings=settings, options=options) -> bytes:
                out = io.BytesIO()
                image.save(out, settings["format"], **options)
                return out.getvalue()

            seconds, data = best_of(3, encode)
            squared = (np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), np.float64) - lossless) ** 2
            total = totals[name]
            total[0] += seconds
            total[1] += len(data)
            total[2] += squared.sum()
            total[3] += squared.size
            total[4] += squared[top:].sum()
            total[5] += squared[top:].size
        page.close()
    print(f"{pages} pages at {WIDTH} px; CPU ms per page (best of 3)\n")
    print(
        f"render (pdfium: text, chart, photo): {1000 * render_s / pages:.1f} ms; text: {1000 * text_s / pages:.1f} ms\n"
    )
    print("| encoder | ms/page | KB/page | PSNR dB | small text dB |")
    print("|---|---|---|---|---|")
    for name, (seconds, size, err, n, strip, strip_n) in totals.items():
        print(
            f"| {name} | {1000 * seconds / pages:.1f} | {size / pages / 1000:.1f} | {psnr(err / n):.1f} | "
            f"{psnr(strip / strip_n):.1f} |"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
