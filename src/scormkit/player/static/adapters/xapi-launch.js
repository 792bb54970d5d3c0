/* The xAPI/cmi5 launch: launch parameters, the cmi5 session, the saved state, start() (part of adapters/xapi.js). */

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
  hooks = h;
  course = h.course;
  CMI5 = course.runtime === 'cmi5';
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

