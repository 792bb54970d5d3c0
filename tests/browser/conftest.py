"""Browser test harness: Debian's Chromium + a tiny in-memory test LMS.

The LMS side is scorm-again (node_modules/scorm-again, installed by
``npm ci``) running in tests/browser/harness/launcher.html; the package under
test is served from the same 127.0.0.1 origin and launched in an iframe.
See tests/browser/README.md for how to write a journey test.

Fixtures:
    browser      session-scoped Playwright Chromium (/usr/bin/chromium)
    lms_server   session-scoped HTTP server on 127.0.0.1 (LmsServer)
    launch       launch(package, standard, saved_cmi=None, mode=None,
                        viewport=None, presets=None, settings=None,
                        init_script=None) -> LmsSession
    relaunch     relaunch(previous, *, source="committed", mode=None,
                          viewport=None, presets=None) -> LmsSession
"""

from __future__ import annotations

import json
import os
import re
import threading
import urllib.parse
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from scormkit.lms.server import content_type

REPO_ROOT = Path(__file__).resolve().parents[2]
HARNESS_DIR = Path(__file__).resolve().parent / "harness"
SCORM_AGAIN_DIST = REPO_ROOT / "node_modules" / "scorm-again" / "dist"
DEFAULT_VIEWPORT = {"width": 1280, "height": 800}
DEFAULT_TIMEOUT_MS = 15_000

# --------------------------------------------------------------------------
# Packages: a folder or a zip, plus what the LMS reads from imsmanifest.xml
# --------------------------------------------------------------------------


class _DirSource:
    def __init__(self, root: Path):
        self.root = root.resolve()

    def read(self, rel: str) -> bytes | None:
        target = (self.root / rel).resolve()
        if not target.is_relative_to(self.root) or not target.is_file():
            return None
        return target.read_bytes()


class _ZipSource:
    """Serves members straight from the zip, case-sensitively (like Linux LMSs)."""

    def __init__(self, path: Path):
        self.path = path
        self._zip = zipfile.ZipFile(path)
        self._lock = threading.Lock()
        self._members = {
            info.filename.lstrip("/").removeprefix("./"): info for info in self._zip.infolist() if not info.is_dir()
        }

    def read(self, rel: str) -> bytes | None:
        info = self._members.get(rel)
        if info is None:
            return None
        with self._lock:
            return self._zip.read(info)

    def close(self) -> None:
        self._zip.close()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(el: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in el if _local(c.tag) == name]


def _child(el: ET.Element | None, name: str) -> ET.Element | None:
    if el is None:
        return None
    found = _children(el, name)
    return found[0] if found else None


def _xml_base(el: ET.Element) -> str:
    return el.get("{http://www.w3.org/XML/1998/namespace}base", "") or ""


@dataclass
class ManifestInfo:
    """What the test LMS takes from imsmanifest.xml (first launchable item)."""

    standard: str | None = None  # "scorm12" / "scorm2004" / None (unknown)
    launch_href: str = "index.html"
    presets12: dict[str, str] = field(default_factory=dict)
    presets2004: dict[str, str] = field(default_factory=dict)


