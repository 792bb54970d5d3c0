"""Moodle Aiken quiz files (single-choice questions in plain text), read into quiz.yaml items.

    Which drug reverses opioid-induced respiratory depression?
    A. Naloxone
    B. Morphine
    C) Codeine
    ANSWER: A

The question is one line or more, then two or more options `A.` / `A)`, then `ANSWER: <letter>`; questions are
separated by blank lines (Moodle also accepts none, and so does this reader).
"""

from __future__ import annotations

import re

from scormkit.diagnostics import Report
from scormkit.source.quizdoc import ParsedItem

_OPTION = re.compile(r"^\s*([A-Za-z])\s*[.)]\s+(.*\S)\s*$")
_ANSWER = re.compile(r"^\s*ANSWER\s*:\s*(.*?)\s*$", re.I)


def looks_like_aiken(text: str) -> bool:
    return bool(
        re.search(r"^\s*ANSWER\s*:\s*[A-Za-z]\s*$", text, re.M | re.I)
        and re.search(r"^\s*[A-Za-z]\s*[.)]\s+\S", text, re.M)
    )


def parse_aiken(text: str, name: str, report: Report) -> list[ParsedItem] | None:
    """Every question as a single-choice item; each problem at its line, all reported in one run."""
    items: list[ParsedItem] = []
    failed = False
    question: list[str] = []
    question_line = 0
    options: list[tuple[str, str, int]] = []  # (letter, text, line)

    def fail(line: int, message: str) -> None:
        nonlocal failed
        failed = True
        report.error(name, line, "aiken.syntax", message)

    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            if question and not options:
                question.append("")  # a blank line inside the question text: keep the paragraph
            continue
        answer = _ANSWER.match(line)
        option = _OPTION.match(line)
        if answer:
            label = f"question {len(items) + 1}" + (f" ({question[0][:40]!r})" if question else "")
            letters = [o[0].upper() for o in options]
            given = answer.group(1).upper()
            if not question:
                fail(
                    number,
                    "ANSWER: without a question before it; write the question, its options A. B. ..., "
                    "then ANSWER: <letter>",
                )
            elif len(options) < 2:
                fail(
                    number,
                    f"{label} has {len(options)} option(s); write at least two, one per line as 'A. text' or 'A) text'",
                )
            elif not re.fullmatch(r"[A-Z]", given):
                fail(
                    number,
                    f"{label}: ANSWER: takes one letter, not {answer.group(1)!r}; Aiken questions have "
                    "exactly one right option (use GIFT or quiz.yaml for several)",
                )
            elif given not in letters:
                fail(number, f"{label}: ANSWER: {given} is not one of its options ({', '.join(letters)})")
            elif len(set(letters)) != len(letters):
                fail(
                    number, f"{label} uses the same option letter twice ({', '.join(letters)}); letter them A, B, C..."
                )
            else:
                items.append(
                    ParsedItem(
                        {
                            "id": f"q{len(items) + 1:02d}",
                            "type": "single",
                            "prompt": "\n".join(question).strip(),
                            "choices": [
                                {"text": o[1], **({"correct": True} if o[0].upper() == given else {})} for o in options
                            ],
                        },
                        question_line,
                        {"choices": [o[2] for o in options]},
                    )
                )
            question, options = [], []
        elif option and question:
            options.append((option.group(1), option.group(2), number))
        elif options:
            fail(
                number,
                f"{line.strip()[:40]!r} follows the options of the question at line {question_line}, "
                "which has no ANSWER: line; end each question with ANSWER: <letter>, or start the option "
                "with a letter and a dot: 'C. text'",
            )
            question, options = [line.strip()], []
            question_line = number
        else:
            if not question:
                question_line = number
            question.append(line.strip())
    if question:
        fail(question_line, f"the question at line {question_line} has no ANSWER: line; end it with ANSWER: <letter>")
    return None if failed else items
