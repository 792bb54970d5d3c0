"""The local LMS's LRS: statements, State API, Agent Profile API and cmi5 fetch URLs, in memory.

Enough of xAPI 1.0.3 for a player to run as it would against a real LRS, and strict where a real LRS or cmi5 LMS is
strict: Basic auth on every request, statements need actor/verb/object, a cmi5 fetch URL works once (cmi5 8.2.3),
and after `terminated` the session's statements are refused (docs/lms-pitfalls.md rule 27). Every request is logged for the
preview panel and for `validate --run`.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from typing import Any

XAPI_VERSION = "1.0.3"
SESSION_EXT = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
TERMINATED = "http://adlnet.gov/expapi/verbs/terminated"


@dataclass
class Answer:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


def _json(status: int, data: Any) -> Answer:
    return Answer(status, json.dumps(data).encode())


def _problem(status: int, message: str) -> Answer:
    return _json(status, {"error": message})


class Lrs:
    """One in-memory LRS with one set of credentials (`auth`), as an LMS hands out at launch."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        user, password = "scormkit-local", secrets.token_urlsafe(12)
        self.token = base64.b64encode(f"{user}:{password}".encode()).decode()
        self.auth = "Basic " + self.token
        self.statements: list[dict[str, Any]] = []
        self.states: dict[tuple[str, ...], dict[str, Any]] = {}
        self.agent_profiles: dict[tuple[str, ...], dict[str, Any]] = {}
        self.fetch_tokens: dict[str, str] = {}
        self.fetch_calls: dict[str, int] = {}
        self.terminated_sessions: set[str] = set()
        self.log: list[dict[str, Any]] = []  # {seq, t, method, route, status, error, verb, object, result}

    def reset(self) -> None:
        """Forget every statement, state and profile ("reset learner")."""
        with self.lock:
            self.statements.clear()
            self.states.clear()
            self.agent_profiles.clear()
            self.terminated_sessions.clear()
            self.log.clear()

    # -- playing the cmi5 LMS -----------------------------------------------------------------------------------
    def new_fetch_key(self) -> str:
        key = uuid.uuid4().hex
        with self.lock:
            self.fetch_tokens[key] = self.token
        return key

    def fetch(self, method: str, key: str) -> Answer:
        """cmi5 8.2: POST returns {"auth-token"} once; later requests get error-code 1."""
        with self.lock:
            self.fetch_calls[key] = self.fetch_calls.get(key, 0) + 1
            if method != "POST":
                answer = _json(405, {"error-code": "2", "error-text": "the fetch URL takes POST only (cmi5 8.2)"})
            elif key in self.fetch_tokens:
                answer = _json(200, {"auth-token": self.fetch_tokens.pop(key)})
            else:
                answer = _json(
                    200, {"error-code": "1", "error-text": "this fetch URL has been used already (cmi5 8.2.3)"}
                )
            self._record(method, "fetch", answer, error=json.loads(answer.body).get("error-text"))
        return answer

    def put_document(self, store: str, scope: dict[str, str], doc_id: str, document: Any) -> None:
        """Write a State or Agent Profile document as the LMS (e.g. cmi5 LMS.LaunchData)."""
        table, keys = self._table(store)
        key = tuple(self._scope_value(k, scope.get(k, "")) for k in keys) + (doc_id,)
        with self.lock:
            table[key] = {"body": json.dumps(document).encode(), "type": "application/json", "etag": uuid.uuid4().hex}

    # -- the xAPI resources -------------------------------------------------------------------------------------
    def handle(self, method: str, route: str, query: str, headers: dict[str, str], body: bytes) -> Answer:
        """One request to <endpoint>/<route> (route like "statements", "activities/state")."""
        params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        if route == "about":
            return _json(200, {"version": [XAPI_VERSION]})
        if headers.get("authorization") != self.auth:
            answer = _problem(401, "missing or wrong Authorization: use the auth the LMS passed at launch")
            self._record(method, route, answer, error="401 unauthorized")
            return answer
        if route == "statements":
            return self._statements(method, params, body)
        if route in ("activities/state", "agents/profile"):
            return self._document(method, route, params, headers, body)
        answer = _problem(404, f"the local LRS has no {route} resource")
        self._record(method, route, answer, error="no such resource")
        return answer

    def _statements(self, method: str, params: dict[str, str], body: bytes) -> Answer:
        if method == "GET":
            with self.lock:
                found = [
                    s
                    for s in self.statements
                    if all(self._matches(s, k, v) for k, v in params.items() if k in ("registration", "verb"))
                ]
            return _json(200, {"statements": list(reversed(found)), "more": ""})
        if method not in ("POST", "PUT"):
            return _problem(405, "statements take GET, POST or PUT")
        try:
            data = json.loads(body or b"null")
        except ValueError as exc:
            answer = _problem(400, f"the body is not JSON: {exc}")
            self._record(method, "statements", answer, error=f"not JSON: {exc}")
            return answer
        batch = data if isinstance(data, list) else [data]
        if method == "PUT":
            if not isinstance(data, dict) or not params.get("statementId"):
                answer = _problem(400, "PUT /statements takes one statement and a statementId parameter")
                self._record(method, "statements", answer, error="PUT without statementId")
                return answer
            data.setdefault("id", params["statementId"])
        with self.lock:
            for statement in batch:
                problem = self._check(statement)
                if problem:
                    # xAPI 1.0.3 Communication 2.1.2: a known id is a 409 Conflict, as Ralph answers it.
                    answer = _problem(409 if problem.endswith("(409)") else 400, problem)
                    self._record(method, "statements", answer, statement, error=problem)
                    return answer
            ids = []
            for statement in batch:
                statement.setdefault("id", str(uuid.uuid4()))
                statement["stored"] = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + "Z"
                self.statements.append(statement)
                ids.append(statement["id"])
                if statement["verb"]["id"] == TERMINATED:
                    session = ((statement.get("context") or {}).get("extensions") or {}).get(SESSION_EXT)
                    if session:
                        self.terminated_sessions.add(session)
                self._record(method, "statements", Answer(200 if method == "POST" else 204), statement)
        return _json(200, ids) if method == "POST" else Answer(204)

    def _check(self, statement: Any) -> str | None:
        """Why an LRS refuses this statement (xAPI 1.0.3 Data 2.2, cmi5 9.3), or None."""
        if not isinstance(statement, dict):
            return "a statement must be a JSON object"
        for key in ("actor", "verb", "object"):
            if not isinstance(statement.get(key), dict):
                return f"the statement has no {key}"
        if not isinstance(statement["verb"].get("id"), str) or "://" not in statement["verb"]["id"]:
            return "verb.id must be an IRI"
        obj = statement["object"]
        if obj.get("objectType", "Activity") == "Activity" and "://" not in str(obj.get("id", "")):
            return "object.id must be an IRI"
        if any(s.get("id") == statement.get("id") for s in self.statements if statement.get("id")):
            return f"statement {statement['id']} is stored already (409)"
        session = ((statement.get("context") or {}).get("extensions") or {}).get(SESSION_EXT)
        if session and session in self.terminated_sessions:
            return "the cmi5 session was terminated; the LMS rejects later statements (cmi5 9.3.8)"
        return None

    @staticmethod
    def _matches(statement: dict[str, Any], key: str, value: str) -> bool:
        if key == "registration":
            return (statement.get("context") or {}).get("registration") == value
        return statement["verb"]["id"] == value

    def _table(self, route: str) -> tuple[dict[tuple[str, ...], dict[str, Any]], tuple[str, ...]]:
        if route in ("state", "activities/state"):
            return self.states, ("activityId", "agent", "registration")
        return self.agent_profiles, ("agent",)

    @staticmethod
    def _scope_value(key: str, value: str) -> str:
        if key == "agent" and value:
            try:  # the same agent whatever the key order or spacing of its JSON
                return json.dumps(json.loads(value), sort_keys=True)
            except ValueError:
                return value
        return value

    def _document(
        self, method: str, route: str, params: dict[str, str], headers: dict[str, str], body: bytes
    ) -> Answer:
        table, keys = self._table(route)
        id_key = "stateId" if route == "activities/state" else "profileId"
        required = [k for k in keys if k != "registration"]
        missing = [k for k in required if k not in params]
        if missing:
            answer = _problem(400, f"missing parameter(s) {', '.join(missing)}")
            self._record(method, route, answer, error=f"missing {', '.join(missing)}")
            return answer
        scope = tuple(self._scope_value(k, params.get(k, "")) for k in keys)
        with self.lock:
            if method == "GET" and id_key in params:
                found = table.get(scope + (params[id_key],))
                # 404 when no document exists yet: how a player learns it is a first launch (not an error)
                if found is None:
                    return Answer(404)
                return Answer(200, found["body"], found["type"], {"ETag": f'"{found["etag"]}"'})
            if method == "GET":
                return _json(200, [key[-1] for key in table if key[:-1] == scope])
            if id_key not in params:
                answer = _problem(400, f"missing parameter {id_key}")
                self._record(method, route, answer, error=f"missing {id_key}")
                return answer
            key = scope + (params[id_key],)
            if method == "DELETE":
                table.pop(key, None)
                return Answer(204)
            kind = (headers.get("content-type") or "application/octet-stream").split(";")[0]
            if method == "POST" and key in table and kind == "application/json":
                try:  # xAPI 1.0.3 Communication 1.3: POST merges JSON documents
                    merged = json.loads(table[key]["body"])
                    merged.update(json.loads(body))
                    body = json.dumps(merged).encode()
                except (ValueError, AttributeError):
                    answer = _problem(400, "POST merges JSON objects only")
                    self._record(method, route, answer, error="POST of a non-object")
                    return answer
            table[key] = {"body": body, "type": kind, "etag": uuid.uuid4().hex}
            self._record(method, f"{route} {params[id_key]}", Answer(204))
        return Answer(204)

    def _record(
        self, method: str, route: str, answer: Answer, statement: dict[str, Any] | None = None, error: str | None = None
    ) -> None:
        """Log one request (the caller holds the lock, or it is a read-only path)."""
        entry: dict[str, Any] = {
            "seq": len(self.log),
            "t": time.time(),
            "method": method,
            "route": route,
            "status": answer.status,
            "error": error,
        }
        if statement is not None:
            verb = (statement.get("verb") or {}).get("id", "") if isinstance(statement.get("verb"), dict) else ""
            obj = statement.get("object") or {}
            entry.update(
                verb=verb.rsplit("/", 1)[-1],
                verb_id=verb,
                object=obj.get("id") if isinstance(obj, dict) else None,
                result=statement.get("result"),
                id=statement.get("id"),
            )
        self.log.append(entry)