def read_manifest(xml: bytes) -> ManifestInfo:
    root = ET.fromstring(xml)
    info = ManifestInfo()
    version = ""
    schemaversion = root.find(".//{*}metadata/{*}schemaversion")
    if schemaversion is not None and schemaversion.text:
        version = schemaversion.text.strip()
    namespaces = " ".join(el.tag for el in root.iter() if isinstance(el.tag, str))
    if version == "1.2" or "adlcp_rootv1p2" in namespaces:
        info.standard = "scorm12"
    elif version.startswith("2004") or version == "CAM 1.3" or "adlcp_v1p3" in namespaces:
        info.standard = "scorm2004"

    orgs = _child(root, "organizations")
    resources = _child(root, "resources")
    if orgs is None or resources is None:
        return info
    organizations = _children(orgs, "organization")
    default = orgs.get("default")
    org = next((o for o in organizations if o.get("identifier") == default), None)
    org = org if org is not None else (organizations[0] if organizations else None)
    if org is None:
        return info
    item = next((i for i in org.iter() if _local(i.tag) == "item" and i.get("identifierref")), None)
    if item is None:
        return info
    resource = next(
        (r for r in _children(resources, "resource") if r.get("identifier") == item.get("identifierref")),
        None,
    )
    if resource is not None and resource.get("href"):
        href = _xml_base(root) + _xml_base(resources) + _xml_base(resource) + resource.get("href")
        parameters = (item.get("parameters") or "").strip()
        if parameters:
            if parameters.startswith("#") or parameters.startswith("?"):
                sep = "" if parameters.startswith("#") or "?" not in href else "&"
                href += (sep + parameters[1:]) if sep else parameters
            else:
                href += ("&" if "?" in href else "?") + parameters
        info.launch_href = href

    def text(name: str) -> str | None:
        el = _child(item, name)
        return el.text.strip() if el is not None and el.text and el.text.strip() else None

    # SCORM 1.2 (adlcp: masteryscore, datafromlms, maxtimeallowed, timelimitaction)
    for tag, element in (
        ("masteryscore", "cmi.student_data.mastery_score"),
        ("datafromlms", "cmi.launch_data"),
        ("maxtimeallowed", "cmi.student_data.max_time_allowed"),
        ("timelimitaction", "cmi.student_data.time_limit_action"),
    ):
        if text(tag) is not None:
            info.presets12[element] = text(tag)

    # SCORM 2004
    if text("dataFromLMS") is not None:
        info.presets2004["cmi.launch_data"] = text("dataFromLMS")
    if text("timeLimitAction") is not None:
        info.presets2004["cmi.time_limit_action"] = text("timeLimitAction")
    threshold = _child(item, "completionThreshold")
    if threshold is not None:
        value = (threshold.text or "").strip() or threshold.get("minProgressMeasure")
        if (
            value
            and threshold.get("completedByMeasure", "true" if (threshold.text or "").strip() else "false") == "true"
        ):
            info.presets2004["cmi.completion_threshold"] = value
    sequencing = _child(item, "sequencing")
    primary = _child(_child(sequencing, "objectives"), "primaryObjective")
    if primary is not None and primary.get("satisfiedByMeasure") == "true":
        measure = _child(primary, "minNormalizedMeasure")
        info.presets2004["cmi.scaled_passing_score"] = (
            measure.text.strip() if measure is not None and measure.text else "1.0"
        )
    limits = _child(sequencing, "limitConditions")
    if limits is not None and limits.get("attemptAbsoluteDurationLimit"):
        info.presets2004["cmi.max_time_allowed"] = limits.get("attemptAbsoluteDurationLimit")
    return info


@dataclass
class Package:
    """A package registered with the LMS server (see LmsServer.register)."""

    name: str
    source_path: Path
    base_url: str  # http://127.0.0.1:PORT/pkg/<name>/
    manifest: ManifestInfo

    @property
    def launch_url(self) -> str:
        return self.base_url + self.manifest.launch_href


