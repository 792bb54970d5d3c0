"""Moodle GIFT quiz files, read into quiz.yaml items with the line of each question.

The format is Moodle's (docs.moodle.org "GIFT format"): questions separated by blank lines, `//` comment lines,
`$CATEGORY:` lines, an optional `::title::`, an optional `[html]`/`[moodle]`/`[plain]`/`[markdown]` text format,
and one answer block in braces. What maps onto a scormkit item type:

| GIFT | item |
|---|---|
| `{=right ~wrong ~wrong}`, each answer with `#feedback` | single |
| `{~%50%a ~%50%b ~%-100%c}` (weights) | multiple: an answer with a positive weight is correct |
| `{T}` `{TRUE}` `{F}` `{FALSE}`, `{T#if wrong#if right}` | truefalse |
| `{=answer =other}` (all `=`, no `~`) | fillin |
| `{#3.5:0.5}` `{#1..5}` `{#=3.5:0.5#feedback}` | numeric (tolerance, range) |
| `{=a -> 1 =b -> 2}` | matching |
| text after the answer block ("missing word") | the gap is shown as _____ in the prompt |
| `####general feedback` | the item's feedback, right or wrong |

An essay (`{}`), a description (no answer block) and partial credit on a single answer have no scormkit item type
and are errors naming the question. PyPI has GIFT parsers (pygiftparser 1.1, 2017; pygiftparserrgmf 0.0.5), but
none keeps line numbers or is maintained, and a designer needs `quiz.gift:12` in every message.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import ClassVar

from scormkit.diagnostics import Report
from scormkit.model import ITEM_ID, OBJECTIVE_ID
from scormkit.source.quizdoc import ParsedItem

# Escaped characters become private-use placeholders followed by a filler, so offsets (and so lines) stay right.
SPECIAL = "~=#{}:\\n"
FILLER = "\ue0ff"
_PLACEHOLDER = {char: chr(0xE000 + i) for i, char in enumerate(SPECIAL)}
_RESTORE = {ph: ("\n" if char == "n" else char) for char, ph in _PLACEHOLDER.items()}
FORMATS = ("html", "moodle", "plain", "markdown")
GAP = "_____"


class GiftError(ValueError):
    """A question that cannot be read or mapped; `line` is absolute (1-based)."""

    def __init__(self, line: int, code: str, message: str):
        super().__init__(message)
        self.line, self.code, self.message = line, code, message


def _protect(text: str) -> str:
    return re.sub(
        r"\\(.)", lambda m: _PLACEHOLDER[m.group(1)] + FILLER if m.group(1) in _PLACEHOLDER else m.group(0), text
    )


def _restore(text: str) -> str:
    return "".join(_RESTORE.get(char, char) for char in text if char != FILLER)


def looks_like_gift(text: str) -> bool:
    """True when the text has GIFT answer blocks (`{=...}`, `{~...}`, `{T}`, `{#...}`) or `::title::` lines."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    return bool(
        re.search(r"^\s*::[^:\n]*::", body, re.M)
        or re.search(r"\{\s*(?:[=~]|#|T(?:RUE)?\s*[}#]|F(?:ALSE)?\s*[}#])", body)
    )


@dataclass
class _Block:
    text: str  # protected (escapes replaced)
    line: int  # 1-based line of its first character

    def line_at(self, offset: int) -> int:
        return self.line + self.text.count("\n", 0, offset)


@dataclass
class _Answer:
    marker: str  # "=" or "~"
    weight: float | None
    text: str  # protected, stripped
    feedback: str | None
    line: int


@dataclass
class _State:
    category: str | None = None
    used_ids: set[str] = field(default_factory=set)
    number: int = 0


def _blocks(text: str) -> list[_Block]:
    """Questions and $CATEGORY lines: runs of non-blank lines, `//` comment lines dropped (they also separate
    nothing: Moodle splits on blank lines only)."""
    blocks: list[_Block] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(_protect(text).splitlines(), start=1):
        if line.lstrip().startswith("//"):
            continue
        if not line.strip():
            if current:
                blocks.append(_Block("\n".join(current), start))
                current = []
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        blocks.append(_Block("\n".join(current), start))
    return blocks


