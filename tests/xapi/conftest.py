"""Fixtures of the xAPI / cmi5 tests: the test LRS (Ralph + front server) and the statement validators.

    lrs                 session-scoped LrsFront (tests/xapi/lrs.py) over a Ralph process, both on 127.0.0.1;
                        `lrs.outage`, `lrs.outages` and `lrs.verdict` are reset after each test
    check_statements    check_statements(statements) -> problems: Learning Locker's xapi-validation (node)
                        and the `tincan` package's parser, for every statement
    chromium            Debian's Chromium (Playwright): the session browser of tests/conftest.py
    packages            the example module packed for xapi and cmi5 (+ "-1": a one-attempt copy, failure is final)
    web                 the browser harness's server (tests/browser/conftest.py, LmsServer) serving the packages
Ralph runs from its own virtualenv: run scripts/lrs-setup.sh first (docs/xapi-cmi5.md, "The test LRS").
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .lrs import REPO_ROOT, LrsFront, Ralph, ralph_python

HERE = Path(__file__).resolve().parent
VALIDATOR = HERE / "validate_statements.js"


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def unavailable(reason: str) -> None:
    """Skip locally; fail under CI=true, where a missing setup step must not pass as a skipped test."""
    if _ci():
        pytest.fail(f"xAPI tests cannot run under CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def ralph(tmp_path_factory: pytest.TempPathFactory) -> Any:
    if not ralph_python().exists():
        unavailable(f"no Ralph virtualenv at {ralph_python().parent.parent}: run scripts/lrs-setup.sh")
    server = Ralph(tmp_path_factory.mktemp("ralph"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def lrs_front(ralph: Ralph) -> Any:
    front = LrsFront(ralph)
    yield front
    front.close()


@pytest.fixture
def lrs(lrs_front: LrsFront) -> Any:
    lrs_front.outage = False
    lrs_front.outages.clear()
    lrs_front.verdict = None
    yield lrs_front
    lrs_front.outage = False
    lrs_front.outages.clear()
    lrs_front.verdict = None


def xapi_validation(statements: list[dict[str, Any]]) -> list[list[str]]:
    """Learning Locker's xapi-validation verdict per statement (empty list = valid)."""
    if shutil.which("node") is None:
        unavailable("node is not installed")
    if not (REPO_ROOT / "node_modules" / "xapi-validation").is_dir():
        unavailable("node_modules/xapi-validation missing: run `npm ci`")
    run = subprocess.run(
        ["node", str(VALIDATOR)], input=json.dumps(statements), capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(run.stdout)


def tincan_problems(statement: dict[str, Any]) -> list[str]:
    """What the `tincan` package (Rustici's Python xAPI library) cannot parse, or changes when it round-trips."""
    from tincan import Statement

    try:
        parsed = Statement.from_json(json.dumps(statement))
    except Exception as error:  # tincan raises ValueError/TypeError/AttributeError on malformed input
        return [f"tincan cannot parse it: {type(error).__name__}: {error}"]
    problems = []
    if str(parsed.id) != statement["id"]:
        problems.append(f"tincan read id {parsed.id}")
    if parsed.verb.id != statement["verb"]["id"]:
        problems.append(f"tincan read verb {parsed.verb.id}")
    return problems


@pytest.fixture
def check_statements() -> Callable[[list[dict[str, Any]]], dict[str, list[str]]]:
    """check_statements(statements) -> {statement id: problems} for the statements with problems."""

    def check(statements: list[dict[str, Any]]) -> dict[str, list[str]]:
        verdicts = xapi_validation(statements)
        found: dict[str, list[str]] = {}
        for statement, verdict in zip(statements, verdicts):
            problems = [f"xapi-validation: {p}" for p in verdict] + [f"tincan: {p}" for p in tincan_problems(statement)]
            if problems:
                found[statement.get("id", "?")] = problems
        return found

    return check


@pytest.fixture(scope="module")
def chromium(browser: Any) -> Any:
    """Debian's Chromium: the session browser of tests/conftest.py, shared with the SCORM journeys."""
    return browser


@pytest.fixture(scope="session")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example module packed for xapi and cmi5, plus a one-attempt copy (so a failed quiz is final)."""
    from scormkit.api import pack
    from tests.browser.journey import MODULE_SRC, one_attempt_copy

    out = tmp_path_factory.mktemp("dist")
    built = {r.target: r.path for r in pack(MODULE_SRC, targets=["xapi", "cmi5"], out=out)}
    one = one_attempt_copy(tmp_path_factory.mktemp("one-attempt"))
    for result in pack(one, targets=["xapi", "cmi5"], out=tmp_path_factory.mktemp("dist1")):
        built[result.target + "-1"] = result.path
    return built


@pytest.fixture(scope="session")
def web() -> Any:
    from browser.conftest import LmsServer

    server = LmsServer()
    yield server
    server.close()
