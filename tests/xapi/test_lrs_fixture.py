"""The test LRS itself: Ralph stores every POST (the 5.1.0 file-system workaround), CORS, State API, fetch URL."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid

from .lrs import LRS_AGENT_MBOX


def statement(registration: str, **extra) -> dict:
    st = {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "mbox": "mailto:learner@scormkit.example", "name": "Learner"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced", "display": {"en-US": "experienced"}},
        "object": {"objectType": "Activity", "id": "https://scormkit.example/xapi/test/slides/1"},
        "context": {"registration": registration},
        "timestamp": "2026-01-01T00:00:00.000Z",
    }
    st.update(extra)
    return st


def post(lrs, body) -> int:
    status, _ = lrs._call("POST", "statements", None, body)
    return status


def test_every_post_is_stored_not_only_the_first(lrs):
    # Ralph 4.2.0-5.1.0's fs backend answered 500 to every POST after the first (docs/xapi-cmi5.md).
    registration = str(uuid.uuid4())
    sent = [statement(registration) for _ in range(5)]
    assert [post(lrs, st) for st in sent[:3]] == [200, 200, 200]
    assert post(lrs, sent[3:]) == 200
    stored = lrs.statements(registration=registration)
    assert sorted(st["id"] for st in stored) == sorted(st["id"] for st in sent)
    assert all(st["authority"]["mbox"] == LRS_AGENT_MBOX for st in stored)


def test_resent_statement_is_stored_once(lrs):
    # xAPI 1.0.3 Communication 2.1.2: the same statement again is a no-op. Ralph compares after filling in
    # `timestamp`, so without one a resend differs and gets 409: the adapter always sets it, and treats a 409
    # on its own id as "already stored" anyway.
    registration = str(uuid.uuid4())
    st = statement(registration)
    assert post(lrs, st) == 200
    assert post(lrs, st) == 204
    untimed = statement(registration)
    del untimed["timestamp"]
    assert post(lrs, untimed) == 200
    assert post(lrs, untimed) == 409
    assert sorted(s["id"] for s in lrs.statements(registration=registration)) == sorted([st["id"], untimed["id"]])


def test_rejected_statement_gets_a_4xx_not_a_bare_500(lrs):
    registration = str(uuid.uuid4())
    bad = statement(registration)
    del bad["actor"]
    assert post(lrs, bad) in (400, 422)
    assert lrs.statements(registration=registration) == []


def test_cors_preflight_and_headers(lrs):
    request = urllib.request.Request(
        lrs.endpoint + "statements",
        method="OPTIONS",
        headers={
            "Origin": "http://127.0.0.1:1",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type,x-experience-api-version",
        },
    )
    with urllib.request.urlopen(request) as answer:
        assert answer.status == 204
        assert answer.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:1"
        allowed = answer.headers["Access-Control-Allow-Headers"].lower()
        assert {"authorization", "content-type", "x-experience-api-version"} <= {h.strip() for h in allowed.split(",")}


def test_state_api_round_trip_and_outage(lrs):
    agent = {"objectType": "Agent", "mbox": "mailto:learner@scormkit.example"}
    registration = str(uuid.uuid4())
    lrs.put_state("https://scormkit.example/xapi/test", agent, registration, "scormkit.resume", {"v": 1})
    assert lrs.get_state("https://scormkit.example/xapi/test", agent, registration, "scormkit.resume") == {"v": 1}
    assert lrs.get_state("https://scormkit.example/xapi/test", agent, str(uuid.uuid4()), "scormkit.resume") is None
    lrs.outage = True
    assert post(lrs, statement(registration)) == 503


def test_fetch_url_gives_the_token_once(lrs):
    url = lrs.fetch_url()
    first = json.load(urllib.request.urlopen(urllib.request.Request(url, method="POST")))
    second = json.load(urllib.request.urlopen(urllib.request.Request(url, method="POST")))
    assert "Basic " + first["auth-token"] == lrs.auth
    assert second["error-code"] == "1" and "auth-token" not in second


def test_statements_after_terminated_are_refused_per_session(lrs):
    # cmi5 9.3.8: after `terminated` the LMS rejects the session's statements; other sessions go on.
    from .lrs import SESSION_EXT, TERMINATED

    registration, ended, other = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())

    def of(session: str, verb: str = "http://adlnet.gov/expapi/verbs/experienced") -> dict:
        return statement(
            registration,
            verb={"id": verb, "display": {"en": verb.rsplit("/", 1)[-1]}},
            context={"registration": registration, "extensions": {SESSION_EXT: session}},
        )

    assert post(lrs, [of(ended), of(ended, TERMINATED)]) == 200
    late = of(ended)
    assert post(lrs, late) == 403
    assert post(lrs, [of(other, TERMINATED), of(other)]) == 403  # after terminated in the same batch
    assert post(lrs, of(other)) == 200
    assert late["id"] not in {st["id"] for st in lrs.statements(registration=registration)}
    assert any(late in r["statements"] for r in lrs.rejected)


def test_outages_switch_single_endpoints(lrs):
    agent = {"objectType": "Agent", "mbox": "mailto:learner@scormkit.example"}
    registration = str(uuid.uuid4())
    lrs.put_state("https://scormkit.example/xapi/test", agent, registration, "LMS.LaunchData", {"v": 1})
    lrs.outages.add("state:suspendData")
    params = {
        "activityId": "https://scormkit.example/xapi/test",
        "agent": json.dumps(agent),
        "registration": registration,
    }
    assert lrs._call("GET", "activities/state", {**params, "stateId": "suspendData"})[0] == 503
    assert lrs._call("GET", "activities/state", {**params, "stateId": "LMS.LaunchData"})[0] == 200
    assert post(lrs, statement(registration)) == 200
    lrs.outages = {"fetch"}
    try:
        urllib.request.urlopen(urllib.request.Request(lrs.fetch_url(), method="POST"))
        raise AssertionError("the fetch URL answered during its outage")
    except urllib.error.HTTPError as error:
        assert error.code == 503
    lrs.outages = {"statements"}
    assert post(lrs, statement(registration)) == 503
