"""Quiz files in other formats (Moodle GIFT, Aiken) as the same YamlDoc a quiz.yaml gives.

The GIFT and Aiken readers produce quiz.yaml item mappings, each with the line of the question it came from; this
module wraps them in ruamel's commented types with those lines, so the quiz.yaml checks (schema, Markdown, ids,
objectives) run unchanged and point at the line of the .gift or .txt file the designer has to edit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from scormkit.diagnostics import Report
from scormkit.source.yamlfile import YamlDoc, load_yaml, to_plain

#: Suffixes read as GIFT or Aiken; `.txt` is Aiken unless it has GIFT answer blocks (Moodle accepts GIFT as .txt).
GIFT_SUFFIXES = (".gift",)
TEXT_SUFFIXES = (".txt",)
YAML_SUFFIXES = (".yaml", ".yml")
QUIZ_SUFFIXES = YAML_SUFFIXES + GIFT_SUFFIXES + TEXT_SUFFIXES


@dataclass
class ParsedItem:
    """One question read from a GIFT or Aiken file, as a quiz.yaml item."""

    data: dict[str, Any]
    line: int  # 1-based line where the question starts
    # 1-based line of each entry of a list key, e.g. {"choices": [12, 13, 14]}: errors on a choice point at it.
    entry_lines: dict[str, list[int]] = field(default_factory=dict)


def _commented(value: Any, line: int) -> Any:
    """`value` as ruamel commented types whose every key and entry sits on `line` (0-based)."""
    if isinstance(value, dict):
        node = CommentedMap()
        for key, child in value.items():
            node[key] = _commented(child, line)
            node.lc.add_kv_line_col(key, [line, 0, line, 0])
        return node
    if isinstance(value, list):
        seq = CommentedSeq(_commented(child, line) for child in value)
        for index in range(len(seq)):
            seq.lc.add_kv_line_col(index, [line, 0, line, 0])
        return seq
    return value


def items_doc(path: Path, name: str, items: list[ParsedItem]) -> YamlDoc:
    """A YamlDoc `{items: [...]}` whose lines are those of the questions in the original file."""
    seq = CommentedSeq()
    for index, item in enumerate(items):
        node = _commented(item.data, item.line - 1)
        for key, lines in item.entry_lines.items():
            entries = node.get(key)
            if isinstance(entries, CommentedSeq):
                for entry_index, entry_line in enumerate(lines[: len(entries)]):
                    entries.lc.add_kv_line_col(entry_index, [entry_line - 1, 0, entry_line - 1, 0])
                    if isinstance(entries[entry_index], CommentedMap):
                        for child_key in entries[entry_index]:
                            entries[entry_index].lc.add_kv_line_col(child_key, [entry_line - 1, 0, entry_line - 1, 0])
        seq.append(node)
        seq.lc.add_kv_line_col(index, [item.line - 1, 0, item.line - 1, 0])
    raw = CommentedMap()
    raw["items"] = seq
    raw.lc.add_kv_line_col("items", [items[0].line - 1 if items else 0, 0, 0, 0])
    return YamlDoc(path, name, raw, to_plain(raw))


def read_text(path: Path, name: str, report: Report) -> str | None:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        report.error(
            name,
            None,
            "quiz.encoding",
            f"file is not UTF-8 ({exc.reason} at byte {exc.start}); save it as UTF-8 (Moodle exports UTF-8)",
        )
        return None


def load_quiz_doc(path: Path, name: str, report: Report) -> YamlDoc | None:
    """quiz.yaml, a GIFT file (.gift, or a .txt with GIFT answer blocks) or an Aiken file (.txt), as a YamlDoc."""
    from scormkit.source import aiken, gift

    suffix = path.suffix.lower()
    if suffix in YAML_SUFFIXES:
        before = len(report.diagnostics)
        doc = load_yaml(path, name, report)
        if (doc is None or isinstance(doc.data, str)) and _not_yaml_hint(path, name, report, before):
            return None
        return doc
    text = read_text(path, name, report)
    if text is None:
        return None
    if suffix in GIFT_SUFFIXES or gift.looks_like_gift(text):
        items = gift.parse_gift(text, name, report)
    else:
        items = aiken.parse_aiken(text, name, report)
    if items is None:
        return None
    if not items:
        report.error(name, None, "quiz.empty", f"{path.name} has no questions; add at least one")
        return None
    return items_doc(path, name, items)


def _not_yaml_hint(path: Path, name: str, report: Report, before: int) -> bool:
    """A GIFT or Aiken quiz saved as quiz.yaml: say so instead of the YAML parser's complaint."""
    from scormkit.source import aiken, gift

    try:
        # Only a regular file of a readable size: load_yaml has already refused a FIFO or an oversized file, and
        # reading it again here would wait on the FIFO (issue 15).
        if not path.is_file() or path.stat().st_size > 2 * 1024 * 1024:
            return False
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False
    kind = "GIFT" if gift.looks_like_gift(text) else "Aiken" if aiken.looks_like_aiken(text) else None
    if kind is None:
        return False
    suffix = ".gift" if kind == "GIFT" else ".txt"
    del report.diagnostics[before:]  # the YAML parser's message would only mislead
    report.error(
        name,
        None,
        "quiz.looks-like-" + kind.lower(),
        f"{path.name} looks like a Moodle {kind} quiz, not YAML; rename it to {path.stem}{suffix} and set "
        f"quiz.file: {path.stem}{suffix} in module.yaml (scormkit reads {kind} directly), or convert it "
        f"with: scormkit quiz convert {path.stem}{suffix} > {path.name}",
    )
    return True
