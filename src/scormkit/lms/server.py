"""The local LMS: one package served on 127.0.0.1 with an LMS frame page, scorm-again and a small LRS.

URL layout (one origin, so the SCO finds the API in its parent frame as in a real LMS):

    /                        the LMS frame page (static/lms.html): the content in a frame, the live panel beside it
    /lms/...                 the page's script and style, /lms/scorm-again/ the SCORM runtime (package data)
    /content/<path>          the package's files, straight from its folder or zip; nothing else
    /api/launch   POST       a new launch: standard, launch URL (xAPI/cmi5 query built here), the stored learner data
    /api/status   GET        build generation and problems (the page polls it to reload after a rebuild)
    /api/learner  GET/PUT    the learner's committed CMI (what the LMS stored); DELETE resets the learner
    /api/lrs      GET        every request the LRS answered (the panel's statement list)
    /xapi/...                the LRS (lrs.py): statements, activities/state, agents/profile, about
    /cmi5/fetch/<key> POST   the cmi5 fetch URL (one token, once)

It binds 127.0.0.1 only: there is no option for another interface.
"""

from __future__ import annotations

import json
import mimetypes
import posixpath
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any

from .content import FolderContent, OutsideRoot, ZipContent, open_content
from .launch import LaunchInfo, read_launch
from .lrs import Lrs

HOST = "127.0.0.1"
PROFILES = ("moodle", "lenient")
MODES = ("normal", "browse", "review")
LEARNER_ID = "scormkit-learner"
CMI5_SESSION_EXT = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".xml": "application/xml",
    ".xsd": "application/xml",
    ".dtd": "application/xml-dtd",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".vtt": "text/vtt; charset=utf-8",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".avif": "image/avif",
    ".pdf": "application/pdf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".wav": "audio/wav",
    ".wasm": "application/wasm",
}


def content_type(path: str) -> str:
    ext = posixpath.splitext(path)[1].lower()
    return CONTENT_TYPES.get(ext) or mimetypes.guess_type(path)[0] or "application/octet-stream"


def _asset(rel: str) -> bytes | None:
    """A file of the LMS page (static/) or of scorm-again (scorm-again/), from the installed package."""
    top, _, name = rel.partition("/")
    folder = {"scorm-again": "scorm-again"}.get(top)
    if folder is None:
        folder, name = "static", rel
    if not name or "/" in name or name.startswith("."):
        return None
    node = resources.files("scormkit.lms").joinpath(folder, name)
    return node.read_bytes() if node.is_file() else None


