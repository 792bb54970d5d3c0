"""Readers of a module folder: module.yaml, quiz.yaml and the slides PDF, checked together."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when read_module runs: `scormkit.source.cache` alone must not load pydantic (warm pack)
    from scormkit.diagnostics import Report
    from scormkit.model import Module
    from scormkit.source.cache import RenderCache

__all__ = ["read_module"]


def read_module(
    src: Path,
    *,
    cache_dir: Path | None = None,
    on_slide: Callable[[int, int], None] | None = None,
    warnings: Report | None = None,
    cache: RenderCache | None = None,
    workers: int | None = None,
) -> Module:
    """Read and check a module folder; raise ScormkitError with every problem found in any of its files.

    Nothing is written except rendered slides under `cache_dir` (or into `cache`, which may defer its writes).
    Slides are rendered in `workers` processes (default: every core). The warnings of a source that reads are
    added to `warnings` when given.
    """
    from scormkit.diagnostics import Report, ScormkitError
    from scormkit.model import Module
    from scormkit.source.cache import RenderCache
    from scormkit.source.module import check_objective_slides, read_sources
    from scormkit.source.paths import shown
    from scormkit.source.slides import open_deck, render_deck

    src = Path(src)
    if cache is None and cache_dir is not None:
        cache = RenderCache(cache_dir)
    report = Report()
    sources = read_sources(src, report)
    if sources is None or sources.module_doc is None:
        raise ScormkitError(report)
    deck = None
    if sources.slides_path is not None:
        deck = open_deck(
            sources.slides_path,
            shown(sources.slides_path),
            file=sources.slides_file,
            folder=shown(src),
            where=sources.module_doc.name,
            line=sources.slides_line,
            report=report,
            cache=cache,
            # A config that failed to read stops the build after this check: warn as if the PDF shipped.
            ships=sources.config is None or sources.config.slides.download,
        )
    if deck is not None:
        check_objective_slides(sources.module_doc, deck.pages, sources.slides_file, report)
    # Render only a source that is right everywhere else: rendering is the slow part.
    if not report.ok or deck is None or sources.config is None or (sources.has_quiz and sources.items is None):
        raise ScormkitError(report)
    rendered = render_deck(deck, sources.config.slides, cache=cache, on_slide=on_slide, workers=workers, report=report)
    if rendered is None:
        raise ScormkitError(report)
    slides, assets = rendered
    assets.update({name: path.read_bytes() for name, path in sorted(sources.images.items())})
    if warnings is not None:
        warnings.extend(report)
    return Module(config=sources.config, items=sources.items or [], slides=slides, assets=assets)
