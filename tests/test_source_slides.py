"""scormkit.source: the slides PDF (checks, titles, text, rendering, cache) and the real example module."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

import scormkit.source.slides as slides_module
from scormkit.diagnostics import ScormkitError
from scormkit.fileasset import FileAsset, asset_bytes
from scormkit.model import Module
from scormkit.pdfworker import REOPEN_PAGES
from scormkit.source import read_module
from scormkit.source.slides import thumbnail_path
from tests.factories import deck_folder, edit, errors, make_deck, make_pdf

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def mod(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return deck_folder(tmp_path, monkeypatch)


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(root.rglob("*"))}


def shipped(module: Module) -> Module:
    """`module` with each asset as the bytes a zip carries: a file asset (the PDF, a cached image) read and checked."""
    return module.model_copy(update={"assets": {name: asset_bytes(data) for name, data in module.assets.items()}})


# ---- happy path ----------------------------------------------------------------------------------------


def test_titles_text_and_images(mod: Path) -> None:
    module = read_module(mod)
    assert [s.title for s in module.slides] == ["Welcome", "Dosing", "Unbookmarked heading", "Slide 4"]
    assert [s.text for s in module.slides] == [
        "Welcome to the course\nsecond line",
        "Start low, go slow",
        "Unbookmarked heading\nand body",
        "",
    ]
    assert [s.image for s in module.slides] == [f"slides/00{n}.webp" for n in range(1, 5)]
    assert sorted(module.assets) == [
        "slides.pdf",
        *(f"slides/00{n}.webp" for n in range(1, 5)),
        *(f"slides/thumbs/00{n}.webp" for n in range(1, 5)),
    ]
    # The PDF is not held in memory: the zip writer streams it from its file, checked against what was read.
    pdf = module.assets["slides.pdf"]
    assert isinstance(pdf, FileAsset) and pdf.path == mod / "deck" / "slides.pdf"
    assert asset_bytes(pdf) == (mod / "deck" / "slides.pdf").read_bytes()
    module = shipped(module)
    for slide in module.slides:
        assert (slide.width, slide.height) == (320, 180)
        image = Image.open(io.BytesIO(module.assets[slide.image]))
        assert image.format == "WEBP" and image.size == (320, 180)
        # The slide menu's thumbnail, rendered with the slide (player/course.py ships it, course.json names it).
        thumb = Image.open(io.BytesIO(module.assets[thumbnail_path(slide.image)]))
        assert thumb.format == "WEBP" and thumb.size == (160, 90)
    # The first page has dark text on white: the render is not blank.
    first = Image.open(io.BytesIO(module.assets["slides/001.webp"])).convert("L")
    assert first.getextrema()[0] < 128


@pytest.mark.parametrize(("fmt", "ext", "pil_format"), [("jpeg", "jpg", "JPEG"), ("png", "png", "PNG")])
def test_other_formats_and_no_download(mod: Path, fmt: str, ext: str, pil_format: str) -> None:
    edit(mod / "module.yaml", "  width: 320", f"  width: 200\n  format: {fmt}\n  quality: 60\n  download: false")
    module = shipped(read_module(mod))
    assert sorted(module.assets) == [
        *(f"slides/00{n}.{ext}" for n in range(1, 5)),
        *(f"slides/thumbs/00{n}.webp" for n in range(1, 5)),
    ]
    image = Image.open(io.BytesIO(module.assets[f"slides/001.{ext}"]))
    assert image.format == pil_format and image.size == (200, 113)
    assert module.slides[0].height == 113


def test_deterministic_bytes(mod: Path, tmp_path: Path) -> None:
    first = shipped(read_module(mod))
    second = shipped(read_module(mod, cache_dir=tmp_path / "cache"))
    assert first.assets == second.assets
    assert first == second


def no_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make starting a render worker fail the test: what runs after this must come from the cache."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a render worker was started on a warm cache")

    monkeypatch.setattr(slides_module, "Workers", refuse)


def count_rendered(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The 0-based pages the workers are asked to render, appended as they are asked."""
    asked: list[int] = []
    real = slides_module.Workers.pages

    def pages(self, indices):  # type: ignore[no-untyped-def]
        asked.extend(indices)
        return real(self, indices)

    monkeypatch.setattr(slides_module.Workers, "pages", pages)
    return asked


