"""`scormkit validate --run`: launch each package in headless Chromium against the local LMS and report what an LMS sees.

The LMS is scormkit.lms (scorm-again for SCORM 1.2 / 2004, the local LRS for xAPI / cmi5), on 127.0.0.1. Each
package gets a fresh LMS, a fresh browser context and a fresh learner. The content is loaded in the LMS frame, given
time to start, then closed the way an LMS closes it (the frame navigates away, so its unload handlers run). Every
request that leaves the LMS origin is blocked and reported. The findings join the package's validation result, so
text, JSON, JUnit and GitHub output work unchanged; their codes (run.*) are documented in docs/preview.md.

Needs Playwright (`pip install 'scormkit[run]'`) and a Chromium or Chrome binary (PATH or `--browser`); it never
downloads a browser.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from scormkit.diagnostics import Diagnostic, Severity

from .findings import PackageResult, Rule

ERR, WARN, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

#: The rules of the runtime check (documented in docs/preview.md; a test keeps the two in step).
RUN_RULES: dict[str, Rule] = {
    r.code: r
    for r in [
        Rule(
            "run.launched",
            INFO,
            "what the LMS saw during the launch: initialization, calls, status, statements",
            "nothing to do",
        ),
        Rule(
            "run.not-launched",
            ERR,
            "the local LMS could not launch the package (no launch file, unsafe zip)",
            "fix the errors reported above, then run again",
        ),
        Rule(
            "run.launch-file-failed",
            ERR,
            "the launch file did not load in the LMS frame",
            "check the launch file (href / <launch> / AU url) and that it is in the package",
        ),
        Rule(
            "run.not-initialized",
            ERR,
            "the content never called LMSInitialize / Initialize (SCORM) or sent no statement "
            "(xAPI; cmi5: no initialized statement): the LMS records nothing for the learner",
            "call the API's Initialize on load; find the API in parent frames and the opener (docs/lms-pitfalls.md rule 14)",
        ),
        Rule(
            "run.api-error",
            ERR,
            "a SCORM API call failed (the LMS returned an error code): the value is not stored",
            "send values the data model allows, after Initialize and before Finish/Terminate (message has the code)",
        ),
        Rule(
            "run.script-error", ERR, "an uncaught JavaScript error in the content", "fix the script at the place shown"
        ),
        Rule(
            "run.statement-rejected",
            ERR,
            "the LRS refused a request of the content (statement, state document, fetch)",
            "send what the LRS accepts; the message has its answer",
        ),
        Rule(
            "run.cmi5-fetch",
            ERR,
            "the cmi5 fetch URL was not used exactly once (cmi5 8.2: POST it once per launch)",
            "POST the fetch URL once at launch and keep the token for the session (docs/lms-pitfalls.md rules 16, 27)",
        ),
        Rule(
            "run.no-finish",
            WARN,
            "closing the content did not end the session (no LMSFinish/Terminate; cmi5: no "
            "terminated statement): LMSs that wait for it lose the last data (docs/lms-pitfalls.md rule 3)",
            "call LMSFinish / Terminate (cmi5: send terminated) on pagehide and from an Exit button",
        ),
        Rule(
            "run.status-overridden",
            WARN,
            "the LMS stored another status than the content sent: with a masteryscore "
            "(1.2, credit) or a scaled passing score (2004) it grades by the score (docs/lms-pitfalls.md rule 24; Moodle profile)",
            "make the content's status agree with the score and the manifest's mastery (docs/lms-pitfalls.md rules 6, 23)",
        ),
        Rule(
            "run.lms-data-refused",
            WARN,
            "scorm-again refused some of the data the LMS hands over before launch "
            "(the manifest's masteryscore, datafromlms, limits)",
            "fix the value in the manifest",
        ),
        Rule(
            "run.file-missing",
            WARN,
            "the content requested a package file that is not there (HTTP 404)",
            "add the file to the package or remove the reference",
        ),
        Rule(
            "run.external-request",
            WARN,
            "the content requested a URL outside the package (blocked here; many LMSs and "
            "learners' networks block it too)",
            "ship the file inside the package",
        ),
        Rule(
            "run.console-error",
            WARN,
            "the content logged an error to the browser console",
            "read the message; fix its cause",
        ),
    ]
}

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
# Without the background-networking flags Chromium calls Google's hosts on start.
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
]
INIT_TIMEOUT = 15.0  # seconds the content gets to load and initialize
SETTLE = 1.0  # seconds after initializing, for its start-up calls, before the LMS closes it
CLOSE_TIMEOUT = 10.0  # seconds for Finish / terminated after the close (keepalive requests on a busy machine)


class RunUnavailable(RuntimeError):
    """validate --run cannot start: Playwright or a Chromium binary is missing; the message says how to get it."""


def find_browser(explicit: str | None = None) -> str:
    """The Chromium/Chrome executable: `explicit` (a path or a name on PATH), else the first known name on PATH."""
    if explicit:
        found = shutil.which(explicit) or (explicit if Path(explicit).is_file() else None)
        if not found:
            raise RunUnavailable(
                f"--browser {explicit}: no such executable; pass the path of a Chromium or Chrome binary"
            )
        return found
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise RunUnavailable(
        "validate --run needs Chromium or Chrome, and none is on PATH "
        f"({', '.join(CHROMIUM_NAMES)}). Install it (Debian/Ubuntu: apt-get install chromium; "
        "macOS: brew install --cask chromium) or pass --browser /path/to/chrome."
    )


def _finding(code: str, file: str, message: str, line: int | None = None) -> Diagnostic:
    rule = RUN_RULES[code]
    return Diagnostic(file, line, rule.severity, code, message, rule.fix)


def run_packages(
    results: Sequence[PackageResult],
    *,
    browser: Any = None,
    browser_path: str | None = None,
    profile: str = "moodle",
    timeout: float = INIT_TIMEOUT,
) -> list[PackageResult]:
    """Add the run.* findings of a launch to each result (in place; also returned).

    `browser`: a Playwright Browser to use (tests share theirs); otherwise Chromium is found (`browser_path`) and
    started here. Raises RunUnavailable when it cannot be. `timeout`: seconds the content gets to initialize.
    """
    if browser is not None:
        for result in results:
            result.findings.extend(run_package(result, browser, profile=profile, timeout=timeout))
        return list(results)
    executable = find_browser(browser_path)
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise RunUnavailable(
            "validate --run needs Playwright for Python: pip install 'scormkit[run]' "
            "(it uses your Chromium; never run `playwright install` for it)"
        ) from exc
    args = CHROMIUM_ARGS + (["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])
    with sync_playwright() as pw:
        try:
            chromium = pw.chromium.launch(executable_path=executable, headless=True, args=args)
        except PlaywrightError as exc:
            raise RunUnavailable(
                f"could not start {executable}: {str(exc).splitlines()[0]}; "
                "pass another Chromium or Chrome with --browser"
            ) from exc
        try:
            for result in results:
                result.findings.extend(run_package(result, chromium, profile=profile, timeout=timeout))
        finally:
            chromium.close()
    return list(results)


def run_package(
    result: PackageResult, browser: Any, *, profile: str = "moodle", timeout: float = INIT_TIMEOUT
) -> list[Diagnostic]:
    """Launch one package in a fresh LMS and browser context; the run.* findings."""
    from scormkit.lms import LaunchError, LocalLms

    unsafe = sorted({f.code for f in result.errors if f.code.startswith("zip.") or f.code == "pkg.not-found"})
    if unsafe:
        return [_finding("run.not-launched", "", f"not launched: {', '.join(unsafe)} (see above)")]
    lms = LocalLms(profile=profile)
    try:
        # A bare manifest is launched from its folder, where its files are.
        where = result.path.parent if result.path.suffix.lower() == ".xml" and result.path.is_file() else result.path
        try:
            info = lms.serve(where)
        except (LaunchError, FileNotFoundError, OSError) as problem:
            return [_finding("run.not-launched", result.manifest or "", f"not launched: {problem}")]
        return _Run(lms, info, browser, timeout).findings()
    finally:
        lms.close()


class _Run:
    """One launch: what the browser and the LMS saw, turned into findings."""

    def __init__(self, lms: Any, info: Any, browser: Any, timeout: float):
        self.lms, self.info, self.timeout = lms, info, timeout
        self.launch_file = PurePosixPath(info.href.split("?")[0].split("#")[0]).as_posix()
        self.blocked: list[str] = []
        self.missing: list[str] = []
        self.console: list[tuple[str, int | None, str]] = []
        self.page_errors: list[tuple[str, str]] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 800}, service_workers="block")
        self.context.set_default_timeout(timeout * 1000)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.page_errors.append((f"{e.name}: {e.message}", e.stack or "")))
        self.page.on("response", self._response)
        self.page.on("dialog", lambda d: d.dismiss())

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(self.lms.origin + "/") or url.split(":", 1)[0] in ("data", "blob", "about"):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")

    def _console(self, message: Any) -> None:
        # A failed request is reported from its response (with the file), not from the console line about it.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            location = message.location or {}
            where = location.get("url", "")
            if "/content/" in where or not where.startswith(self.lms.origin + "/lms/"):
                line = location.get("lineNumber")
                self.console.append((where, line + 1 if isinstance(line, int) and line >= 0 else None, message.text))

    def _response(self, response: Any) -> None:
        prefix = self.lms.origin + "/content/"
        if response.status == 404 and response.url.startswith(prefix):
            self.missing.append(response.url[len(prefix) :].split("?")[0])

    def _js(self, expression: str) -> Any:
        return self.page.evaluate(expression)

    def _wait(self, check: Any, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            if check():
                return True
            if time.monotonic() > deadline:
                return False
            self.page.wait_for_timeout(100)

    def _statements(self, verb: str | None = None) -> list[dict[str, Any]]:
        return [
            e
            for e in list(self.lms.lrs.log)
            if e.get("verb") and e["status"] < 400 and (verb is None or e["verb"] == verb)
        ]

    def findings(self) -> list[Diagnostic]:
        try:
            return self._launch()
        finally:
            self.context.close()

    def _launch(self) -> list[Diagnostic]:
        standard, file = self.info.standard, self.launch_file
        out: list[Diagnostic] = []
        started = time.monotonic()
        self.page.goto(self.lms.url)
        if not self._wait(lambda: self._js("window.__lms && window.__lms.contentLoaded === true"), self.timeout):
            out.append(_finding("run.launch-file-failed", file, f"{file} did not load within {self.timeout:.0f} s"))
            return out + self._observed()
        scorm = standard in ("scorm12", "scorm2004")
        init_name = {"scorm12": "LMSInitialize", "scorm2004": "Initialize"}.get(standard, "")
        if scorm:
            initialized = self._wait(lambda: self._js("window.__lms.initialized === true"), self.timeout)
        elif standard == "cmi5":
            initialized = self._wait(lambda: bool(self._statements("initialized")), self.timeout)
        elif standard == "xapi":
            initialized = self._wait(lambda: bool(self._statements()), self.timeout)
        else:
            initialized = True  # web: no LMS to talk to
        init_seconds = time.monotonic() - started
        if initialized:
            self.page.wait_for_timeout(SETTLE * 1000)
        self._js("window.__lms.unload()")
        if scorm:
            finished = self._wait(lambda: self._js("window.__lms.finished === true"), CLOSE_TIMEOUT)
        elif standard == "cmi5":
            finished = self._wait(lambda: bool(self._statements("terminated")), CLOSE_TIMEOUT)
        else:
            finished = True

        lms_state = self._js("({calls: window.__lms.calls, errors: window.__lms.errors, cmi: window.__lms.committed})")
        calls, errors = lms_state["calls"], lms_state["errors"]
        if not initialized:
            if scorm:
                what = f'the content never called {init_name}("") within {self.timeout:.0f} s of loading {file}'
                if calls:
                    what += f"; it called {', '.join(sorted({c['method'] for c in calls}))}"
            elif standard == "cmi5":
                what = f"the AU sent no cmi5 initialized statement within {self.timeout:.0f} s of loading {file}"
            else:
                what = f"no statement reached the LRS within {self.timeout:.0f} s of loading {file}"
            out.append(_finding("run.not-initialized", file, what))
        out.extend(self._api_errors(calls, file))
        for e in errors:
            if e.get("source") == "lms":
                out.append(_finding("run.lms-data-refused", "imsmanifest.xml", e["message"]))
        if scorm:
            out.extend(self._overridden(calls, lms_state["cmi"], file))
        if standard in ("xapi", "cmi5"):
            out.extend(self._lrs_findings(file))
        if initialized and not finished:
            end = {"scorm12": "LMSFinish", "scorm2004": "Terminate"}.get(standard, "terminated statement")
            out.append(_finding("run.no-finish", file, f"the LMS closed the content and got no {end}"))
        out.extend(self._observed())
        if initialized:
            out.insert(
                0, _finding("run.launched", file, self._summary(init_seconds, calls, lms_state["cmi"], finished))
            )
        return out

    def _api_errors(self, calls: list[dict[str, Any]], file: str) -> list[Diagnostic]:
        grouped: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        for c in calls:
            if c.get("failed"):
                grouped.setdefault((c["method"], c.get("element") or "", c["error"]), []).append(c)
        out = []
        for (method, _element, error), same in grouped.items():
            first = same[0]
            args = ", ".join('"' + a.replace('"', '\\"') + '"' for a in first["args"] if a is not None)
            times = f" ({len(same)} times)" if len(same) > 1 else ""
            out.append(
                _finding(
                    "run.api-error",
                    file,
                    f'{method}({args}) returned "{first["result"]}", error {error}: {first["message"]}{times}',
                )
            )
        return out

    def _overridden(self, calls: list[dict[str, Any]], stored: dict[str, Any] | None, file: str) -> list[Diagnostic]:
        """The status the content last set, against the status the LMS stored at the end."""
        element = "cmi.core.lesson_status" if self.info.standard == "scorm12" else "cmi.success_status"
        sent = [
            c["value"]
            for c in calls
            if c["method"].endswith("SetValue") and c.get("element") == element and c["result"] == "true"
        ]
        if not sent or not stored:
            return []
        node: Any = stored.get("cmi", stored)
        for part in element.split(".")[1:]:
            node = node.get(part) if isinstance(node, dict) else None
        if node in (None, "", sent[-1]):
            return []
        mastery = self.info.mastery_data if self.lms.profile == "moodle" else {}
        basis = ", ".join(f"{k}={v}" for k, v in mastery.items())
        return [
            _finding(
                "run.status-overridden",
                file,
                f"the content set {element}={sent[-1]}; the LMS stored {node}" + (f" ({basis})" if basis else ""),
            )
        ]

    def _lrs_findings(self, file: str) -> list[Diagnostic]:
        out = []
        for e in list(self.lms.lrs.log):
            if e["status"] >= 400 or (e["route"] == "fetch" and e.get("error")):
                what = f"{e.get('verb')} statement" if e.get("verb") else f"{e['method']} {e['route']}"
                code = "run.cmi5-fetch" if e["route"] == "fetch" else "run.statement-rejected"
                out.append(_finding(code, file, f"{what}: the LRS answered {e['status']}: {e.get('error')}"))
        if self.info.standard == "cmi5" and not any(e["route"] == "fetch" for e in self.lms.lrs.log):
            out.append(
                _finding("run.cmi5-fetch", file, "the AU never POSTed the fetch URL, so it had no token for the LRS")
            )
        return out

    def _observed(self) -> list[Diagnostic]:
        out = []
        for path in dict.fromkeys(self.missing):
            out.append(_finding("run.file-missing", path, f"{path} was requested and is not in the package (404)"))
        for url in dict.fromkeys(self.blocked):
            out.append(_finding("run.external-request", self.launch_file, f"request to {url} (blocked)"))
        prefix = self.lms.origin + "/content/"
        for text, stack in dict.fromkeys(self.page_errors):
            # The first stack frame inside the package is the place to fix.
            place = re.search(re.escape(prefix) + r"([^\s?#)]+?):(\d+):\d+", stack)
            file, line = (place.group(1), int(place.group(2))) if place else (self.launch_file, None)
            out.append(_finding("run.script-error", file, text.splitlines()[0], line))
        for where, line, text in dict.fromkeys(self.console):
            file = where[len(prefix) :].split("?")[0] if where.startswith(prefix) else self.launch_file
            out.append(_finding("run.console-error", file, text.splitlines()[0] if text else "(empty message)", line))
        return out

    def _summary(self, seconds: float, calls: list[dict[str, Any]], cmi: dict[str, Any] | None, finished: bool) -> str:
        standard = self.info.standard
        if standard in ("scorm12", "scorm2004"):
            init = "LMSInitialize" if standard == "scorm12" else "Initialize"
            failed = sum(1 for c in calls if c.get("failed"))
            end = ("LMSFinish" if standard == "scorm12" else "Terminate") + (
                " on close" if finished else " never called"
            )
            core = (cmi or {}).get("core", cmi or {})
            status = (
                core.get("lesson_status")
                if standard == "scorm12"
                else "/".join(str((cmi or {}).get(k, "")) for k in ("completion_status", "success_status"))
            )
            stored = f"; the LMS stored status {status}" if cmi else "; nothing committed"
            return f"{init} after {seconds:.1f} s, {len(calls)} API calls ({failed} failed), {end}{stored}"
        if standard == "web":
            return "loaded (web target: no LMS API, resume in the browser)"
        verbs = [e["verb"] for e in self._statements()]
        return f"{len(verbs)} statement(s) stored: {', '.join(verbs) or 'none'}"
