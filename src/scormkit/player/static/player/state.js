/* The resume state (encodeState/decodeState, the draw), the status rules (computeStatus), seeded randomness:
   pure functions, exported on window.Scormkit for tests (grading.js). */

/* Resume-state format: 2 adds the stored draw/order (o) and the disclosure acknowledgement (g); 1 is read too.
   n (the save counter, see the local mirror in boot) is optional within format 2: readers ignore unknown keys
   and a state without it counts as save 0. */
var STATE_VERSION = 2;
var B64 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';
var FILLIN_MAX = 250, NUMERIC_MAX = 32, ATTEMPT_CAP = 9999, SAVE_CAP = 999999999;


/* The one place where completion and success are decided (docs/lms-pitfalls.md rules 6, 7, 18), and whether the score
   may go to the LMS (rule 24; the table in docs/player.md, "Reporting policy").
   t: {completion, slidesRequired, success, hasQuiz, viewed, total, submitted, scaled, passing, attemptsRemain,
       wasCompleted, wasPassed, lms}; wasCompleted/wasPassed (what the LMS had stored, or what this session
   already reported) are never downgraded (rule 13); lms is the runtime ('scorm12', 'scorm2004', ...). */
function computeStatus(t) {
  var slidesDone = t.total === 0 || t.viewed / t.total >= t.slidesRequired - 1e-9;
  var quizDone = !t.hasQuiz || t.submitted;
  var completed = !!t.wasCompleted || (t.completion === 'slides' ? slidesDone
    : t.completion === 'quiz' ? quizDone : slidesDone && quizDone);
  var graded = t.hasQuiz && t.success === 'quiz';
  var success = 'unknown';
  if (graded && t.wasPassed) success = 'passed';
  else if (graded && t.submitted && t.scaled !== null) {
    if (t.scaled >= t.passing - 1e-9) success = 'passed';
    // Rule 7: a failed attempt is not final while attempts remain.
    else if (!t.attemptsRemain) success = 'failed';
  }
  var lesson;
  if (success === 'passed') lesson = completed ? 'passed' : 'incomplete';
  else if (success === 'failed') lesson = 'failed';
  else if (graded) lesson = 'incomplete';
  else lesson = completed ? 'completed' : 'incomplete';
  // Rule 24: an LMS with a mastery score (1.2) or a scaled passing score (2004) judges by the score it receives,
  // whatever status the SCO sends. So a graded module sends the score the LMS judges by only with a final
  // verdict: passed, or failed on the last attempt; in 1.2, whose one lesson_status also carries completion,
  // only once that status is passed or failed. 2004 gets raw/min/max with every submitted attempt (no LMS
  // judges by them) and scaled with the verdict; an ungraded module never sends scaled, since Moodle hands
  // every SCO a scaled passing score (rule 23). xAPI/cmi5 attach the score to their own statements.
  var scored = t.submitted && t.scaled !== null && t.scaled !== undefined;
  var final = lesson === 'passed' || lesson === 'failed';
  var scoreRaw = scored, scoreScaled = scored;
  if (t.lms === 'scorm12') { scoreRaw = scored && (!graded || final); scoreScaled = false; }
  else if (t.lms === 'scorm2004') scoreScaled = scored && graded && success !== 'unknown';
  return {
    completion: completed ? 'completed' : 'incomplete',
    success: success,
    lessonStatus: lesson,
    scoreRaw: scoreRaw,
    scoreScaled: scoreScaled,
    // Rule 18: an xAPI/cmi5 "completed" result never goes out together with "failed".
    resultCompletion: completed && success !== 'failed',
    finished: lesson !== 'incomplete'
  };
}

function bitsEncode(flags) {
  var out = '';
  for (var i = 0; i < flags.length; i += 6) {
    var v = 0;
    for (var j = 0; j < 6 && i + j < flags.length; j++) if (flags[i + j]) v |= 1 << j;
    out += B64.charAt(v);
  }
  return out;
}

function bitsDecode(text, count) {
  var flags = [];
  for (var i = 0; i < count; i++) {
    var v = B64.indexOf(String(text).charAt(Math.floor(i / 6)));
    flags.push(v > 0 && (v & (1 << (i % 6))) !== 0);
  }
  return flags;
}

function round2(x) { return Math.round(x * 100) / 100; }

/* Same keys as course.py worst_case_state: keep the two in step. */
function encodeState(S, key) {
  return JSON.stringify({
    v: STATE_VERSION, h: key, s: S.seed, w: S.screen, c: S.slide, b: bitsEncode(S.viewed),
    a: Math.min(S.attempt, ATTEMPT_CAP), i: S.pos, o: S.order, k: bitsEncode(S.recorded), x: bitsEncode(S.checked),
    r: S.answers.map(function (a) { return a === null ? 0 : a; }), d: S.submitted ? 1 : 0,
    p: S.score === null ? null : round2(S.score * 100), g: S.ack ? 1 : 0, n: Math.min(S.n || 0, SAVE_CAP)
  });
}

