"""Text for the terminal: `printable` (input text made safe to print) and `human_size` (a zip's size).

Standard library only: the console script (scormkit.entry) prints with them before the CLI is loaded, and the CLI
(scormkit.cli, scormkit.boundary) prints with the same two, so both say things the same way.
"""

from __future__ import annotations

import re

# C0 controls (ESC starts ANSI sequences), DEL, C1 controls (CSI is U+009B), lone surrogates (file names that were
# not UTF-8), and the bidirectional overrides that make a terminal show text in another order than it is.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match) -> str:
    char = match.group()
    code = ord(char)
    if char in "\n\r\t":
        return " "
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape: show the byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` safe to print on one terminal line: controls, stray surrogates and bidi overrides escaped."""
    return _UNPRINTABLE.sub(_escape, text)


def human_size(size: int) -> str:
    """A zip's size as `pack` prints it: 512 B, 929.5 KB, 16.3 MB."""
    for unit, scale in (("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"
