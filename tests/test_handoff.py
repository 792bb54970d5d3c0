"""`scormkit handoff ZIP...` and `pack --handoff` (issue 13): the administrator's sheet, read as they read it."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from lxml import html as lxml_html
from typer.testing import CliRunner

from scormkit.api import handoff
from scormkit.cli import app
from scormkit.targets import get_target

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent / "validate"))
from crafted import scorm12
from test_diff import items

from tests.factories import make_module

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def write(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in sorted(files.items()):
            zf.writestr(n, data)
    return path


def ours(tmp_path: Path, target: str, edition: str | None = None) -> Path:
    module = make_module().model_copy(update={"items": items()})
    return write(tmp_path / f"ours-{target}.zip", get_target(target, edition=edition).build(module))


def rows(markdown: str, section: str) -> dict[str, list[str]]:
    """The table rows (first cell -> other cells) of one package's section."""
    part = markdown.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    out = {}
    for line in part.splitlines():
        if line.startswith("| ") and not line.startswith(("| LMS |", "| fact |")):
            cells = [c.strip() for c in line.strip("|").split(" | ")]
            for name in cells[0].split(", "):  # LMSs with the same verdict share a row
                out[name] = cells[1:]
    return out


def test_sheet_of_our_packages(tmp_path):
    p12, p04 = ours(tmp_path, "scorm12"), ours(tmp_path, "scorm2004")
    md = handoff([p12, p04], lms="docebo")
    assert md.startswith("# Hand-off: Difficult pain problems\n")
    r12, r04 = rows(md, p12.name), rows(md, p04.name)
    assert r12["standard"] == ["SCORM 1.2"] and r04["standard"] == ["SCORM 2004 3rd Edition"]
    assert r12["launch file"] == ["index.html"] and r12["attempts"] == ["unlimited"]
    assert r12["passing score"] == ["80 % (manifest: 80)"] and r04["passing score"] == ["80 % (manifest: 0.8)"]
    assert r12["completion"] == ["all slides viewed and the quiz submitted; passed/failed from the quiz"]
    assert "one interaction per answer" in r12["reported"][0] and "objectives stepwise, titration" in r12["reported"][0]
    assert r12["resume"][0].startswith("cmi.suspend_data, 4,096 characters")
    assert r04["resume"][0].startswith("cmi.suspend_data, 64,000 characters")
    # The figure is the budget the player keeps to (course.json stateBudget), not the module's largest state.
    assert r12["resume"][0].endswith(
        "scormkit checked at build time that this module's largest resume state fits, and the player keeps it "
        "within 4,096 characters"
    )
    # which LMS: TalentLMS and Fuse take no SCORM 2004 (docs/lms-pitfalls.md rule 29), Docebo takes 3rd Edition
    assert r04["TalentLMS"][0].startswith("no") and r04["Fuse"][0].startswith("no") and r04["Docebo"] == ["yes", "-"]
    assert r12["TalentLMS"] == ["yes", "-"]
    assert "Known limits of Docebo for this package:" in md and "- source: Docebo help" in md


def test_sheet_of_a_third_party_package(tmp_path):
    p = write(tmp_path / "fire-safety.zip", scorm12())
    md = handoff([p])
    r = rows(md, p.name)
    assert r["passing score"] == ["80 %"] and r["completion"] == ["set by the content"]
    assert "as the content sends them" in r["reported"][0] and "attempts" not in r
    assert r["validation"] == ["valid, 0 error(s), 0 warning(s)"] and "Known limits" not in md


def test_html_sheet_escapes_package_texts(tmp_path):
    files = scorm12(org_title="Fire &lt;script&gt;alert(1)&lt;/script&gt; | *safety*")
    p = write(tmp_path / "odd.zip", files)
    page = handoff([p], fmt="html")
    doc = lxml_html.fromstring(page)
    assert doc.xpath("//script") == [] and doc.xpath("//em") == []
    assert doc.xpath("string(//h1)") == "Hand-off: Fire <script>alert(1)</script> | *safety*"
    tables = doc.xpath("//table")
    assert len(tables) == 2 and tables[0].xpath("string(.//tr[td[1]='standard']/td[2])") == "SCORM 1.2"
    assert "http" not in "".join(doc.xpath("//@src | //@href"))  # self-contained: no request anywhere


def test_cli_handoff_out_file_and_missing_package(tmp_path):
    p = ours(tmp_path, "cmi5")
    target = tmp_path / "sheet.html"
    result = runner.invoke(app, ["handoff", str(p), "--lms", "openedx", "--format", "html", "--out", str(target)])
    assert result.exit_code == 0, result.output
    text = target.read_text()
    assert "<h2>ours-cmi5.zip</h2>" in text and "suspendData" in text
    assert not list(tmp_path.glob(".*.tmp"))
    result = runner.invoke(app, ["handoff", str(tmp_path / "nope.zip")])
    assert result.exit_code == 1 and "nope.zip: error[handoff.not-found]" in result.output


def test_pack_handoff_writes_the_sheet_beside_the_zips(tmp_path):
    out = tmp_path / "dist"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "scormkit",
            "pack",
            str(ROOT / "module_src"),
            "--target",
            "scorm12",
            "--out",
            str(out),
            "--handoff",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    sheet = out / "esmo-difficult-pain-problems-1.0.0-handoff.md"
    md = sheet.read_text()
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "esmo-difficult-pain-problems-1.0.0-handoff.md",
        "esmo-difficult-pain-problems-1.0.0-scorm12.zip",
    ]
    r = rows(md, "esmo-difficult-pain-problems-1.0.0-scorm12.zip")
    assert r["standard"] == ["SCORM 1.2"] and r["attempts"][0] and "interaction" in r["reported"][0]
