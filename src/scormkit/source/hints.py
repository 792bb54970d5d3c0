"""Plain-language messages for the mistakes designers make most: YAML layout, dates, a deck that is not a PDF.

Each function turns what a parser says ("expected <block end>, but found '?'") into what to do, at the line to edit.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

INDENT_FIX = "keys of one mapping, and the '- ' of one list, must start in the same column (use spaces, 2 per level)"


def _show(text: str) -> str:
    text = text.strip()
    return repr(text if len(text) <= 40 else text[:37] + "...")


def yaml_problem(exc: Any, text: str) -> tuple[int | None, str] | None:
    """(line, message) for a ruamel MarkedYAMLError the designer can act on, or None to keep the parser's words."""
    problem, context = exc.problem or "", exc.context or ""
    mark, context_mark = exc.problem_mark, exc.context_mark
    line = mark.line + 1 if mark is not None else None
    start = context_mark.line + 1 if context_mark is not None else None
    lines = text.splitlines()

    def source(number: int | None) -> str:
        return lines[number - 1] if number is not None and 0 < number <= len(lines) else ""

    if "'\\t'" in problem:
        return line, f"line {line} is indented with a tab; YAML needs spaces: replace the tab with spaces (2 per level)"
    if problem == "mapping values are not allowed here":
        here = source(line)
        key, _, value = here.partition(":")
        if ": " in value or value.rstrip().endswith(":"):
            return line, (
                f"the value of {key.strip()!r} contains ': ', which YAML reads as a new key; put the whole "
                f'value in quotes: {key.strip()}: "{value.strip()}"'
            )
        above = (
            next(
                (n for n in range(line - 1, 0, -1) if source(n).strip() and not source(n).lstrip().startswith("#")),
                None,
            )
            if line
            else None
        )
        if above is not None:
            return line, (
                f"line {line} is indented more than line {above} ({_show(source(above))}), which already has "
                f"a value; {INDENT_FIX}"
            )
    if problem == "could not find expected ':'" and start is not None:
        return start, (
            f"line {start} ({_show(source(start))}) has no ':' after its key; write key: value, with a space "
            "after the colon, or continue the text above with the same indentation"
        )
    if problem.startswith("expected <block end>, but found '<scalar>'"):
        return line, (
            f"line {line} has more text after a quoted value or a value in braces or brackets "
            f'({_show(source(line))}); put the whole value in quotes, e.g. title: "{{text}} and more"'
        )
    if problem.startswith("expected <block end>, but found") or problem.startswith("did not find expected"):
        began = f" (the block starts at line {start})" if start is not None and start != line else ""
        return (
            line,
            f"line {line} ({_show(source(line))}) does not line up with the lines above it{began}; {INDENT_FIX}",
        )
    if problem.startswith("found unknown escape character"):
        char = re.search(r"'(.*)'", problem)
        return line, (
            f"in double quotes a backslash starts an escape, and \\{char.group(1) if char else ''} is not one; "
            "write \\\\ for a backslash, or use single quotes ('...')"
        )
    if problem == "found unexpected end of stream" and "quoted scalar" in context and start is not None:
        return start, f"the quote opened on line {start} is never closed; close it at the end of the value"
    found = re.match(r"found character '(.)' that cannot start any token", problem)
    if found:
        return line, (
            f"a value cannot start with {found.group(1)!r} in YAML; put the value in quotes: "
            f'{source(line).split(":", 1)[0].strip()}: "..."'
        )
    if problem.startswith("expected ',' or '}'") or problem.startswith("expected ',' or ']'"):
        where = start or line
        return where, (
            f"line {where} ({_show(source(where))}) has a value that starts with {{ or [, which YAML reads "
            'as a list or mapping; put the text in quotes, e.g. title: "[Draft] Pain"'
        )
    return None


# ---- dates -------------------------------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}


def _guess_date(text: str) -> dt.date | None:
    """The date `text` unambiguously means, in the formats designers write; None when it could be two dates."""
    text = text.strip().rstrip(".")
    try:
        if match := re.fullmatch(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})|(\d{4})-(\d{1,2})-(\d{1,2})", text):
            groups = [g for g in match.groups() if g is not None]
            return dt.date(int(groups[0]), int(groups[1]), int(groups[2]))
        if match := re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text):
            first, second, year = (int(g) for g in match.groups())
            if first > 12 >= second:
                return dt.date(year, second, first)
            if second > 12 >= first:
                return dt.date(year, first, second)
            return dt.date(year, first, second) if first == second else None
        words = re.findall(r"[A-Za-z]+|\d+", text)
        months = [w for w in words if w.lower() in _MONTHS]
        numbers = [int(w) for w in words if w.isdigit()]
        if len(months) == 1 and len(numbers) == 2:
            named_year = next((n for n in numbers if n > 31), None)
            day = next((n for n in numbers if n <= 31), None)
            if named_year is not None and day is not None:
                return dt.date(named_year, _MONTHS[months[0].lower()], day)
    except ValueError:
        return None
    return None


def date_hint(errors: list[dict]) -> str | None:
    """For a date written another way (22/09/2010, September 22, 2010): which format is expected."""
    if not any(e["type"].startswith("date") for e in errors):
        return None
    value = errors[0].get("input")
    takes_year = any(e["type"].startswith("int") for e in errors)
    expected = "a date YYYY-MM-DD" + (" or a year YYYY" if takes_year else "")
    guess = _guess_date(str(value)) if isinstance(value, str) else None
    if guess is not None:
        return f"it must be {expected}; write {guess.isoformat()}"
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,2}[/.-]\d{1,2}[/.-]\d{4}\s*", value):
        return (
            f"it must be {expected} (e.g. 2010-09-22); scormkit does not guess whether {value.strip()} "
            "is day/month or month/day"
        )
    return f"it must be {expected}, e.g. 2010-09-22"


# ---- a deck that is not a PDF ------------------------------------------------------------------------------


def not_a_pdf(data: bytes, file: str) -> str | None:
    """What the slides file really is when it is a presentation, and how to get the PDF."""
    head = data[:8]
    export = (
        "export it as PDF (PowerPoint: File > Export > Create PDF/XPS; Keynote: File > Export To > PDF; "
        "LibreOffice Impress: File > Export as PDF), save it in the module folder and set slides.file to the PDF"
    )
    if head.startswith(b"PK\x03\x04"):
        if b"ppt/" in data[:65536] or file.lower().endswith((".pptx", ".ppsx", ".potx")):
            kind = "a PowerPoint presentation (.pptx)"
        elif b"opendocument.presentation" in data[:4096]:
            kind = "a LibreOffice/OpenDocument presentation (.odp)"
        elif b"Index.zip" in data[:65536] or b"Metadata/" in data[:65536] or file.lower().endswith(".key"):
            kind = "a Keynote presentation (.key)"
        else:
            return None
        return f"{file} is {kind}, not a PDF; {export}"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2: PowerPoint 97-2003 (.ppt)
        return f"{file} is an old PowerPoint presentation (.ppt), not a PDF; {export}"
    return None
