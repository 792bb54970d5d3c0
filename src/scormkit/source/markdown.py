"""Markdown fields (description, prompts): CommonMark without raw HTML."""

from __future__ import annotations

from scormkit.text import markdown_parser

# With raw HTML on: this reader looks for raw HTML to report it (the output parsers drop it).
_PARSER = markdown_parser(html=True)


def _inline_line(token, child) -> int:
    """0-based line of an inline child: inline tokens carry no map of their own, so count the breaks before it."""
    before = token.children[: token.children.index(child)]
    return (token.map[0] if token.map else 0) + sum(1 for c in before if c.type in ("softbreak", "hardbreak"))


def images(text: str) -> list[tuple[int, str, str]]:
    """(0-based line within `text`, src, alt text) of every Markdown image."""
    found: list[tuple[int, str, str]] = []
    for token in _PARSER.parse(text):
        for child in token.children or []:
            if child.type == "image":
                found.append((_inline_line(token, child), str(child.attrs.get("src", "")), child.content.strip()))
    return found


def raw_html(text: str) -> list[tuple[int, str]]:
    """(0-based line within `text`, snippet) of every raw HTML block or inline tag."""
    found: list[tuple[int, str]] = []
    for token in _PARSER.parse(text):
        line = token.map[0] if token.map else 0
        if token.type == "html_block":
            found.append((line, token.content.strip().splitlines()[0]))
        for child in token.children or []:
            if child.type == "html_inline":
                found.append((_inline_line(token, child), child.content))
    return found