def test_cache_hit_renders_nothing(mod: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    calls: list[tuple[int, int]] = []
    cold = shipped(read_module(mod, cache_dir=cache, on_slide=lambda i, n: calls.append((i, n))))
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert sorted(p.name for p in cache.iterdir()) == ["objects", "probes", "renders"]
    objects = sorted(p.name for p in (cache / "objects").iterdir())
    # A slide image and its thumbnail per page, named by the SHA-256 of their bytes.
    assert len(objects) == 8 and all(len(name) == 64 for name in objects)
    assert (
        sorted(
            hashlib.sha256(module_bytes).hexdigest()
            for name, module_bytes in cold.assets.items()
            if name.startswith("slides/")
        )
        == objects
    )
    before = snapshot(cache)

    no_workers(monkeypatch)
    calls.clear()
    warm = read_module(mod, cache_dir=cache, on_slide=lambda i, n: calls.append((i, n)))
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]
    # Cached images are not read into memory: each is its verified file in the cache, streamed into the zips.
    for name, data in warm.assets.items():
        assert isinstance(data, FileAsset)
        if name.startswith("slides/"):
            assert data.path == cache / "objects" / data.sha256
    assert shipped(warm) == cold
    assert snapshot(cache) == before


def test_cache_key_changes_with_options(mod: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    read_module(mod, cache_dir=cache)
    edit(mod / "module.yaml", "  width: 320", "  width: 321")
    read_module(mod, cache_dir=cache)
    assert len(list((cache / "renders").iterdir())) == 2
    assert len(list((cache / "probes").iterdir())) == 1  # the same PDF is probed once
    assert not list(cache.rglob("*.tmp"))


def test_partial_cache_renders_only_missing_pages(mod: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    cold = shipped(read_module(mod, cache_dir=cache))
    third = cache / "objects" / hashlib.sha256(cold.assets["slides/003.webp"]).hexdigest()
    third.unlink()
    rendered = count_rendered(monkeypatch)
    assert shipped(read_module(mod, cache_dir=cache)) == cold
    assert rendered == [2] and third.is_file()


@pytest.mark.parametrize("damage", ["replaced", "swapped", "truncated", "emptied"])
def test_damaged_cache_entries_are_rendered_again_never_shipped(
    mod: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    """Issue 15: a replaced, swapped or truncated cached image shipped with exit 0, or failed every later pack."""
    cache = tmp_path / "cache"
    cold = shipped(read_module(mod, cache_dir=cache))
    first, second = (cache / "objects" / hashlib.sha256(cold.assets[f"slides/00{n}.webp"]).hexdigest() for n in (1, 2))
    a, b = first.read_bytes(), second.read_bytes()
    if damage == "replaced":  # another valid image under the first slide's name
        buffer = io.BytesIO()
        Image.new("RGB", (320, 180), "red").save(buffer, "WEBP")
        first.write_bytes(buffer.getvalue())
        broken = [0]
    elif damage == "swapped":
        first.write_bytes(b)
        second.write_bytes(a)
        broken = [0, 1]
    elif damage == "truncated":
        first.write_bytes(a[: len(a) // 2])
        broken = [0]
    else:
        first.write_bytes(b"")
        broken = [0]
    rendered = count_rendered(monkeypatch)
    warm = shipped(read_module(mod, cache_dir=cache))
    assert warm.assets == cold.assets
    assert sorted(rendered) == broken
    assert first.read_bytes() == a and second.read_bytes() == b  # repaired in place


def test_damaged_cache_record_is_a_miss(mod: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    cold = shipped(read_module(mod, cache_dir=cache))
    (record,) = (cache / "renders").iterdir()
    record.write_bytes(record.read_bytes().replace(b"Start low", b"Start high"))
    rendered = count_rendered(monkeypatch)
    assert shipped(read_module(mod, cache_dir=cache)) == cold
    assert sorted(rendered) == [0, 1, 2, 3]


def test_serial_and_parallel_encoding_agree(mod: Path) -> None:
    from scormkit.diagnostics import Report
    from scormkit.source.module import read_sources

    sources = read_sources(mod, Report())
    assert sources is not None and sources.config is not None and sources.slides_path is not None
    deck = slides_module.open_deck(
        sources.slides_path, "x", file="x", folder="x", where="x", line=None, report=Report()
    )
    assert deck is not None
    serial = slides_module.render_deck(deck, sources.config.slides, workers=1)
    parallel = slides_module.render_deck(deck, sources.config.slides, workers=3)
    assert serial == parallel


def test_a_worker_that_reopens_the_document_renders_the_same_slides(mod: Path) -> None:
    """A render worker closes and reopens the PDF every REOPEN_PAGES pages (PDFium's memory): the pages it renders
    after reopening are the bytes a worker that opened the document for them alone renders."""
    make_pdf(mod / "deck" / "slides.pdf", REOPEN_PAGES + 4, label="Page")
    from scormkit.diagnostics import Report
    from scormkit.source.module import read_sources
    from scormkit.source.render import Encoding, Workers

    sources = read_sources(mod, Report())
    assert sources is not None and sources.config is not None and sources.slides_path is not None
    deck = slides_module.open_deck(
        sources.slides_path, "x", file="x", folder="x", where="x", line=None, report=Report()
    )
    assert deck is not None and deck.pages == REOPEN_PAGES + 4
    rendered = slides_module.render_deck(deck, sources.config.slides, workers=1)  # one worker: it reopens once
    assert rendered is not None
    slides, assets = rendered
    assert [s.text for s in slides] == [f"Page {n}" for n in range(1, REOPEN_PAGES + 5)]
    options = sources.config.slides
    after = list(range(REOPEN_PAGES, REOPEN_PAGES + 4))
    with Workers(deck.path, "x", Encoding(options.format, options.width, options.quality), workers=1) as fresh:
        alone = {page.index: (page.data, page.thumb) for page in fresh.pages(after)}
    for index in after:
        image = slides[index].image
        assert (assets[image], assets[thumbnail_path(image)]) == alone[index]
    assert len({assets[s.image] for s in slides}) == len(slides)  # each page its own image, none blank or repeated


def test_nothing_written_outside_cache(mod: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    read_module(mod, cache_dir=cache)
    edit(mod / "quiz.yaml", "objective: dosing", "objective: dosage")
    before = snapshot(mod)
    with pytest.raises(ScormkitError):
        read_module(mod, cache_dir=tmp_path / "cache2")
    assert snapshot(mod) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "mod"]  # a failed read renders nothing


# ---- PDF problems --------------------------------------------------------------------------------------


def test_missing_pdf(mod: Path) -> None:
    (mod / "deck" / "slides.pdf").unlink()
    assert errors(mod) == [
        "mod/module.yaml:14: error[slides.missing] slides file 'deck/slides.pdf' not found in mod; export your deck "
        "to PDF there or set slides.file",
    ]


def test_missing_default_pdf_is_reported_at_slides_key(mod: Path) -> None:
    edit(mod / "module.yaml", "  file: deck/slides.pdf\n", "")
    assert errors(mod) == [
        "mod/module.yaml:13: error[slides.missing] slides file 'slides.pdf' not found in mod; export your deck to "
        "PDF there or set slides.file",
    ]


def test_missing_default_pdf_without_slides_key(mod: Path) -> None:
    edit(mod / "module.yaml", "slides:\n  file: deck/slides.pdf\n  width: 320\n", "")
    assert errors(mod) == [
        "mod/module.yaml: error[slides.missing] slides file 'slides.pdf' not found in mod; export your deck to PDF "
        "there or set slides.file",
    ]


@pytest.mark.parametrize("path", ["../slides.pdf", "/tmp/slides.pdf", "deck/../../slides.pdf"])
def test_slides_outside_module(mod: Path, path: str) -> None:
    edit(mod / "module.yaml", "file: deck/slides.pdf", f"file: {path}")
    assert errors(mod) == [
        f"mod/module.yaml:14: error[source.outside-module] slides.file {path!r} is outside the module folder; put "
        "the PDF in mod and give a relative path such as slides.pdf",
    ]


def test_symlink_out_of_module(mod: Path, tmp_path: Path) -> None:
    make_deck(tmp_path / "elsewhere.pdf")
    (mod / "deck" / "slides.pdf").unlink()
    (mod / "deck" / "slides.pdf").symlink_to(tmp_path / "elsewhere.pdf")
    assert errors(mod) == [
        "mod/module.yaml:14: error[source.outside-module] slides.file 'deck/slides.pdf' is outside the module "
        "folder; put the PDF in mod and give a relative path such as slides.pdf",
    ]


def test_encrypted_pdf(mod: Path) -> None:
    pdf = mod / "deck" / "slides.pdf"
    writer = PdfWriter(clone_from=PdfReader(pdf))
    writer.encrypt("secret")
    with pdf.open("wb") as handle:
        writer.write(handle)
    assert errors(mod) == [
        "mod/deck/slides.pdf: error[slides.encrypted] deck/slides.pdf is encrypted; remove the password (e.g. qpdf "
        "--decrypt in.pdf out.pdf) and export again",
    ]


def test_corrupt_pdf(mod: Path) -> None:
    (mod / "deck" / "slides.pdf").write_bytes(os.urandom(2048).replace(b"%PDF", b"xxxx"))
    (message,) = errors(mod)
    assert message.startswith("mod/deck/slides.pdf: error[slides.corrupt] deck/slides.pdf is not a readable PDF (")
    assert message.endswith("); export the deck to PDF again")


def test_truncated_pdf(mod: Path) -> None:
    pdf = mod / "deck" / "slides.pdf"
    pdf.write_bytes(pdf.read_bytes()[:300])
    (message,) = errors(mod)
    assert message.startswith("mod/deck/slides.pdf: error[slides.corrupt] deck/slides.pdf ")
    assert message.endswith("; export the deck to PDF again")


def test_empty_pdf(mod: Path) -> None:
    with (mod / "deck" / "slides.pdf").open("wb") as handle:
        PdfWriter().write(handle)
    assert errors(mod) == [
        "mod/deck/slides.pdf: error[slides.empty] deck/slides.pdf has no pages; export the deck again with its slides",
    ]


def test_pdf_and_yaml_errors_together(mod: Path) -> None:
    (mod / "deck" / "slides.pdf").write_bytes(b"")
    edit(mod / "module.yaml", "language: en", "langauge: en")
    found = errors(mod)
    assert [line.split(" ", 2)[1] for line in found] == [
        "error[slides.corrupt]",
        "error[schema.missing]",
        "error[schema.unknown-key]",
    ]


# ---- the real example module ---------------------------------------------------------------------------


def test_example_module_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    cache = tmp_path / "cache"
    progress: list[tuple[int, int]] = []
    module = read_module(Path("module_src"), cache_dir=cache, on_slide=lambda i, n: progress.append((i, n)))
    assert len(module.slides) >= 15
    assert len(module.items) >= 10
    assert progress[-1] == (len(module.slides), len(module.slides))
    assert all(s.width == module.config.slides.width for s in module.slides)
    assert all(s.title and not s.title.startswith("Slide ") for s in module.slides)
    # The warm read does no rendering work: it starts no render worker (counted, not timed).
    no_workers(monkeypatch)
    assert shipped(read_module(Path("module_src"), cache_dir=cache)) == shipped(module)
