"""Issue 11, themes: module.yaml `theme` colours the player through theme.css, and a theme that would fail WCAG AA
contrast is a build error naming the colour and the ratio, at its line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scormkit.api import pack
from scormkit.diagnostics import ScormkitError
from scormkit.model import contrast_ratio
from scormkit.player import build_player
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


def test_theme_colours_ship_as_theme_css(tmp_path):
    src = themed_source(tmp_path, '  primary: "#7a1f5c"\n  accent: "#c05a00"\n')
    (result, *_) = pack(src, targets=["web"], out=tmp_path / "dist")
    import zipfile

    with zipfile.ZipFile(result.path) as z:
        css = z.read("theme.css").decode()
        html = z.read("index.html").decode()
    assert "--accent: #7a1f5c;" in css and "--highlight: #c05a00;" in css
    assert html.index('href="player.css"') < html.index('href="theme.css"')  # the theme wins, before first paint


def test_no_theme_no_theme_css():
    files = build_player(make_player_module(), "web", state_budget=1_000_000)
    assert "theme.css" not in files and "theme.css" not in files["index.html"].decode()


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
