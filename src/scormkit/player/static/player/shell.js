/* The player's shared state and plumbing: course data, UI strings, DOM helpers, saving, commits, reporting.
   Everything from here on needs a page with course data (page.js). */

var course = JSON.parse(document.getElementById('course-data').textContent);
var quiz = course.quiz;
var items = quiz ? quiz.items : [];
var L = course.strings || {};
var app = document.getElementById('app');
var live = document.getElementById('live');
var exitButton = document.getElementById('exit');
var rt = window.ScormkitRuntime;
var env, S, passing, lastStatus = '', dirty = false, ended = false, shownAt = {}, everCompleted = false;
// quiz.retryQuestion: wrong Checks retried so far per item index in this attempt, and the item whose wrong Check
// waits for Try again (null: none). Kept for the page only: a reload gives the tries back, never a recorded answer.
var triesUsed = {}, retryPending = null;
var reporting = true, troubled = false, backoff = 1000, retryTimer = null, bannerEl = null, mirrorKey = null;
var menuOpen = false, menuQuery = '', textOpen = false, thumbs = {};
// The viewer was opened from a slide link of the results screen: it offers the way back to them (quiz.js).
var fromResults = false;

/* UI string from the catalogue (course.strings, chosen at build time from the module's language). */
function t(key, vars) {
  var s = L[key] === undefined ? key : L[key];
  return s.replace(/\{(\w+)\}/g, function (m, k) { return vars && vars[k] !== undefined ? vars[k] : m; });
}

