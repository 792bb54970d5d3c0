"""YAML files with line numbers, and pydantic errors turned into `file:line` diagnostics.

ruamel.yaml's round-trip loader keeps the line of every mapping key and sequence item, so a pydantic
error `loc` such as ('items', 0, 'single', 'choices', 1, 'corect') can be walked back to the line the
designer has to edit.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import stat
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent
from ruamel.yaml.reader import ReaderError

from scormkit import limits
from scormkit.diagnostics import Report
from scormkit.model import ITEM_ID, ITEM_TYPES, LANGUAGE, MODULE_ID, OBJECTIVE_ID
from scormkit.source.hints import date_hint, yaml_problem

Loc = tuple[str | int, ...]

# What to write instead, for the id-like patterns of model.py.
PATTERN_HINTS = {
    MODULE_ID: "use 3-64 lowercase letters, digits and hyphens, starting with a letter (e.g. pain-management)",
    OBJECTIVE_ID: "use lowercase letters, digits and hyphens, starting with a letter (e.g. titration)",
    ITEM_ID: "use letters, digits, '_' and '-', starting with a letter, at most 64 characters (e.g. q01-dose)",
    LANGUAGE: "use a BCP 47 language tag such as en or fr-FR",
}


@dataclass
class YamlDoc:
    """One parsed YAML file: `raw` keeps ruamel's line information, `data` is plain Python for pydantic."""

    path: Path
    name: str  # as shown in diagnostics
    raw: Any
    data: Any

    def locate(self, loc: Loc) -> tuple[int, Loc]:
        """1-based line of what `loc` points at, and the part of `loc` that exists in the file.

        Parts that are not in the data (a discriminated-union tag such as 'single', a union member such as
        'int', or the missing key of a `missing` error) are skipped, so the line is the deepest node that
        exists: for a missing key, the line of the mapping that lacks it (line 1 for the top level).
        """
        node, line, found = self.raw, 1, []
        for part in loc:
            if isinstance(node, CommentedMap) and not isinstance(part, int) and part in node:
                line = node.lc.key(part)[0] + 1
                node = node[part]
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
                line = node.lc.item(part)[0] + 1
                node = node[part]
            else:
                continue
            found.append(part)
        return line, tuple(found)

    def line_of(self, *loc: str | int) -> int | None:
        """Line of an exact path, or None when it is not in the file."""
        line, found = self.locate(loc)
        return line if len(found) == len(loc) else None

    def get(self, *loc: str | int) -> Any:
        """Plain value at an exact path, or None."""
        node = self.data
        for part in loc:
            if isinstance(node, dict) and not isinstance(part, int) and part in node:
                node = node[part]
                continue
            if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                node = node[part]
                continue
            return None
        return node


class _Constructor(RoundTripConstructor):
    """ruamel's round-trip constructor, with the line of a value it cannot build (`2023-02-30`, `!!int abc`).

    ruamel raises a bare ValueError for those, with no place; a MarkedYAMLError carries the node's line.
    """

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, OverflowError) as exc:
            value = getattr(node, "value", "")
            shown = f" {value!r}" if isinstance(value, str) and len(value) <= 60 else ""
            hint = "write a real date as YYYY-MM-DD" if "timestamp" in str(node.tag) else "correct the value"
            raise ConstructorError(
                None, None, f"cannot read the value{shown} ({exc}); {hint}", node.start_mark
            ) from exc


