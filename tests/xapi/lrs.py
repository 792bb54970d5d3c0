"""The test LRS: Ralph (statements) behind a small front server (CORS, State API, agent profiles, cmi5 fetch URLs).

Why a front server (docs/xapi-cmi5.md, "The test LRS"):
- Ralph implements the Statement API only (5.1.0 routes: /xAPI/statements, health, whoami); the players also need
  the State API (resume, cmi5 LMS.LaunchData) and the Agent Profile API (cmi5 learner preferences). The front
  serves those from memory, like an LRS would, with Basic auth, and forwards /xAPI/statements to Ralph.
- The player runs on another 127.0.0.1 port, so every answer needs CORS (docs/lms-pitfalls.md rule 17). Ralph's own CORS
  middleware wants each allowed origin listed in advance; the front answers preflights and adds the headers.
- Tests switch outages on and off and read every request: `outage = True` makes every xAPI request and fetch URL
  answer 503; `outages` names single endpoints ("statements", "state", "state:<stateId>", "profile", "fetch");
  `verdict(method, statements)` may answer a statements request itself: a status (nothing stored), "lost" (stored
  by Ralph, but the connection closes before any answer, as when a network drops it), None (Ralph answers).
- It plays the LMS side of cmi5: `fetch_url()` gives a URL that hands out the auth token once (cmi5 8.2),
  `cmi5_launch()` writes LMS.LaunchData (cmi5 10.0) with a new session id, and statements of a session that
  already sent `terminated` are refused with 403 (cmi5 9.3.8: the LMS rejects them; `rejected` keeps them).
Standard library only.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
XAPI_VERSION = "1.0.3"
USER, PASSWORD = "scormkit-tests", "not-a-secret"
LRS_AGENT_MBOX = "mailto:lrs@scormkit.example"
SESSION_EXT = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
TERMINATED = "http://adlnet.gov/expapi/verbs/terminated"


def ralph_python() -> Path:
    """The Python of Ralph's virtualenv (scripts/lrs-setup.sh)."""
    venv = Path(os.environ.get("SCORMKIT_LRS_VENV", REPO_ROOT / ".lrs" / "venv"))
    return venv / "bin" / "python"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def basic(user: str = USER, password: str = PASSWORD) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


