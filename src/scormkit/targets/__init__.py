"""Packaging targets: one class per standard, in a registry keyed by name (Sphinx builder style).

`get_target("scorm2004", edition="4th").build(module)` returns every file of the package by path.
"""

from __future__ import annotations

from typing import TypeVar

from scormkit.targets.base import Identifiers, ManifestError, OptionError, Target, TargetError, TargetOption

__all__ = [
    "TARGETS",
    "Identifiers",
    "ManifestError",
    "OptionError",
    "Target",
    "TargetError",
    "TargetOption",
    "get_target",
    "register",
]

#: Target classes by name, in registration order.
TARGETS: dict[str, type[Target]] = {}

T = TypeVar("T", bound=type[Target])


def register(cls: T) -> T:
    """Class decorator adding a target to TARGETS; a second target with the same name is refused."""
    name = getattr(cls, "name", None)
    if not isinstance(name, str) or not name:
        raise TypeError(f"{cls.__qualname__} needs a non-empty class variable `name` to be registered")
    if name in TARGETS:
        existing = TARGETS[name]
        raise ValueError(
            f"target name {name!r} is already registered by {existing.__module__}.{existing.__qualname__}; "
            f"cannot register {cls.__module__}.{cls.__qualname__}"
        )
    TARGETS[name] = cls
    return cls


def get_target(name: str, **options: str | None) -> Target:
    """An instance of the target called `name` with `options` (None: not given), which the target checks against
    the options it declares: `edition` for scorm2004 ("2nd", "3rd" default, "4th"), `iri_base` for xapi and cmi5."""
    try:
        cls = TARGETS[name]
    except KeyError:
        raise TargetError(
            "target.unknown", f"unknown target {name!r}; known targets: {', '.join(sorted(TARGETS))}"
        ) from None
    return cls(**options)


# Importing the modules registers their targets.
from scormkit.targets import cmi5, scorm12, scorm2004, web, xapi  # noqa: E402, F401