def _read_text(path: Path, name: str, report: Report) -> str | None:
    """The file's text, refusing what is not a regular file (a FIFO would block forever) or is too large."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            report.error(name, None, "source.not-a-file", f"{name} is not a regular file; replace it with a YAML file")
            return None
        if info.st_size > limits.YAML_BYTES:
            report.error(
                name,
                None,
                "yaml.too-large",
                f"file is {info.st_size:,} bytes; the limit is {limits.human(limits.YAML_BYTES, 'bytes')} "
                "(docs/limits.md): split the quiz or remove what the module does not need",
            )
            return None
        with path.open("rb") as fh:
            data = fh.read(limits.YAML_BYTES + 1)  # bounded even if the file grows under us
    except OSError as exc:
        report.error(
            name, None, "source.unreadable", f"cannot read {name}: {exc.strerror or exc}; check its permissions"
        )
        return None
    if len(data) > limits.YAML_BYTES:
        report.error(
            name,
            None,
            "yaml.too-large",
            f"file is over {limits.human(limits.YAML_BYTES, 'bytes')} (docs/limits.md); make it smaller",
        )
        return None
    try:
        return data.decode("utf-8-sig")  # editors on Windows add a BOM
    except UnicodeDecodeError as exc:
        report.error(
            name, None, "yaml.encoding", f"file is not UTF-8 ({exc.reason} at byte {exc.start}); save it as UTF-8"
        )
        return None


def _check_shape(text: str, name: str, report: Report) -> bool:
    """Bound what the file expands to before building it: nesting depth, and values with every alias expanded.

    The event stream is read without recursion or copies, so a 3 KB alias bomb (each anchor used ten times by the
    next) or 10,000 nested brackets cost only the events themselves. A recursive alias (`&a [*a]`) is refused too.
    """
    sizes: dict[str, int] = {}
    stack: list[list] = []  # [anchor, size so far] of each open mapping or sequence
    total = 0
    try:
        for event in YAML(typ="safe", pure=True).parse(text):  # events only: no comments kept, a third faster
            line = event.start_mark.line + 1 if event.start_mark is not None else None
            if isinstance(event, CollectionStartEvent):
                stack.append([event.anchor, 1])
                if len(stack) > limits.YAML_DEPTH:
                    report.error(
                        name,
                        line,
                        "yaml.too-deep",
                        f"values nest more than {limits.YAML_DEPTH} levels deep (docs/limits.md); "
                        "flatten the structure",
                    )
                    return False
                continue
            if isinstance(event, CollectionEndEvent):
                anchor, size = stack.pop()
                if anchor is not None:
                    sizes[anchor] = size
            elif isinstance(event, AliasEvent):
                if event.anchor in (open_anchor for open_anchor, _ in stack):
                    report.error(
                        name,
                        line,
                        "yaml.too-complex",
                        f"alias *{event.anchor} is used inside its own anchor (a recursive value); "
                        "write the value out instead",
                    )
                    return False
                size = sizes.get(event.anchor, 1)
            elif isinstance(event, ScalarEvent):
                size = 1
                if event.anchor is not None:
                    sizes[event.anchor] = 1
            else:
                continue
            if stack:
                stack[-1][1] += size
            total += size
            if total > limits.YAML_NODES:
                report.error(
                    name,
                    line,
                    "yaml.too-complex",
                    f"the file expands to more than {limits.YAML_NODES:,} values once its aliases (*name) "
                    "are expanded (docs/limits.md); write the values out or use fewer aliases",
                )
                return False
    except YAMLError:
        return True  # a syntax error: the full load below reports it at its line
    return True


def load_yaml(path: Path, name: str, report: Report) -> YamlDoc | None:
    """Parse a YAML file; a syntax error becomes `yaml.syntax` at the line ruamel reports."""
    text = _read_text(path, name, report)
    if text is None or not _check_shape(text, name, report):
        return None
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    try:
        raw = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        context_line = exc.context_mark.line + 1 if exc.context_mark is not None else None
        if type(exc).__name__ == "DuplicateKeyError":
            key = re.search(r'duplicate key "(.*?)"', exc.problem or "")
            what = f"key {key.group(1)!r}" if key else "a key"
            report.error(
                name,
                line,
                "yaml.duplicate-key",
                f"{what} appears twice in the mapping that starts at line {context_line}; keep one",
            )
            return None
        problem = " ".join((exc.problem or "invalid YAML").split())
        if isinstance(exc, ConstructorError) and exc.problem and exc.problem.startswith("cannot read the value"):
            code = "yaml.invalid-date" if "YYYY-MM-DD" in exc.problem else "yaml.invalid-value"
            report.error(name, line, code, problem)
            return None
        plain = yaml_problem(exc, text)  # the usual mistakes, in the designer's words (source/hints.py)
        if plain is not None:
            report.error(name, plain[0], "yaml.syntax", plain[1])
            return None
        if exc.context and context_line is not None and context_line != line:
            problem += f" ({exc.context} started at line {context_line})"
        elif exc.context:
            problem = f"{exc.context}: {problem}"
        report.error(
            name, line, "yaml.syntax", f"could not parse YAML: {problem}; check indentation and quoting near this line"
        )
        return None
    except ReaderError as exc:  # a character YAML does not allow in a file (control characters, NUL)
        line = text.count("\n", 0, exc.position) + 1 if isinstance(exc.position, int) else None
        report.error(
            name,
            line,
            "yaml.control-character",
            f"the file holds the character U+{exc.character:04X}, which YAML does not allow; remove it"
            if isinstance(exc.character, int)
            else "the file holds a character YAML does not allow; remove it",
        )
        return None
    except YAMLError as exc:
        report.error(
            name,
            None,
            "yaml.syntax",
            f"could not parse YAML: {' '.join(str(exc).split())}; check indentation and quoting",
        )
        return None
    except (AttributeError, TypeError, ValueError, KeyError, IndexError) as exc:
        # ruamel itself fails on a few malformed inputs (found by the quiz fuzzer: a merge key `<<:` on a scalar
        # gave "'ScalarNode' object has no attribute 'flow_style'"): still the file's fault, said as such.
        report.error(
            name,
            None,
            "yaml.syntax",
            f"could not parse YAML ({type(exc).__name__}); check merge keys (<<:), anchors and aliases",
        )
        return None
    except RecursionError:  # only if _check_shape's depth bound were raised above what the parser can take
        report.error(name, None, "yaml.too-deep", "values nest too deep to read; flatten the structure")
        return None
    doc = YamlDoc(path, name, raw, to_plain(raw))
    return doc if _check_values(doc, report) else None


# Characters that XML 1.0 cannot carry (lxml refuses them) or that act on a terminal when echoed (ESC, C1), plus
# the noncharacters U+FFFE/U+FFFF. YAML lets them in through escapes such as "\0", "\x1b" or "\uFFFE".
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _check_values(doc: YamlDoc, report: Report) -> bool:
    """Every key and value is text, a number, a boolean, a date, a list or a mapping, and text holds no control
    characters; the rest (`!!binary`, `!!set`, custom tags) would reach pydantic or lxml as something they
    cannot take."""
    ok = True

    def walk(node: Any, loc: Loc) -> None:
        nonlocal ok
        if isinstance(node, dict):
            for key, value in node.items():
                walk(key, loc)
                walk(value, loc + (key,) if isinstance(key, (str, int)) else loc)
            return
        if isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, loc + (index,))
            return
        line, _ = doc.locate(loc)
        if isinstance(node, str):
            bad = _BAD_CHARS.search(node)
            if bad:
                ok = False
                report.error(
                    doc.name,
                    line,
                    "yaml.control-character",
                    f"{describe(doc, loc) or 'a key'} holds the character U+{ord(bad.group()):04X} (a control "
                    "character or a noncharacter), which cannot be shown or packaged; remove it",
                )
        elif isinstance(node, float) and not math.isfinite(node):
            ok = False
            report.error(
                doc.name,
                line,
                "schema.invalid",
                f"{describe(doc, loc) or 'a key'} is {node!r}; it must be a finite number",
            )
        elif not isinstance(node, (bool, int, float, dt.date, type(None))):
            ok = False
            tag = getattr(getattr(node, "tag", None), "value", None) or type(node).__name__
            report.error(
                doc.name,
                line,
                "yaml.unsupported-value",
                f"{describe(doc, loc) or 'a key'} is a {tag} value; write plain text, a number, a date, a list "
                "or a mapping",
            )

    walk(doc.raw, ())
    return ok


def to_plain(node: Any) -> Any:
    """ruamel's round-trip types (CommentedMap, ScalarFloat, LiteralScalarString, ...) as plain Python."""
    if isinstance(node, dict):
        return {to_plain(k): to_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [to_plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, str):
        return str(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, dt.datetime):
        return dt.datetime.fromisoformat(node.isoformat())
    if isinstance(node, dt.date):
        return dt.date(node.year, node.month, node.day)
    return node


# ---- pydantic errors -> diagnostics --------------------------------------------------------------------


def describe(doc: YamlDoc, path: Loc) -> str:
    """A human name for a place in the file: `module.yaml`, `quiz`, `authors[0]`, `item 'q1' choices[1]`."""
    if not path:
        return doc.path.name
    parts: list[str] = []
    rest = list(path)
    if len(rest) >= 2 and rest[0] == "items" and isinstance(rest[1], int):
        item_id = doc.get("items", rest[1], "id")
        parts.append(f"item {item_id!r}" if isinstance(item_id, str) else f"items[{rest[1]}]")
        rest = rest[2:]
    dotted = ""
    for part in rest:
        dotted += f"[{part}]" if isinstance(part, int) else (f".{part}" if dotted else str(part))
    if dotted:
        parts.append(dotted)
    return " ".join(parts)


def _unwrap(tp: Any) -> Any:
    """Strip Annotated and Optional."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(members) != 1:
                return tp
            tp = members[0]
        else:
            return tp


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def model_at(root: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The pydantic model class that validates the mapping at `loc` (tags of discriminated unions included)."""
    tp: Any = root
    for part in loc:
        tp = _unwrap(tp)
        if isinstance(part, int):
            if typing.get_origin(tp) is not list:
                return None
            tp = typing.get_args(tp)[0]
        elif _is_model(tp):
            field = tp.model_fields.get(part)
            if field is None:
                return None
            tp = field.annotation
        elif typing.get_origin(tp) in (typing.Union, types.UnionType):
            for member in typing.get_args(tp):
                member = _unwrap(member)
                tag = _is_model(member) and member.model_fields.get("type")
                if tag and part in typing.get_args(tag.annotation):
                    tp = member
                    break
            else:
                return None
        else:
            return None
    tp = _unwrap(tp)
    return tp if _is_model(tp) else None


def _value(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _readable(error: dict) -> str:
    """pydantic's message with the subject made explicit: 'Input should be X' -> 'it must be X'."""
    kind, msg, ctx = error["type"], error["msg"], error.get("ctx") or {}
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "it must be a mapping (key: value lines)"
    if kind == "list_type":
        return "it must be a list (lines starting with '- ')"
    if kind == "string_pattern_mismatch":
        return PATTERN_HINTS.get(str(ctx.get("pattern")), f"it must match the pattern {ctx.get('pattern')}")
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "it must not be empty"
    if kind == "too_short" and ctx.get("min_length") == 1:
        return "it must have at least one entry"
    if kind == "string_type" and isinstance(error.get("input"), (int, float, bool)):
        return "it must be text; put the value in quotes"
    msg = re.sub(r"^(Input|String|List|Value|Dictionary|Date|Datetime) should", "it must", msg)
    msg = re.sub(r"^Value error, ", "", msg)
    return msg


def _grouped(errors: list[dict], doc: YamlDoc) -> list[tuple[dict, list[dict]]]:
    """Errors of one value under a union (`published: abc` fails as date AND as int) become one group."""
    groups: dict[Loc, list[dict]] = {}
    order: list[tuple[dict, list[dict]]] = []
    for error in errors:
        _, found = doc.locate(error["loc"])
        singleton = error["type"] in ("missing", "extra_forbidden", "value_error") or "." in error["type"]
        if singleton or len(found) == len(error["loc"]):
            order.append((error, [error]))
            continue
        if found in groups:
            groups[found].append(error)
        else:
            groups[found] = [error]
            order.append((error, groups[found]))
    return order


def validation_diagnostics(
    doc: YamlDoc,
    root: type[BaseModel],
    exc: ValidationError,
    report: Report,
    skip: frozenset[str] = frozenset(),
) -> None:
    """Every error of one `model_validate` call, at its line, with a code and a fix.

    `skip`: codes another check reports with more to say (both lines of a duplicate, say).
    """
    for error, group in _grouped([dict(e) for e in exc.errors()], doc):
        loc: Loc = tuple(error["loc"])
        kind = error["type"]
        line, found = doc.locate(loc)
        if kind == "extra_forbidden":
            key = loc[-1]
            model = model_at(root, loc[:-1])
            allowed = list(model.model_fields) if model else []
            close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else f"allowed keys: {', '.join(allowed)}"
            where = describe(doc, found[:-1])
            report.error(doc.name, line, "schema.unknown-key", f"unknown key {key!r} in {where}; {hint}")
        elif kind == "missing":
            where = describe(doc, found)
            report.error(doc.name, line, "schema.missing", f"{where} is missing required key {loc[-1]!r}; add it")
        elif kind in ("union_tag_invalid", "union_tag_not_found"):
            tags = [t.strip("'") for t in (error.get("ctx") or {}).get("expected_tags", "").split(", ") if t]
            tags = tags or list(ITEM_TYPES)
            where = describe(doc, found)
            if kind == "union_tag_not_found":
                report.error(
                    doc.name,
                    line,
                    "schema.missing",
                    f"{where} is missing required key 'type'; add one of: {', '.join(tags)}",
                )
            else:
                tag = error["ctx"]["tag"]
                close = difflib.get_close_matches(tag, tags, n=1, cutoff=0.6)
                hint = f"did you mean {close[0]!r}? " if close else ""
                type_line = doc.line_of(*found, "type") or line
                report.error(
                    doc.name,
                    type_line,
                    "schema.invalid",
                    f"{where} has unknown type {tag!r}; {hint}use one of: {', '.join(tags)}",
                )
        elif "." in kind:
            # A validator that raises model.coded("quiz.no-correct-answer", message) names its own code
            # (pydantic's own error types have no dot).
            if kind not in skip:
                report.error(doc.name, line, kind, error["msg"])
        elif kind == "value_error":
            # Other model validators (model.py) speak for themselves.
            report.error(doc.name, line, "schema.invalid", _readable(error))
        else:
            where = describe(doc, found) or doc.path.name
            if not found:
                report.error(doc.name, line, "schema.invalid", f"{where}: {_readable(error)}")
                continue
            reasons: list[str] = []
            date_fix = date_hint(group)  # 22/09/2010 -> "write 2010-09-22" (source/hints.py)
            for member in group if date_fix is None else ():
                reason = _readable(member)
                if len(group) > 1:
                    reason = reason.split(",")[0]
                if reason not in reasons:
                    reasons.append(reason)
            reason = date_fix or " or ".join([reasons[0]] + [r.removeprefix("it must be ") for r in reasons[1:]])
            if kind == "literal_error":
                expected = re.findall(r"'([^']*)'", (error.get("ctx") or {}).get("expected", ""))
                close = difflib.get_close_matches(str(error.get("input")), expected, n=1, cutoff=0.6)
                if close:
                    reason += f"; did you mean {close[0]!r}?"
            report.error(doc.name, line, "schema.invalid", f"invalid {where} {_value(error.get('input'))}: {reason}")
