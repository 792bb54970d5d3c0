/* xAPI and cmi5 runtime adapter (window.ScormkitRuntime). One file serves both runtimes (the cmi5 package
   ships it as adapters/xapi.js too): course.runtime says which launch sequence to follow. Spec references: xAPI 1.0.3, cmi5 (quartz);
   rules: ../shared/LMS-PITFALLS.md 3, 8, 16, 17, 18; design and statement list: docs/xapi-cmi5.md.

   start() returns a Promise: the launch-time reads (cmi5 token, LMS.LaunchData, the saved state) are retried
   with backoff while the LRS is unreachable or failing, with a banner, and the player waits (rule 28): with
   launch parameters present the player never runs unconnected because of an outage, and a state it could not
   read is never overwritten. Statements go through a persistent outbox (localStorage): ids are generated once,
   so a retry after an outage or a reload never stores a statement twice. A reload continues the cmi5 session
   (rule 27): the token and the session's start are kept in sessionStorage for that launch. */
(function () {
  'use strict';

  var course = JSON.parse(document.getElementById('course-data').textContent);
  var CMI5 = course.runtime === 'cmi5';
  var XAPI_VERSION = '1.0.3';
  var ADL = 'http://adlnet.gov/expapi/verbs/';
  var VERBS = {
    initialized: ADL + 'initialized', experienced: ADL + 'experienced', answered: ADL + 'answered',
    completed: ADL + 'completed', passed: ADL + 'passed', failed: ADL + 'failed',
    suspended: ADL + 'suspended', terminated: ADL + 'terminated'
  };
  var CMI5_CATEGORY = 'https://w3id.org/xapi/cmi5/context/categories/cmi5';
  var MOVEON_CATEGORY = 'https://w3id.org/xapi/cmi5/context/categories/moveon';
  var SESSION_EXT = 'https://w3id.org/xapi/cmi5/context/extensions/sessionid';
  var MASTERY_EXT = 'https://w3id.org/xapi/cmi5/context/extensions/masteryscore';
  // Open edX's cmi5 xblock (0.1.3) stores only a state document named "suspendData"; any stateId is the AU's
  // choice (cmi5 10.0 reserves LMS.LaunchData), so the resume document takes that name. Packages before it
  // wrote "scormkit.resume": read at launch when suspendData is absent, never written again.
  var STATE_ID = 'suspendData', OLD_STATE_ID = 'scormkit.resume';
  // Tin Can registry extension: the attempt number on answered statements, so retakes can be told apart.
  var ATTEMPT_EXT = 'http://id.tincanapi.com/extension/attempt-id';
  var BATCH = 50, KEEPALIVE_BYTES = 60000, RETRY_MIN = 1000, RETRY_MAX = 30000;
  var B64 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';

  var lrs = null;          // {endpoint, auth, actor, registration, activityId}
  var defs = null;         // xapi.json
  var launchData = null;   // cmi5 LMS.LaunchData
  var session = null;      // cmi5: {key, token, id, started, initialized, terminated}, kept in sessionStorage
  var mode = 'normal', started = Date.now(), live = false, ended = false, unloading = false;
  // time: learning time of the registration in ms (all sessions, where known), for completed/passed/failed
  // durations (cmi5 9.5.4.1); failed: a final failure was reported (passed/failed once per registration).
  var doc = { v: 1, state: null, location: '', completed: false, passed: false, failed: false, time: 0 };
  var timeBase = 0, seenSlides = [], score = null, hooks = {};
  var box = null, boxKey = null, store = null, flushing = null, retryDelay = RETRY_MIN, retryTimer = null;
  var L = course.strings || {};

  // ---- small helpers ---------------------------------------------------------------------------------

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  function copy(x) { return x === undefined ? undefined : JSON.parse(JSON.stringify(x)); }

  /* ISO 8601 duration with at most 2 decimals (xAPI 1.0.3 Data 4.6). */
  function duration(ms) {
    var cs = Math.max(0, Math.round(ms / 10)), h = Math.floor(cs / 360000), m = Math.floor(cs / 6000) % 60;
    var s = (cs % 6000) / 100;
    return 'PT' + (h ? h + 'H' : '') + (m ? m + 'M' : '') + (Math.round(s * 100) / 100) + 'S';
  }

  function query(obj) {
    return Object.keys(obj).filter(function (k) { return obj[k] !== null && obj[k] !== undefined && obj[k] !== ''; })
      .map(function (k) { return encodeURIComponent(k) + '=' + encodeURIComponent(obj[k]); }).join('&');
  }

  function headers(json) {
    var h = { 'X-Experience-API-Version': XAPI_VERSION, 'Authorization': lrs.auth };
    if (json) h['Content-Type'] = 'application/json';
    return h;
  }

  function parseJSON(text) { try { return JSON.parse(text); } catch (e) { return null; } }

  /* UI string from the course's catalogue (player/strings.py), like player.js t(). */
  function t(key, vars) {
    var s = L[key] === undefined ? key : L[key];
    return s.replace(/\{(\w+)\}/g, function (m, k) { return vars && vars[k] !== undefined ? vars[k] : m; });
  }

  function say(text) { if (hooks.banner) hooks.banner(text); }

  /* One request: {status, body}; status 0 when the server could not be reached. */
  function request(method, url, hdrs, body) {
    var h = {};
    Object.keys(hdrs || {}).forEach(function (k) { if (hdrs[k]) h[k] = hdrs[k]; });
    return fetch(url, { method: method, headers: h, body: body, mode: 'cors', credentials: 'omit', cache: 'no-store' })
      .then(function (r) { return r.text().then(function (text) { return { status: r.status, body: text }; }); },
        function () { return { status: 0, body: '' }; });
  }

  /* Unreachable, overloaded or failing: worth retrying (anything else is an answer). */
  function transient(status) { return status === 0 || status === 408 || status === 429 || status >= 500; }

  /* A launch-time request, retried with backoff (1, 2, 4 ... 30 s, and at once when the browser is back online)
     while the answer is transient; the banner tells the learner meanwhile (rule 28). */
  function persistent(method, url, hdrs, body) {
    var delay = RETRY_MIN, tries = 0;
    return new Promise(function (resolve) {
      function attempt() {
        request(method, url, hdrs, body).then(function (r) {
          if (!transient(r.status)) {
            if (tries) say('');
            resolve(r);
            return;
          }
          tries++;
          say(t('lrsRetry', { s: Math.round(delay / 1000) }));
          var timer = setTimeout(again, delay);
          function again() { window.removeEventListener('online', again); clearTimeout(timer); attempt(); }
          window.addEventListener('online', again);
          delay = Math.min(delay * 2, RETRY_MAX);
        });
      }
      attempt();
    });
  }

  /* A launch that cannot go on: the player shows `message` and records nothing (never "no LMS found": the
     launch parameters say there is one). */
  function Refusal(message) { this.env = { connected: false, mode: 'normal', message: message }; }

  function refuse(why) { throw new Refusal(t('lmsRefused', { why: why })); }

  // ---- launch parameters (xAPI "Tin Can launch"; cmi5 section 8.1) -------------------------------------

  /* The actor as a proper Agent; the old launch form has arrays ({"name": ["A"], "mbox": ["mailto:a@b"]},
     "account": [{"accountName", "accountServiceHomePage"}]) and some LMSs send a one-element list (rule 17). */
  function agent(raw) {
    var a = typeof raw === 'string' ? parseJSON(raw) : raw;
    if (Array.isArray(a)) a = a[0];
    if (!a || typeof a !== 'object') return null;
    function first(v) { return Array.isArray(v) ? v[0] : v; }
    var out = { objectType: 'Agent' };
    var name = first(a.name);
    if (name) out.name = String(name);
    var mbox = first(a.mbox), sha = first(a.mbox_sha1sum), openid = first(a.openid), acct = first(a.account);
    if (mbox) out.mbox = /^mailto:/.test(mbox) ? mbox : 'mailto:' + mbox;
    else if (sha) out.mbox_sha1sum = sha;
    else if (openid) out.openid = openid;
    else if (acct && typeof acct === 'object') {
      out.account = { homePage: acct.homePage || acct.accountServiceHomePage, name: acct.name || acct.accountName };
      if (!out.account.homePage || !out.account.name) return null;
    } else return null;
    return out;
  }

  function launchParams() {
    var p = new URLSearchParams(window.location.search);
    var endpoint = p.get('endpoint');
    if (!endpoint) return null;
    if (endpoint.slice(-1) !== '/') endpoint += '/';
    return {
      endpoint: endpoint,
      auth: p.get('auth') || '',
      fetch: p.get('fetch'),
      actor: agent(p.get('actor')),
      registration: p.get('registration') || null,
      activityId: p.get(CMI5 ? 'activityId' : 'activity_id') || p.get('activityId') || p.get('activity_id')
    };
  }

  /* The cmi5 launch of this tab (sessionStorage, keyed by the one-time fetch URL, i.e. by the registration's
     session): the token (cmi5 8.2: the fetch URL answers once, so a reload must not need it again), the
     session id, when it started, whether initialized and terminated were sent. */
  function readSession(key) {
    var s = null;
    try { s = parseJSON(window.sessionStorage.getItem(key)); } catch (e) { s = null; }
    return s && typeof s.token === 'string' ? s : null;
  }

  function keepSession() {
    try { window.sessionStorage.setItem(session.key, JSON.stringify(session)); } catch (e) { /* blocked: a reload needs a new launch */ }
  }

  function stateUrl(stateId) {
    return lrs.endpoint + 'activities/state?' + query({
      stateId: stateId, activityId: lrs.activityId, agent: JSON.stringify(lrs.actor), registration: lrs.registration
    });
  }

  // ---- the outbox ------------------------------------------------------------------------------------

  function openBox() {
    try { store = window.localStorage; store.getItem('x'); } catch (e) { store = null; }
    boxKey = 'scormkit:xapi:outbox:' + [lrs.endpoint, lrs.activityId, lrs.registration || '', JSON.stringify(lrs.actor)].join('|');
    var saved = store ? parseJSON(store.getItem(boxKey)) : null;
    box = saved && Array.isArray(saved.statements) ? saved : { statements: [], state: null, parked: [] };
    box.parked = box.parked || [];
    box.put = box.put || {};  // ids of the statements that go out alone with PUT (putOne)
    // Statements parked (refused with 400) in an earlier launch get one more try per launch.
    box.statements = box.parked.concat(box.statements);
    box.parked = [];
  }

  function persist() {
    if (!store) return;
    try { store.setItem(boxKey, JSON.stringify(box)); } catch (e) { /* full: the queue stays in memory */ }
  }

  function enqueue(st, put) {
    box.statements.push(st);
    if (put) box.put[st.id] = true;
    persist();
    schedule(0);
  }

  function schedule(delay) {
    if (ended) return;
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = setTimeout(function () { retryTimer = null; flush(); }, delay);
  }

  function drop(ids, park) {
    var gone = {};
    ids.forEach(function (id) { gone[id] = true; });
    box.statements = box.statements.filter(function (s) {
      if (!gone[s.id]) return true;
      if (park) box.parked.push(s); else delete box.put[s.id];
      return false;
    });
    persist();
  }

  /* POST statements: 2xx stored; 409 = an id we generated is already stored (a retry whose first answer was
     lost; Ralph answers 409 even to an identical resend); a batch answered 400/409 is resent one by one; a
     single statement answered 400 is parked (kept, retried at the next launch, never blocks the queue);
     anything else (network error, 5xx, 401, 403, 404, 429) keeps everything for a retry with backoff. */
  function postBatch(batch, keepalive) {
    var body = JSON.stringify(batch);
    return fetch(lrs.endpoint + 'statements', {
      method: 'POST', headers: headers(true), body: body, keepalive: !!keepalive || (ended && body.length < KEEPALIVE_BYTES),
      mode: 'cors', credentials: 'omit', cache: 'no-store'
    }).then(function (r) { return r.status; }, function () { return 0; });
  }

  /* One statement with PUT ?statementId= (xAPI 1.0.3 Communication 2.1.1): how completed/passed/failed go out,
     because Open edX's cmi5 xblock grades only such a PUT and ignores POSTed batches (rule 29). */
  function putOne(st) {
    var body = JSON.stringify(st);
    return fetch(lrs.endpoint + 'statements?' + query({ statementId: st.id }), {
      method: 'PUT', headers: headers(true), body: body, keepalive: ended && body.length < KEEPALIVE_BYTES,
      mode: 'cors', credentials: 'omit', cache: 'no-store'
    }).then(function (r) { return r.status; }, function () { return 0; });
  }

  function flushStatements() {
    var first = box.statements[0];
    if (first && box.put[first.id]) {
      return putOne(first).then(function (status) {
        // 409: a statement with this id is stored already (our own earlier try).
        if ((status >= 200 && status < 300) || status === 409) { drop([first.id]); return flushStatements(); }
        if (status === 400) { drop([first.id], true); return flushStatements(); }
        return false;
      });
    }
    var queue = [];
    for (var i = 0; i < box.statements.length && queue.length < BATCH && !box.put[box.statements[i].id]; i++) queue.push(box.statements[i]);
    if (!queue.length) return Promise.resolve(true);
    return postBatch(queue).then(function (status) {
      if (status >= 200 && status < 300) { drop(queue.map(function (s) { return s.id; })); return flushStatements(); }
      if ((status === 400 || status === 409) && queue.length > 1) return flushOneByOne(queue);
      if (status === 409) { drop([queue[0].id]); return flushStatements(); }
      if (status === 400) { drop([queue[0].id], true); return flushStatements(); }
      return false;
    });
  }

  function flushOneByOne(queue) {
    var i = 0;
    function next() {
      if (i >= queue.length) return flushStatements();
      var st = queue[i++];
      return postBatch([st]).then(function (status) {
        if ((status >= 200 && status < 300) || status === 409) { drop([st.id]); return next(); }
        if (status === 400) { drop([st.id], true); return next(); }
        return false;
      });
    }
    return next();
  }

  function flushState(keepalive) {
    if (!box.state || box.state.sent) return Promise.resolve(true);
    var pending = box.state;
    return fetch(stateUrl(STATE_ID), {
      method: 'PUT', headers: headers(true), body: pending.body,
      keepalive: !!keepalive || (ended && pending.body.length < KEEPALIVE_BYTES),
      mode: 'cors', credentials: 'omit', cache: 'no-store'
    }).then(function (r) {
      if (r.status >= 200 && r.status < 300 && box.state === pending) { pending.sent = true; persist(); }
      return r.status >= 200 && r.status < 300;
    }, function () { return false; });
  }

  function flush() {
    if (!lrs || !box) return Promise.resolve(true);
    if (flushing) return flushing;
    flushing = flushStatements().then(function (ok) {
      return flushState(false).then(function (stateOk) { return ok && stateOk; });
    }).then(function (ok) {
      flushing = null;
      if (ok && !box.statements.length) retryDelay = RETRY_MIN;
      else { schedule(retryDelay); retryDelay = Math.min(retryDelay * 2, RETRY_MAX); }
      return ok;
    });
    return flushing;
  }

  /* At exit (rule 3): keepalive fetches, which outlive the page; whatever does not fit the browser's
     keepalive budget stays in localStorage and goes out at the next launch. */
  function flushAtExit() {
    var sent = [], budget = KEEPALIVE_BYTES, batch = [], size = 2;
    // In order, up to the first that does not fit: a later statement never overtakes an earlier one (the
    // last one may be cmi5's terminated, after which the LMS takes nothing more of the session).
    for (var i = 0; i < box.statements.length; i++) {
      var n = JSON.stringify(box.statements[i]).length + 1;
      if (size + n > budget) break;
      batch.push(box.statements[i]); size += n;
    }
    if (batch.length) {
      budget -= size;
      sent.push(postBatch(batch, true).then(function (status) {
        if ((status >= 200 && status < 300) || (status === 409 && batch.length === 1)) drop(batch.map(function (s) { return s.id; }));
      }));
    }
    if (box.state && !box.state.sent && box.state.body.length < budget) sent.push(flushState(true));
    return Promise.all(sent);
  }

  // ---- statements ------------------------------------------------------------------------------------

  function courseActivity() {
    var a = { objectType: 'Activity', id: lrs.activityId };
    if (defs && defs.course && defs.course.id === lrs.activityId) a.definition = copy(defs.course.definition);
    return a;
  }

  function ref(id) { return { objectType: 'Activity', id: id }; }

  /* Context: cmi5 -> the LMS's contextTemplate, extended never overwritten (cmi5 10.0); xAPI -> registration,
     the course as grouping. `defined`: a cmi5 defined statement (cmi5 category); `moveOn`: its result has
     success or completion (moveon category, 9.6.2.2). */
  function context(opts) {
    var c = CMI5 && launchData && launchData.contextTemplate ? copy(launchData.contextTemplate) : {};
    if (lrs.registration) c.registration = lrs.registration;
    if (course.language && !c.language) c.language = course.language;
    var ca = c.contextActivities = c.contextActivities || {};
    function add(list, activity) {
      ca[list] = ca[list] ? (Array.isArray(ca[list]) ? ca[list] : [ca[list]]) : [];
      if (!ca[list].some(function (x) { return x.id === activity.id; })) ca[list].push(activity);
    }
    (opts.parent || []).forEach(function (a) { add('parent', a); });
    if (!CMI5 && defs && defs.course && defs.course.id !== lrs.activityId) add('grouping', ref(defs.course.id));
    (opts.other || []).forEach(function (a) { add('other', a); });
    if (CMI5 && opts.defined) add('category', { id: CMI5_CATEGORY });
    if (CMI5 && opts.moveOn) add('category', { id: MOVEON_CATEGORY });
    if (opts.extensions) {
      c.extensions = c.extensions || {};
      Object.keys(opts.extensions).forEach(function (k) { if (!(k in c.extensions)) c.extensions[k] = opts.extensions[k]; });
    }
    if (!Object.keys(ca).length) delete c.contextActivities;
    return c;
  }

  function send(verb, object, result, opts) {
    if (!live || ended) return;
    opts = opts || {};
    // Display in `en` and `en-US`: Open edX's cmi5 xblock reads display.en (rule 29); ADL's own is en-US.
    var st = {
      id: uuid(), actor: lrs.actor, verb: { id: VERBS[verb], display: { 'en': verb, 'en-US': verb } },
      object: object, context: context(opts), timestamp: new Date().toISOString()
    };
    if (result) st.result = result;
    enqueue(st, opts.put);
  }

  /* Only Normal mode records learning (cmi5 10.0 launchMode; LMS-PITFALLS rule 8). */
  function recording() { return mode === 'normal'; }

  function slideActivity(index) {
    var d = defs && defs.slides && defs.slides[index];
    return d ? copy(d) : ref(lrs.activityId + '/slides/' + (index + 1));
  }

  function itemActivity(id) {
    var d = defs && defs.items && defs.items[id];
    return d ? copy(d) : ref(lrs.activityId + '/items/' + encodeURIComponent(id));
  }

  function quizParent() {
    return defs && defs.quiz ? [ref(defs.quiz.id), courseRef()] : [courseRef()];
  }

  function courseRef() { return ref(lrs.activityId); }

  /* The player's neutral response -> xAPI response string (Data 2.4.4.1, same formats as correctResponsesPattern). */
  function responseText(kind, v) {
    switch (kind) {
      case 'single': case 'multiple': case 'sequencing': return v.join('[,]');
      case 'truefalse': return v ? 'true' : 'false';
      case 'matching': return v.map(function (p) { return p[0] + '[.]' + p[1]; }).join('[,]');
      case 'fillin': return String(v).split('[,]').join(',');
    }
    return v === null || v === undefined ? null : String(v);
  }

  /* Slides the player marked as viewed (bitset "b" of its resume state, see player.js encodeState). */
  function viewedSlides(text) {
    var o = parseJSON(text), out = [];
    if (!o || typeof o.b !== 'string') return out;
    for (var i = 0; i < course.slides.length; i++) {
      var v = B64.indexOf(o.b.charAt(Math.floor(i / 6)));
      out.push(v > 0 && (v & (1 << (i % 6))) !== 0);
    }
    return out;
  }

  /* The quiz score: the one the player set in this session, else the submitted attempt's of the saved state
     (player.js encodeState: d submitted, p percent), so a judgement never goes out without its score. */
  function currentScore() {
    if (score && typeof score.scaled === 'number') return score;
    var o = parseJSON(doc.state);
    if (!o || o.d !== 1 || typeof o.p !== 'number' || o.p < 0 || o.p > 100) return null;
    return { scaled: Math.round(o.p * 100) / 10000, raw: o.p, min: 0, max: 100 };
  }

  /* Learning time of the registration so far (ms): earlier sessions (the state document) + this page. */
  function totalTime() { return timeBase + (Date.now() - started); }

  function saveDoc() {
    // Browse and Review record nothing, the state document included (the learner was told so): answers given
    // there must never come back as progress in a Normal session (cmi5 10.0, rule 8).
    if (!recording()) return;
    doc.time = totalTime();
    box.state = { body: JSON.stringify(doc), sent: false };
    persist();
  }

  // ---- launch ----------------------------------------------------------------------------------------

  function loadDefinitions() {
    return request('GET', 'xapi.json', {}).then(function (r) {
      defs = r.status === 200 || (r.status === 0 && r.body) ? parseJSON(r.body) : null;
    });
  }

  /* The actor's inverse functional identifier as one string ('' when it has none). */
  function actorId(a) {
    if (a.mbox) return String(a.mbox);
    if (a.mbox_sha1sum) return 'sha1:' + a.mbox_sha1sum;
    if (a.openid) return String(a.openid);
    if (a.account && a.account.name) return (a.account.homePage || '') + '|' + a.account.name;
    return '';
  }

  /* cmi5 8.2 and 10.0: the token (POSTed for once per launch; a reload of this tab reuses it), LMS.LaunchData
     (read, never written), the learner preferences (11.0; 404 or 403 are fine). */
  function cmi5Launch() {
    if (!lrs.fetch || !lrs.registration) refuse('fetch, registration');
    var key = 'scormkit:cmi5:launch:' + lrs.fetch;
    session = readSession(key);
    var token = session ? Promise.resolve(null) : persistent('POST', lrs.fetch, {});
    return token.then(function (r) {
      if (!session) {
        var body = parseJSON(r.body);
        if (body && String(body['error-code']) === '1') throw new Refusal(t('launchUsed'));
        if (r.status !== 200 || !body || !body['auth-token']) refuse('fetch ' + r.status);
        session = { key: key, token: body['auth-token'], started: Date.now(), initialized: false, terminated: false };
        keepSession();
      }
      lrs.auth = 'Basic ' + session.token;
      return persistent('GET', stateUrl('LMS.LaunchData'), headers(false));
    }).then(function (r) {
      launchData = r.status === 200 ? parseJSON(r.body) : null;
      if (!launchData || !launchData.contextTemplate) refuse('LMS.LaunchData ' + r.status);
      var ext = launchData.contextTemplate.extensions || {};
      session.id = ext[SESSION_EXT] || '';
      keepSession();
      if (session.terminated) throw new Refusal(t('sessionEnded'));
      mode = String(launchData.launchMode || 'Normal').toLowerCase();
      return request('GET', lrs.endpoint + 'agents/profile?' + query({ agent: JSON.stringify(lrs.actor), profileId: 'cmi5LearnerPreferences' }), headers(false));
    });
  }

  /* The state document of a State API answer: null for "none" (404, or a document that is not ours); any other
     failure stops the launch, so a state that could not be read is never overwritten (rule 28). */
  function stateDoc(r) {
    if (r.status === 404) return null;
    if (r.status !== 200) refuse('State API ' + r.status);
    var d = parseJSON(r.body);
    return d && d.v === 1 ? d : null;
  }

  /* Resume: a state this browser saved but could not send yet is newer than the LRS's copy; else the LRS's
     document, read until the LRS answers (a failure is not "no saved progress"). */
  function readResume() {
    var unsent = box.state ? parseJSON(box.state.body) : null;
    if (unsent && unsent.v === 1) return Promise.resolve(unsent);
    return persistent('GET', stateUrl(STATE_ID), headers(false)).then(function (r) {
      var d = stateDoc(r);
      if (d) return d;
      return persistent('GET', stateUrl(OLD_STATE_ID), headers(false)).then(stateDoc);
    });
  }

  function start(h) {
    hooks = h || {};
    started = Date.now();
    var p = launchParams();
    if (!p) return { connected: false, mode: 'normal' };  // not launched by an LMS or LRS: run unconnected
    if (!p.actor) return { connected: false, mode: 'normal', message: t('lmsRefused', { why: 'actor' }) };
    return loadDefinitions().then(function () {
      // Rule 17: without activity_id, use the course activity of tincan.xml (the same id as xapi.json's course).
      if (!p.activityId && defs && defs.course) p.activityId = defs.course.id;
      if (!p.activityId) refuse('activity id');
      lrs = p;
      return CMI5 ? cmi5Launch() : null;
    }).then(function () {
      openBox();
      return readResume();
    }).then(function (saved) {
      if (saved) doc = saved;
      doc.time = typeof doc.time === 'number' && doc.time >= 0 ? doc.time : 0;
      timeBase = doc.time;
      seenSlides = doc.state ? viewedSlides(doc.state) : [];
      live = true;
      // cmi5 9.3.2: one initialized per session; a reload continues the session it started.
      if (!(session && session.initialized)) {
        send('initialized', courseActivity(), null, { defined: true });
        if (session) { session.initialized = true; keepSession(); }
      }
      window.addEventListener('online', function () { schedule(0); });
      schedule(0);
      return environment();
    }).catch(function (e) {
      if (e instanceof Refusal) return e.env;
      throw e;
    });
  }

  function environment() {
    var env = {
      connected: true,
      mode: mode,
      credit: 'credit',
      entry: doc.state ? 'resume' : 'ab-initio',
      state: doc.state || null,
      location: doc.location || '',
      learnerName: lrs.actor.name || '',
      // The actor's identifier; durable: unsent state is kept in this browser by the outbox (no player mirror).
      learnerId: actorId(lrs.actor),
      durable: true,
      // What the LRS has been told in this registration: the player never reports less (rule 13).
      wasCompleted: !!doc.completed,
      wasPassed: !!doc.passed,
      masteryScore: null
    };
    if (CMI5 && typeof launchData.masteryScore === 'number' && launchData.masteryScore >= 0 && launchData.masteryScore <= 1) {
      env.masteryScore = launchData.masteryScore;
    }
    return env;
  }

  // A reload and a closed window look the same from here (no browser event tells them apart at pagehide;
  // Chromium fires no Navigation API event for a reload from its UI), so leaving the page keeps the cmi5
  // session open: a reload continues it, and a window that never comes back is an abandoned session for the
  // LMS (cmi5 9.3.6). Exit ends it with terminated (7.1.2: an AU defined user action). This listener is added
  // before player.js's, so `unloading` is set when the player finishes at pagehide.
  window.addEventListener('pagehide', function () { unloading = true; });
  // Back from the back/forward cache after that: the page shows its closing screen; a reload goes on.
  window.addEventListener('pageshow', function (e) { if (e.persisted && ended) window.location.reload(); });

  // ---- the adapter interface (docs/architecture.md "Runtime adapters") --------------------------------

  window.ScormkitRuntime = {
    start: start,
    saveState: function (text) {
      if (!live) return;
      doc.state = text;
      if (!recording()) return;
      var viewed = viewedSlides(text);
      viewed.forEach(function (v, i) {
        if (v && !seenSlides[i]) {
          seenSlides[i] = true;
          send('experienced', slideActivity(i), null, { parent: [courseRef()] });
        }
      });
    },
    bookmark: function (where) { if (live) doc.location = String(where); },
    recordAnswer: function (a) {
      if (!live || !recording()) return;
      var result = { success: !!a.result, duration: duration(a.latency || 0) };
      var response = a.response === null || a.response === undefined ? null : responseText(a.kind, a.response);
      if (response !== null) result.response = response;
      var other = a.objective && defs && defs.objectives && defs.objectives[a.objective] ? [ref(defs.objectives[a.objective].id)] : [];
      var ext = null;
      var attempt = typeof a.attempt === 'number' ? a.attempt : (parseJSON(doc.state) || {}).a;
      if (typeof attempt === 'number') { ext = {}; ext[ATTEMPT_EXT] = attempt; }
      send('answered', itemActivity(a.id), result, { parent: quizParent(), other: other, extensions: ext });
    },
    setScore: function (s) { score = s; },
    setObjectives: function () { /* objectives are linked on each answered statement (context "other") */ },
    setStatus: function (st) {
      if (!live || !recording()) return;
      // cmi5 9.5.4.1: the time spent to reach the status, across sessions (the state document keeps it).
      var elapsed = duration(totalTime());
      // Rule 18: "completed" never goes out with a failed result (player.js computes resultCompletion).
      if (st.resultCompletion && !doc.completed) {
        doc.completed = true;
        send('completed', courseActivity(), { completion: true, duration: elapsed }, { defined: true, moveOn: true, put: true });
      }
      var mastery = CMI5 && launchData && typeof launchData.masteryScore === 'number' ? launchData.masteryScore : null;
      var ext = mastery === null ? null : {};
      if (ext) ext[MASTERY_EXT] = mastery;
      // cmi5 9.3, 9.3.4: one judgement, passed or failed, per registration, and never one without its score
      // (a relaunch after a final failure reports nothing new).
      var s = currentScore();
      if ((st.success === 'passed' || st.success === 'failed') && !doc.passed && !doc.failed && s) {
        var pass = st.success === 'passed';
        doc[pass ? 'passed' : 'failed'] = true;
        // cmi5 9.5.1: raw must be an integer between min and max; the player's raw has 2 decimals, so cmi5
        // statements carry the scaled score only.
        var r = { success: pass, duration: elapsed,
          score: CMI5 ? { scaled: s.scaled } : { scaled: s.scaled, raw: s.raw, min: s.min, max: s.max } };
        send(pass ? 'passed' : 'failed', courseActivity(), r, { defined: true, moveOn: true, extensions: ext, put: true });
      }
      saveDoc();
    },
    commit: function () {
      if (!live) return;
      saveDoc();
      flush();
    },
    finish: function (opts) {
      if (!live || ended) return;
      var suspend = !!(opts && opts.suspend), leaving = unloading;
      if (CMI5 && leaving) {
        // Page dismissal (a reload or a close): the session stays open, see the pagehide listener above.
        saveDoc();
        ended = true;
        live = false;
        if (retryTimer) clearTimeout(retryTimer);
        flushAtExit();
        return;
      }
      // cmi5 9.5.4.1: terminated carries the session's duration (initialized to terminated, reloads included).
      var elapsed = duration(Date.now() - (session ? session.started : started));
      // xAPI: suspended (resumable) or terminated; cmi5 9.3.8: terminated ends every session, in every mode.
      send(!CMI5 && suspend ? 'suspended' : 'terminated', courseActivity(), { duration: elapsed }, { defined: true });
      if (session) { session.terminated = true; keepSession(); }
      saveDoc();
      ended = true;
      live = false;
      if (retryTimer) clearTimeout(retryTimer);
      // At page dismissal: keepalive fetches (rule 3). From the Exit button the page stays: the queue goes out
      // in order (completed/passed with their PUT), then the window leaves.
      var done = leaving ? flushAtExit() : (flushing || Promise.resolve()).then(function () { return flush(); });
      var back = CMI5 && launchData && launchData.returnURL;
      if (back) {
        // cmi5 10.0 returnURL: leave once the final requests are out (keepalive lets them finish anyway).
        var go = function () { window.location.href = back; };
        var timer = setTimeout(go, 2000);
        done.then(function () { clearTimeout(timer); go(); });
      }
    },
    /* For tests and diagnostics: statements not yet confirmed by the LRS. */
    outboxSize: function () { return box ? box.statements.length : 0; },
    flush: function () { return flush(); }
  };
})();
