"""`scormkit check SRC`: everything `pack` would report, writing nothing, plus warnings for the designer.

The module is read and every target is built in memory exactly as `pack` does (slides rendered without the cache,
so not a byte lands on disk). The designer warnings look at what an LMS would accept but a learner or a reviewer
would trip over:

- an item with no feedback at all (when the quiz shows feedback);
- an objective assessed by one item only (one slip decides it), or by none (module.py: a module may teach what its
  quiz does not test, so it is a warning);
- a slide with no text: an image-only page gives a screen reader nothing but "Slide N" (WCAG 1.1.1);
- a worst-case resume state near a target's suspend_data budget (docs/lms-pitfalls.md rule 1): over it is an error of pack.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scormkit.diagnostics import Report, ScormkitError
from scormkit.source.paths import shown

#: Share of a target's suspend_data budget from which the worst-case resume state is worth a warning.
STATE_WARNING_SHARE = 0.8


@dataclass
class CheckResult:
    """What check found; `report` holds every error and warning, `targets` the names built in memory."""

    report: Report
    targets: list[str] = field(default_factory=list)
    slides: int = 0
    items: int = 0
    state: int = 0
    budgets: dict[str, int] = field(default_factory=dict)


def check_module(src: Path, *, targets: Sequence[str], edition: str | None = None) -> CheckResult:
    """Read `src` and build every target in memory; collect all errors and warnings; write nothing."""
    from scormkit.api import _resolve_targets
    from scormkit.player import UnsupportedModule, worst_case_state_length
    from scormkit.source import read_module
    from scormkit.source.module import read_sources

    chosen = _resolve_targets(targets, edition)  # unknown target: ScormkitError, as for pack
    report = Report()
    result = CheckResult(report, [t.name for t in chosen])
    try:
        module = read_module(src, cache_dir=None, warnings=report)
    except ScormkitError as problem:
        report.extend(problem.report)
        module = None
    # The YAML as written, for the lines of the designer warnings (reading it again is cheap and writes nothing).
    sources = read_sources(Path(src), Report())
    if sources is not None:
        _feedback_and_coverage(sources, report)
    if module is None:
        return result

    result.slides, result.items = len(module.slides), len(module.items)
    result.state = worst_case_state_length(module)
    deck = shown(Path(src) / module.config.slides.file)
    for slide in module.slides:
        if not slide.text.strip():
            report.warning(
                deck,
                None,
                "check.slide-no-text",
                f"slide {slide.number} has no text (an image-only page): a screen reader says only "
                f"'Slide {slide.number}' and search cannot find it; export the deck with its text as text, "
                "not as pictures (WCAG 1.1.1)",
            )
    module_yaml = shown(Path(src) / "module.yaml")
    for target in chosen:
        result.budgets[target.name] = target.suspend_data_limit
        try:
            files = target.build(module)
        except UnsupportedModule as problem:
            report.error(module_yaml, None, f"{target.name}.unsupported", str(problem))
            continue
        report.extend(target.package_warnings(files))
        share = result.state / target.suspend_data_limit
        if STATE_WARNING_SHARE <= share <= 1:
            report.warning(
                module_yaml,
                None,
                "check.state-near-budget",
                f"the worst-case resume state is {result.state} characters, {share:.0%} of the "
                f"{target.suspend_data_limit} that {target.name} keeps (docs/lms-pitfalls.md rule 1); a few more "
                "items or choices and pack refuses it: set quiz.draw, or pack for scorm2004",
            )
    return result


def _feedback_and_coverage(sources, report: Report) -> None:
    doc, quiz_doc = sources.module_doc, sources.quiz_doc
    if doc is None or quiz_doc is None or not isinstance(quiz_doc.data, dict):
        return
    items = quiz_doc.get("items")
    items = [i if isinstance(i, dict) else {} for i in items] if isinstance(items, list) else []
    shows_feedback = doc.get("quiz", "feedback") != "none"
    by_objective: dict[str, list[str]] = {}
    for index, item in enumerate(items):
        item_id = item.get("id")
        if isinstance(item.get("objective"), str):
            by_objective.setdefault(item["objective"], []).append(str(item_id))
        feedback = item.get("feedback") if isinstance(item.get("feedback"), dict) else {}
        choices = item.get("choices") if isinstance(item.get("choices"), list) else []
        has_any = any(feedback.get(k) for k in ("correct", "incorrect")) or any(
            isinstance(c, dict) and c.get("feedback") for c in choices
        )
        if shows_feedback and not has_any and item_id is not None:
            report.warning(
                quiz_doc.name,
                quiz_doc.line_of("items", index),
                "check.no-feedback",
                f"item {item_id!r} has no feedback; add feedback: {{correct: ..., incorrect: ...}} so a "
                "learner who gets it wrong learns why",
            )
    objectives = doc.get("objectives")
    for index, objective in enumerate(objectives if isinstance(objectives, list) else []):
        oid = objective.get("id") if isinstance(objective, dict) else None
        assessed = by_objective.get(oid, []) if isinstance(oid, str) else []
        if len(assessed) == 1:
            report.warning(
                doc.name,
                doc.line_of("objectives", index, "id"),
                "check.objective-one-item",
                f"objective {oid!r} is assessed by one item only ({assessed[0]}), so one slip decides "
                f"the LMS's result for it; tag a second item with objective: {oid}",
            )
