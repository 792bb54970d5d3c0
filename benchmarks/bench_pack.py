"""Pack speed and size, as ratios to references measured in the same run.

    python benchmarks/bench_pack.py [module_src]

- cold pack (empty slide cache) vs a bare render of the same PDF: pypdfium2 + Pillow WebP, one thread, nothing else
  (the unavoidable work; the ratio is scormkit's overhead, or its gain from using both cores);
- warm pack (slide cache filled) vs zipping the same files with the standard library (the floor for writing zips);
- zip sizes vs the source PDF.
Run by hand, not in the test suite: timings depend on the machine and its load.
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pypdfium2

from scormkit import api
from scormkit.source import read_module


def timed(fn, repeat: int = 3) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def bare_render(pdf: Path, width: int, quality: int) -> None:
    doc = pypdfium2.PdfDocument(str(pdf))
    for page in doc:
        scale = width / page.get_width()
        image = page.render(scale=scale).to_pil()
        image.save(io.BytesIO(), "WEBP", quality=quality, method=4)


def main(src: Path) -> None:
    module = read_module(src)
    options = module.config.slides
    pdf = src / options.file

    def cold() -> None:
        with tempfile.TemporaryDirectory() as out:
            api.pack(src, out=Path(out))

    warm_out = Path(tempfile.mkdtemp())
    api.pack(src, out=warm_out)  # fill the cache

    def warm() -> None:
        api.pack(src, out=warm_out)

    zips = sorted(warm_out.glob("*.zip"))
    contents = [{n: z.read(n) for n in z.namelist()} for z in map(zipfile.ZipFile, zips)]

    def plain_zip() -> None:
        for files in contents:
            with zipfile.ZipFile(io.BytesIO(), "w", zipfile.ZIP_DEFLATED) as archive:
                for name, data in files.items():
                    archive.writestr(name, data)

    t_cold, t_render = timed(cold), timed(lambda: bare_render(pdf, options.width, options.quality))
    t_warm, t_zip = timed(warm), timed(plain_zip)
    print(f"module: {src} ({len(module.slides)} slides, {len(module.items)} items, PDF {pdf.stat().st_size / 1024:.0f} KB)")
    print(f"cold pack  {t_cold:6.2f} s   bare render {t_render:6.2f} s   ratio {t_cold / t_render:5.2f}")
    print(f"warm pack  {t_warm:6.2f} s   plain zip   {t_zip:6.2f} s   ratio {t_warm / t_zip:5.2f}")
    for path in zips:
        print(f"{path.name}: {path.stat().st_size / 1024:.0f} KB ({path.stat().st_size / pdf.stat().st_size:.1f}x the PDF)")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "module_src"))
