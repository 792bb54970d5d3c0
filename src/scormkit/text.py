"""Every text conversion of scormkit in one place: the Markdown parser, Markdown to HTML and to plain text,
truncation, number renderings, vCards and hrefs. The player's course.json, the manifests and xapi.json all use
these, so the same source text comes out the same in every package (issue 10 item 9)."""

from __future__ import annotations

import functools
from urllib.parse import quote

from markdown_it import MarkdownIt
from markdown_it.token import Token

ELLIPSIS = "\u2026"

# Block tokens whose inline content becomes one line of plain text.
_BREAKS = {"softbreak", "hardbreak"}


@functools.cache
def markdown_parser(*, html: bool = False) -> MarkdownIt:
    """The CommonMark parser. html=False for output: the source format forbids raw HTML, so any that slips through
    is escaped or dropped, never copied. html=True only for the source reader, which finds raw HTML to report it."""
    return MarkdownIt("commonmark", {"html": html})


def render_markdown(source: str) -> str:
    """Markdown (CommonMark, no raw HTML) to an HTML fragment."""
    return markdown_parser().render(source).strip()


def _inline_text(children: list[Token] | None) -> str:
    parts: list[str] = []
    for token in children or []:
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type in _BREAKS:
            parts.append(" ")
        elif token.type == "image":
            parts.append(_inline_text(token.children))
    return "".join(parts)


def markdown_to_text(source: str) -> str:
    """Plain text of a Markdown string: one line per paragraph, heading, list item ("- ...") or code line."""
    lines: list[str] = []
    bullet = False  # the next paragraph opens a list item
    for token in markdown_parser().parse(source):
        if token.type == "list_item_open":
            bullet = True
        elif token.type == "inline":
            text = " ".join(_inline_text(token.children).split())
            if text:
                lines.append(f"- {text}" if bullet else text)
            bullet = False
        elif token.type in ("fence", "code_block"):
            lines.extend(line.strip() for line in token.content.splitlines() if line.strip())
    return "\n".join(lines)


def one_line(text: str) -> str:
    """`text` with every run of whitespace, newlines included, made one space."""
    return " ".join(text.split())


def plain_text(source: str) -> str:
    """Markdown as one line of plain text: what names and descriptions of activities and interactions carry."""
    return one_line(markdown_to_text(source))


def truncate(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters on a word boundary, ending with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if not text[limit - 1].isspace():  # the cut falls inside a word: drop that word
        cut = max(head.rfind(" "), head.rfind("\n"))
        if cut > 0:
            head = head[:cut]
    return head.rstrip(" \n\t,;:.-") + ELLIPSIS


def _vcard_escape(value: str) -> str:
    # RFC 2426 section 4: backslash, comma and semicolon are escaped in text values; newlines become \n.
    value = value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return " ".join(value.split())


def vcard(name: str, organization: str | None = None) -> str:
    """A minimal vCard 3.0 (what LOM's contribute/entity carries) for a person or an organisation.

    N is required by RFC 2426 but a display name cannot be split into family and given names reliably, so
    its components stay empty and FN carries the name.
    """
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{_vcard_escape(name)}", "N:;;;;"]
    if organization:
        lines.append(f"ORG:{_vcard_escape(organization)}")
    lines.append("END:VCARD")
    return "\n".join(lines)


def json_number(value: float) -> int | float:
    """A number as JSON should show it: 1.0 -> 1, 0.5 -> 0.5."""
    return int(value) if float(value).is_integer() else float(value)


def decimal(value: float, places: int = 4) -> str:
    """A short fixed-point rendering: 0.8 -> "0.8", 1.0 -> "1", 0.755 -> "0.755"."""
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def href(path: str) -> str:
    """A package path as a relative URI reference (IMS CP `href` is a URL: spaces and the like are escaped)."""
    return quote(path, safe="/-._~!$&'()*+,;=:@")
