/* The xAPI outbox: statements and the state document queued in localStorage until the LRS confirms them
   (part of adapters/xapi.js). */

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
   lost, at an LRS that answers 409 to any id it has; Ralph takes an identical resend with 204); a batch
   answered 400/409 is resent one by one; a single statement answered 400 is parked (kept, retried at the next
   launch, never blocks the queue); anything else (network error, 5xx, 401, 403, 404, 429) keeps everything
   for a retry with backoff. */
function postBatch(batch, keepalive) {
  return write('POST', lrs.endpoint + 'statements', JSON.stringify(batch), keepalive);
}

/* One statement with PUT ?statementId= (xAPI 1.0.3 Communication 2.1.1): how completed/passed/failed go out,
   because Open edX's cmi5 xblock grades only such a PUT and ignores POSTed batches (rule 29). */
function putOne(st) {
  return write('PUT', lrs.endpoint + 'statements?' + query({ statementId: st.id }), JSON.stringify(st));
}

/* One write to the LRS: its HTTP status, 0 when the LRS could not be reached. keepalive (rule 3) when asked
   (at page dismissal) and for any write after the end that fits the browser's keepalive budget. */
function write(method, url, body, keepalive) {
  return fetch(url, {
    method: method, headers: headers(true), body: body, keepalive: !!keepalive || (ended && body.length < KEEPALIVE_BYTES),
    mode: 'cors', credentials: 'omit', cache: 'no-store'
  }).then(function (r) { return r.status; }, function () { return 0; });
}

/* One statement's answer: stored (2xx; 409: a statement with this id, our own earlier try, is stored already)
   -> dropped; refused (400) -> parked; anything else -> kept for a retry (false). */
function settle(st, status) {
  if ((status >= 200 && status < 300) || status === 409) drop([st.id]);
  else if (status === 400) drop([st.id], true);
  else return false;
  return true;
}

function flushStatements() {
  var first = box.statements[0];
  if (first && box.put[first.id]) {
    return putOne(first).then(function (status) { return settle(first, status) && flushStatements(); });
  }
  var queue = [];
  for (var i = 0; i < box.statements.length && queue.length < BATCH && !box.put[box.statements[i].id]; i++) queue.push(box.statements[i]);
  if (!queue.length) return Promise.resolve(true);
  return postBatch(queue).then(function (status) {
    if (status >= 200 && status < 300) { drop(queue.map(function (s) { return s.id; })); return flushStatements(); }
    if (status !== 400 && status !== 409) return false;
    return queue.length > 1 ? flushOneByOne(queue) : settle(queue[0], status) && flushStatements();
  });
}

function flushOneByOne(queue) {
  var i = 0;
  function next() {
    if (i >= queue.length) return flushStatements();
    var st = queue[i++];
    return postBatch([st]).then(function (status) { return settle(st, status) && next(); });
  }
  return next();
}

function flushState(keepalive) {
  if (!box.state || box.state.sent) return Promise.resolve(true);
  var pending = box.state;
  return write('PUT', stateUrl(STATE_ID), pending.body, keepalive).then(function (status) {
    var ok = status >= 200 && status < 300;
    if (ok && box.state === pending) { pending.sent = true; persist(); }
    return ok;
  });
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

