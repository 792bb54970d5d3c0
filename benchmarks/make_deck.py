"""Synthetic slide decks for the pack benchmark: what a real exported deck holds, page after page.

    python benchmarks/make_deck.py OUT_FOLDER [SLIDES]     # a module folder: module.yaml + slides.pdf

Each 16:9 page (720 x 405 pt, PowerPoint's default) carries vector text (a title, five bullets at 16 pt and a
footnote at 7 pt, the smallest text a deck usually has), a vector bar chart with axis labels, and a photo (an
embedded 960 x 720 JPEG, as PowerPoint and Keynote keep it). The photo is synthetic but photo-like (smooth shading,
edges, grain), so encoders meet what they meet in a real deck. Everything is seeded: the same call gives the same
bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

import numpy as np
from fpdf import FPDF
from PIL import Image

PAGE_W, PAGE_H = 720.0, 405.0  # points: 10 x 5.625 in


def photo(seed: int, size: tuple[int, int] = (960, 720)) -> bytes:
    """A photo-like JPEG: a lit landscape of soft hills and a sky gradient, with sensor grain."""
    rng = np.random.default_rng(seed)
    w, h = size
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    sky = np.stack([120 + 80 * (1 - y / h), 160 + 60 * (1 - y / h), 220 + 30 * (1 - y / h)], axis=-1)
    ground = np.zeros((h, w), np.float32)
    for _ in range(4):  # hills: sums of sines at random phases
        ground += rng.uniform(20, 60) * np.sin(x / rng.uniform(40, 200) + rng.uniform(0, 6.3))
    horizon = h * rng.uniform(0.45, 0.65) + ground
    land = y > horizon
    shade = np.clip((y - horizon) / h, 0, 1)[..., None]
    base = np.array(rng.uniform([40, 80, 20], [110, 150, 70]), np.float32)
    earth = base * (1.2 - shade) + 25 * np.sin(x / 7 + y / 11)[..., None] * shade
    image = np.where(land[..., None], earth, sky)
    cx, cy, r = rng.uniform(0.1, 0.9) * w, rng.uniform(0.1, 0.4) * h, rng.uniform(30, 70)  # a sun
    sun = np.clip(1 - np.hypot(x - cx, y - cy) / r, 0, 1)[..., None]
    image = image * (1 - sun) + np.array([255, 240, 200], np.float32) * sun
    image += rng.normal(0, 6, image.shape)  # grain
    out = io.BytesIO()
    Image.fromarray(np.clip(image, 0, 255).astype(np.uint8)).save(out, "JPEG", quality=88)
    return out.getvalue()


def make_deck(path: Path, slides: int, *, seed: int = 1) -> None:
    """Write `slides` pages to `path`."""
    rng = np.random.default_rng(seed)
    pdf = FPDF(unit="pt", format=(PAGE_W, PAGE_H))
    pdf.set_auto_page_break(False)
    pdf.set_creation_date(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    for number in range(1, slides + 1):
        pdf.add_page()
        pdf.start_section(f"Section {number}: findings of study {number}")
        pdf.set_text_color(20, 40, 90)
        pdf.set_font("helvetica", "B", 26)
        pdf.set_xy(36, 28)
        pdf.cell(text=f"Findings of study {number}")
        pdf.set_text_color(30, 30, 30)
        pdf.set_font("helvetica", size=16)
        for line in range(5):
            pdf.set_xy(40, 90 + 34 * line)
            pdf.cell(text=f"- Arm {line + 1}: dose titrated over {int(rng.integers(2, 12))} days")
        # A bar chart with axes, ticks and labels, all vector.
        left, bottom, width, height = 40, 370, 280, 110
        pdf.set_draw_color(60, 60, 60)
        pdf.line(left, bottom, left + width, bottom)
        pdf.line(left, bottom, left, bottom - height)
        pdf.set_font("helvetica", size=8)
        for bar, value in enumerate(rng.uniform(0.2, 1.0, 6)):
            pdf.set_fill_color(*(int(c) for c in rng.integers(40, 200, 3)))
            pdf.rect(left + 10 + bar * 45, bottom - value * height, 30, value * height, style="F")
            pdf.set_xy(left + 10 + bar * 45, bottom + 2)
            pdf.cell(text=f"W{bar + 1}")
        # The photo, as decks embed it: a JPEG placed at a fraction of its pixel size.
        pdf.image(io.BytesIO(photo(seed * 100_000 + number)), x=380, y=90, w=300, h=225)
        pdf.set_font("helvetica", size=7)
        pdf.set_xy(380, 320)
        pdf.cell(
            text=f"Figure {number}. Source: synthetic study {number}, n = {int(rng.integers(40, 900))}; 95% CI shown."
        )
        pdf.set_xy(36, 388)
        pdf.cell(text=f"Slide {number} of {slides}  -  scormkit benchmark deck")
    pdf.output(str(path))


MODULE_YAML = """\
id: bench-deck-{slides}
version: 1.0.0
title: Benchmark deck of {slides} slides
language: en
description: A synthetic deck for the pack benchmark.
authors:
  - name: Bench Mark
publisher: scormkit
updated: 2024-01-01
objectives:
  - id: read
    text: Read every slide.
slides:
  file: slides.pdf
tracking:
  completion: slides
"""


def make_module(folder: Path, slides: int, *, seed: int = 1) -> Path:
    """A module folder (module.yaml + slides.pdf) around a synthetic deck; returns `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "module.yaml").write_text(MODULE_YAML.format(slides=slides))
    make_deck(folder / "slides.pdf", slides, seed=seed)
    return folder


if __name__ == "__main__":
    make_module(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 100)
