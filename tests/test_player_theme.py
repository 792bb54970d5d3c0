"""Issue 11, themes: module.yaml `theme` colours the player through the theme's rules, after player.css's in
index.html's <style>, and a theme that would fail WCAG AA contrast is a build error naming the colour and the ratio,
at its line."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest

from scormkit.api import pack
from scormkit.diagnostics import ScormkitError
from scormkit.model import contrast_ratio
from scormkit.player import _shipped_css, build_player
from tests.factories import make_player_module

MODULE_SRC = Path(__file__).resolve().parents[1] / "module_src"


def themed_source(tmp_path: Path, theme: str) -> Path:
    src = tmp_path / "src"
    shutil.copytree(MODULE_SRC, src)
    with (src / "module.yaml").open("a") as f:
        f.write("\ntheme:\n" + theme)
    return src


def test_contrast_ratio_follows_wcag():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#0b5cad", "#ffffff") == pytest.approx(6.62, abs=0.05)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.02)


def page_style(package: Path) -> str:
    """The text of index.html's one <style> element."""
    with zipfile.ZipFile(package) as z:
        (style,) = re.findall(r"<style>(.*?)</style>", z.read("index.html").decode(), re.S)
    return style


def test_theme_colours_ship_after_player_css(tmp_path):
    src = themed_source(tmp_path, '  primary: "#7a1f5c"\n  accent: "#c05a00"\n')
    (result, *_) = pack(src, targets=["web"], out=tmp_path / "dist")
    style, player_css = page_style(result.path), _shipped_css("player.css").decode()
    # The theme's rules come after player.css's, in the same stylesheet: they win, before the first paint.
    assert style.startswith(player_css)
    assert "--accent: #7a1f5c;" in style[len(player_css) :] and "--highlight: #c05a00;" in style[len(player_css) :]
    with zipfile.ZipFile(result.path) as z:
        assert not {"theme.css", "player.css"} & set(z.namelist())  # no stylesheet file: one request less


def test_no_theme_no_theme_rules():
    html = build_player(make_player_module(), "web", state_budget=1_000_000)["index.html"].decode()
    (style,) = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert style == _shipped_css("player.css").decode()


@pytest.mark.parametrize(
    "theme, colour, needed",
    [
        ('  primary: "#8ab4f8"\n', "#8ab4f8", "4.5:1"),  # a light blue: white button text unreadable
        ('  accent: "#f5d76e"\n', "#f5d76e", "3:1"),  # a pale yellow mark on white
    ],
)
def test_a_theme_that_fails_contrast_is_a_build_error(tmp_path, theme, colour, needed):
    src = themed_source(tmp_path, theme)
    with pytest.raises(ScormkitError) as caught:
        pack(src, targets=["web"], out=tmp_path / "dist")
    (problem,) = [d for d in caught.value.report.diagnostics if colour in d.message]
    assert problem.file.endswith("module.yaml") and problem.line is not None
    assert needed in problem.message and ":1" in problem.message.split("ratio of ")[1]
    assert not (tmp_path / "dist").exists() or not list((tmp_path / "dist").glob("*.zip"))


# ---- logo, cover, font -------------------------------------------------------------------------------


def test_logo_cover_and_font_ship_and_are_used(tmp_path):
    from tests.browser.theme_helpers import FONT, branded_source

    if not FONT.is_file():
        pytest.skip(f"the test font {FONT} is not installed")
    (result, *_) = pack(branded_source(tmp_path), targets=["web"], out=tmp_path / "dist")
    css = page_style(result.path)
    with zipfile.ZipFile(result.path) as z:
        names, html = set(z.namelist()), z.read("index.html").decode()
    assert {"assets/logo.png", "assets/cover.jpg", "assets/brand.ttf"} <= names
    assert '@font-face { font-family: "module-font"; src: url("assets/brand.ttf") format("truetype");' in css
    assert '--font: "module-font", var(--system-font);' in css
    assert '<img class="bar-logo" src="assets/logo.png" width="240" height="96"' in html
    assert '<img class="cover" elementtiming="cover" src="assets/cover.jpg" width="1280" height="720" alt=""' in html
    # The cover's request starts from <head>, and nothing in the CSP had to be widened for the theme.
    assert html.index('<link rel="preload" as="image" href="assets/cover.jpg"') < html.index("<style>")
    assert "font-src 'self'; " in html and "img-src 'self'; " in html


def theme_problems(tmp_path: Path, theme: str, files: dict[str, bytes]) -> list:
    src = themed_source(tmp_path, theme)
    (src / "assets").mkdir(exist_ok=True)
    for name, data in files.items():
        (src / name).write_bytes(data)
    with pytest.raises(ScormkitError) as caught:
        pack(src, targets=["web"], out=tmp_path / "dist")
    return [d for d in caught.value.report.diagnostics if "theme." in d.message]


def png(width: int = 8, height: int = 8) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), "#7a1f5c").save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    "theme, files, code, words",
    [
        ("  logo: assets/logo.png\n", {}, "theme.file-missing", ["theme.logo 'assets/logo.png' not found"]),
        ("  cover: assets/cover.gif\n", {}, "schema.invalid", ["theme.cover", "JPG / JPEG / PNG / WEBP", "e.g."]),
        ("  font: assets/brand.woff\n", {}, "schema.invalid", ["theme.font", "WOFF2 / TTF / OTF"]),
        ("  logo: logo.png\n", {"logo.png": png()}, "schema.invalid", ["not a file under assets/", "assets/logo.png"]),
        (
            "  font: assets/brand.woff2\n",
            {"assets/brand.woff2": b"<!DOCTYPE html><html>not a font"},
            "theme.file-content",
            ["holds HTML, not WOFF2"],
        ),
        (
            "  cover: assets/cover.png\n",
            {"assets/cover.png": png() + b"\0" * (3 * 1024 * 1024)},
            "theme.file-too-large",
            ["theme.cover 'assets/cover.png' is 3 MiB; the limit is 2 MiB", "save it smaller"],
        ),
    ],
)
def test_a_theme_file_that_cannot_ship_is_a_build_error_at_its_line(tmp_path, theme, files, code, words):
    (problem,) = theme_problems(tmp_path, theme, files)
    assert problem.code == code and problem.file.endswith("module.yaml"), problem
    yaml_lines = (tmp_path / "src" / "module.yaml").read_text().splitlines()
    assert yaml_lines[problem.line - 1].strip() == theme.strip(), (problem.line, problem.message)
    assert all(w in problem.message for w in words), problem.message


def test_a_woff2_font_and_a_png_logo_are_accepted(tmp_path):
    src = themed_source(tmp_path, "  font: assets/brand.woff2\n  logo: assets/logo.png\n")
    (src / "assets").mkdir(exist_ok=True)
    (src / "assets" / "brand.woff2").write_bytes(b"wOF2" + b"\0" * 60)  # what the check reads: the signature
    (src / "assets" / "logo.png").write_bytes(png(120, 40))
    (result, *_) = pack(src, targets=["web"], out=tmp_path / "dist")
    assert 'format("woff2")' in page_style(result.path)