# --------------------------------------------------------------------------
# HTTP server
# --------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _serve(self, head: bool) -> None:
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        body = self.server.lms.resolve(path)
        if path == "/favicon.ico" and body is None:
            status, body = 204, b""
        elif body is None:
            status, body = 404, b"not found\n"
        else:
            status = 200
        self.server.lms.served.append({"method": self.command, "path": path, "status": status})
        self.send_response(status)
        self.send_header("Content-Type", content_type(path) if status == 200 else "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    lms: LmsServer

    def handle_error(self, request: Any, client_address: Any) -> None:  # quiet
        pass


class LmsServer:
    """Serves /lms/ (harness), /lms/scorm-again/ (dist) and /pkg/<name>/..."""

    def __init__(self) -> None:
        self._packages: dict[str, _DirSource | _ZipSource] = {}
        self._counter = 0
        self._lock = threading.Lock()
        self.served: list[dict[str, Any]] = []
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.lms = self
        self.host, self.port = self._httpd.server_address[:2]
        self.origin = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="lms-server", daemon=True)
        self._thread.start()

    def register(self, source: str | os.PathLike[str], name: str | None = None) -> Package:
        """Serve a package folder or zip at /pkg/<name>/ (name made unique)."""
        path = Path(source)
        if path.is_dir():
            src: _DirSource | _ZipSource = _DirSource(path)
        elif path.is_file() and zipfile.is_zipfile(path):
            src = _ZipSource(path)
        else:
            raise FileNotFoundError(f"not a package folder or zip: {path}")
        with self._lock:
            self._counter += 1
            slug = re.sub(r"[^A-Za-z0-9_-]+", "-", name or path.stem).strip("-") or "pkg"
            name = f"{slug}-{self._counter}"
            self._packages[name] = src
        raw = src.read("imsmanifest.xml")
        manifest = read_manifest(raw) if raw is not None else ManifestInfo()
        return Package(name, path, f"{self.origin}/pkg/{name}/", manifest)

    def url(self, path: str) -> str:
        return self.origin + "/" + path.lstrip("/")

    def resolve(self, path: str) -> bytes | None:
        if path.startswith("/lms/scorm-again/"):
            return _DirSource(SCORM_AGAIN_DIST).read(path[len("/lms/scorm-again/") :])
        if path.startswith("/lms/"):
            return _DirSource(HARNESS_DIR).read(path[len("/lms/") :])
        if path.startswith("/pkg/"):
            name, _, rest = path[len("/pkg/") :].partition("/")
            src = self._packages.get(name)
            return src.read(rest) if src is not None and rest else None
        return None

    def not_found(self) -> list[str]:
        return [s["path"] for s in self.served if s["status"] == 404]

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        for src in self._packages.values():
            if isinstance(src, _ZipSource):
                src.close()


# --------------------------------------------------------------------------
# One LMS session = one browser context + launcher page
# --------------------------------------------------------------------------


def _get_path(data: Any, element: str) -> Any:
    node = data
    parts = element.split(".")
    if parts and parts[0] == "cmi" and isinstance(data, dict) and "cmi" not in data:
        parts = parts[1:]
    for part in parts:
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


