"""Pack speed, size and fidelity against the pipeline users script today, measured side by side in one run.

    bash benchmarks/setup.sh                    # once: poppler-utils (pdftoppm) and simple-scorm-packager (npm)
    python benchmarks/bench_pack.py             # 100- and 500-slide synthetic decks (benchmarks/make_deck.py)
    python benchmarks/bench_pack.py --slides 3 --big 5 --repeat 1    # the smoke run the test suite does
    python benchmarks/bench_pack.py --only memory --repeat 3         # peak RSS of the 500-slide deck, per process

The reference is `pdftoppm -jpeg -jpegopt quality=85` at the same pixel width, then simple-scorm-packager (SCORM
1.2, its defaults) zipping the JPEGs and an index.html. scormkit runs as users run it: `python -m scormkit pack SRC
--target scorm12` in a fresh process. The two alternate, `--repeat` times each, and the medians are compared:

- cold pack: empty dist/ and no render cache, vs the whole reference pipeline;
- zip bytes: the two SCORM 1.2 zips;
- warm re-pack with nothing changed: a second pack into the same dist/, vs the cold reference pipeline;
- slide fidelity: PSNR of the shipped slide images against a lossless (PNG) render by the same rasterizer at the same
  size (pdfium for scormkit, poppler for the reference), over all pages; and over the footnote strip at the bottom
  (7 pt text), the smallest text of the deck;
- peak RSS of a cold pack of the big deck: the sum over scormkit's process tree, sampled every 10 ms;
- all five targets vs one, cold.

Run by hand, not in the test suite (the suite runs one smoke run, without timing assertions): timings depend on the
machine and its load, so the machine, its load and the raw figures are printed with the ratios.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from make_deck import make_module  # noqa: E402

REFERENCE = HERE / "reference"
WIDTH = 1280  # scormkit's default slides.width; the reference renders at the same pixel width
JPEG_QUALITY = 85
ALL_TARGETS = ("scorm12", "scorm2004", "xapi", "cmi5", "web")
# The footnote strip (y from 380 to 405 pt of the 405 pt page): 7 pt text, the smallest on the slides.
FOOTNOTE = (380 / 405, 1.0)


def reference_available() -> str | None:
    """None when pdftoppm and the reference packager are installed, else what is missing."""
    if shutil.which("pdftoppm") is None:
        return "pdftoppm (Debian poppler-utils) is not installed; run bash benchmarks/setup.sh"
    if shutil.which("node") is None or not (REFERENCE / "node_modules" / "simple-scorm-packager").is_dir():
        return "simple-scorm-packager is not installed in benchmarks/reference; run bash benchmarks/setup.sh"
    return None


def scormkit_args(src: Path, out: Path, *targets: str) -> list[str]:
    args = [sys.executable, "-m", "scormkit", "pack", str(src), "--out", str(out)]
    for target in targets:
        args += ["--target", target]
    return args


def run(args: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system, the process and the children it waited for) of one command.
    CPU time is what the load of other processes on a shared machine disturbs least."""
    start = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = process.stderr.read() if process.stderr else b""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(args[:4])} failed:\n{stderr.decode()}")
    return elapsed, usage.ru_utime + usage.ru_stime


def run_scormkit(src: Path, out: Path, *targets: str) -> tuple[float, float]:
    return run(scormkit_args(src, out, *targets))


def run_reference(pdf: Path, work: Path) -> tuple[tuple[float, float], Path]:
    """pdftoppm to JPEG q85 at WIDTH px, an index.html, simple-scorm-packager: (wall, CPU) and the zip."""
    shutil.rmtree(work, ignore_errors=True)
    site, out = work / "site", work / "out"
    (site / "slides").mkdir(parents=True)
    start = time.perf_counter()
    _, cpu_render = run(
        [
            "pdftoppm",
            "-jpeg",
            "-jpegopt",
            f"quality={JPEG_QUALITY}",
            "-scale-to-x",
            str(WIDTH),
            "-scale-to-y",
            "-1",
            str(pdf),
            str(site / "slides" / "slide"),
        ]
    )
    pages = sorted((site / "slides").iterdir())
    (site / "index.html").write_text(
        "<!doctype html><title>Deck</title>" + "".join(f'<img src="slides/{p.name}" alt="">' for p in pages)
    )
    _, cpu_zip = run(["node", str(REFERENCE / "pack.js"), str(site), str(out)])
    elapsed = time.perf_counter() - start
    (zip_path,) = out.glob("*.zip")
    return (elapsed, cpu_render + cpu_zip), zip_path


