"""Item rules checked on the raw mapping when pydantic stopped before them, so every error shows in one run.

pydantic runs an item's model validator (one correct choice, an answer or a range) only when all its fields are
valid: a typo such as `promt:` hid "no correct choice" until the typo was fixed. These checks repeat those rules on
the mapping as written, for the items whose fields failed, with the same codes and words as source/module.py.
"""

from __future__ import annotations

import difflib

from pydantic import ValidationError

from scormkit.diagnostics import Report
from scormkit.source.yamlfile import YamlDoc


def _misspelt(choice: dict, key: str) -> bool:
    """A key close to `key` (`corect: true`): fixing that typo may fix the rule, so it is not judged."""
    return any(k != key and difflib.get_close_matches(str(k), [key], n=1, cutoff=0.75) for k in choice)


def report_hidden_item_rules(doc: YamlDoc, exc: ValidationError, report: Report) -> None:
    """The model-validator rules of every item whose other errors kept pydantic from running them."""
    failed, ruled = set(), set()
    for error in exc.errors():
        loc = error["loc"]
        if len(loc) >= 2 and loc[0] == "items" and isinstance(loc[1], int):
            failed.add(loc[1])
            if error["type"] == "value_error" or "." in error["type"]:  # a model validator ran and spoke
                ruled.add(loc[1])
    for index in sorted(failed - ruled):
        item = doc.get("items", index)
        if not isinstance(item, dict):
            continue
        item_id, kind, line = item.get("id"), item.get("type"), doc.line_of("items", index)
        choices = item.get("choices")
        if kind in ("single", "multiple") and isinstance(choices, list) and len(choices) >= 2:
            mappings = [c for c in choices if isinstance(c, dict)]
            if len(mappings) != len(choices) or any(_misspelt(c, "correct") for c in mappings):
                continue
            count = sum(c.get("correct") is True for c in mappings)
            if count == 0:
                report.error(
                    doc.name,
                    line,
                    "quiz.no-correct-answer",
                    f"item {item_id!r} has no correct choice; mark one with correct: true",
                )
            elif kind == "single" and count > 1:
                report.error(
                    doc.name,
                    line,
                    "quiz.single-several-correct",
                    f"single-choice item {item_id!r} has {count} correct choices; keep correct: true "
                    "on one of them, or use type: multiple",
                )
        elif kind == "numeric":
            if any(_misspelt(item, key) for key in ("answer", "min", "max")):
                continue
            if "answer" not in item and "min" not in item and "max" not in item:
                report.error(
                    doc.name, line, "quiz.numeric-answer", f"item {item_id} needs `answer`, or `min` and `max`"
                )