class LmsSession:
    """A launched package: page, SCO frame, LMS data and everything observed."""

    def __init__(
        self,
        *,
        context: Any,
        page: Any,
        server: LmsServer,
        package: Package,
        standard: str,
        mode: str,
        viewport: dict[str, int] | None,
        presets: dict[str, Any] | None,
        saved_cmi: dict[str, Any] | None,
        settings: dict[str, Any] | None = None,
        init_script: str | None = None,
    ):
        self.settings = settings
        self.init_script = init_script
        self.context = context
        self.page = page
        self.server = server
        self.package = package
        self.standard = standard
        self.mode = mode
        self.viewport = viewport
        self.presets = presets
        self.saved_cmi = saved_cmi
        self.requests: list[dict[str, Any]] = []
        self.blocked: list[str] = []
        self.bad_responses: list[dict[str, Any]] = []
        self.console: list[dict[str, Any]] = []
        self.page_errors: list[str] = []
        self.closed = False
        self.final_cmi: dict[str, Any] | None = None
        self.final_committed_cmi: dict[str, Any] | None = None
        self.final_calls: list[dict[str, Any]] | None = None
        self.final_errors: list[dict[str, Any]] | None = None
        self.final_storage_state: dict[str, Any] | None = None

    # -- the SCO ---------------------------------------------------------
    @property
    def frame(self) -> Any:
        """Playwright Frame of the SCO (None once the content was unloaded)."""
        return self.page.frame(name="sco")

    @property
    def content(self) -> Any:
        """FrameLocator for the SCO: session.content.get_by_role("button", ...)."""
        return self.page.frame_locator("#sco")

    # -- what the LMS knows ----------------------------------------------
    def _eval(self, expression: str) -> Any:
        return self.page.evaluate(expression)

    def cmi(self) -> dict[str, Any]:
        """Current (live) CMI as plain JSON: {"core": {...}, "suspend_data": ...}."""
        if self.closed:
            return self.final_cmi or {}
        return self._eval("window.__cmi ? window.__cmi() : {}")

    def committed_cmi(self) -> dict[str, Any] | None:
        """CMI at the last successful Commit/Finish/Terminate (None if never)."""
        if self.closed:
            return self.final_committed_cmi
        return self._eval("window.__committedCmi ? window.__committedCmi() : null")

    def get(self, element: str, committed: bool = False) -> Any:
        """One value by dotted name, e.g. get("cmi.core.lesson_status")."""
        return _get_path(self.committed_cmi() if committed else self.cmi(), element)

    def calls(self) -> list[dict[str, Any]]:
        """Every API call: {seq, t, method, args, element, value, result, error}."""
        if self.closed:
            return self.final_calls or []
        return self._eval("window.__lmsCalls || []")

    def set_values(self) -> dict[str, str]:
        """{element: last value} of every successful (Set)Value call."""
        out: dict[str, str] = {}
        for c in self.calls():
            if c["method"] in ("LMSSetValue", "SetValue") and c["result"] == "true":
                out[c["element"]] = c["value"]
        return out

    def errors(self) -> list[dict[str, Any]]:
        """scorm-again errors, SCO calls that set an error code, harness problems."""
        if self.closed:
            return self.final_errors or []
        return self._eval("window.__lmsErrors || []")

    def log(self) -> list[dict[str, Any]]:
        """Every scorm-again log message (DEBUG..ERROR)."""
        return self._eval("window.__lmsLog || []")

    @property
    def initialized(self) -> bool:
        return bool(self._eval("window.__lmsInitialized === true"))

    @property
    def finished(self) -> bool:
        if self.closed:
            return any(c["method"] in ("LMSFinish", "Terminate") and c["result"] == "true" for c in self.calls())
        return bool(self._eval("window.__lmsFinished === true"))

    # -- what the browser did --------------------------------------------
    @property
    def external_requests(self) -> list[str]:
        """URLs requested that were not on the 127.0.0.1 test origin (all aborted)."""
        origin = self.server.origin + "/"
        return [
            r["url"]
            for r in self.requests
            if not r["url"].startswith(origin) and r["url"].split(":", 1)[0] not in ("data", "blob", "about")
        ]

    @property
    def console_errors(self) -> list[dict[str, Any]]:
        return [m for m in self.console if m["type"] == "error"]

    def problems(self) -> dict[str, list[Any]]:
        """Everything a clean journey must not have."""
        return {
            "external_requests": self.external_requests,
            "bad_responses": self.bad_responses,
            "console_errors": self.console_errors,
            "page_errors": self.page_errors,
            "lms_errors": self.errors(),
        }

    def assert_clean(self) -> None:
        found = {k: v for k, v in self.problems().items() if v}
        assert not found, "browser session had problems:\n" + json.dumps(found, indent=2, default=str)

    # -- waiting ---------------------------------------------------------
    def wait_for_js(self, expression: str, timeout: float = DEFAULT_TIMEOUT_MS) -> None:
        """Wait until a JS expression evaluated in the launcher window is truthy."""
        try:
            self.page.wait_for_function(expression, timeout=timeout)
        except Exception as exc:  # add LMS context to the timeout
            raise AssertionError(
                f"timed out waiting for {expression!r}; LMS errors: {self.errors()}; "
                f"last calls: {self.calls()[-10:]}; page errors: {self.page_errors}"
            ) from exc

    def wait_for_initialize(self, timeout: float = DEFAULT_TIMEOUT_MS) -> None:
        self.wait_for_js("window.__lmsInitialized === true", timeout)

    def wait_for_finish(self, timeout: float = DEFAULT_TIMEOUT_MS) -> None:
        self.wait_for_js("window.__lmsFinished === true", timeout)

    def wait_for_call(
        self, method: str, element: str | None = None, value: str | None = None, timeout: float = DEFAULT_TIMEOUT_MS
    ) -> dict[str, Any]:
        """Wait for a recorded call (e.g. "LMSSetValue", "cmi.core.lesson_status", "completed")."""
        crit = json.dumps({"method": method, "element": element, "value": value})
        self.wait_for_js(
            f"(() => {{ const c = {crit}; return (window.__lmsCalls || []).some(x => x.method === c.method"
            " && (c.element === null || x.element === c.element) && (c.value === null || x.value === c.value)); })()",
            timeout,
        )
        return next(
            c
            for c in reversed(self.calls())
            if c["method"] == method
            and (element is None or c["element"] == element)
            and (value is None or c["value"] == value)
        )

    # -- ending the session ------------------------------------------------
    def unload_content(self, timeout: float = 5_000) -> None:
        """Navigate the SCO frame away (beforeunload/pagehide/unload fire in it),
        as an LMS does when the learner closes the course; the LMS stays up."""
        if self.closed:
            return
        self.page.evaluate(
            """(timeout) => new Promise((resolve) => {
                const f = document.getElementById('sco');
                if (!f || f.getAttribute('src') === 'about:blank') return resolve(false);
                const done = () => resolve(true);
                f.addEventListener('load', done, {once: true});
                setTimeout(done, timeout);
                f.setAttribute('src', 'about:blank');
            })""",
            timeout,
        )

    def storage_state(self) -> dict[str, Any] | None:
        """The browser context's cookies and localStorage (Playwright storage_state), as close() left them."""
        if self.closed:
            return self.final_storage_state
        try:
            return self.context.storage_state()
        except Exception:
            return None

    def close(self) -> None:
        """Unload the SCO, keep the final LMS state, close the browser context."""
        if self.closed:
            return
        try:
            self.unload_content()
            self.final_cmi = self.cmi()
            self.final_committed_cmi = self.committed_cmi()
            self.final_calls = self.calls()
            self.final_errors = self.errors()
            self.final_storage_state = self.storage_state()
        finally:
            self.closed = True
            self.context.close()