def parse_gift(text: str, name: str, report: Report) -> list[ParsedItem] | None:
    """Every question of a GIFT file as a quiz.yaml item; each problem is reported at its line and the question
    is skipped, so one run shows them all. None when a question could not be read."""
    state = _State()
    items: list[ParsedItem] = []
    failed = False
    for block in _blocks(text):
        body = block.text
        category = re.match(r"\s*\$CATEGORY:\s*(.*)", body)
        if category:
            state.category = _restore(category.group(1).splitlines()[0]).strip()
            rest = body.split("\n", 1)
            if len(rest) == 1 or not rest[1].strip():
                continue
            block = _Block(rest[1], block.line + 1)
        state.number += 1
        try:
            items.append(_question(block, state))
        except GiftError as problem:
            failed = True
            report.error(name, problem.line, problem.code, problem.message)
    return None if failed else items


# ---- one question -----------------------------------------------------------------------------------------


def _question(block: _Block, state: _State) -> ParsedItem:
    body = block.text
    offset = len(body) - len(body.lstrip())
    title = None
    match = re.match(r"::(.*?)::", body[offset:], re.S)
    if match:
        title = _restore(match.group(1)).strip()
        offset += match.end()
    elif body[offset:].startswith("::"):
        raise GiftError(
            block.line_at(offset),
            "gift.syntax",
            "the title starts with '::' but has no closing '::'; write ::Title:: before the question text",
        )
    label = f"question {title!r}" if title else f"question {state.number}"
    match = re.match(r"\s*\[(\w+)\]", body[offset:])
    text_format = "moodle"
    if match:
        if match.group(1).lower() not in FORMATS:
            raise GiftError(
                block.line_at(offset),
                "gift.format",
                f"{label} has the text format [{match.group(1)}]; use one of " + ", ".join(f"[{f}]" for f in FORMATS),
            )
        text_format = match.group(1).lower()
        offset += match.end()

    opening = body.find("{", offset)
    if opening < 0:
        raise GiftError(
            block.line,
            "gift.no-answer",
            f"{label} has no answer block {{...}}, so it is a Moodle description, which is not a quiz "
            "item; add its answers in braces, or move the text to the slides or module description",
        )
    closing = body.find("}", opening)
    if closing < 0:
        raise GiftError(
            block.line_at(opening),
            "gift.syntax",
            f"{label}: the answer block opened here has no closing '}}'; close it, or write \\{{ for a literal brace",
        )
    if "{" in body[opening + 1 : closing]:
        raise GiftError(
            block.line_at(body.find("{", opening + 1)),
            "gift.syntax",
            f"{label}: a second '{{' inside the answer block; close the first block with '}}', "
            "or write \\{{ for a literal brace",
        )
    if "{" in body[closing + 1 :]:
        raise GiftError(
            block.line_at(body.find("{", closing + 1)),
            "gift.syntax",
            f"{label} has a second answer block; a question has one (write \\{{ for a literal brace)",
        )
    if "}" in body[closing + 1 :] or "}" in body[offset:opening]:
        where = body.find("}", closing + 1) if "}" in body[closing + 1 :] else body.find("}", offset)
        raise GiftError(
            block.line_at(where),
            "gift.syntax",
            f"{label}: '}}' without an opening '{{'; write \\}} for a literal brace",
        )

    head, tail = body[offset:opening].strip(), body[closing + 1 :].strip()
    if not head and not tail:
        raise GiftError(block.line, "gift.no-text", f"{label} has no question text; write it before the answer block")
    data: dict = {"id": _item_id(title, state), "type": ""}
    objective = _objective(state.category)
    if objective:
        data["objective"] = objective
    line = block.line_at(offset)
    parts = [_prompt(part, text_format, line, label) for part in (head, tail) if part]
    # "Missing word": text after the answer block means the answer fills a gap in the sentence.
    data["prompt"] = f" {GAP} ".join(parts) if head and tail else parts[0]
    entry_lines = _answers(body[opening + 1 : closing], block, opening + 1, data, label, text_format)
    data = {key: data[key] for key in ("id", "type", "objective", "prompt") if key in data} | {
        key: value for key, value in data.items() if key not in ("id", "type", "objective", "prompt")
    }
    return ParsedItem(data, block.line, entry_lines)