def psnr(mse: float) -> float:
    return float("inf") if mse == 0 else 10 * np.log10(255**2 / mse)


def fidelity(pairs: list[tuple[Image.Image, Image.Image]]) -> tuple[float, float]:
    """PSNR (dB) over all pixels of all pages, and over the footnote strip, of shipped vs lossless."""
    total = strip = 0.0
    total_n = strip_n = 0
    for shipped, lossless in pairs:
        a = np.asarray(shipped.convert("RGB"), np.float64)
        b = np.asarray(lossless.convert("RGB"), np.float64)
        if a.shape != b.shape:
            raise SystemExit(f"image sizes differ: {a.shape} vs {b.shape}")
        squared = (a - b) ** 2
        total += squared.sum()
        total_n += squared.size
        top = int(a.shape[0] * FOOTNOTE[0])
        strip += squared[top:].sum()
        strip_n += squared[top:].size
    return psnr(total / total_n), psnr(strip / strip_n)


def scormkit_fidelity(pdf: Path, zip_path: Path) -> tuple[float, float]:
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(pdf))
    pairs = []
    with zipfile.ZipFile(zip_path) as archive:
        # The player's course.json names each slide's image; slides/ holds more than those (slides/thumbs/).
        slides = [slide["image"] for slide in json.loads(archive.read("course.json"))["slides"]]
        if len(slides) != len(doc):
            raise SystemExit(f"{zip_path.name} ships {len(slides)} slide images for the {len(doc)} pages of {pdf}")
        for index, name in enumerate(slides):
            shipped = Image.open(io.BytesIO(archive.read(name)))
            page = doc[index]
            lossless = page.render(scale=shipped.width / page.get_width()).to_pil().convert("RGB")
            if lossless.size != shipped.size:
                lossless = lossless.resize(shipped.size, Image.Resampling.LANCZOS)
            pairs.append((shipped, lossless))
    return fidelity(pairs)


def reference_fidelity(pdf: Path, work: Path) -> tuple[float, float]:
    lossless_dir = work / "png"
    lossless_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-scale-to-x", str(WIDTH), "-scale-to-y", "-1", str(pdf), str(lossless_dir / "slide")],
        check=True,
    )
    jpegs = sorted((work / "site" / "slides").iterdir())
    pngs = sorted(lossless_dir.iterdir())
    return fidelity([(Image.open(j), Image.open(p)) for j, p in zip(jpegs, pngs)])