# --------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def lms_server() -> Any:
    for needed in ("scorm12.js", "scorm2004.js"):
        if not (SCORM_AGAIN_DIST / needed).is_file():
            pytest.fail(f"{SCORM_AGAIN_DIST / needed} missing: run `npm ci` in {REPO_ROOT}", pytrace=False)
    server = LmsServer()
    yield server
    server.close()


class Launcher:
    """launch(package, standard, ...) -> LmsSession; also .relaunch(previous)."""

    def __init__(self, browser: Any, server: LmsServer):
        self.browser = browser
        self.server = server
        self.sessions: list[LmsSession] = []

    def __call__(
        self,
        package: str | os.PathLike[str] | Package,
        standard: str,
        saved_cmi: dict[str, Any] | None = None,
        mode: str | None = None,
        viewport: dict[str, int] | None = None,
        presets: dict[str, Any] | None = None,
        settings: dict[str, Any] | None = None,
        init_script: str | None = None,
        storage_state: dict[str, Any] | None = None,
    ) -> LmsSession:
        """settings: extra scorm-again settings (JSON), e.g. {"lmsCommitUrl": "/lms/nowhere"} to make every
        Commit fail; init_script: JavaScript run first in every frame (e.g. a fixed clock); storage_state:
        cookies/localStorage to start from (an earlier session's `storage_state()`: the same browser)."""
        if standard not in ("scorm12", "scorm2004"):
            raise ValueError(f"standard must be scorm12 or scorm2004, not {standard!r}")
        if mode not in (None, "normal", "browse", "review"):
            raise ValueError(f"mode must be normal, browse or review, not {mode!r}")
        pkg = package if isinstance(package, Package) else self.server.register(package)
        if pkg.manifest.standard and pkg.manifest.standard != standard:
            raise ValueError(f"{pkg.source_path} is a {pkg.manifest.standard} package, launched as {standard}")
        all_presets = dict(pkg.manifest.presets12 if standard == "scorm12" else pkg.manifest.presets2004)
        all_presets.update(presets or {})

        context = self.browser.new_context(
            viewport=viewport or DEFAULT_VIEWPORT, service_workers="block", storage_state=storage_state
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        page = context.new_page()
        session = LmsSession(
            context=context,
            page=page,
            server=self.server,
            package=pkg,
            standard=standard,
            mode=mode or "normal",
            viewport=viewport,
            presets=presets,
            saved_cmi=saved_cmi,
            settings=settings,
            init_script=init_script,
        )
        self.sessions.append(session)
        origin = self.server.origin + "/"

        def on_route(route: Any) -> None:
            url = route.request.url
            if url.startswith(origin):
                route.continue_()
            else:
                session.blocked.append(url)
                route.abort("blockedbyclient")

        context.route("**/*", on_route)
        page.on(
            "request",
            lambda r: session.requests.append(
                {"url": r.url, "method": r.method, "resource_type": r.resource_type, "frame_url": _frame_url(r)}
            ),
        )
        page.on(
            "response", lambda r: r.status >= 400 and session.bad_responses.append({"url": r.url, "status": r.status})
        )
        page.on(
            "requestfailed",
            lambda r: (
                r.url not in session.blocked
                and session.bad_responses.append({"url": r.url, "status": None, "failure": r.failure})
            ),
        )
        page.on(
            "console",
            lambda m: session.console.append(
                {"type": m.type, "text": m.text, "url": (m.location or {}).get("url", "")}
            ),
        )
        page.on("pageerror", lambda e: session.page_errors.append(f"{e.name}: {e.message}\n{e.stack or ''}"))
        page.on("dialog", lambda d: d.dismiss())

        page.add_init_script(
            "if (window.top === window) {"
            f" window.__scormkitSavedCmi = {json.dumps(saved_cmi)};"
            f" window.__scormkitPresets = {json.dumps(all_presets)};"
            f" window.__scormkitSettings = {json.dumps(settings or {})}; }}"
        )
        if init_script:
            page.add_init_script(init_script)
        query = {"standard": standard, "content": pkg.launch_url}
        if mode:
            query["mode"] = mode
        page.goto(f"{self.server.origin}/lms/launcher.html?{urllib.parse.urlencode(query)}")
        try:
            page.wait_for_function(
                "window.__lmsContentLoaded === true || (window.__lmsErrors || []).some(e => e.source === 'harness')",
                timeout=DEFAULT_TIMEOUT_MS,
            )
        except Exception as exc:
            raise RuntimeError(f"launch of {pkg.launch_url} timed out; {session.page_errors}") from exc
        harness = [e for e in session.errors() if e.get("source") == "harness"]
        if harness:
            raise RuntimeError("test LMS could not launch the package: " + "; ".join(e["message"] for e in harness))
        return session

    def relaunch(
        self,
        previous: LmsSession,
        *,
        source: str = "committed",
        mode: str | None = None,
        viewport: dict[str, int] | None = None,
        presets: dict[str, Any] | None = None,
        settings: dict[str, Any] | None = None,
        init_script: str | None = None,
        keep_storage: bool = False,
    ) -> LmsSession:
        """Close `previous` (SCO unloaded first) and launch the same package with
        the CMI it left: source="committed" (what the LMS stored at the last
        Commit/Finish; a session that never committed stored nothing) or
        "current" (live runtime state). The launcher sets entry="resume" when
        the stored exit was "suspend", "" otherwise, and adds session_time to
        total_time. keep_storage=True: the new context starts with the cookies and
        localStorage `previous` left (the learner reloads in the same browser)."""
        if source not in ("committed", "current"):
            raise ValueError("source must be 'committed' or 'current'")
        previous.close()
        saved = previous.final_committed_cmi if source == "committed" else previous.final_cmi
        return self(
            previous.package,
            previous.standard,
            saved_cmi=saved,
            mode=mode or previous.mode,
            viewport=viewport or previous.viewport,
            presets=presets if presets is not None else previous.presets,
            settings=settings if settings is not None else previous.settings,
            init_script=init_script if init_script is not None else previous.init_script,
            storage_state=previous.final_storage_state if keep_storage else None,
        )

    def close_all(self) -> None:
        for s in self.sessions:
            if not s.closed:
                try:
                    s.close()
                except Exception:
                    s.closed = True


def _frame_url(request: Any) -> str:
    try:
        return request.frame.url
    except Exception:
        return ""


@pytest.fixture(scope="session")
def example_package(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """example_package(target): the zip of module_src for that target, packed once per test session."""
    from tests.browser.journey import MODULE_SRC, pack

    cache: dict[str, Path] = {}

    def make(target: str) -> Path:
        if target not in cache:
            cache[target] = pack(MODULE_SRC, target, tmp_path_factory.mktemp(f"example-{target}"))
        return cache[target]

    return make


@pytest.fixture
def launch(browser: Any, lms_server: LmsServer) -> Any:
    launcher = Launcher(browser, lms_server)
    yield launcher
    launcher.close_all()


@pytest.fixture
def relaunch(launch: Launcher) -> Callable[..., LmsSession]:
    return launch.relaunch
