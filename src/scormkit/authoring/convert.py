"""`scormkit quiz convert FILE`: a GIFT or Aiken quiz (or a quiz.yaml) as the equivalent quiz.yaml text."""

from __future__ import annotations

import io
from pathlib import Path

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from scormkit.diagnostics import Report, ScormkitError
from scormkit.model import QuizFile
from scormkit.source.paths import shown
from scormkit.source.quizdoc import QUIZ_SUFFIXES, load_quiz_doc
from scormkit.source.yamlfile import validation_diagnostics


def _yaml_value(value):
    """Multi-line text as a literal block (`prompt: |`), mappings and lists in the order they were read."""
    if isinstance(value, dict):
        node = CommentedMap()
        for key, child in value.items():
            node[key] = _yaml_value(child)
        return node
    if isinstance(value, list):
        return CommentedSeq(_yaml_value(child) for child in value)
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value)
    return value


def convert_quiz(path: Path) -> str:
    """The quiz file at `path` as quiz.yaml text; ScormkitError with every problem (file:line) if it does not read."""
    report = Report()
    name = shown(path)
    if not path.is_file():
        report.error(name, None, "quiz.missing", f"{name} not found; give the path of a .gift, .txt or .yaml quiz file")
        raise ScormkitError(report)
    if path.suffix.lower() not in QUIZ_SUFFIXES:
        report.error(
            name,
            None,
            "quiz.format",
            f"{name} is not a quiz file scormkit reads; give a Moodle GIFT (.gift), Aiken (.txt) or quiz.yaml",
        )
        raise ScormkitError(report)
    doc = load_quiz_doc(path, name, report)
    if doc is not None:
        try:
            QuizFile.model_validate(doc.data)
        except ValidationError as exc:
            validation_diagnostics(doc, QuizFile, exc, report)
    if doc is None or not report.ok:
        raise ScormkitError(report)
    out = io.StringIO()
    yaml = YAML()
    yaml.width = 110
    yaml.indent(mapping=2, sequence=4, offset=2)
    out.write(
        f"# Converted from {path.name} by scormkit quiz convert; format: docs/source-format.md.\n"
        "# Tag each item with the objective it assesses (objective: <id from module.yaml>).\n"
    )
    yaml.dump({"items": _yaml_value(doc.data["items"])}, out)
    return out.getvalue()