def _item_id(title: str | None, state: _State) -> str:
    """An item id from the title (letters, digits, '-'), else q01, q02...; made unique within the file."""
    base = ""
    if title:
        base = re.sub(r"[^A-Za-z0-9_-]+", "-", title).strip("-_")[:60]
        if base and not base[0].isalpha():
            base = f"q{base}"
    if not base or not re.match(ITEM_ID, base):
        base = f"q{state.number:02d}"
    candidate, suffix = base, 2
    while candidate in state.used_ids:
        candidate, suffix = f"{base}-{suffix}", suffix + 1
    state.used_ids.add(candidate)
    return candidate


def _objective(category: str | None) -> str | None:
    """The last part of `$CATEGORY: $course$/pain/titration` names the objective when it is an objective id."""
    if not category:
        return None
    last = category.rstrip("/").rsplit("/", 1)[-1].strip()
    return last if re.match(OBJECTIVE_ID, last) else None


# ---- answers ----------------------------------------------------------------------------------------------


def _answers(inner: str, block: _Block, start: int, data: dict, label: str, text_format: str) -> dict[str, list[int]]:
    """Fill `data` from the inside of the answer block; returns the line of each choice/pair/answer."""
    general = None
    split = inner.find("####")
    if split >= 0:
        general = _plain(inner[split + 4 :], text_format)
        inner = inner[:split]
    content = inner.strip()
    first = start + (len(inner) - len(inner.lstrip()))
    line = block.line_at(first)
    if not content:
        raise GiftError(
            line,
            "gift.unsupported",
            f"{label} is an essay ({{}}), which has no scormkit item type yet; make it a short answer "
            "({=accepted answer}) or leave it out",
        )
    feedback: dict[str, str] = {}
    entry_lines: dict[str, list[int]] = {}
    truefalse = re.fullmatch(r"(TRUE|FALSE|T|F)\s*(?:#([^#]*))?\s*(?:#([^#]*))?", content, re.S)
    if truefalse:
        data["type"] = "truefalse"
        data["answer"] = truefalse.group(1).startswith("T")
        # GIFT: the first feedback is shown for a wrong answer, the second for a right one.
        if truefalse.group(2) and truefalse.group(2).strip():
            feedback["incorrect"] = _plain(truefalse.group(2), text_format)
        if truefalse.group(3) and truefalse.group(3).strip():
            feedback["correct"] = _plain(truefalse.group(3), text_format)
    elif content.startswith("#"):
        _numeric(content[1:], block, first + 1, data, feedback, label, text_format)
    else:
        answers = _split_answers(content, block, first, label)
        if any("->" in answer.text for answer in answers):
            _matching(answers, data, label)
            entry_lines["pairs"] = [a.line for a in answers]
        elif all(answer.marker == "=" for answer in answers):
            _short_answer(answers, data, feedback, label, text_format)
        else:
            _choice(answers, data, label, text_format)
            entry_lines["choices"] = [a.line for a in answers]
    if general:
        feedback.setdefault("correct", general)
        feedback.setdefault("incorrect", general)
    if feedback:
        data["feedback"] = {key: feedback[key] for key in ("correct", "incorrect") if key in feedback}
    return entry_lines


def _split_answers(content: str, block: _Block, start: int, label: str) -> list[_Answer]:
    """`=a#fb ~%50%b ~c` -> answers with marker, weight, text, feedback and line."""
    if content[0] not in "=~":
        raise GiftError(
            block.line_at(start),
            "gift.syntax",
            f"{label}: the answer block must start with = (right answer), ~ (wrong answer), # (number) "
            f"or T/F, not {_restore(content[:20])!r}; escape a literal = or ~ as \\= or \\~",
        )
    answers = []
    for match in re.finditer(r"([=~])([^=~]*)", content):
        offset = start + match.start()
        raw = match.group(2)
        weight = None
        weighted = re.match(r"\s*%(-?\d+(?:\.\d+)?)%", raw)
        if weighted:
            weight = float(weighted.group(1))
            raw = raw[weighted.end() :]
        elif re.match(r"\s*%", raw):
            raise GiftError(
                block.line_at(offset),
                "gift.syntax",
                f"{label}: a weight is written %50% (a number between % signs), not {_restore(raw[:12])!r}",
            )
        text, _, answer_feedback = raw.partition("#")
        answers.append(
            _Answer(match.group(1), weight, text.strip(), answer_feedback.strip() or None, block.line_at(offset))
        )
    for answer in answers:
        if not answer.text:
            raise GiftError(
                answer.line,
                "gift.syntax",
                f"{label} has an empty answer after {answer.marker!r}; write its text, or remove the "
                f"{answer.marker!r} (write \\{answer.marker} for a literal one)",
            )
    return answers