/* Item indexes of one attempt in display order: draw N of M, then shuffle, seeded by seed and attempt.
   The result is stored in the state (o), so a resumed attempt never depends on this function again;
   format-1 states (no o) get the order this function always gave them. q: {draw, shuffle} or null. */
function drawOrder(q, nItems, seed, attempt) {
  var idx = [];
  for (var n = 0; n < nItems; n++) idx.push(n);
  var key = seed + ':' + attempt;
  if (q && q.draw && q.draw < nItems) {
    idx = shuffled(idx, key + ':draw').slice(0, q.draw);
    if (!q.shuffle) idx.sort(function (a, b) { return a - b; });
  } else if (q && q.shuffle) idx = shuffled(idx, key + ':order');
  return idx;
}

function validOrder(o, nItems, q) {
  var want = q && q.draw && q.draw < nItems ? q.draw : nItems, seen = {};
  if (!Array.isArray(o) || o.length !== want) return false;
  for (var n = 0; n < o.length; n++) {
    if (!intIn(o[n], 0, nItems - 1) || seen[o[n]]) return false;
    seen[o[n]] = true;
  }
  return true;
}

function intIn(v, lo, hi) { return typeof v === 'number' && v % 1 === 0 && v >= lo && v <= hi; }

/* Unknown version or corrupt data -> null (start fresh, rule 13). Format 1 (older packages) is read: its
   order is the one drawOrder gave it. Answers saved against other quiz items (another stateKey: an updated
   module) are dropped; slide progress and the disclosure acknowledgement are kept. q: {draw, shuffle}. */
function decodeState(text, nSlides, nItems, key, q) {
  var o;
  try { o = JSON.parse(text); } catch (e) { return null; }
  if (!o || typeof o !== 'object' || (o.v !== STATE_VERSION && o.v !== 1)) return null;
  if (!intIn(o.s, 0, 999999) || !intIn(o.c, 0, Math.max(nSlides - 1, 0)) || typeof o.b !== 'string') return null;
  var S = fresh(nSlides, nItems, o.s, q);
  S.slide = o.c;
  S.viewed = bitsDecode(o.b, nSlides);
  S.ack = o.g === 1;
  S.n = intIn(o.n, 0, SAVE_CAP) ? o.n : 0;
  S.screen = 'sqvr'.indexOf(o.w) >= 0 && typeof o.w === 'string' && o.w.length === 1 ? o.w : 'v';
  if (o.h !== key) { if (S.screen === 'q' || S.screen === 'r') S.screen = 'v'; return S; }
  if (!intIn(o.a, 1, ATTEMPT_CAP) || !intIn(o.i, 0, 1e6) || !Array.isArray(o.r) || o.r.length !== nItems) return null;
  var order = o.v === 1 ? drawOrder(q, nItems, o.s, o.a) : o.o;
  // Another draw size (an updated module.yaml): the quiz starts again, slide progress is kept.
  if (!validOrder(order, nItems, q)) { if (S.screen === 'q' || S.screen === 'r') S.screen = 'v'; return S; }
  S.order = order;
  for (var n = 0; n < nItems; n++) {
    var a = o.r[n];
    if (a !== 0 && typeof a !== 'string') return null;
    S.answers[n] = a === 0 ? null : a;
  }
  S.attempt = o.a; S.pos = o.i;
  S.recorded = bitsDecode(o.k || '', nItems);
  S.checked = bitsDecode(o.x || '', nItems);
  S.submitted = o.d === 1;
  S.score = typeof o.p === 'number' && o.p >= 0 && o.p <= 100 ? o.p / 100 : null;
  return S;
}

function fresh(nSlides, nItems, seed, q) {
  var viewed = [], answers = [], none = [];
  for (var i = 0; i < nSlides; i++) viewed.push(false);
  for (var j = 0; j < nItems; j++) { answers.push(null); none.push(false); }
  return {
    seed: seed, screen: 's', slide: 0, viewed: viewed, attempt: 1, pos: 0, order: drawOrder(q, nItems, seed, 1),
    recorded: none.slice(), checked: none.slice(), answers: answers, submitted: false, score: null, ack: false,
    n: 0
  };
}

function hashString(s) {
  var h = 2166136261;
  for (var i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 16777619); }
  return h >>> 0;
}

function rng(seedText) {
  var a = hashString(seedText);
  return function () {
    a = (a + 0x6D2B79F5) | 0;
    var t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled(list, seedText) {
  var out = list.slice(), r = rng(seedText);
  for (var i = out.length - 1; i > 0; i--) {
    var j = Math.floor(r() * (i + 1)), t = out[i];
    out[i] = out[j]; out[j] = t;
  }
  return out;
}
