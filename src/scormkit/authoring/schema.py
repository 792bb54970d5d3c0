"""JSON Schemas of module.yaml and quiz.yaml, generated from the pydantic model (model.py) that pack validates with.

Editors with the YAML language server (VS Code's YAML extension, JetBrains, Neovim) read the
`# yaml-language-server: $schema=...` line at the top of the files `scormkit init` writes, and then complete
keys, show the allowed values and underline typos as the designer types.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scormkit import __version__
from scormkit.model import ModuleConfig, QuizFile

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_FOLDER = ".schema"  # inside the module folder, next to the YAML files that point at it
SCHEMA_FILES = {"module": "module.schema.json", "quiz": "quiz.schema.json"}


def schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of `module` (module.yaml) or `quiz` (quiz.yaml)."""
    model = {"module": ModuleConfig, "quiz": QuizFile}[kind]
    generated = model.model_json_schema()
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