def _choice(answers: list[_Answer], data: dict, label: str, text_format: str) -> None:
    """One answer with credit: single choice. Several, each with a weight (~%50%): multiple response, like
    Moodle, which makes a question multiple-answer when more than one answer earns credit."""
    credited = [a for a in answers if a.marker == "=" or (a.weight is not None and a.weight > 0)]
    unweighted_right = [a for a in answers if a.marker == "=" and a.weight is None]
    if not credited or (len(credited) > 1 and len(unweighted_right) > 1):
        where = unweighted_right[1].line if len(unweighted_right) > 1 else answers[0].line
        count = f"{len(unweighted_right)} right answers" if credited else "no right answer"
        raise GiftError(
            where,
            "gift.choice-correct",
            f"{label} has {count} (=); mark one with = for a single choice, or give every right answer "
            "a weight such as ~%50% for a multiple-response question",
        )
    if len(credited) == 1:
        weight = credited[0].weight
        if weight is not None and weight != 100:
            raise GiftError(
                credited[0].line,
                "gift.unsupported",
                f"{label} gives partial credit ({weight:g}%) to its only right answer "
                f"{_restore(credited[0].text)!r}; scormkit scores a choice right or wrong: write it as "
                "=answer",
            )
        data["type"] = "single"
    else:
        data["type"] = "multiple"
    data["choices"] = []
    for answer in answers:
        choice: dict = {"text": _plain(answer.text, text_format)}
        if answer in credited:
            choice["correct"] = True
        if answer.feedback:
            choice["feedback"] = _plain(answer.feedback, text_format)
        data["choices"].append(choice)


def _short_answer(answers: list[_Answer], data: dict, feedback: dict, label: str, text_format: str) -> None:
    for answer in answers:
        if answer.weight is not None and answer.weight != 100:
            raise GiftError(
                answer.line,
                "gift.unsupported",
                f"{label} gives partial credit ({answer.weight:g}%) to the short answer "
                f"{_restore(answer.text)!r}; scormkit accepts an answer or not: drop the weight, or "
                "remove the answer",
            )
    data["type"] = "fillin"
    data["accepted"] = [_plain(a.text, "plain") for a in answers]
    first = next((a.feedback for a in answers if a.feedback), None)
    if first:
        feedback["correct"] = _plain(first, text_format)


def _matching(answers: list[_Answer], data: dict, label: str) -> None:
    pairs = []
    for answer in answers:
        source, arrow, target = answer.text.partition("->")
        if answer.marker != "=" or not arrow:
            raise GiftError(
                answer.line,
                "gift.syntax",
                f"{label} is a matching question, so every answer is written =item -> match; "
                f"fix {answer.marker}{_restore(answer.text)!r}",
            )
        if not source.strip() or not target.strip():
            raise GiftError(
                answer.line,
                "gift.unsupported",
                f"{label} has a match with no item on one side ({_restore(answer.text)!r}); scormkit "
                "matching needs both sides of every pair",
            )
        pairs.append({"source": _plain(source, "plain"), "target": _plain(target, "plain")})
    data["type"] = "matching"
    data["pairs"] = pairs


_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"