class Ralph:
    """One Ralph process: file-system backend in `workdir`, Basic auth from an auth file, on 127.0.0.1."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.python = ralph_python()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.log = workdir / "ralph.log"

    def _env(self) -> dict[str, str]:
        data = self.workdir / "data"
        data.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("RALPH_")}
        env.update(
            RALPH_APP_DIR=str(self.workdir),
            RALPH_AUTH_FILE=str(self.workdir / "auth.json"),
            RALPH_HISTORY_FILE=str(self.workdir / "history.json"),
            RALPH_RUNSERVER_BACKEND="fs",
            RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH=str(data),
            RALPH_BACKENDS__DATA__FS__DEFAULT_DIRECTORY_PATH=str(data),
        )
        return env

    def _write_auth_file(self, env: dict[str, str]) -> None:
        # bcrypt comes with Ralph, in its virtualenv; 4 rounds keep every authenticated request fast.
        digest = subprocess.run(
            [
                str(self.python),
                "-c",
                "import bcrypt, sys; print(bcrypt.hashpw(sys.argv[1].encode(), bcrypt.gensalt(4)).decode())",
                PASSWORD,
            ],
            check=True,
            capture_output=True,
            text=True,
            env=env,
            cwd=self.workdir,
        ).stdout.strip()
        users = [
            {
                "username": USER,
                "hash": digest,
                "scopes": ["all"],
                "agent": {"mbox": LRS_AGENT_MBOX, "objectType": "Agent"},
            }
        ]
        (self.workdir / "auth.json").write_text(json.dumps(users, indent=2))

    def start(self, timeout: float = 30) -> None:
        env = self._env()
        self._write_auth_file(env)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [str(self.python), str(HERE / "ralph_app.py"), "127.0.0.1", str(self.port)],
                cwd=self.workdir,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Ralph exited with {self.process.returncode}:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/__heartbeat__", timeout=1) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"Ralph did not answer within {timeout}s:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)  # its own session: uvicorn and nothing else
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


class _Handler(BaseHTTPRequestHandler):
    server: _FrontServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    # -- plumbing ------------------------------------------------------------------------------------
    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _cors(self) -> None:
        origin = self.headers.get("Origin")
        self.send_header("Access-Control-Allow-Origin", origin or "*")
        self.send_header("Vary", "Origin")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS")
        self.send_header(
            "Access-Control-Allow-Headers",
            "Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match",
        )
        self.send_header(
            "Access-Control-Expose-Headers",
            "ETag, Last-Modified, X-Experience-API-Version, X-Experience-API-Consistent-Through",
        )
        self.send_header("Access-Control-Max-Age", "600")

    def _answer(
        self,
        status: int,
        body: bytes = b"",
        content_type: str = "application/json",
        extra: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self._cors()
        self.send_header("X-Experience-API-Version", XAPI_VERSION)
        self.send_header("Cache-Control", "no-store")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        if status != 204:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 204 and body:
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    def _json(self, status: int, data: Any) -> None:
        self._answer(status, json.dumps(data).encode())

    # -- verbs ---------------------------------------------------------------------------------------
    def do_OPTIONS(self) -> None:
        self._answer(204)

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        front = self.server.front
        parts = urllib.parse.urlsplit(self.path)
        params = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
        body = self._body() if self.command in ("POST", "PUT") else b""
        record = {
            "method": self.command,
            "path": parts.path,
            "params": params,
            "body": body,
            "status": None,
            "auth": self.headers.get("Authorization"),
            "t": time.time(),
        }
        front.requests.append(record)
        status = self._route(front, parts.path, params, body)
        record["status"] = status

    def _route(self, front: LrsFront, path: str, params: dict[str, str], body: bytes) -> int:
        if path.startswith("/cmi5/fetch/"):
            if front.down("fetch"):
                self._answer(503, b'{"error":"LMS outage (test)"}')
                return 503
            return self._fetch(front, path.rsplit("/", 1)[-1])
        if not path.startswith("/xAPI/"):
            self._answer(404, b'{"error":"not found"}')
            return 404
        route = path[len("/xAPI") :].rstrip("/")
        endpoint = {"/statements": "statements", "/activities/state": "state", "/agents/profile": "profile"}.get(
            route, ""
        )
        if front.down(endpoint) or (endpoint == "state" and front.down("state:" + params.get("stateId", ""))):
            self._answer(503, b'{"error":"LRS outage (test)"}')
            return 503
        if self.headers.get("Authorization") not in front.accepted_auth:
            self._answer(401, b'{"error":"bad credentials"}')
            return 401
        if route == "/statements":
            if self.command in ("POST", "PUT") and body:
                late = front.after_terminated(body)
                if late:
                    self._json(403, {"error": "statements after terminated for session(s) " + ", ".join(sorted(late))})
                    return 403
                verdict = front.verdict(self.command, front._batch(body)) if front.verdict else None
                if verdict == "lost":
                    self._forward(front, body, reply=False)
                    self.close_connection = True
                    return 0
                if verdict is not None:
                    self._json(int(verdict), {"error": f"refused by the test ({verdict})"})
                    return int(verdict)
            return self._forward(front, body)
        if route == "/activities/state":
            return self._document(front.states, ("activityId", "agent", "registration"), "stateId", params, body)
        if route == "/agents/profile":
            return self._document(front.agent_profiles, ("agent",), "profileId", params, body)
        if route == "/about":
            self._json(200, {"version": [XAPI_VERSION]})
            return 200
        self._answer(404, b'{"error":"not implemented by the test LRS"}')
        return 404

    def _forward(self, front: LrsFront, body: bytes, reply: bool = True) -> int:
        url = front.ralph.url + self.path
        headers = {
            k: v
            for k, v in self.headers.items()
            if k.lower() in ("authorization", "content-type", "x-experience-api-version")
        }
        request = urllib.request.Request(
            url, data=body if self.command in ("POST", "PUT") else None, method=self.command, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                status, data, kind = (
                    answer.status,
                    answer.read(),
                    answer.headers.get("Content-Type", "application/json"),
                )
        except urllib.error.HTTPError as error:
            status, data, kind = error.code, error.read(), error.headers.get("Content-Type", "application/json")
        if self.command in ("POST", "PUT") and body:
            front.statement_posts.append({"status": status, "body": json.loads(body), "method": self.command})
            if 200 <= status < 300:
                front.note_terminated(body)
        if reply:
            self._answer(status, data, kind)
        return status

    def _document(
        self, store: dict, scope_keys: tuple[str, ...], id_key: str, params: dict[str, str], body: bytes
    ) -> int:
        missing = [k for k in scope_keys[:2] if k in ("activityId", "agent") and k not in params]
        if missing:
            self._json(400, {"error": f"missing {missing}"})
            return 400
        try:
            agent = json.loads(params["agent"])
        except (KeyError, ValueError):
            self._json(400, {"error": "agent is not JSON"})
            return 400
        scope = tuple(json.dumps(agent, sort_keys=True) if k == "agent" else params.get(k, "") for k in scope_keys)
        with self.server.front.lock:
            if self.command == "GET" and id_key in params:
                found = store.get(scope + (params[id_key],))
                if found is None:
                    self._answer(404, b"")
                    return 404
                self._answer(200, found["body"], found["type"], {"ETag": f'"{found["etag"]}"'})
                return 200
            if self.command == "GET":
                ids = [key[-1] for key in store if key[:-1] == scope]
                self._json(200, ids)
                return 200
            if id_key not in params:
                self._json(400, {"error": f"missing {id_key}"})
                return 400
            key = scope + (params[id_key],)
            if self.command == "DELETE":
                store.pop(key, None)
                self._answer(204)
                return 204
            kind = (self.headers.get("Content-Type") or "application/octet-stream").split(";")[0]
            if self.command == "POST" and key in store and kind == "application/json":
                # xAPI 1.0.3 Communication 1.3: POST merges JSON documents.
                merged = json.loads(store[key]["body"])
                merged.update(json.loads(body))
                body = json.dumps(merged).encode()
            store[key] = {"body": body, "type": kind, "etag": uuid.uuid4().hex}
        self._answer(204)
        return 204

    def _fetch(self, front: LrsFront, key: str) -> int:
        if self.command != "POST":
            self._json(405, {"error-code": "2", "error-text": "the fetch URL takes POST only (cmi5 8.2)"})
            return 405
        with front.lock:
            token = front.fetch_tokens.pop(key, None)
            front.fetch_calls[key] = front.fetch_calls.get(key, 0) + 1
        if token is None:
            # cmi5 8.2.3: a second request for the token gets an error (code 1: already used).
            self._json(200, {"error-code": "1", "error-text": "this fetch URL has been used already"})
            return 200
        self._json(200, {"auth-token": token})
        return 200


class _FrontServer(ThreadingHTTPServer):
    daemon_threads = True
    front: LrsFront

    def handle_error(self, request: Any, client_address: Any) -> None:  # quiet
        pass


class LrsFront:
    """The LRS the player talks to: `endpoint` (…/xAPI/), `auth` (Basic …), helpers to read what it stored."""

    def __init__(self, ralph: Ralph):
        self.ralph = ralph
        self.lock = threading.Lock()
        self.outage = False
        self.outages: set[str] = set()
        self.verdict: Callable[[str, list[dict[str, Any]]], int | str | None] | None = None
        self.terminated_sessions: set[str] = set()
        self.rejected: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []
        self.statement_posts: list[dict[str, Any]] = []
        self.states: dict[tuple[str, ...], dict[str, Any]] = {}
        self.agent_profiles: dict[tuple[str, ...], dict[str, Any]] = {}
        self.fetch_tokens: dict[str, str] = {}
        self.fetch_calls: dict[str, int] = {}
        self.auth = basic()
        self.accepted_auth = {self.auth}
        self._httpd = _FrontServer(("127.0.0.1", 0), _Handler)
        self._httpd.front = self
        self.port = self._httpd.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.endpoint = f"{self.origin}/xAPI/"
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="lrs-front", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def down(self, endpoint: str) -> bool:
        """True when the test switched this endpoint (or everything) off."""
        return self.outage or endpoint in self.outages

    # -- playing the cmi5 LMS ------------------------------------------------------------------------
    @staticmethod
    def _batch(body: bytes) -> list[dict[str, Any]]:
        data = json.loads(body)
        return data if isinstance(data, list) else [data]

    @staticmethod
    def _session(statement: dict[str, Any]) -> str | None:
        return ((statement.get("context") or {}).get("extensions") or {}).get(SESSION_EXT)

    def after_terminated(self, body: bytes) -> set[str]:
        """Sessions of this request that already ended with `terminated` (cmi5 9.3.8: the LMS rejects them),
        or that the request itself sends after its `terminated`."""
        late: set[str] = set()
        ended = set(self.terminated_sessions)
        for statement in self._batch(body):
            session = self._session(statement)
            if session in ended:
                late.add(session)
            if session and statement.get("verb", {}).get("id") == TERMINATED:
                ended.add(session)
        if late:
            self.rejected.append({"sessions": sorted(late), "statements": self._batch(body)})
        return late

    def note_terminated(self, body: bytes) -> None:
        for statement in self._batch(body):
            session = self._session(statement)
            if session and statement.get("verb", {}).get("id") == TERMINATED:
                self.terminated_sessions.add(session)

    def cmi5_launch(
        self,
        activity_id: str,
        actor: dict,
        registration: str,
        publisher_id: str,
        *,
        move_on: str,
        mode: str = "Normal",
        mastery: float | None = None,
        return_url: str | None = None,
    ) -> dict[str, Any]:
        """What a cmi5 LMS does before it launches an AU (cmi5 8.1, 10.0): a new session id, LMS.LaunchData in the
        State API, a one-time fetch URL. Returns {session, fetch, launch_data}."""
        session = str(uuid.uuid4())
        launch_data: dict[str, Any] = {
            "contextTemplate": {
                "contextActivities": {"grouping": [{"objectType": "Activity", "id": publisher_id}]},
                "extensions": {SESSION_EXT: session},
            },
            "launchMode": mode,
            "moveOn": move_on,
        }
        if mastery is not None:
            launch_data["masteryScore"] = mastery
        if return_url:
            launch_data["returnURL"] = return_url
        self.put_state(activity_id, actor, registration, "LMS.LaunchData", launch_data)
        return {"session": session, "fetch": self.fetch_url(), "launch_data": launch_data}

    def fetch_url(self) -> str:
        """A cmi5 fetch URL whose first POST returns the auth token (base64 of the LRS credentials)."""
        key = uuid.uuid4().hex
        with self.lock:
            self.fetch_tokens[key] = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        return f"{self.origin}/cmi5/fetch/{key}"

    def fetch_count(self, url: str) -> int:
        return self.fetch_calls.get(url.rsplit("/", 1)[-1], 0)

    # -- the xAPI side, through HTTP like any client ----------------------------------------------------
    def _call(
        self,
        method: str,
        path: str,
        params: dict[str, str] | None = None,
        body: Any = None,
        content_type: str = "application/json",
        direct: bool = False,
    ) -> tuple[int, bytes]:
        endpoint = self.ralph.url + "/xAPI/" if direct else self.endpoint
        url = endpoint + path + ("?" + urllib.parse.urlencode(params) if params else "")
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        headers = {"Authorization": self.auth, "X-Experience-API-Version": XAPI_VERSION}
        if data is not None:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def put_state(self, activity_id: str, agent: dict, registration: str | None, state_id: str, document: Any) -> None:
        params = {"activityId": activity_id, "agent": json.dumps(agent), "stateId": state_id}
        if registration:
            params["registration"] = registration
        status, body = self._call("PUT", "activities/state", params, document)
        assert status == 204, (status, body)

    def get_state(self, activity_id: str, agent: dict, registration: str | None, state_id: str) -> Any:
        params = {"activityId": activity_id, "agent": json.dumps(agent), "stateId": state_id}
        if registration:
            params["registration"] = registration
        status, body = self._call("GET", "activities/state", params)
        if status == 404:
            return None
        assert status == 200, (status, body)
        return json.loads(body)

    def statements(self, **filters: str) -> list[dict[str, Any]]:
        """Every statement Ralph stored that matches the xAPI filters (e.g. registration=...), oldest first.

        Sorted here by timestamp (stable, so ties keep the stored order): Ralph's file-system backend applies
        `ascending` by reversing its file order, which is already oldest first.
        """
        params = {"limit": "100", **filters}
        found: list[dict[str, Any]] = []
        path, query = "statements", params
        while True:
            status, body = self._call("GET", path, query, direct=True)  # straight to Ralph: works in an outage
            assert status == 200, (status, body[:500])
            page = json.loads(body)
            found.extend(page["statements"])
            more = page.get("more")
            if not more:
                break
            parts = urllib.parse.urlsplit(more)
            path, query = "statements", dict(urllib.parse.parse_qsl(parts.query))
        return sorted(found, key=lambda st: st.get("timestamp", ""))

    def posted_statements(self, registration: str | None = None) -> list[dict[str, Any]]:
        """Every statement the front received in a POST/PUT body (before Ralph's answer), in order."""
        out = []
        for post in list(self.statement_posts):
            batch = post["body"] if isinstance(post["body"], list) else [post["body"]]
            for st in batch:
                if registration is None or (st.get("context") or {}).get("registration") == registration:
                    out.append(st)
        return out
