"""`scormkit init DIR`: a new module folder that packs as it is, or a copy of the shipped example.

The template (module.yaml and quiz.yaml with a comment on each field, one item of every type) ships in the wheel
under scormkit/authoring/templates; the example module (module_src/ of the repository) ships as scormkit/example
(setup.py copies it at build time). The slides PDF of the template is generated here with pypdf: three pages of
real, selectable text with one bookmark each, so it has a transcript and slide titles like an exported deck.
"""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from scormkit.authoring.schema import SCHEMA_FOLDER, modeline, write_schemas
from scormkit.diagnostics import Report, ScormkitError
from scormkit.source.paths import shown

EXAMPLE_FILES = ("module.yaml", "quiz.yaml", "slides.pdf", "make_slides.py")
TEMPLATE_SLIDES = [
    ("__TITLE__", ["Replace these slides with your own deck,", "exported from PowerPoint, Keynote or Impress as PDF."]),
    ("The three steps", ["1. Check the indication", "2. Prepare the material", "3. Do the procedure, then report"]),
    ("Your turn", ["The quiz checks the two objectives", "of module.yaml, with one item of every type."]),
]


def example_folder() -> Traversable:
    """The shipped example module: package data in an installed wheel, module_src/ in a source checkout."""
    shipped = resources.files("scormkit") / "example"
    if shipped.is_dir():
        return shipped
    checkout = Path(__file__).resolve().parents[3] / "module_src"  # src/scormkit/authoring -> repository root
    if (checkout / "module.yaml").is_file():
        return checkout
    raise FileNotFoundError("the example module is not installed with this scormkit; reinstall it with pip install .")


def _template(name: str) -> str:
    return (resources.files("scormkit.authoring") / "templates" / name).read_text(encoding="utf-8")


def module_id(folder: Path) -> str:
    """A valid module id from the folder name: `My Course 2` -> `my-course-2`."""
    slug = re.sub(r"[^a-z0-9]+", "-", folder.resolve().name.lower()).strip("-")
    slug = slug if slug and slug[0].isalpha() else f"module-{slug}".strip("-")
    slug = slug[:64].rstrip("-")
    return slug if len(slug) >= 3 else "new-module"


def slides_pdf(title: str) -> bytes:
    """A small 16:9 deck with real text and one bookmark per page (what an exported presentation has)."""
    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    font_ref = writer._add_object(font)
    for heading, lines in TEMPLATE_SLIDES:
        heading = title if heading == "__TITLE__" else heading
        page = writer.add_blank_page(width=960, height=540)
        commands = [
            "0 0.33 0.48 rg 0 448 960 92 re f",
            "BT 1 1 1 rg /F1 34 Tf 56 482 Td",
            f"({_pdf_text(heading)}) Tj ET",
        ]
        for row, line in enumerate(lines):
            commands.append(f"BT 0.13 0.15 0.16 rg /F1 24 Tf 56 {380 - row * 44} Td ({_pdf_text(line)}) Tj ET")
        stream = DecodedStreamObject()
        stream.set_data("\n".join(commands).encode("cp1252"))
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font_ref})}
        )
        writer.add_outline_item(title=heading, page_number=len(writer.pages) - 1)
    writer.add_metadata({"/Title": title, "/Producer": "scormkit init"})
    import io

    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pdf_text(text: str) -> str:
    text = text.encode("cp1252", "replace").decode("cp1252")
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def init_module(folder: Path, *, example: bool = False, today: dt.date | None = None) -> list[Path]:
    """Write a new module source into `folder` (created, or empty); refuse a folder that has anything in it."""
    report = Report()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        what = "is a file" if not folder.is_dir() else "is not empty"
        report.error(
            shown(folder),
            None,
            "init.not-empty",
            f"{shown(folder)} {what}; init never overwrites anything: choose a new folder name, "
            "e.g. scormkit init my-module",
        )
        raise ScormkitError(report)
    source = None
    if example:
        try:
            source = example_folder()
        except FileNotFoundError as missing:
            report.error("--example", None, "init.no-example", str(missing))
            raise ScormkitError(report) from None
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if source is not None:
        for name in EXAMPLE_FILES:
            data = (source / name).read_bytes()
            if name.endswith(".yaml"):
                data = (modeline(name.removesuffix(".yaml")) + "\n").encode() + data
            (folder / name).write_bytes(data)
            written.append(folder / name)
    else:
        title = folder.resolve().name.replace("-", " ").replace("_", " ").strip().capitalize() or "New module"
        values = {"__ID__": module_id(folder), "__TITLE__": title, "__TODAY__": (today or dt.date.today()).isoformat()}
        for name in ("module.yaml", "quiz.yaml"):
            text = _template(name)
            for key, value in values.items():
                text = text.replace(key, value)
            (folder / name).write_text(text, encoding="utf-8")
            written.append(folder / name)
        (folder / "slides.pdf").write_bytes(slides_pdf(title))
        written.append(folder / "slides.pdf")
    written.extend(write_schemas(folder / SCHEMA_FOLDER))
    return written
