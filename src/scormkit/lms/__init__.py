"""The local LMS shared by `scormkit preview` and `scormkit validate --run` (docs/preview.md).

scorm-again (package data, MIT, see scorm-again/PROVENANCE.md) runs SCORM 1.2 / 2004 content in an LMS frame page;
a small in-memory LRS answers xAPI and cmi5 content; everything is served on 127.0.0.1 only.
"""

from __future__ import annotations

from .content import OutsideRoot, open_content
from .launch import LaunchError, LaunchInfo, read_launch
from .server import HOST, MODES, PROFILES, LocalLms

__all__ = [
    "HOST",
    "MODES",
    "PROFILES",
    "LaunchError",
    "LaunchInfo",
    "LocalLms",
    "OutsideRoot",
    "open_content",
    "read_launch",
]
