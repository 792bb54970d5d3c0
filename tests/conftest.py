"""Fixtures shared by every suite: one Debian Chromium and one slides render cache per test session.

Two sync Playwright instances cannot run in one thread, so the SCORM journeys (tests/browser) and the xAPI/cmi5
journeys (tests/xapi) share this browser. Playwright drives Debian's chromium; `playwright install` is never used.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium calls Google's hosts, which this sandbox refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def unavailable(reason: str) -> None:
    """Skip locally; fail under CI=true, where a missing set-up step must not pass as a skipped test."""
    if under_ci():
        pytest.fail(f"cannot run under CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Any:
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def render_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A render cache folder (`--cache-dir`) shared by the whole session, so module_src's deck is rendered once.

    The cache is keyed by the PDF's bytes and the slides options and verified by hash on every read
    (source/cache.py), so a test that packs a copy of module_src with other text still gets its own correct slides.
    Tests of the cache itself, and of cold rendering, use a folder of their own.
    """
    return tmp_path_factory.mktemp("render-cache")
