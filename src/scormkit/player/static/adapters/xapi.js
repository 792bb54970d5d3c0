/* xAPI and cmi5 runtime adapter (window.ScormkitRuntime). One file serves both runtimes (the cmi5 package
   ships it as adapters/xapi.js too): course.runtime says which launch sequence to follow. Spec references: xAPI 1.0.3, cmi5 (quartz);
   rules: docs/lms-pitfalls.md rules 3, 8, 16, 17, 18; design and statement list: docs/xapi-cmi5.md.

   start() returns a Promise: the launch-time reads (cmi5 token, LMS.LaunchData, the saved state) are retried
   with backoff while the LRS is unreachable or failing, with a banner, and the player waits (rule 28): with
   launch parameters present the player never runs unconnected because of an outage, and a state it could not
   read is never overwritten. Statements go through a persistent outbox (localStorage): ids are generated once,
   so a retry after an outage or a reload never stores a statement twice. A reload continues the cmi5 session
   (rule 27): the token and the session's start are kept in sessionStorage for that launch.
   Shipped as one adapters/xapi.js: common.js, this file, xapi-launch.js (launch parameters, the launch
   sequence), xapi-outbox.js (the statement queue). */
// course: course.json, and CMI5: whether this is the cmi5 runtime (course.runtime), both given by start().
var course = null, CMI5 = false;
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

var lrs = null;          // {endpoint, auth, actor, registration, activityId}
var defs = null;         // xapi.json
var launchData = null;   // cmi5 LMS.LaunchData
var session = null;      // cmi5: {key, token, id, started, initialized, terminated}, kept in sessionStorage
var mode = 'normal', started = Date.now(), live = false, ended = false, unloading = false;
// time: learning time of the registration in ms (all sessions, where known), for completed/passed/failed
// durations (cmi5 9.5.4.1); failed: a final failure was reported (passed/failed once per registration).
var doc = { v: 1, state: null, location: '', completed: false, passed: false, failed: false, time: 0 };
var timeBase = 0, score = null, hooks = {};
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

/* UI string from the course's catalogue: the player's t(), given to start(). */
function t(key, vars) { return hooks.t(key, vars); }

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

/* Only Normal mode records learning (cmi5 10.0 launchMode; docs/lms-pitfalls.md rule 8). */
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

/* xAPI response strings (Data 2.4.4.1): the formats of correctResponsesPattern, which xapi.json carries; only
   the responses are made here. */
var FORMATS = responseFormats({
  list: '[,]', pair: '[.]', yes: 'true', no: 'false',
  text: function (v) { return String(v).split('[,]').join(','); }
});

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

// ---- the adapter interface (docs/architecture.md "Runtime adapters") --------------------------------

window.ScormkitRuntime = {
  start: start,
  saveState: function (text) { if (live) doc.state = text; },
  slideViewed: function (index) {
    if (live && recording()) send('experienced', slideActivity(index), null, { parent: [courseRef()] });
  },
  bookmark: function (where) { if (live) doc.location = String(where); },
  recordAnswer: function (a) {
    if (!live || !recording()) return;
    var result = { success: !!a.result, duration: isoDuration(a.latency || 0) };
    if (a.response !== null && a.response !== undefined) result.response = FORMATS[a.kind].response(a.response);
    var other = a.objective && defs && defs.objectives && defs.objectives[a.objective] ? [ref(defs.objectives[a.objective].id)] : [];
    var ext = {};
    ext[ATTEMPT_EXT] = a.attempt;
    send('answered', itemActivity(a.id), result, { parent: quizParent(), other: other, extensions: ext });
  },
  setScore: function (s) { score = s; },
  setObjectives: function () { /* objectives are linked on each answered statement (context "other") */ },
  setStatus: function (st) {
    if (!live || !recording()) return;
    // cmi5 9.5.4.1: the time spent to reach the status, across sessions (the state document keeps it).
    var elapsed = isoDuration(totalTime());
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
    // The player sets the score before a status that judges it (player.js report).
    var s = score;
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
    var elapsed = isoDuration(Date.now() - (session ? session.started : started));
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
