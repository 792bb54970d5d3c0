"""Standalone web: the player alone, no manifest, resume state in localStorage."""

from __future__ import annotations

from scormkit.targets import register
from scormkit.targets.base import Target


@register
class WebTarget(Target):
    """A folder or zip any web server (or a file:// URL) can serve; no LMS, no manifest."""

    name = "web"
    label = "the web target"
    runtime = "web"
    manifest_name = None

    @property
    def suspend_data_limit(self) -> int:
        # localStorage keeps about 5 MB per origin in current browsers; 1,000,000 characters (UTF-16) leaves room
        # for other pages of the same origin (docs/lms-pitfalls.md rule 1: the budget is checked at build time).
        return 1_000_000
