"""Markdown fields (description, prompts): CommonMark without raw HTML."""

from __future__ import annotations

from markdown_it import MarkdownIt

_PARSER = MarkdownIt("commonmark")


def raw_html(text: str) -> list[tuple[int, str]]:
    """(0-based line within `text`, snippet) of every raw HTML block or inline tag."""
    found: list[tuple[int, str]] = []
    for token in _PARSER.parse(text):
        line = token.map[0] if token.map else 0
        if token.type == "html_block":
            found.append((line, token.content.strip().splitlines()[0]))
        for child in token.children or []:
            if child.type == "html_inline":
                # Inline tokens carry no map of their own: count the soft breaks before them.
                offset = sum(1 for c in token.children[: token.children.index(child)] if c.type in ("softbreak", "hardbreak"))
                found.append((line + offset, child.content))
    return found
