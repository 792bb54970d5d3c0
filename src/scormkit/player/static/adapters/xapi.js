/* xAPI and cmi5 runtime adapter (window.ScormkitRuntime). One file serves both runtimes (the cmi5 package
   ships it as adapters/xapi.js too): course.runtime says which launch sequence to follow. Spec references: xAPI 1.0.3, cmi5 (quartz);
   rules: ../shared/LMS-PITFALLS.md 3, 8, 16, 17, 18; design and statement list: docs/xapi-cmi5.md.

   Launch-time reads (cmi5 token, LMS.LaunchData, resume state) use synchronous XHR because the adapter
   interface's start() is synchronous; rule 3 forbids synchronous XHR only at unload, where this adapter uses
   keepalive fetch. Statements go through a persistent outbox (localStorage): ids are generated once, so a
   retry after an outage or a reload never stores a statement twice. */
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
  var STATE_ID = 'scormkit.resume';
  var BATCH = 50, KEEPALIVE_BYTES = 60000, RETRY_MIN = 1000, RETRY_MAX = 30000;
  var B64 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';

  var lrs = null;          // {endpoint, auth, actor, registration, activityId}
  var defs = null;         // xapi.json
  var launchData = null;   // cmi5 LMS.LaunchData
  var mode = 'normal', started = Date.now(), live = false, ended = false;
  var doc = { v: 1, state: null, location: '', completed: false, passed: false };
  var seenSlides = [], score = null, sessionFailed = false, sessionPassed = false;
  var box = null, boxKey = null, store = null, flushing = null, retryDelay = RETRY_MIN, retryTimer = null;

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

  /* Synchronous request (launch only): {status, body}; status 0 when the server could not be reached. */
  function syncRequest(method, url, hdrs, body) {
    var xhr = new XMLHttpRequest();
    try {
      xhr.open(method, url, false);
      Object.keys(hdrs || {}).forEach(function (k) { if (hdrs[k]) xhr.setRequestHeader(k, hdrs[k]); });
      xhr.send(body === undefined ? null : body);
      return { status: xhr.status, body: xhr.responseText };
    } catch (e) {
      return { status: 0, body: '' };
    }
  }

  function parseJSON(text) { try { return JSON.parse(text); } catch (e) { return null; } }

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

  /* cmi5 8.2: POST the fetch URL once per launch; the token survives a reload of this page (sessionStorage). */
  function fetchToken(url) {
    var key = 'scormkit:cmi5:token:' + url, cached = null;
    try { cached = window.sessionStorage.getItem(key); } catch (e) { cached = null; }
    if (cached) return cached;
    var r = syncRequest('POST', url, {});
    var body = parseJSON(r.body);
    if (r.status !== 200 || !body || !body['auth-token']) return null;
    try { window.sessionStorage.setItem(key, body['auth-token']); } catch (e) { /* private mode: fine */ }
    return body['auth-token'];
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
    // Statements parked (refused with 400) in an earlier launch get one more try per launch.
    box.statements = box.parked.concat(box.statements);
    box.parked = [];
  }

  function persist() {
    if (!store) return;
    try { store.setItem(boxKey, JSON.stringify(box)); } catch (e) { /* full: the queue stays in memory */ }
  }

  function enqueue(st) {
    box.statements.push(st);
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
      if (park) box.parked.push(s);
      return false;
    });
    persist();
  }

  /* POST statements: 2xx stored; 409 = an id we generated is already stored (a retry whose first answer was
     lost; Ralph answers 409 even to an identical resend); a batch answered 400/409 is resent one by one; a
     single statement answered 400 is parked (kept, retried at the next launch, never blocks the queue);
     anything else (network error, 5xx, 401, 403, 404, 429) keeps everything for a retry with backoff. */
  function postBatch(batch, keepalive) {
    return fetch(lrs.endpoint + 'statements', {
      method: 'POST', headers: headers(true), body: JSON.stringify(batch), keepalive: !!keepalive,
      mode: 'cors', credentials: 'omit', cache: 'no-store'
    }).then(function (r) { return r.status; }, function () { return 0; });
  }

  function flushStatements() {
    var queue = box.statements.slice(0, BATCH);
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
      method: 'PUT', headers: headers(true), body: pending.body, keepalive: !!keepalive,
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
    box.statements.forEach(function (s) {
      var n = JSON.stringify(s).length + 1;
      if (size + n > budget) return;
      batch.push(s); size += n;
    });
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
    var st = {
      id: uuid(), actor: lrs.actor, verb: { id: VERBS[verb], display: { 'en-US': verb } },
      object: object, context: context(opts || {}), timestamp: new Date().toISOString()
    };
    if (result) st.result = result;
    enqueue(st);
  }

  /* Only cmi5 Normal mode records learning (cmi5 10.0 launchMode; LMS-PITFALLS rule 8). */
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

  function saveDoc() {
    box.state = { body: JSON.stringify(doc), sent: false };
    persist();
  }

  // ---- launch ----------------------------------------------------------------------------------------

  function loadDefinitions() {
    var r = syncRequest('GET', 'xapi.json', {});
    defs = r.status === 200 || (r.status === 0 && r.body) ? parseJSON(r.body) : null;
  }

  /* The actor's inverse functional identifier as one string ('' when it has none). */
  function actorId(a) {
    if (a.mbox) return String(a.mbox);
    if (a.mbox_sha1sum) return 'sha1:' + a.mbox_sha1sum;
    if (a.openid) return String(a.openid);
    if (a.account && a.account.name) return (a.account.homePage || '') + '|' + a.account.name;
    return '';
  }

  function start() {
    started = Date.now();
    var p = launchParams();
    if (!p || !p.actor) return { connected: false, mode: 'normal' };
    loadDefinitions();
    // Rule 17: without activity_id, use the course activity of tincan.xml (the same id as xapi.json's course).
    if (!p.activityId && defs && defs.course) p.activityId = defs.course.id;
    if (!p.activityId) return { connected: false, mode: 'normal' };
    lrs = p;
    if (CMI5) {
      if (!p.fetch || !p.registration) return { connected: false, mode: 'normal' };
      var token = fetchToken(p.fetch);
      if (!token) return { connected: false, mode: 'normal', message: 'The LMS refused the launch token.' };
      lrs.auth = 'Basic ' + token;
      var ld = syncRequest('GET', stateUrl('LMS.LaunchData'), headers(false));
      launchData = ld.status === 200 ? parseJSON(ld.body) : null;
      if (!launchData || !launchData.contextTemplate) return { connected: false, mode: 'normal' };
      mode = String(launchData.launchMode || 'Normal').toLowerCase();
      // cmi5 11.0: the AU reads the learner preferences at startup; a 404 (none stored) or 403 is not an error.
      syncRequest('GET', lrs.endpoint + 'agents/profile?' + query({ agent: JSON.stringify(lrs.actor), profileId: 'cmi5LearnerPreferences' }), headers(false));
    }
    openBox();
    // Resume: a state this browser saved but could not send yet is newer than the LRS's copy.
    var saved = box.state ? parseJSON(box.state.body) : null;
    if (!saved) {
      var r = syncRequest('GET', stateUrl(STATE_ID), headers(false));
      saved = r.status === 200 ? parseJSON(r.body) : null;
    }
    if (saved && saved.v === 1) doc = saved;
    seenSlides = doc.state ? viewedSlides(doc.state) : [];
    live = true;
    send('initialized', courseActivity(), null, { defined: true });
    window.addEventListener('online', function () { schedule(0); });
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
      masteryScore: null
    };
    if (CMI5 && typeof launchData.masteryScore === 'number' && launchData.masteryScore >= 0 && launchData.masteryScore <= 1) {
      env.masteryScore = launchData.masteryScore;
    }
    return env;
  }

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
      send('answered', itemActivity(a.id), result, { parent: quizParent(), other: other });
    },
    setScore: function (s) { score = s; },
    setObjectives: function () { /* objectives are linked on each answered statement (context "other") */ },
    setStatus: function (st) {
      if (!live || !recording()) return;
      var elapsed = duration(Date.now() - started);
      // Rule 18: "completed" never goes out with a failed result (player.js computes resultCompletion).
      if (st.resultCompletion && !doc.completed) {
        doc.completed = true;
        send('completed', courseActivity(), { completion: true, duration: elapsed }, { defined: true, moveOn: true });
      }
      var mastery = CMI5 && launchData && typeof launchData.masteryScore === 'number' ? launchData.masteryScore : null;
      var ext = mastery === null ? null : {};
      if (ext) ext[MASTERY_EXT] = mastery;
      function scored(success) {
        var r = { success: success, duration: elapsed };
        if (score && typeof score.scaled === 'number') {
          // cmi5 9.5.1: raw must be an integer between min and max; the player's raw has 2 decimals, so cmi5
          // statements carry the scaled score only.
          r.score = CMI5 ? { scaled: score.scaled } : { scaled: score.scaled, raw: score.raw, min: score.min, max: score.max };
        }
        return r;
      }
      // cmi5 9.3.4/9.3.5: passed once per registration; passed or failed at most once per session.
      if (st.success === 'passed' && !doc.passed && !sessionFailed) {
        doc.passed = true; sessionPassed = true;
        send('passed', courseActivity(), scored(true), { defined: true, moveOn: true, extensions: ext });
      } else if (st.success === 'failed' && !doc.passed && !sessionFailed && !sessionPassed) {
        sessionFailed = true;
        send('failed', courseActivity(), scored(false), { defined: true, moveOn: true, extensions: ext });
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
      var suspend = !!(opts && opts.suspend);
      var elapsed = duration(Date.now() - started);
      // xAPI: suspended (resumable) or terminated; cmi5 9.3.8: terminated ends every session, in every mode.
      send(!CMI5 && suspend ? 'suspended' : 'terminated', courseActivity(), { duration: elapsed }, { defined: true });
      saveDoc();
      ended = true;
      live = false;
      if (retryTimer) clearTimeout(retryTimer);
      var done = flushAtExit();
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
