"""Where source files are, and how to name them in a diagnostic."""

from __future__ import annotations

import os
from pathlib import Path

from scormkit.model import is_safe_relative


def shown(path: Path) -> str:
    """The path as the user would type it: relative to the cwd when inside it, else as given."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return Path(path).as_posix()


def inside(src: Path, relative: str) -> Path | None:
    """`relative` resolved under the module folder, or None when it would leave it (absolute, `..`, symlink)."""
    if not is_safe_relative(relative):
        return None
    path = src / relative
    try:
        root = src.resolve()
        resolved = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop (RuntimeError before Python 3.13): it leads nowhere
        return None
    if resolved != root and root not in resolved.parents:
        return None
    return path


def broken_link(path: Path) -> bool:
    """True for a symbolic link that leads nowhere: dangling, or a loop (a -> b -> a)."""
    try:
        return path.is_symlink() and not path.exists()
    except (OSError, ValueError):
        return False