class LocalLms:
    """The local LMS serving one package at a time (a rebuild swaps it in with `serve`)."""

    def __init__(self, *, port: int = 0, profile: str = "moodle", mode: str = "normal"):
        if profile not in PROFILES:
            raise ValueError(f"unknown LMS profile {profile!r}; choose {' or '.join(PROFILES)}")
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; choose {', '.join(MODES)}")
        self.profile, self.mode = profile, mode
        self.lock = threading.Lock()
        self.lrs = Lrs()
        self.content: FolderContent | ZipContent | None = None
        self.launch_info: LaunchInfo | None = None
        self.package_path: Path | None = None
        self._old: list[FolderContent | ZipContent] = []
        self.generation = 0
        self.problems: list[dict[str, Any]] = []  # the last build's diagnostics (preview)
        self.built_at: float | None = None
        self.learner: dict[str, Any] | None = None  # committed CMI (SCORM)
        self.registration = str(uuid.uuid4())
        self.served: list[dict[str, Any]] = []  # {method, path, status} of every request
        self._httpd = _Server((HOST, port), _Handler)
        self._httpd.lms = self
        self.port = self._httpd.server_address[1]
        self.origin = f"http://{HOST}:{self.port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="scormkit-lms", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """The LMS frame page."""
        return self.origin + "/"

    # -- what is served -------------------------------------------------------------------------------------
    def serve(self, package: Path) -> LaunchInfo:
        """Serve this package folder or zip from now on; LaunchError / FileNotFoundError leave the old one."""
        content = open_content(Path(package))
        try:
            info = read_launch(content)
        except Exception:
            content.close()
            raise
        with self.lock:
            if self.launch_info is not None and info.standard != self.launch_info.standard:
                self.learner = None  # another standard's data means nothing to this one
            if self.content is not None:
                self._old.append(self.content)  # requests in flight may still read it; closed at the end
            self.content, self.launch_info, self.package_path = content, info, Path(package)
            self.generation += 1
            self.problems = []
            self.built_at = time.time()
        return info

    def report_problems(self, problems: list[dict[str, Any]]) -> None:
        """A rebuild failed: show these diagnostics in the page; the last good package stays served."""
        with self.lock:
            self.problems = problems
            self.built_at = time.time()

    def reset_learner(self) -> None:
        """Forget the learner: committed CMI, statements and state documents; a new registration."""
        with self.lock:
            self.learner = None
            self.registration = str(uuid.uuid4())
        self.lrs.reset()

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        for content in self._old + ([self.content] if self.content else []):
            content.close()

    # -- one launch -----------------------------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        info = self.launch_info
        return {
            "generation": self.generation,
            "problems": self.problems,
            "built_at": self.built_at,
            "standard": info.standard if info else None,
            "title": info.title if info else "",
            "profile": self.profile,
            "mode": self.mode,
            "package": self.package_path.name if self.package_path else None,
        }

    def new_launch(self) -> dict[str, Any]:
        """Everything the LMS page needs to launch the content once (a relaunch asks again)."""
        with self.lock:
            info = self.launch_info
            if info is None:
                return {**self.status(), "launchUrl": None}
            config: dict[str, Any] = {**self.status(), "launchUrl": self.origin + "/content/" + info.href}
            if info.standard in ("scorm12", "scorm2004"):
                config.update(self._scorm_launch(info))
            elif info.standard == "xapi":
                config["launchUrl"] = self._xapi_url(info)
            elif info.standard == "cmi5":
                config["launchUrl"] = self._cmi5_url(info)
        return config

    def _scorm_launch(self, info: LaunchInfo) -> dict[str, Any]:
        is12 = info.standard == "scorm12"
        presets = dict(info.data)
        moodle = self.profile == "moodle"
        if moodle:  # a conformant LMS grades from the manifest's mastery (docs/lms-pitfalls.md rules 6, 23, 24)
            presets.update(info.mastery_data)
        learner = (
            {"cmi.core.student_id": LEARNER_ID, "cmi.core.student_name": "Learner, Preview"}
            if is12
            else {"cmi.learner_id": LEARNER_ID, "cmi.learner_name": "Preview Learner"}
        )
        presets.update(learner)
        return {
            "presets": presets,
            "saved": self.learner,
            # 1.2 with credit: the status follows score vs masteryscore, whatever the SCO sent (rule 24)
            "masteryOverride": moodle and is12,
        }

    def actor(self) -> dict[str, Any]:
        return {
            "objectType": "Agent",
            "name": "Preview Learner",
            "account": {"homePage": self.origin, "name": LEARNER_ID},
        }

    def _xapi_url(self, info: LaunchInfo) -> str:
        query = {
            "endpoint": self.origin + "/xapi/",
            "auth": self.lrs.auth,
            "actor": json.dumps(self.actor()),
            "registration": self.registration,
        }
        if info.activity_id:
            query["activity_id"] = info.activity_id
        return self._join(info.href, query)

    def _cmi5_url(self, info: LaunchInfo) -> str:
        """Act as the cmi5 LMS (cmi5 8.1, 10.0): LMS.LaunchData in the State API, a one-time fetch URL."""
        activity = f"{self.origin}/activities/{self.registration}"  # LMS-generated, stable for the registration
        launch_data: dict[str, Any] = {
            "contextTemplate": {
                "contextActivities": {"grouping": [{"objectType": "Activity", "id": info.activity_id}]},
                "extensions": {CMI5_SESSION_EXT: str(uuid.uuid4())},
            },
            "launchMode": {"normal": "Normal", "browse": "Browse", "review": "Review"}[self.mode],
            "moveOn": info.move_on,
            "returnURL": self.origin + "/lms/returned.html",
        }
        if info.mastery is not None:
            launch_data["masteryScore"] = info.mastery
        scope = {"activityId": activity, "agent": json.dumps(self.actor()), "registration": self.registration}
        self.lrs.put_document("state", scope, "LMS.LaunchData", launch_data)
        query = {
            "endpoint": self.origin + "/xapi/",
            "fetch": f"{self.origin}/cmi5/fetch/{self.lrs.new_fetch_key()}",
            "actor": json.dumps(self.actor()),
            "registration": self.registration,
            "activityId": activity,
        }
        return self._join(info.href, query)

    def _join(self, href: str, query: dict[str, str]) -> str:
        sep = "&" if "?" in href else "?"
        return self.origin + "/content/" + href + sep + urllib.parse.urlencode(query)

    # -- answering requests ---------------------------------------------------------------------------------
    def read_content(self, rel: str) -> bytes | None:
        with self.lock:
            content = self.content
        return content.read(rel) if content is not None else None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    lms: LocalLms

    def handle_error(self, request: Any, client_address: Any) -> None:  # a closed tab is not an error
        pass


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "scormkit-lms"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the page shows what matters
        pass

    def do_GET(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_OPTIONS(self) -> None:
        self._send(204, b"")

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(
        self, status: int, body: bytes, kind: str = "text/plain; charset=utf-8", extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        if status != 204:
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD" and status != 204 and body:
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    def _json(self, status: int, data: Any) -> None:
        self._send(status, json.dumps(data).encode(), "application/json")

    def _dispatch(self) -> None:
        lms = self.server.lms
        parts = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(parts.path)
        body = self._body() if self.command in ("POST", "PUT") else b""
        status = self._route(lms, path, parts.query, body)
        lms.served.append({"method": self.command, "path": path, "status": status})

    def _route(self, lms: LocalLms, path: str, query: str, body: bytes) -> int:
        method = self.command
        if path.startswith("/content/"):
            return self._content(lms, path[len("/content/") :])
        if path in ("/", "/index.html"):
            return self._static("lms.html")
        if path.startswith("/lms/"):
            return self._static(path[len("/lms/") :])
        if path == "/favicon.ico":
            self._send(204, b"")
            return 204
        if path == "/api/status":
            self._json(200, lms.status())
            return 200
        if path == "/api/launch" and method == "POST":
            self._json(200, lms.new_launch())
            return 200
        if path == "/api/learner":
            return self._learner(lms, method, body)
        if path == "/api/lrs":
            after = int(dict(urllib.parse.parse_qsl(query)).get("after", "-1") or -1)
            self._json(200, [entry for entry in list(lms.lrs.log) if entry["seq"] > after])
            return 200
        if path.startswith("/xapi/"):
            headers = {k.lower(): v for k, v in self.headers.items()}
            answer = lms.lrs.handle(method, path[len("/xapi/") :].rstrip("/"), query, headers, body)
            self._send(
                answer.status, answer.body, answer.content_type, {"X-Experience-API-Version": "1.0.3", **answer.headers}
            )
            return answer.status
        if path.startswith("/cmi5/fetch/"):
            answer = lms.lrs.fetch(method, path.rsplit("/", 1)[-1])
            self._send(answer.status, answer.body, answer.content_type)
            return answer.status
        self._send(404, b"not found\n")
        return 404

    def _content(self, lms: LocalLms, rel: str) -> int:
        try:
            data = lms.read_content(rel)
        except OutsideRoot:
            self._send(403, b"outside the package: refused\n")
            return 403
        if data is None:  # also a folder: no directory listing
            self._send(404, b"not in the package\n")
            return 404
        self._send(200, data, content_type(rel))
        return 200

    def _static(self, rel: str) -> int:
        data = _asset(rel)
        if data is None:
            self._send(404, b"not found\n")
            return 404
        self._send(200, data, content_type(rel))
        return 200

    def _learner(self, lms: LocalLms, method: str, body: bytes) -> int:
        if method == "GET":
            self._json(200, lms.learner)
            return 200
        if method == "PUT":
            try:
                data = json.loads(body)
            except ValueError:
                self._json(400, {"error": "the learner data is not JSON"})
                return 400
            with lms.lock:
                lms.learner = data
            self._send(204, b"")
            return 204
        if method == "DELETE":
            lms.reset_learner()
            self._send(204, b"")
            return 204
        self._json(405, {"error": "GET, PUT or DELETE"})
        return 405
