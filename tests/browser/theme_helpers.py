"""A branded copy of the example module: module_src with a `theme` (colours, logo, cover, font) and its files made
here, for the theme tests and the docs' themed screenshots (scripts/player_screenshots.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

from PIL import Image, ImageDraw

MODULE_SRC = Path(__file__).resolve().parents[2] / "module_src"
# A free font every Debian machine with chromium has (DejaVu: Bitstream Vera licence, redistributable); a serif, so
# that it cannot be mistaken for the system's sans-serif in a screenshot.
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
PRIMARY, ACCENT = "#7a1f5c", "#c05a00"
THEME = f"""
theme:
  primary: "{PRIMARY}"
  accent: "{ACCENT}"
  logo: assets/logo.png
  cover: assets/cover.jpg
  font: assets/brand.ttf
"""


def draw_logo(path: Path) -> None:
    """A wordless mark: a rounded square in the primary colour with an accent ring, 240x96 with a wordmark bar."""
    image = Image.new("RGBA", (240, 96), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((4, 4, 92, 92), radius=18, fill=PRIMARY)
    draw.ellipse((24, 24, 72, 72), outline=ACCENT, width=10)
    draw.rounded_rectangle((108, 30, 232, 46), radius=8, fill=PRIMARY)
    draw.rounded_rectangle((108, 56, 200, 68), radius=6, fill=ACCENT)
    image.save(path)


def draw_cover(path: Path) -> None:
    """A 1280x720 abstract cover: a vertical gradient from the primary colour with accent arcs."""
    image = Image.new("RGB", (1280, 720))
    draw = ImageDraw.Draw(image)
    top, bottom = (0x7A, 0x1F, 0x5C), (0x2B, 0x0A, 0x20)
    for y in range(720):
        t = y / 719
        draw.line([(0, y), (1280, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    for n in range(6):
        r = 160 + n * 90
        draw.ellipse((900 - r, 560 - r, 900 + r, 560 + r), outline=(0xC0, 0x5A, 0x00), width=6)
    image.save(path, quality=80)


def branded_source(dest: Path, theme: str = THEME) -> Path:
    """dest/src: module_src with `theme` appended to module.yaml and the logo, cover and font under assets/."""
    src = dest / "src"
    shutil.copytree(MODULE_SRC, src)
    assets = src / "assets"
    assets.mkdir(exist_ok=True)
    draw_logo(assets / "logo.png")
    draw_cover(assets / "cover.jpg")
    shutil.copyfile(FONT, assets / "brand.ttf")
    with (src / "module.yaml").open("a") as f:
        f.write(theme)
    return src
