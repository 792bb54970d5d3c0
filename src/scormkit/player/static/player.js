/* scormkit player: slides + quiz, vanilla JS, no requests. Course data: the JSON block in index.html
   (the same object as course.json). Runtime: window.ScormkitRuntime (adapters/<runtime>.js). */
(function () {
  'use strict';

  /* Resume-state format: 2 adds the stored draw/order (o) and the disclosure acknowledgement (g); 1 is read too.
     n (the save counter, see the local mirror in boot) is optional within format 2: readers ignore unknown keys
     and a state without it counts as save 0. */
  var STATE_VERSION = 2;
  var B64 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';
  var FILLIN_MAX = 250, NUMERIC_MAX = 32, ATTEMPT_CAP = 9999, SAVE_CAP = 999999999;

  // ---- pure helpers (exported on window.Scormkit for tests) ---------------------------------------

  /* The one place where completion and success are decided (LMS-PITFALLS rules 6, 7, 18), and whether the score
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

  function normText(s, item) {
    s = String(s);
    if (item.trim) s = s.replace(/\s+/g, ' ').trim();
    return item.caseSensitive ? s : s.toLowerCase();
  }

  /* A typed number ("12", "-3.5", "12,5") -> canonical decimal string, or null. */
  function parseNumber(text) {
    var s = String(text).trim().replace(/\s/g, '');
    if (/^[+-]?\d+,\d+$/.test(s)) s = s.replace(',', '.');
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(s)) return null;
    var x = Number(s);
    if (!isFinite(x) || Math.abs(x) >= 1e10) return null;
    var out = String(x);
    if (!/^-?\d+(\.\d+)?$/.test(out)) out = x.toFixed(7).replace(/\.?0+$/, '');
    return out;
  }

  function isCorrect(item, a) {
    if (a === null || a === undefined) return false;
    switch (item.type) {
      case 'single':
      case 'multiple':
        return a === item.choices.filter(function (c) { return c.correct; }).map(function (c) { return c.id; }).join('');
      case 'truefalse': return (a === 't') === item.answer;
      case 'fillin':
        return item.accepted.some(function (x) { return normText(x, item) === normText(a, item); });
      case 'numeric':
        var x = parseNumber(a);
        return x !== null && Number(x) >= item.min - 1e-9 && Number(x) <= item.max + 1e-9;
      case 'matching':
        return item.sources.every(function (s, i) { return a.charAt(i) === item.correct[i][1]; });
      case 'sequencing':
        return a === item.steps.map(function (s) { return s.id; }).join('');
    }
    return false;
  }

  /* Weighted score of the drawn items, 0..1. */
  function scoreOf(items, answers) {
    var total = 0, got = 0;
    items.forEach(function (entry) {
      total += entry.item.weight;
      if (isCorrect(entry.item, answers[entry.index])) got += entry.item.weight;
    });
    return total > 0 ? got / total : 0;
  }

  /* Neutral response / correct answer objects that the adapters format per standard. */
  function responseOf(item, a) {
    switch (item.type) {
      case 'single': case 'multiple': case 'sequencing': return a.split('');
      case 'truefalse': return a === 't';
      case 'numeric': return parseNumber(a);
      case 'matching':
        var pairs = [];
        item.sources.forEach(function (s, i) { if (a.charAt(i) !== '-') pairs.push([s.id, a.charAt(i)]); });
        return pairs;
    }
    return a;
  }

  function correctOf(item) {
    switch (item.type) {
      case 'single': case 'multiple':
        return item.choices.filter(function (c) { return c.correct; }).map(function (c) { return c.id; });
      case 'truefalse': return item.answer;
      case 'fillin': return { accepted: item.accepted, caseSensitive: item.caseSensitive };
      case 'numeric': return { min: item.min, max: item.max };
      case 'matching': return item.correct;
      case 'sequencing': return item.steps.map(function (s) { return s.id; });
    }
    return null;
  }

  /* Per-objective results of one submitted attempt: [{id, scaled, raw, success, completion}] for each objective
     with at least one item in `entries` ([{index, item}]); weighted like the quiz score. */
  function objectiveResults(objectives, entries, answers, passing, attemptsRemain) {
    var out = [];
    objectives.forEach(function (o) {
      var mine = entries.filter(function (e) { return e.item.objective === o.id; });
      if (!mine.length) return;
      var sc = scoreOf(mine, answers);
      out.push({ id: o.id, scaled: Math.round(sc * 10000) / 10000, raw: round2(sc * 100),
        success: sc >= passing - 1e-9 ? 'passed' : attemptsRemain ? 'unknown' : 'failed',
        completion: 'completed' });
    });
    return out;
  }

  window.Scormkit = {
    computeStatus: computeStatus, encodeState: encodeState, decodeState: decodeState, bitsEncode: bitsEncode,
    bitsDecode: bitsDecode, isCorrect: isCorrect, parseNumber: parseNumber, scoreOf: scoreOf, drawOrder: drawOrder,
    objectiveResults: objectiveResults, fresh: fresh
  };

  // ---- the player ------------------------------------------------------------------------------------

  var dataEl = document.getElementById('course-data');
  if (!dataEl) return;
  var course = JSON.parse(dataEl.textContent);
  var quiz = course.quiz;
  var items = quiz ? quiz.items : [];
  var L = course.strings || {};
  var app = document.getElementById('app');
  var live = document.getElementById('live');
  var exitButton = document.getElementById('exit');
  var rt = window.ScormkitRuntime;
  var env, S, passing, lastStatus = '', dirty = false, ended = false, shownAt = {}, everCompleted = false;
  var reporting = true, troubled = false, backoff = 1000, retryTimer = null, bannerEl = null, mirrorKey = null;
  var menuOpen = false, menuQuery = '', textOpen = false, thumbs = {};

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

  // ---- start screen ----------------------------------------------------------------------------------

  /* The start screen (title, slide 1 as its cover, description, objectives, about, declaration of interest) is
     rendered into index.html at build time, so it is painted before this script runs; here it gets what only
     the launch knows. A module with disclosures shows them there, before any content, and its Start button
     acknowledges them (kept in the state, g). This screen is shown once per launch. */
  function startScreen() {
    var c = course, h = app.querySelector('h1');
    if (env.message) app.insertBefore(el('p', { 'class': 'note', text: env.message }), h.nextSibling);
    var creditText = document.getElementById('credit');
    if (c.credit && creditText) {
      var cr = c.credit, v = { kind: cr.kind, provider: cr.provider, date: cr.expiresLabel, credits: cr.credits };
      creditText.textContent = creditExpired ? t(/^\d{4}$/.test(cr.expiresLabel) ? 'creditExpiredIn' : 'creditExpiredOn', v)
        : t('creditUntil', { kind: cr.kind, provider: cr.provider, date: cr.expires })
          + (cr.credits ? ' ' + t('creditCount', v) : '') + (quiz ? ' ' + t('creditQualify', { pct: pct(passing) }) : '');
      if (creditExpired) creditText.className = 'note';
    }
    var resumable = S.viewed.some(Boolean) || S.answers.some(function (a) { return a !== null; }) || S.submitted;
    var label = resumable ? t('resume') : c.disclosures.length && !S.ack ? t('doiAck') : t('start');
    // Under the cover and the declaration (index.html.j2 #begin): Start is on the first screen, without scrolling.
    (document.getElementById('begin') || app).insertBefore(el('p', { 'class': 'actions' }, [button(label, function () {
      if (c.disclosures.length && !S.ack) { S.ack = true; save(); commit(); } // acknowledged once per learner
      if (resumable && S.resumeScreen === 'q' && quiz) quizScreen();
      else if (resumable && S.resumeScreen === 'r' && quiz && S.submitted) resultsScreen();
      else viewer(S.slide);
    }, 'btn primary')]), null);
    enter('start');
  }

  // ---- slide viewer ----------------------------------------------------------------------------------

  function fold(s) { return String(s).normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase(); }

  /* The slide menu, a sidebar beside the slide: every slide with its thumbnail (rendered at build time), title and
     viewed mark, filtered by a search across titles and texts. */
  function slideMenu(n) {
    var list = el('ol', { 'class': 'slide-list' }), count = el('p', { 'class': 'muted', 'aria-live': 'polite' });
    var box = el('input', { type: 'search', id: 'search', value: menuQuery, autocomplete: 'off' });
    function fill() {
      var q = fold(menuQuery.trim()), found = 0;
      list.textContent = '';
      course.slides.forEach(function (s, i) {
        var text = fold(s.title + ' ' + (s.text || '')), at = q ? text.indexOf(q) : -1;
        if (q && at < 0) return;
        found++;
        var go = button((i + 1) + '. ' + s.title, function () { menuOpen = false; viewer(i); }, 'btn-quiet');
        if (i === n) go.setAttribute('aria-current', 'true');
        // The thumbnail is decorative: the button beside it names the slide.
        // One element per thumbnail for the whole session: re-rendering the menu moves it instead of dropping an
        // image that is still loading (which would abort its request).
        var thumb = s.thumb ? thumbs[i] || (thumbs[i] = el('img', { src: s.thumb, alt: '', width: s.thumbWidth, height: s.thumbHeight, 'class': 'thumb', loading: 'lazy' })) : null;
        var kids = [thumb,
          el('span', { 'class': 'entry' }, [go, S.viewed[i] ? el('span', { 'class': 'muted viewed', text: ' ' + t('viewedMark') }) : null])];
        if (q && s.text) {
          var raw = s.text.replace(/\s+/g, ' '), k = fold(raw).indexOf(q);
          if (k >= 0) kids.push(el('span', { 'class': 'snippet', text: (k > 40 ? '\u2026' : '') + raw.slice(Math.max(0, k - 40), k + q.length + 60) + '\u2026' }));
        }
        list.appendChild(el('li', { 'class': i === n ? 'current' : null }, kids));
      });
      count.textContent = q ? (found ? t('found', { n: found }) : t('noMatch')) : '';
    }
    box.addEventListener('input', function () { menuQuery = box.value; fill(); });
    fill();
    return el('aside', { id: 'menu', 'class': 'sidebar', hidden: !menuOpen, 'aria-label': t('menu') }, [
      el('label', { 'for': 'search', text: t('search') }), box, count, list]);
  }

  /* A toggle button for a panel beside the slide (menu, slide text): aria-expanded, the label for each state. */
  function panelToggle(panel, labels, isOpen, onChange) {
    var b = el('button', { type: 'button', 'class': 'tool', 'aria-expanded': String(isOpen), 'aria-controls': panel.id, text: labels[isOpen ? 1 : 0] });
    b.addEventListener('click', function () {
      var open = panel.hidden;
      panel.hidden = !open;
      b.setAttribute('aria-expanded', String(open));
      b.textContent = labels[open ? 1 : 0];
      onChange(open);
    });
    return b;
  }

  /* Full screen: the browser's own when the page may use it (an LMS frame needs allowfullscreen), else an
     immersive layout that hides the header, so the button always does something. */
  function fullscreenToggle() {
    var on = document.fullscreenElement || document.body.classList.contains('immersive');
    var b = el('button', { type: 'button', 'class': 'tool', 'aria-pressed': String(!!on), text: t('fullscreen') });
    b.addEventListener('click', function () {
      var now = !!(document.fullscreenElement || document.body.classList.contains('immersive'));
      document.body.classList.toggle('immersive', !now);
      if (!now && document.fullscreenEnabled && document.documentElement.requestFullscreen) {
        document.documentElement.requestFullscreen().catch(function () { /* refused: the immersive layout stays */ });
      } else if (now && document.fullscreenElement && document.exitFullscreen) {
        document.exitFullscreen().catch(function () {});
      }
      b.setAttribute('aria-pressed', String(!now));
    });
    return b;
  }

  document.addEventListener('fullscreenchange', function () {
    // Esc leaves the browser's full screen: leave the immersive layout with it.
    if (!document.fullscreenElement) {
      document.body.classList.remove('immersive');
      var b = app.querySelector('[aria-pressed]');
      if (b) b.setAttribute('aria-pressed', 'false');
    }
  });

  /* The slide viewer: a stage that takes the room the screen has, the slide menu as a sidebar on its left and the
     slide text as a panel on its right (below it on narrow screens), and one toolbar under it that stays on
     screen: Previous / Next (or the quiz), the counter and progress, then the tools. */
  function viewer(n) {
    var slides = course.slides, total = slides.length;
    n = Math.max(0, Math.min(n, total - 1));
    S.screen = 'v'; S.slide = n; S.viewed[n] = true;
    var s = slides[n];
    var img = el('img', { src: s.image, alt: s.title, width: s.width, height: s.height, 'class': 'slide' });
    // CSSOM, not a style attribute (the CSP allows no inline style): the stage sizes the slide by its ratio.
    img.style.setProperty('--ratio', String(s.width / s.height));
    var transcript = el('aside', { id: 'transcript', 'class': 'panel', hidden: !textOpen, 'aria-label': t('slideText') },
      [el('p', { text: s.text || t('noText') })]);
    var menu = slideMenu(n);
    var menuToggle = panelToggle(menu, [t('menu'), t('menu')], menuOpen, function (open) {
      menuOpen = open;
      if (open) document.getElementById('search').focus();
    });
    var textToggle = panelToggle(transcript, [t('showText'), t('hideText')], textOpen, function (open) { textOpen = open; });
    var jump = el('select', { id: 'jump', onchange: function () { viewer(Number(jump.value)); } },
      slides.map(function (x, i) { return el('option', { value: String(i), selected: i === n, text: (i + 1) + '. ' + x.title }); }));
    var nav = el('nav', { 'class': 'actions', 'aria-label': t('slidesNav') }, [
      n > 0 ? button(t('previous'), function () { viewer(n - 1); }) : null,
      n < total - 1 ? button(t('next'), function () { viewer(n + 1); }, 'btn primary')
        : quiz ? button(t('toQuiz'), quizScreen, 'btn primary') : button(t('finish'), finish, 'btn primary'),
      quiz && n < total - 1 ? button(t('quiz'), quizScreen, 'btn-quiet') : null
    ]);
    var viewedCount = S.viewed.filter(Boolean).length;
    var where = t('slideOf', { n: n + 1, total: total });
    show([
      // The module title is in the header bar: the heading names the slide only, in one compact line.
      el('div', { 'class': 'stagehead' }, [el('h1', { text: s.title }), el('p', { 'class': 'counter', text: where })]),
      el('div', { 'class': 'viewer-body' + (menuOpen ? ' with-menu' : '') }, [menu, el('figure', { 'class': 'stage' }, [img]), transcript]),
      el('div', { 'class': 'toolbar' }, [
        nav,
        el('div', { 'class': 'progress' }, [
          el('progress', { max: String(total), value: String(n + 1), 'aria-label': where }),
          el('span', { 'class': 'muted', text: t('viewedOf', { n: viewedCount, total: total }) })]),
        el('div', { 'class': 'tools' }, [menuToggle, textToggle,
          el('label', { 'for': 'jump', 'class': 'jump' }, [t('goToSlide') + ' ', jump]),
          course.pdf ? el('a', { href: course.pdf, download: '', 'class': 'download', text: t('download') }) : null,
          fullscreenToggle()])
      ])
    ], 'viewer');
    [n - 1, n + 1].forEach(function (i) { if (i >= 0 && i < total) { var p = new Image(); p.src = slides[i].image; } });
    report();
  }

  document.addEventListener('keydown', function (e) {
    if (S === undefined || S.screen !== 'v' || ended || e.altKey || e.ctrlKey || e.metaKey) return;
    var tag = e.target && e.target.tagName;
    if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA') return;
    var n = S.slide, last = course.slides.length - 1, to = null;
    if (e.key === 'ArrowLeft' || e.key === 'PageUp') to = n - 1;
    else if (e.key === 'ArrowRight' || e.key === 'PageDown') to = n + 1;
    else if (e.key === 'Home') to = 0;
    else if (e.key === 'End') to = last;
    if (to === null) return;
    e.preventDefault();
    if (to >= 0 && to <= last && to !== n) viewer(to);
  });

  // Swipe on touch screens: a horizontal move of 50 px or more over the slide turns the page. Listeners sit on
  // the document (like the keys above) because viewer() rebuilds the slide's DOM on every page.
  var touchX = null, touchY = null;
  document.addEventListener('touchstart', function (e) {
    touchX = null;
    if (S === undefined || S.screen !== 'v' || ended || e.touches.length !== 1) return;
    if (!e.target.closest || !e.target.closest('figure')) return;
    touchX = e.touches[0].clientX; touchY = e.touches[0].clientY;
  }, { passive: true });
  document.addEventListener('touchend', function (e) {
    if (touchX === null || !e.changedTouches.length) return;
    var dx = e.changedTouches[0].clientX - touchX, dy = e.changedTouches[0].clientY - touchY;
    touchX = null;
    if (Math.abs(dx) < 50 || Math.abs(dx) < Math.abs(dy)) return;  // a tap or a vertical scroll
    var to = S.slide + (dx < 0 ? 1 : -1);
    if (to >= 0 && to < course.slides.length) viewer(to);
  }, { passive: true });

  // ---- quiz ------------------------------------------------------------------------------------------

  function letterText(list, id) {
    for (var i = 0; i < list.length; i++) if (list[i].id === id) return list[i].text;
    return id;
  }

  function answerText(item, a) {
    if (a === null) return t('noAnswer');
    switch (item.type) {
      case 'single': case 'multiple':
        return a.split('').map(function (id) { return letterText(item.choices, id); }).join('; ');
      case 'truefalse': return a === 't' ? t('true') : t('false');
      case 'matching':
        return item.sources.map(function (s, i) {
          return s.text + ' \u2192 ' + (a.charAt(i) === '-' ? t('noAnswer') : letterText(item.targets, a.charAt(i)));
        }).join('; ');
      case 'sequencing':
        return a.split('').map(function (id, i) { return (i + 1) + '. ' + letterText(item.steps, id); }).join('; ');
    }
    return a;
  }

  function correctText(item) {
    switch (item.type) {
      case 'single': case 'multiple': case 'truefalse': case 'sequencing': case 'matching':
        var c = correctOf(item);
        if (item.type === 'truefalse') return c ? t('true') : t('false');
        if (item.type === 'matching') return answerText(item, c.map(function (p) { return p[1]; }).join(''));
        return answerText(item, c.join(''));
      case 'fillin': return item.accepted.join(' / ');
      case 'numeric': return item.min === item.max ? String(item.min) : t('range', { min: item.min, max: item.max });
    }
    return '';
  }

  function sanitize(text, max) {
    // Control characters become spaces: the resume state never grows past its worst case (course.py).
    return String(text).replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, max);
  }

  function record(entry) {
    var item = entry.item, i = entry.index, a = S.answers[i];
    if (S.recorded[i] || a === null || !reporting) return;
    S.recorded[i] = true;
    var now = new Date();
    rt.recordAnswer({
      id: item.id, type: item.interactionType, kind: item.type, response: responseOf(item, a),
      correct: correctOf(item), result: isCorrect(item, a), weight: item.weight, objective: item.objective,
      timestamp: now, latency: shownAt[i] ? now - shownAt[i] : 0, description: item.promptText, attempt: S.attempt
    });
  }

  /* Correct/incorrect, the item's feedback and the chosen choices' feedback; the correct answer only when the
     module lets learners review answers (quiz.review). */
  function itemFeedback(item, a) {
    var ok = isCorrect(item, a), parts = [el('p', { 'class': ok ? 'ok' : 'bad' }, [el('strong', { text: ok ? t('correct') : t('incorrect') })])];
    var f = ok ? item.feedback.correct : item.feedback.incorrect;
    if (f) parts.push(el('p', { text: f }));
    if (item.choices && a) {
      a.split('').forEach(function (id) {
        item.choices.forEach(function (c) { if (c.id === id && c.feedback) parts.push(el('p', { 'class': 'choice-fb', text: c.text + ': ' + c.feedback })); });
      });
    }
    if (!ok && quiz.review) parts.push(el('p', { text: t('correctAnswer', { a: correctText(item) }) }));
    return parts;
  }

  function choiceIsCorrect(item, id) {
    if (item.type === 'truefalse') return (id === 't') === !!item.answer;
    for (var k = 0; k < item.choices.length; k++) if (item.choices[k].id === id) return !!item.choices[k].correct;
    return false;
  }

  /* After Check, the options themselves say what happened: the learner's choice marked correct or incorrect, and
     (with review) the correct ones they missed; colour, an icon and words, never colour alone. */
  function markChoice(node, chosen, correct) {
    var mark = null;
    if (chosen) mark = correct ? ['mark-ok', '\u2713 ' + t('yourAnswerRight')] : ['mark-bad', '\u2717 ' + t('yourAnswerWrong')];
    else if (correct && quiz.review) mark = ['mark-correct', '\u2713 ' + t('theCorrectAnswer')];
    if (!mark) return;
    node.classList.add(mark[0]);
    node.appendChild(el('span', { 'class': 'mark', text: mark[1] }));
  }

  /* Matching: a target chosen for one source is not offered again for another (one answer, once). */
  function exclusive(body) {
    var sels = body.querySelectorAll('select');
    var taken = {};
    sels.forEach(function (x) { if (x.value !== '-') taken[x.value] = x; });
    sels.forEach(function (x) {
      x.querySelectorAll('option').forEach(function (o) { o.disabled = o.value !== '-' && !!taken[o.value] && taken[o.value] !== x; });
    });
  }

  function quizScreen() {
    if (!quiz) return;
    if (S.submitted) return resultsScreen();
    var list = drawn();
    S.screen = 'q';
    S.pos = Math.max(0, Math.min(S.pos, list.length - 1));
    var entry = list[S.pos], item = entry.item, i = entry.index, key = S.seed + ':' + S.attempt + ':' + item.id;
    if (!shownAt[i]) shownAt[i] = new Date();
    var immediate = quiz.feedback === 'immediate';
    var locked = immediate && S.checked[i];
    var pid = 'prompt-' + item.id, hint = el('p', { 'class': 'hint', id: 'hint-' + item.id });
    var form = el('form', { 'class': 'item', novalidate: true, onsubmit: function (e) { e.preventDefault(); } });
    var prompt = el('div', { 'class': 'prose prompt', id: pid, html: item.promptHtml });
    var body;
    function setAnswer(a) { S.answers[i] = a; save(); }

    if (item.type === 'single' || item.type === 'multiple' || item.type === 'truefalse') {
      var multi = item.type === 'multiple';
      var choices = item.type === 'truefalse' ? [{ id: 't', text: t('true') }, { id: 'f', text: t('false') }]
        : item.shuffle ? shuffled(item.choices, key) : item.choices;
      var current = S.answers[i] || '';
      body = el('fieldset', { 'aria-labelledby': pid }, [el('legend', { 'class': 'sr-only', text: multi ? t('selectAll') : t('selectOne') })]
        .concat(choices.map(function (c) {
          var input = el('input', { type: multi ? 'checkbox' : 'radio', name: 'c-' + item.id, value: c.id,
            checked: current.indexOf(c.id) >= 0, disabled: locked });
          input.addEventListener('change', function () {
            var chosen = [];
            body.querySelectorAll('input').forEach(function (x) { if (x.checked) chosen.push(x.value); });
            chosen.sort();
            setAnswer(chosen.length ? chosen.join('') : null);
          });
          var label = el('label', { 'class': 'choice' }, [input, el('span', { text: c.text })]);
          if (locked) markChoice(label, current.indexOf(c.id) >= 0, choiceIsCorrect(item, c.id));
          return label;
        })));
    } else if (item.type === 'fillin' || item.type === 'numeric') {
      var num = item.type === 'numeric';
      var box = el('input', { type: 'text', id: 'in-' + item.id, autocomplete: 'off', spellcheck: 'false',
        maxlength: String(num ? NUMERIC_MAX : FILLIN_MAX), inputmode: num ? 'decimal' : null,
        'aria-describedby': pid + ' hint-' + item.id, value: S.answers[i] || '', disabled: locked });
      box.addEventListener('input', function () {
        var v = sanitize(box.value, num ? NUMERIC_MAX : FILLIN_MAX);
        if (num && v.trim() && parseNumber(v) === null) { hint.textContent = t('enterNumber'); setAnswer(null); return; }
        hint.textContent = '';
        setAnswer(v.trim() ? v : null);
      });
      body = el('div', { 'class': 'field' }, [el('label', { 'for': 'in-' + item.id, text: num ? t('yourNumber') : t('yourAnswer') }), box]);
    } else if (item.type === 'matching') {
      var targets = shuffled(item.targets, key + ':targets');
      var cur = S.answers[i] || '';
      body = el('fieldset', { 'aria-labelledby': pid, 'class': 'matching' }, [el('legend', { 'class': 'sr-only', text: t('chooseMatch') })]
        .concat(item.sources.map(function (s, n) {
          var id = 'm-' + item.id + '-' + s.id;
          var sel = el('select', { id: id, disabled: locked }, [el('option', { value: '-', text: t('choose') })]
            .concat(targets.map(function (x) { return el('option', { value: x.id, text: x.text, selected: cur.charAt(n) === x.id }); })));
          sel.addEventListener('change', function () {
            var a = item.sources.map(function (x) { return document.getElementById('m-' + item.id + '-' + x.id).value; }).join('');
            setAnswer(/^-+$/.test(a) ? null : a);
            exclusive(body);
          });
          var row = el('div', { 'class': 'match' }, [el('label', { 'for': id, text: s.text }), sel]);
          if (locked) {
            var right = item.correct[n][1], chosen = cur.charAt(n);
            markChoice(row, true, chosen === right);
            if (chosen !== right && quiz.review) row.appendChild(el('span', { 'class': 'mark-correct', text: '\u2713 ' + t('correctIs', { a: letterText(item.targets, right) }) }));
          }
          return row;
        })));
      exclusive(body);
    } else if (item.type === 'sequencing') {
      var order = S.answers[i];
      if (!order) {
        var ids = item.steps.map(function (s) { return s.id; }), mixed = shuffled(ids, key + ':steps');
        if (mixed.join('') === ids.join('')) mixed.push(mixed.shift());
        order = mixed.join('');
      }
      var ol = el('ol', { 'class': 'steps', 'aria-labelledby': pid });
      var drawSteps = function (focusId, dir) {
        ol.textContent = '';
        order.split('').forEach(function (id, n) {
          var text = letterText(item.steps, id);
          var up = button(t('moveUp'), function () { move(n, -1, id); }, 'btn-small');
          var down = button(t('moveDown'), function () { move(n, 1, id); }, 'btn-small');
          up.setAttribute('aria-label', t('moveUpX', { x: text })); down.setAttribute('aria-label', t('moveDownX', { x: text }));
          up.disabled = locked || n === 0; down.disabled = locked || n === order.length - 1;
          ol.appendChild(el('li', null, [el('span', { 'class': 'step-text' }, [el('span', { 'class': 'step-n', text: (n + 1) + '. ' }), text]),
            el('span', { 'class': 'moves' }, [up, down])]));
          if (id === focusId) { var f = dir < 0 ? (up.disabled ? down : up) : (down.disabled ? up : down); setTimeout(function () { f.focus(); }, 0); }
        });
      };
      var move = function (n, d, id) {
        var a = order.split(''), x = a[n]; a[n] = a[n + d]; a[n + d] = x;
        order = a.join(''); setAnswer(order);
        drawSteps(id, d);
        say(t('moved', { n: n + d + 1, total: a.length }));
      };
      drawSteps(null, 0);
      body = el('div', null, [el('p', { 'class': 'muted', text: t('orderHelp') }), ol]);
      body.getOrder = function () { return order; };
    }

    var feedback = el('div', { 'class': 'feedback', 'aria-live': 'polite' });
    if (locked) itemFeedback(item, S.answers[i]).forEach(function (p) { feedback.appendChild(p); });
    var last = S.pos === list.length - 1;
    var answeredCount = list.filter(function (e) { return S.answers[e.index] !== null; }).length;
    var actions = el('div', { 'class': 'actions' });
    if (S.pos > 0) actions.appendChild(button(t('previous'), function () { S.pos--; quizScreen(); }));
    function next() {
      if (last) submit(list); else { S.pos++; quizScreen(); }
    }
    if (immediate && !locked) {
      actions.appendChild(button(t('check'), function () {
        if (item.type === 'sequencing' && S.answers[i] === null) setAnswer(body.getOrder());
        if (S.answers[i] === null) { hint.textContent = t('answerFirst'); say(t('answerFirst')); return; }
        S.checked[i] = true;
        say(isCorrect(item, S.answers[i]) ? t('correct') : t('incorrect'));
        record(entry);
        save(); commit();
        quizScreen();
        var fb = app.querySelector('.feedback');
        if (fb) { fb.setAttribute('tabindex', '-1'); fb.focus(); }
      }, 'btn primary'));
    } else {
      actions.appendChild(button(last ? (immediate ? t('seeResults') : t('submit')) : t('next'), function () {
        if (item.type === 'sequencing' && S.answers[i] === null && !immediate && body.getOrder) setAnswer(body.getOrder());
        next();
      }, 'btn primary'));
    }
    form.appendChild(prompt);
    form.appendChild(body);
    form.appendChild(hint);
    var heading = t('questionOf', { n: S.pos + 1, total: list.length });
    show([
      el('h1', { text: heading }),
      el('progress', { max: String(list.length), value: String(S.pos + 1), 'aria-label': heading }),
      form, feedback, actions,
      last && !immediate ? el('p', { 'class': 'muted', text: t('answered', { n: answeredCount, total: list.length }) }) : null,
      el('p', null, [button(t('backToSlides'), function () { viewer(S.slide); }, 'btn-quiet')])
    ], 'quiz');
    save();
  }

  function submit(list) {
    list.forEach(record);
    S.submitted = true;
    S.score = scoreOf(list, S.answers);
    S.screen = 'r';
    sendObjectives(list);
    report(true);
    resultsScreen();
  }

  function sendObjectives(list) {
    if (!reporting || S.score === null) return;
    if (rt.setObjectives) rt.setObjectives(objectiveResults(course.objectives, list, S.answers, passing, attemptsRemain()));
  }

  function resultsScreen() {
    var list = drawn(), st = status();
    S.screen = 'r';
    var passed = S.score !== null && S.score >= passing - 1e-9;
    var verdict = passed ? t('passed') : st.success === 'failed' ? t('failed') : t('notYet');
    var nodes = [el('h1', { text: t('results') }),
      el('p', { 'class': 'score' }, [t('yourScore') + ' ', el('strong', { text: pct(S.score || 0) })]),
      el('p', { 'class': 'verdict ' + (passed ? 'ok' : 'bad') }, [el('strong', { text: verdict }), ' ' + t('passingScore', { pct: pct(passing) })]),
      el('p', { 'class': 'muted', text: quiz.attempts ? t('attemptOf', { n: S.attempt, total: quiz.attempts }) : t('attemptUnlimited', { n: S.attempt }) })];
    if (creditExpired) nodes.push(el('p', { 'class': 'note', text: t('selfAssessment', { kind: course.credit.kind }) }));
    if (env.message) nodes.push(el('p', { 'class': 'note', text: env.message }));
    if (st.completion !== 'completed' && course.tracking.completion !== 'quiz') {
      nodes.push(el('p', { text: t('viewRemaining', { n: S.viewed.filter(Boolean).length, total: course.slides.length }) }));
    }
    nodes.push(objectiveTable(list));
    var actions = el('div', { 'class': 'actions' });
    if (!passed && attemptsRemain()) actions.appendChild(button(t('retake'), retake, 'btn primary'));
    if (passed) actions.appendChild(button(t('certificate'), certificateScreen, 'btn primary'));
    actions.appendChild(button(t('backToSlides'), function () { viewer(S.slide); }));
    actions.appendChild(button(t('exit'), finish));
    nodes.push(actions);
    // Review (answers, correct answers) only when quiz.review; per-item feedback unless feedback is "none".
    var fb = quiz.feedback !== 'none';
    if (quiz.review || quiz.feedback === 'end') {
      // A collapsible review (open by default), with a filter that keeps only the questions answered wrongly.
      var review = el('ol', { 'class': 'review' }, list.map(function (e) {
        var a = S.answers[e.index], li = el('li', { 'data-correct': String(isCorrect(e.item, a)) }, [el('div', { 'class': 'prose', html: e.item.promptHtml })]);
        if (quiz.review) li.appendChild(el('p', { text: t('yourAnswerIs', { a: answerText(e.item, a) }) }));
        if (fb) itemFeedback(e.item, a).forEach(function (p) { li.appendChild(p); });
        return li;
      }));
      var wrongOnly = el('input', { type: 'checkbox', id: 'wrong-only' });
      wrongOnly.addEventListener('change', function () {
        review.querySelectorAll('li').forEach(function (li) { li.hidden = wrongOnly.checked && li.getAttribute('data-correct') === 'true'; });
      });
      var details = el('details', { 'class': 'review-box', open: true }, [
        el('summary', null, [el('h2', { text: quiz.review ? t('yourAnswers') : t('feedbackTitle') })]),
        fb ? el('p', { 'class': 'filter' }, [wrongOnly, el('label', { 'for': 'wrong-only', text: ' ' + t('wrongOnly') })]) : null,
        review]);
      nodes.push(details);
    }
    show(nodes, 'results');
    save();
  }

  /* Results by objective: the weighted score of this attempt's items on each objective, and its verdict. */
  function objectiveTable(list) {
    var results = objectiveResults(course.objectives, list, S.answers, passing, attemptsRemain());
    if (!results.length) return null;
    var text = {};
    course.objectives.forEach(function (o) { text[o.id] = o.text; });
    return el('section', { 'aria-labelledby': 'by-objective' }, [
      el('h2', { id: 'by-objective', text: t('byObjective') }),
      el('table', { 'class': 'objectives' }, [
        el('thead', null, [el('tr', null, [el('th', { scope: 'col', text: t('objective') }), el('th', { scope: 'col', text: t('score') }),
          el('th', { scope: 'col', text: t('result') })])]),
        el('tbody', null, results.map(function (r) {
          var ok = r.success === 'passed';
          return el('tr', null, [el('th', { scope: 'row', text: text[r.id] || r.id }), el('td', { text: pct(r.scaled) }),
            el('td', { 'class': ok ? 'ok' : 'bad', text: (ok ? '\u2713 ' : '\u2717 ') + (ok ? t('objMet') : t('objNotMet')) })]);
        }))])]);
  }

  /* The learner's name as an LMS gives it: SCORM 1.2 and many LMSs send "Last, First". */
  function displayName(name) {
    var n = String(name || '').trim(), parts = n.split(',');
    return parts.length === 2 && parts[0].trim() && parts[1].trim() ? parts[1].trim() + ' ' + parts[0].trim() : n;
  }

  /* A printable certificate of completion (print stylesheet: only the certificate is printed). CME credit is
     named only while the accreditation runs (credit set and not expired). */
  function certificateScreen() {
    var cr = course.credit, name = displayName(env.learnerName);
    var logo = document.querySelector('header .bar-logo'); // the theme's logo (index.html.j2), also printed here
    var nodes = [el('div', { 'class': 'certificate' }, [
      logo ? el('img', { 'class': 'cert-logo', src: logo.getAttribute('src'), alt: logo.alt }) : null,
      el('p', { 'class': 'cert-kicker', text: t('certificate') }),
      el('h1', { text: course.title }),
      el('p', { text: name ? t('certifiesName', { name: name }) : t('certifies') }),
      el('p', { 'class': 'cert-name', text: name || '' }),
      el('p', { text: t('certScore', { pct: pct(S.score || 0), date: today() }) }),
      cr && !creditExpired ? el('p', { text: t('certCredit', { provider: cr.provider, kind: cr.kind }) + (cr.credits ? ' ' + t('creditCount', { credits: cr.credits }) : '') }) : null,
      el('p', { 'class': 'muted', text: course.publisher })
    ]), el('div', { 'class': 'actions' }, [
      button(t('print'), function () { window.print(); }, 'btn primary'),
      button(t('backToResults'), resultsScreen)])];
    show(nodes, 'certificate');
  }

  function retake() {
    S.attempt = Math.min(S.attempt + 1, ATTEMPT_CAP);
    S.order = drawOrder(quiz, items.length, S.seed, S.attempt); // a new draw for every attempt
    S.answers = S.answers.map(function () { return null; });
    S.checked = S.checked.map(function () { return false; });
    S.recorded = S.recorded.map(function () { return false; });
    S.submitted = false; S.pos = 0; shownAt = {};
    report();
    quizScreen();
  }

  // ---- boot ------------------------------------------------------------------------------------------

  /* No LMS API in a SCORM runtime: run standalone, resume data in this browser's localStorage (like web). */
  function localRuntime() {
    var key = 'scormkit:' + course.id, store = null, rec = {};
    try { store = window.localStorage; rec = JSON.parse(store.getItem(key) || '{}') || {}; } catch (e) { store = null; }
    function write() { try { if (store) store.setItem(key, JSON.stringify(rec)); } catch (e) { /* full or blocked */ } }
    function none() {}
    return {
      start: function () { return { connected: true, local: true, mode: 'normal', credit: 'no-credit', state: rec.state || null, location: rec.location || '' }; },
      saveState: function (x) { rec.state = x; }, bookmark: function (x) { rec.location = x; },
      recordAnswer: none, setScore: none, setObjectives: none, setStatus: none,
      commit: function () { write(); return true; }, finish: function () { write(); return true; }
    };
  }

  function boot() {
    // An adapter whose launch needs the network first (xAPI, cmi5: token, launch data, saved state) returns a
    // Promise and may tell the learner through the banner while it retries; the start screen waits for it.
    var launched = rt && rt.start ? rt.start({ banner: banner }) : { mode: 'normal', connected: false };
    if (launched && typeof launched.then === 'function') launched.then(begin);
    else begin(launched);
  }

  function begin(launched) {
    env = launched;
    if (env.connected === false && /^scorm/.test(course.runtime)) {
      rt = localRuntime(); env = rt.start();
    }
    env.mode = env.mode || 'normal';
    reporting = env.mode === 'normal';
    if (env.local) env.message = t('noLmsLocal');
    else if (env.connected === false) env.message = env.message || t('noLms');
    else if (!reporting) env.message = t('modeNote', { mode: env.mode === 'browse' ? t('browse') : t('review') });
    else if (env.credit === 'no-credit' && course.runtime !== 'web') env.message = t('noCredit');
    passing = quiz ? (typeof env.masteryScore === 'number' && env.masteryScore >= 0 && env.masteryScore <= 1 ? env.masteryScore : quiz.passingScore) : 1;
    var q = quiz ? { draw: quiz.draw, shuffle: quiz.shuffle } : null;
    S = null;
    if (env.state) S = decodeState(env.state, course.slides.length, items.length, course.stateKey, q);
    // The local mirror: only for a known learner in normal mode, never for the web runtime (already local) nor
    // for an adapter that keeps unsent state in this browser itself (env.durable: xAPI's outbox).
    var learner = typeof env.learnerId === 'string' ? env.learnerId : '';
    if (learner && env.mode === 'normal' && !env.local && !env.durable && course.runtime !== 'web') {
      mirrorKey = 'scormkit:mirror:' + course.id + ':' + String(course.version || '').split('.')[0] + ':' + learner;
    }
    var kept = mirror('getItem');
    var M = kept ? decodeState(kept, course.slides.length, items.length, course.stateKey, q) : null;
    if (M && (!S || M.n > S.n)) {
      // Newer than what the LMS has (a reload during an outage): resume from it. Answers the LMS never stored
      // are recorded again below; report(true) then writes the state back and commits.
      var lms = S;
      M.recorded = M.recorded.map(function (r, i) {
        return r && !!lms && lms.attempt === M.attempt && lms.recorded[i];
      });
      S = M; env.state = kept;
    } else if (kept) mirror('removeItem'); // unreadable or not newer than the LMS's copy
    if (!S) S = fresh(course.slides.length, items.length, Math.floor(Math.random() * 1000000), q);
    S.resumeScreen = S.screen;
    if (!env.state && env.location && /^\d+$/.test(env.location)) S.slide = Math.min(Number(env.location), course.slides.length) - 1;
    if (S.slide < 0) S.slide = 0;
    exitButton.textContent = t('exit');
    exitButton.addEventListener('click', finish);
    startScreen();
    if (M && S === M) {
      drawn().forEach(function (e) { if (S.checked[e.index] || S.submitted) record(e); });
      if (S.submitted) sendObjectives(drawn()); // the score goes with report(true) below
    }
    report(true);
    // Rule 15: commit changes every minute, and at least every 10 minutes as a keep-alive for idle learners.
    var ticks = 0;
    setInterval(function () { ticks++; if (ticks % 10 === 0) dirty = true; commit(); }, 60000);
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'hidden') { save(); commit(); }
    });
    window.addEventListener('pagehide', function () { if (!ended) finish(); });
  }

  boot();
})();