function el(tag, attrs, kids) {
  var node = document.createElement(tag);
  if (attrs) Object.keys(attrs).forEach(function (k) {
    var v = attrs[k];
    if (v === null || v === undefined || v === false) return;
    if (k === 'text') node.textContent = v;
    else if (k === 'html') node.innerHTML = v; // only Markdown rendered at build time with html disabled
    else if (k.slice(0, 2) === 'on') node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  });
  (kids || []).forEach(function (c) { if (c) node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
  return node;
}

function button(label, onclick, cls) {
  return el('button', { type: 'button', 'class': cls || 'btn', onclick: onclick, text: label });
}

function say(text) { live.textContent = ''; setTimeout(function () { live.textContent = text; }, 50); }

/* A non-blocking message above the screen (LMS trouble, recovery); '' hides it. */
function banner(text) {
  if (!bannerEl) {
    bannerEl = el('div', { id: 'banner', 'class': 'note banner', role: 'status' });
    app.parentNode.insertBefore(bannerEl, app);
  }
  bannerEl.textContent = text;
  bannerEl.hidden = !text;
}

function show(nodes, screen) {
  app.textContent = '';
  nodes.forEach(function (n) { if (n) app.appendChild(n); });
  enter(screen);
}

/* A screen is on: name it (tests and CSS read data-screen), move focus to its heading, scroll to the top. */
function enter(screen) {
  app.setAttribute('data-screen', screen);
  // One Exit at a time: the header's, except where the screen offers its own (results) or none (start).
  exitButton.hidden = ended || screen === 'start' || screen === 'results';
  var h = app.querySelector('h1');
  if (h) { h.setAttribute('tabindex', '-1'); h.focus(); }
  window.scrollTo(0, 0);
}

function pct(x) { return round2(x * 100) + '%'; }

function today() {
  var d = new Date();
  return d.getFullYear() + '-' + ('0' + (d.getMonth() + 1)).slice(-2) + '-' + ('0' + d.getDate()).slice(-2);
}

var creditExpired = !!(course.credit && today() > course.credit.expires);

function attemptsRemain() { return !quiz || quiz.attempts === 0 || S.attempt < quiz.attempts; }

/* Items of this attempt: [{index, item}] in the stored display order (S.order). */
function drawn() {
  return S.order.map(function (i) { return { index: i, item: items[i] }; });
}

function status() {
  var viewed = S.viewed.filter(Boolean).length;
  return computeStatus({
    completion: course.tracking.completion, slidesRequired: course.tracking.slidesRequired,
    success: course.tracking.success, hasQuiz: !!quiz, viewed: viewed, total: course.slides.length,
    submitted: S.submitted, scaled: S.score, passing: passing, attemptsRemain: attemptsRemain(),
    // Retake never lowers what the LMS has: a completion reported in this session stays (issue 9 item 3).
    wasCompleted: env.wasCompleted || everCompleted, wasPassed: env.wasPassed, lms: course.runtime
  });
}

function save() {
  if (ended) return;
  S.n = Math.min((S.n || 0) + 1, SAVE_CAP);
  var text = encodeState(S, course.stateKey);
  if (text.length > course.stateBudget) { // cannot happen for a module the build accepted; stay safe
    var lean = JSON.parse(text); lean.r = S.answers.map(function () { return 0; }); text = JSON.stringify(lean);
  }
  rt.saveState(text);
  rt.bookmark(String(S.slide + 1));
  mirror('setItem', text);
  dirty = true;
}

/* The local mirror (docs/player.md, "Saving and LMS failures"): every saved state also goes to localStorage under
   mirrorKey (set in boot: SCORM, normal mode, a learner id), until the LMS confirms a commit. Storage may be
   missing, blocked or full: every access is guarded and a failure only means no mirror. */
function mirror(op, text) {
  if (!mirrorKey) return null;
  try {
    var store = window.localStorage;
    if (op === 'getItem') { var v = store.getItem(mirrorKey); return typeof v === 'string' ? v : null; }
    if (op === 'setItem') store.setItem(mirrorKey, text); else store.removeItem(mirrorKey);
  } catch (e) { /* unavailable: degrade silently */ }
  return null;
}

/* Commit; a refused or failed commit (false) is retried with backoff (1 s, 2 s ... 30 s) while the learner
   goes on, and the learner is told in the banner; nothing of the state is lost meanwhile. */
function commit() {
  if (ended || !dirty) return;
  dirty = false;
  if (rt.commit() === false) { trouble(); return; }
  mirror('removeItem'); // the LMS has the latest state
  if (troubled) {
    troubled = false; backoff = 1000;
    banner(t('saveOk'));
    setTimeout(function () { if (!troubled) banner(''); }, 8000);
  }
}

function trouble() {
  dirty = true;
  if (!troubled) { troubled = true; banner(t('saveFailed')); }
  if (retryTimer) return;
  retryTimer = setTimeout(function () { retryTimer = null; if (!ended) { save(); commit(); } }, backoff);
  backoff = Math.min(backoff * 2, 30000);
}

/* Report status when it changed (score first: rule 5), then commit (rule 15). */
function report(force) {
  save();
  if (!reporting) return;
  var st = status();
  if (st.completion === 'completed') everCompleted = true;
  var key = [st.completion, st.success, st.lessonStatus, st.scoreRaw, st.scoreScaled, S.score].join();
  if (key !== lastStatus || force) {
    lastStatus = key;
    sendScore(st);
    rt.setStatus(st);
    commit();
  }
}

/* The score, in the parts the reporting policy allows now (computeStatus: scoreRaw, scoreScaled). */
function sendScore(st) {
  if (S.score === null || !(st.scoreRaw || st.scoreScaled)) return;
  rt.setScore({ raw: st.scoreRaw ? round2(S.score * 100) : null, min: 0, max: 100,
    scaled: st.scoreScaled ? Math.round(S.score * 10000) / 10000 : null });
}

function finish() {
  if (ended) return;
  save();
  var st = status();
  ended = true;
  if (retryTimer) clearTimeout(retryTimer);
  var ok = rt.finish({ suspend: !st.finished }) !== false && !troubled;
  if (ok) mirror('removeItem');
  banner('');
  show([el('h1', { text: t('closeTitle') }),
    el('p', { text: st.finished ? t('closeDone') : t('closeSuspend') }),
    ok ? null : el('p', { 'class': 'note', text: t('closeUnsaved') })], 'ended');
}
