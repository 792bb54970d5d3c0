"""JSON Schemas of module.yaml and quiz.yaml, generated from the pydantic model (model.py) that pack validates with.

Editors with the YAML language server (VS Code's YAML extension, JetBrains, Neovim) read the
`# yaml-language-server: $schema=...` line at the top of the files `scormkit init` writes, and then complete
keys, show the allowed values and underline typos as the designer types.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from scormkit import __version__
from scormkit.model import ModuleConfig, QuizFile

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_FOLDER = ".schema"  # inside the module folder, next to the YAML files that point at it
SCHEMA_FILES = {"module": "module.schema.json", "quiz": "quiz.schema.json"}


# Hover text for editors, by the schema's own names: (definition or "" for the root, property) -> description.
# Kept short; docs/source-format.md has the full story.
DESCRIPTIONS = {
    ("", "id"): "Stable module id: LMSs key learner records and resume data on it; never change it between releases.",
    ("", "version"): 'Release of this module (text, quote numbers such as "1.0"); part of the zip name.',
    ("", "title"): "Shown on the start screen and in the LMS catalogue.",
    ("", "language"): "BCP 47 tag of the content: en, fr, de-CH...",
    ("", "description"): "Markdown without raw HTML; shown on the start screen.",
    ("", "authors"): "One or more {name, affiliation}.",
    ("", "updated"): "Date of this version, YYYY-MM-DD; also the date of every zip entry.",
    ("", "published"): "First publication: a date YYYY-MM-DD or a year YYYY.",
    ("", "disclosures"): "Declaration of interest, shown and acknowledged before the content.",
    ("", "credit"): "CME credit: provider, credits, kind, expires (after which the quiz is a self-assessment).",
    ("", "objectives"): "Learning objectives {id, text, slides}; quiz items name them with objective: <id>.",
    ("Objective", "slides"): "Page numbers of the slides that teach it, e.g. [3, 4, 5]; the results screen links them.",
    ("", "slides"): "The deck: file (a PDF), format, width, quality, download.",
    ("", "quiz"): "The quiz: file (quiz.yaml, .gift or Aiken .txt), passing_score, attempts, draw, shuffle, feedback.",
    ("", "tracking"): "What makes the module completed (completion, slides_required) and passed (success).",
    ("", "items"): "The quiz items; each has id, type, prompt and the keys of its type.",
    ("QuizOptions", "passing_score"): "Percent needed to pass (0-100); the LMS mastery score.",
    ("QuizOptions", "attempts"): "Attempts allowed; 0 = unlimited.",
    ("QuizOptions", "draw"): "Number of items drawn for each attempt (default: all).",
    ("QuizOptions", "feedback"): "When feedback is shown: immediate, end or none.",
    ("Tracking", "completion"): "slides, quiz or slides_and_quiz.",
    ("Tracking", "slides_required"): "Share of slides to view, 0 < x <= 1.",
    ("Credit", "expires"): "A date YYYY-MM-DD, or a year YYYY meaning the end of that year.",
}
ITEM_DESCRIPTIONS = {
    "id": "Stable item id (letters, digits, - and _); it becomes the LMS interaction id.",
    "type": "single, multiple, truefalse, fillin, numeric, matching or sequencing.",
    "objective": "The id of the objective (module.yaml) this item assesses.",
    "prompt": "The question, in Markdown without raw HTML.",
    "feedback": "{correct, incorrect}: shown after the answer.",
    "weight": "Weight of the item in the score (> 0).",
}


def _describe(generated: dict[str, Any]) -> dict[str, Any]:
    definitions = generated.get("$defs", {})
    for (definition, prop), text in DESCRIPTIONS.items():
        node = generated if not definition else definitions.get(definition, {})
        if prop in node.get("properties", {}):
            node["properties"][prop]["description"] = text
    for name, node in definitions.items():
        if name.endswith("Item"):
            for prop, text in ITEM_DESCRIPTIONS.items():
                if prop in node.get("properties", {}):
                    node["properties"][prop]["description"] = text
    return generated


def schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of `module` (module.yaml) or `quiz` (quiz.yaml)."""
    models: dict[str, type[BaseModel]] = {"module": ModuleConfig, "quiz": QuizFile}
    model = models[kind]
    generated = _describe(model.model_json_schema())
    return {
        "$schema": DIALECT,
        "title": f"scormkit {kind}.yaml",
        "description": f"{kind}.yaml of a scormkit module (scormkit {__version__}); see docs/source-format.md",
        **{key: value for key, value in generated.items() if key not in ("title", "description")},
    }


def schema_text(kind: str) -> str:
    return json.dumps(schema(kind), indent=2, ensure_ascii=False) + "\n"


def modeline(kind: str) -> str:
    """The first line of a YAML file that tells editors where its schema is (relative to that file)."""
    return f"# yaml-language-server: $schema={SCHEMA_FOLDER}/{SCHEMA_FILES[kind]}"


def write_schemas(folder: Path) -> list[Path]:
    """module.schema.json and quiz.schema.json in `folder`; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind, name in SCHEMA_FILES.items():
        path = folder / name
        path.write_text(schema_text(kind), encoding="utf-8")
        paths.append(path)
    return paths