def _numeric(content: str, block: _Block, start: int, data: dict, feedback: dict, label: str, text_format: str) -> None:
    content_stripped = content.strip()
    answers: list[tuple[str, str | None, int]] = []  # (value text, feedback, line)
    if content_stripped.startswith("="):
        for parsed in _split_answers(content_stripped, block, start + content.find("="), label):
            if parsed.weight is not None and parsed.weight != 100:
                raise GiftError(
                    parsed.line,
                    "gift.unsupported",
                    f"{label} gives partial credit ({parsed.weight:g}%) to the number "
                    f"{_restore(parsed.text)!r}; scormkit accepts one answer or range: drop that answer",
                )
            answers.append((parsed.text, parsed.feedback, parsed.line))
    else:
        number, _, number_feedback = content_stripped.partition("#")
        answers.append((number.strip(), number_feedback.strip() or None, block.line_at(start)))
    if len(answers) > 1:
        raise GiftError(
            answers[1][2],
            "gift.unsupported",
            f"{label} has {len(answers)} accepted numbers; scormkit takes one answer with a tolerance "
            "or one range: merge them into min..max",
        )
    value, answer_feedback, line = answers[0]
    value = _restore(value).strip()
    if match := re.fullmatch(rf"({_NUMBER})\s*\.\.\s*({_NUMBER})", value):
        data["type"], data["min"], data["max"] = "numeric", _num(match.group(1)), _num(match.group(2))
    elif match := re.fullmatch(rf"({_NUMBER})\s*(?::\s*({_NUMBER}))?", value):
        data["type"], data["answer"] = "numeric", _num(match.group(1))
        if match.group(2) is not None and float(match.group(2)) != 0:
            data["tolerance"] = abs(_num(match.group(2)))
    else:
        raise GiftError(
            line,
            "gift.numeric",
            f"{label}: {value!r} is not a number; write {{#3.5}}, {{#3.5:0.5}} (tolerance) or {{#3..4}} "
            "(range), with a dot as the decimal separator",
        )
    if answer_feedback:
        feedback["correct"] = _plain(answer_feedback, text_format)


def _num(text: str) -> float | int:
    number = float(text)
    return int(number) if number.is_integer() and "e" not in text.lower() and "." not in text else number


# ---- text formats -----------------------------------------------------------------------------------------


def _prompt(text: str, text_format: str, line: int, label: str) -> str:
    """The question text as the Markdown a prompt is written in."""
    if text_format == "markdown":
        return _restore(text).strip()
    if text_format == "plain" or "<" not in text:
        return _escape_markdown(_restore(text).strip())
    try:
        return _HtmlToMarkdown.convert(_restore(text))
    except GiftError as problem:
        raise GiftError(line, problem.code, f"{label} {problem.message}") from None


def _plain(text: str, text_format: str) -> str:
    """Choice, match and feedback texts are shown as plain text: HTML tags dropped, entities decoded."""
    text = _restore(text).strip()
    if text_format in ("html", "moodle") and "<" in text:
        text = html.unescape(re.sub(r"<[^>]+>", "", text)).strip()
    return re.sub(r"\s*\n\s*", " ", text)


def _escape_markdown(text: str) -> str:
    """Plain text that Markdown shows as written (no emphasis from a '*', no HTML from a '<')."""
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", text)


class _HtmlToMarkdown(HTMLParser):
    """The HTML Moodle's editor writes in question texts, as Markdown; anything else is refused by name."""

    INLINE: ClassVar[dict[str, str]] = {"b": "**", "strong": "**", "i": "*", "em": "*", "code": "`"}
    IGNORED: ClassVar[set[str]] = {"span", "div", "p", "br", "ul", "ol", "li", "a", "img", "sub", "sup", "u"} | set(
        INLINE
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.href: list[str | None] = []

    @classmethod
    def convert(cls, text: str) -> str:
        parser = cls()
        parser.feed(text)
        parser.close()
        markdown = "".join(parser.out)
        markdown = re.sub(r"[ \t]*\n[ \t]*", "\n", markdown)
        return re.sub(r"\n{3,}", "\n\n", markdown).strip()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in self.INLINE:
            self.out.append(self.INLINE[tag])
        elif tag in ("p", "div"):
            self.out.append("\n\n")
        elif tag == "br":
            self.out.append("\\\n")  # CommonMark hard line break
        elif tag in ("ul", "ol"):
            self.out.append("\n\n")
        elif tag == "li":
            self.out.append("\n- ")
        elif tag == "a":
            self.out.append("[")
            self.href.append(values.get("href"))
        elif tag == "img":
            self.out.append(f"![{values.get('alt') or ''}]({values.get('src') or ''})")
        elif tag not in self.IGNORED:
            raise GiftError(
                0,
                "gift.html",
                f"uses the HTML tag <{tag}>, which a prompt cannot show; write the text in [markdown] instead",
            )

    def handle_endtag(self, tag: str) -> None:
        if tag in self.INLINE:
            self.out.append(self.INLINE[tag])
        elif tag in ("p", "div", "ul", "ol"):
            self.out.append("\n\n")
        elif tag == "a":
            href = self.href.pop() if self.href else None
            self.out.append(f"]({href})" if href else "]")

    def handle_data(self, data: str) -> None:
        self.out.append(_escape_markdown(re.sub(r"\s+", " ", data)))