def peak_rss(src: Path, out: Path) -> tuple[float, float, float, list[tuple[str, float, float]]]:
    """Seconds, peak RSS and peak PSS (MB) of a cold pack, each summed over the process and its children (the
    render workers), sampled every 10 ms, and what each process held at the sample of the peak RSS (name, RSS,
    PSS). RSS counts shared library pages once per process; PSS shares them out."""

    def proc_mem(pid: int) -> tuple[int, int, str] | None:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            return None
        rss = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            pss = next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)
        except OSError:
            pss = 0
        # A render worker's last argument is its role (scormkit.pdfworker: "probe" or "render").
        name = f"{argv[-2].decode()} worker {pid}" if b"scormkit.pdfworker" in argv else f"scormkit pack {pid}"
        return rss * 1024, pss * 1024, name

    def tree(root: int) -> list[tuple[int, int, str]]:
        found, stack, seen = [], [root], set()
        while stack:
            pid = stack.pop()
            if pid in seen:
                continue
            seen.add(pid)
            memory = proc_mem(pid)
            try:
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except OSError:
                children = []
            if memory is not None:
                found.append(memory)
            stack.extend(int(c) for c in children)
        return found

    start = time.perf_counter()
    process = subprocess.Popen(scormkit_args(src, out, "scorm12"), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = peak_pss = 0
    at_peak: list[tuple[int, int, str]] = []
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_pss, at_peak
        while not done.is_set():
            processes = tree(process.pid)
            rss, pss = sum(p[0] for p in processes), sum(p[1] for p in processes)
            if rss > peak:
                peak, at_peak = rss, processes
            peak_pss = max(peak_pss, pss)
            time.sleep(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, stderr = process.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"scormkit pack failed:\n{stderr.decode()}")
    return elapsed, peak / 1e6, peak_pss / 1e6, [(name, rss / 1e6, pss / 1e6) for rss, pss, name in at_peak]


def memory_only(big: Path, repeat: int) -> dict:
    """`--only memory`: the peak RSS of cold packs of the big deck alone, and what each process held at the peak."""
    runs = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="scormkit-bench-") as work:
            runs.append(peak_rss(big, Path(work) / "big"))
    print(f"load {os.getloadavg()[0]:.2f}; cold packs of {big} (scorm12), peak RSS summed over the process tree:")
    for seconds, rss, pss, processes in runs:
        held = ", ".join(f"{name} {p_rss:.0f} (PSS {p_pss:.0f})" for name, p_rss, p_pss in processes)
        print(f"  {rss:.0f} MB (PSS {pss:.0f} MB) in {seconds:.1f} s; at the peak: {held}")
    return {
        "big_peak_rss_mb": statistics.median(r[1] for r in runs),
        "big_peak_pss_mb": statistics.median(r[2] for r in runs),
        "runs": [{"seconds": r[0], "rss_mb": r[1], "pss_mb": r[2], "processes": r[3]} for r in runs],
    }


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    import PIL
    import pypdfium2

    from scormkit import __version__

    return (
        f"{os.cpu_count()} cores ({cpu}), {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, "
        f"load {os.getloadavg()[0]:.2f}; Python {platform.python_version()}, scormkit {__version__}, "
        f"pdfium {pypdfium2.PDFIUM_INFO.version if hasattr(pypdfium2.PDFIUM_INFO, 'version') else pypdfium2.PDFIUM_INFO}, "
        f"Pillow {PIL.__version__}; {subprocess.run(['pdftoppm', '-v'], capture_output=True, text=True).stderr.splitlines()[0]}"
    )


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slides", type=int, default=100, help="slides of the main deck (default 100)")
    parser.add_argument("--big", type=int, default=500, help="slides of the deck for peak memory (default 500)")
    parser.add_argument("--repeat", type=int, default=3, help="alternating runs of each side (default 3)")
    parser.add_argument(
        "--decks",
        type=Path,
        default=Path(tempfile.gettempdir()) / "scormkit-bench-decks",
        help="where generated decks are kept between runs",
    )
    parser.add_argument("--json", action="store_true", help="print the raw figures as JSON after the table")
    parser.add_argument(
        "--only",
        choices=["memory"],
        help="memory: only the peak RSS of --repeat cold packs of the --big deck, per process (no reference needed)",
    )
    args = parser.parse_args(argv)
    missing = reference_available()
    if missing and args.only is None:
        raise SystemExit(missing)

    def deck(slides: int) -> Path:
        folder = args.decks / f"deck-{slides}"
        if not (folder / "slides.pdf").is_file():
            partial = folder.with_name(folder.name + ".partial")
            shutil.rmtree(partial, ignore_errors=True)
            make_module(partial, slides)
            shutil.rmtree(folder, ignore_errors=True)
            partial.rename(folder)
        return folder

    if args.only == "memory":
        figures = memory_only(deck(args.big), args.repeat)
        if args.json:
            print(json.dumps(figures, indent=2))
        return figures
    src, big = deck(args.slides), deck(args.big)
    pdf = src / "slides.pdf"
    work = Path(tempfile.mkdtemp(prefix="scormkit-bench-"))
    try:
        # The same module without the PDF download, to compare zip bytes like for like with the reference.
        bare = work / "no-pdf"
        bare.mkdir()
        os.link(pdf, bare / "slides.pdf")
        (bare / "module.yaml").write_text(
            (src / "module.yaml").read_text().replace("  file: slides.pdf\n", "  file: slides.pdf\n  download: false\n")
        )
        cold, ref, warm = [], [], []
        for round_ in range(args.repeat):  # alternate, so drifting load hits both sides alike
            out = work / f"dist-{round_}"
            cold.append(run_scormkit(src, out, "scorm12"))
            warm.append(run_scormkit(src, out, "scorm12"))
            seconds, ref_zip = run_reference(pdf, work / "reference")
            ref.append(seconds)
        (our_zip,) = (work / "dist-0").glob("*.zip")
        run_scormkit(bare, work / "no-pdf-dist", "scorm12")
        (bare_zip,) = (work / "no-pdf-dist").glob("*.zip")
        our_bytes, bare_bytes, ref_bytes = our_zip.stat().st_size, bare_zip.stat().st_size, ref_zip.stat().st_size
        our_psnr, our_small = scormkit_fidelity(pdf, our_zip)
        ref_psnr, ref_small = reference_fidelity(pdf, work / "reference")
        one, five = [], []
        for round_ in range(args.repeat):
            one.append(run_scormkit(src, work / f"one-{round_}", "scorm12"))
            five.append(run_scormkit(src, work / f"five-{round_}", *ALL_TARGETS))
        big_seconds, big_rss, big_pss, _ = peak_rss(big, work / "big")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def median(runs: list[tuple[float, float]], which: int) -> float:
        return statistics.median(run[which] for run in runs)

    t_cold, t_ref, t_warm = median(cold, 0), median(ref, 0), median(warm, 0)
    c_cold, c_ref, c_warm = median(cold, 1), median(ref, 1), median(warm, 1)
    t_one, t_five = median(one, 0), median(five, 0)
    figures = {
        "slides": args.slides,
        "repeat": args.repeat,
        "pdf_bytes": pdf.stat().st_size,
        "cold_s": cold,
        "reference_s": ref,
        "warm_s": warm,
        "one_target_s": one,
        "five_targets_s": five,
        "zip_bytes": our_bytes,
        "zip_bytes_without_pdf": bare_bytes,
        "reference_zip_bytes": ref_bytes,
        "psnr_db": our_psnr,
        "psnr_small_text_db": our_small,
        "reference_psnr_db": ref_psnr,
        "reference_psnr_small_text_db": ref_small,
        "big_slides": args.big,
        "big_cold_s": big_seconds,
        "big_peak_rss_mb": big_rss,
        "big_peak_pss_mb": big_pss,
    }

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    rows = [
        (
            "cold pack, wall clock",
            f"{t_cold:.2f} s ({t_cold / t_ref:.2f}x)",
            f"{t_ref:.2f} s",
            "<= 0.6x",
            verdict(t_cold <= 0.6 * t_ref),
        ),
        ("  CPU time (user + system)", f"{c_cold:.2f} s ({c_cold / c_ref:.2f}x)", f"{c_ref:.2f} s", "", ""),
        (
            "zip bytes (default: the PDF ships for download)",
            f"{our_bytes / 1e6:.2f} MB ({our_bytes / ref_bytes:.2f}x)",
            f"{ref_bytes / 1e6:.2f} MB",
            "<= 0.6x",
            verdict(our_bytes <= 0.6 * ref_bytes),
        ),
        (
            "  zip bytes, slides.download: false (like for like)",
            f"{bare_bytes / 1e6:.2f} MB ({bare_bytes / ref_bytes:.2f}x)",
            f"{ref_bytes / 1e6:.2f} MB",
            "<= 0.6x",
            verdict(bare_bytes <= 0.6 * ref_bytes),
        ),
        (
            "warm re-pack, nothing changed",
            f"{t_warm:.2f} s ({t_warm / t_ref:.2f}x of the pipeline; CPU {c_warm:.2f} s, {c_warm / c_ref:.2f}x)",
            "-",
            "<= 0.1x",
            verdict(t_warm <= 0.1 * t_ref),
        ),
        (
            "slide fidelity (PSNR vs lossless)",
            f"{our_psnr:.1f} dB",
            f"{ref_psnr:.1f} dB (JPEG q{JPEG_QUALITY})",
            ">= reference - 1 dB",
            verdict(our_psnr >= ref_psnr - 1),
        ),
        (
            "  small text (7 pt footnote strip)",
            f"{our_small:.1f} dB",
            f"{ref_small:.1f} dB",
            ">= reference - 1 dB",
            verdict(our_small >= ref_small - 1),
        ),
        (
            f"{args.big} slides, peak RSS (all processes)",
            f"{big_rss:.0f} MB (PSS {big_pss:.0f} MB; {big_seconds:.1f} s cold)",
            "-",
            "<= 200 MB",
            verdict(big_rss <= 200),
        ),
        (
            "all five targets vs one",
            f"{t_five / t_one:.2f}x ({t_five:.2f} s vs {t_one:.2f} s)",
            "-",
            "<= 1.2x",
            verdict(t_five <= 1.2 * t_one),
        ),
    ]
    print(f"machine: {machine()}")
    print(
        f"deck: {args.slides} slides, {pdf.stat().st_size / 1e6:.1f} MB PDF, {WIDTH} px; medians of {args.repeat} "
        "alternating runs\n"
    )
    print(f"| | scormkit | pdftoppm -jpeg q{JPEG_QUALITY} + simple-scorm-packager | goal | |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")

    def raw(runs: list[tuple[float, float]]) -> str:
        return " ".join(f"{wall:.2f}/{cpu:.2f}" for wall, cpu in runs)

    print(
        f"\nraw (wall/CPU s): cold {raw(cold)}; reference {raw(ref)}; warm {raw(warm)}; one target {raw(one)}; "
        f"five targets {raw(five)}"
    )
    if args.json:
        print(json.dumps(figures, indent=2))
    return figures


if __name__ == "__main__":
    main()
