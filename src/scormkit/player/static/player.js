/* scormkit player: slides + quiz, vanilla JS, no requests. Course data: the JSON block in index.html
   (the same object as course.json). Runtime: window.ScormkitRuntime (adapters/<runtime>.js). */
(function () {
  'use strict';

  var STATE_VERSION = 1;
  var B64 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';
  var FILLIN_MAX = 250, NUMERIC_MAX = 32, ATTEMPT_CAP = 9999;

  // ---- pure helpers (exported on window.Scormkit for tests) ---------------------------------------

  /* The one place where completion and success are decided (LMS-PITFALLS rules 6, 7, 18).
     t: {completion, slidesRequired, success, hasQuiz, viewed, total, submitted, scaled, passing, attemptsRemain} */
  function computeStatus(t) {
    var slidesDone = t.total === 0 || t.viewed / t.total >= t.slidesRequired - 1e-9;
    var quizDone = !t.hasQuiz || t.submitted;
    var completed = t.completion === 'slides' ? slidesDone
      : t.completion === 'quiz' ? quizDone : slidesDone && quizDone;
    var graded = t.hasQuiz && t.success === 'quiz';
    var success = 'unknown';
    if (graded && t.submitted && t.scaled !== null) {
      if (t.scaled >= t.passing - 1e-9) success = 'passed';
      // Rule 7: a failed attempt is not final while attempts remain.
      else if (!t.attemptsRemain) success = 'failed';
    }
    var lesson;
    if (success === 'passed') lesson = completed ? 'passed' : 'incomplete';
    else if (success === 'failed') lesson = 'failed';
    else if (graded) lesson = 'incomplete';
    else lesson = completed ? 'completed' : 'incomplete';
    return {
      completion: completed ? 'completed' : 'incomplete',
      success: success,
      lessonStatus: lesson,
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
      a: Math.min(S.attempt, ATTEMPT_CAP), i: S.pos, k: bitsEncode(S.recorded), x: bitsEncode(S.checked),
      r: S.answers.map(function (a) { return a === null ? 0 : a; }), d: S.submitted ? 1 : 0,
      p: S.score === null ? null : round2(S.score * 100)
    });
  }

  function intIn(v, lo, hi) { return typeof v === 'number' && v % 1 === 0 && v >= lo && v <= hi; }

  /* Unknown version or corrupt data -> null (start fresh, rule 13). Answers saved against other quiz
     items (another stateKey) are dropped; slide progress is kept. */
  function decodeState(text, nSlides, nItems, key) {
    var o;
    try { o = JSON.parse(text); } catch (e) { return null; }
    if (!o || typeof o !== 'object' || o.v !== STATE_VERSION) return null;
    if (!intIn(o.s, 0, 999999) || !intIn(o.c, 0, Math.max(nSlides - 1, 0)) || typeof o.b !== 'string') return null;
    var S = fresh(nSlides, nItems, o.s);
    S.slide = o.c;
    S.viewed = bitsDecode(o.b, nSlides);
    S.screen = 'sqvr'.indexOf(o.w) >= 0 && typeof o.w === 'string' && o.w.length === 1 ? o.w : 'v';
    if (o.h !== key) { if (S.screen === 'q' || S.screen === 'r') S.screen = 'v'; return S; }
    if (!intIn(o.a, 1, ATTEMPT_CAP) || !intIn(o.i, 0, 1e6) || !Array.isArray(o.r) || o.r.length !== nItems) return null;
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

  function fresh(nSlides, nItems, seed) {
    var viewed = [], answers = [], none = [];
    for (var i = 0; i < nSlides; i++) viewed.push(false);
    for (var j = 0; j < nItems; j++) { answers.push(null); none.push(false); }
    return {
      seed: seed, screen: 's', slide: 0, viewed: viewed, attempt: 1, pos: 0,
      recorded: none.slice(), checked: none.slice(), answers: answers, submitted: false, score: null
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

  window.Scormkit = {
    computeStatus: computeStatus, encodeState: encodeState, decodeState: decodeState, bitsEncode: bitsEncode,
    bitsDecode: bitsDecode, isCorrect: isCorrect, parseNumber: parseNumber, scoreOf: scoreOf
  };

  // ---- the player ------------------------------------------------------------------------------------

  var dataEl = document.getElementById('course-data');
  if (!dataEl) return;
  var course = JSON.parse(dataEl.textContent);
  var quiz = course.quiz;
  var items = quiz ? quiz.items : [];
  var app = document.getElementById('app');
  var live = document.getElementById('live');
  var exitButton = document.getElementById('exit');
  var rt = window.ScormkitRuntime;
  var env, S, passing, lastStatus = '', dirty = false, ended = false, shownAt = {};
  var reporting = true;

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

  function show(nodes, screen) {
    app.textContent = '';
    nodes.forEach(function (n) { if (n) app.appendChild(n); });
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

  /* Items of this attempt: [{index, item}] in display order (draw and shuffle seeded per attempt). */
  function drawn() {
    var idx = items.map(function (_, i) { return i; });
    var key = S.seed + ':' + S.attempt;
    if (quiz && quiz.draw) {
      idx = shuffled(idx, key + ':draw').slice(0, quiz.draw);
      if (!quiz.shuffle) idx.sort(function (a, b) { return a - b; });
    } else if (quiz && quiz.shuffle) idx = shuffled(idx, key + ':order');
    return idx.map(function (i) { return { index: i, item: items[i] }; });
  }

  function status() {
    var viewed = S.viewed.filter(Boolean).length;
    return computeStatus({
      completion: course.tracking.completion, slidesRequired: course.tracking.slidesRequired,
      success: course.tracking.success, hasQuiz: !!quiz, viewed: viewed, total: course.slides.length,
      submitted: S.submitted, scaled: S.score, passing: passing, attemptsRemain: attemptsRemain()
    });
  }

  function save() {
    if (ended) return;
    var text = encodeState(S, course.stateKey);
    if (text.length > course.stateBudget) { // cannot happen for a module the build accepted; stay safe
      var lean = JSON.parse(text); lean.r = S.answers.map(function () { return 0; }); text = JSON.stringify(lean);
    }
    rt.saveState(text);
    rt.bookmark(String(S.slide + 1));
    dirty = true;
  }

  function commit() { if (!ended && dirty) { rt.commit(); dirty = false; } }

  /* Report status when it changed (score first: rule 5), then commit (rule 15). */
  function report(force) {
    save();
    if (!reporting) return;
    var st = status();
    var key = st.completion + st.success + st.lessonStatus;
    if (key !== lastStatus || force) {
      lastStatus = key;
      rt.setStatus(st);
      commit();
    }
  }

  function finish() {
    if (ended) return;
    save();
    var st = status();
    ended = true;
    rt.finish({ suspend: !st.finished });
    show([el('h1', { text: 'You can close this window' }),
      el('p', { text: st.finished ? 'Your results have been saved.' : 'Your progress has been saved. Open the module again to continue where you left off.' })], 'ended');
  }

  // ---- start screen ----------------------------------------------------------------------------------

  function startScreen() {
    var c = course, nodes = [el('h1', { text: c.title }), el('div', { 'class': 'prose', html: c.descriptionHtml })];
    if (env.message) nodes.splice(1, 0, el('p', { 'class': 'note', text: env.message }));
    nodes.push(el('h2', { text: 'Learning objectives' }),
      el('ul', null, c.objectives.map(function (o) { return el('li', { text: o.text }); })));
    var about = el('dl', { 'class': 'about' });
    function row(k, v) { if (v) { about.appendChild(el('dt', { text: k })); about.appendChild(el('dd', { text: v })); } }
    row(c.authors.length > 1 ? 'Authors' : 'Author', c.authors.map(function (a) {
      return a.affiliation ? a.name + ' (' + a.affiliation + ')' : a.name; }).join('; '));
    row('Publisher', c.publisher);
    row('Published', c.published);
    row('Last update', c.updated);
    nodes.push(el('h2', { text: 'About this module' }), about);
    if (c.disclosures.length) {
      nodes.push(el('h2', { text: 'Declaration of interest' }), el('ul', null, c.disclosures.map(function (d) {
        return el('li', null, [el('strong', { text: d.person + ': ' }), d.statement]); })));
    }
    if (c.credit) {
      var cr = c.credit, what = cr.kind + ' credit';
      var on = /^\d{4}$/.test(cr.expiresLabel) ? ' in ' : ' on ';
      nodes.push(el('h2', { text: what }), el('p', { 'class': creditExpired ? 'note' : null, text: creditExpired
        ? what + ' for this module expired' + on + cr.expiresLabel + '. The quiz runs as a self-assessment: your score and status are still recorded, but no credit is claimed.'
        : 'This module is accredited by ' + cr.provider + (cr.credits ? ' for ' + cr.credits + ' ' + what + (cr.credits === 1 ? '' : 's') : ' for ' + what)
          + ' until ' + cr.expires + (quiz ? '. Pass the quiz (' + pct(passing) + ') to qualify.' : '.') }));
    }
    var resumable = S.viewed.some(Boolean) || S.answers.some(function (a) { return a !== null; }) || S.submitted;
    nodes.push(el('p', { 'class': 'actions' }, [button(resumable ? 'Resume' : 'Start', function () {
      if (resumable && S.resumeScreen === 'q' && quiz) quizScreen();
      else if (resumable && S.resumeScreen === 'r' && quiz && S.submitted) resultsScreen();
      else viewer(S.slide);
    }, 'btn primary')]));
    show(nodes, 'start');
  }

  // ---- slide viewer ----------------------------------------------------------------------------------

  function viewer(n) {
    var slides = course.slides, total = slides.length;
    n = Math.max(0, Math.min(n, total - 1));
    S.screen = 'v'; S.slide = n; S.viewed[n] = true;
    var s = slides[n], tid = 'transcript';
    var img = el('img', { src: s.image, alt: s.title, width: s.width, height: s.height, 'class': 'slide' });
    var transcript = el('div', { id: tid, 'class': 'transcript', hidden: true }, [el('p', { text: s.text || 'This slide has no text.' })]);
    var toggle = el('button', { type: 'button', 'class': 'btn-quiet', 'aria-expanded': 'false', 'aria-controls': tid, text: 'Show slide text' });
    toggle.addEventListener('click', function () {
      var open = transcript.hidden;
      transcript.hidden = !open;
      toggle.setAttribute('aria-expanded', String(open));
      toggle.textContent = open ? 'Hide slide text' : 'Show slide text';
    });
    var jump = el('select', { id: 'jump', onchange: function () { viewer(Number(jump.value)); } },
      slides.map(function (x, i) { return el('option', { value: String(i), selected: i === n, text: (i + 1) + '. ' + x.title }); }));
    var nav = el('nav', { 'class': 'actions', 'aria-label': 'Slides' }, [
      n > 0 ? button('Previous', function () { viewer(n - 1); }) : null,
      n < total - 1 ? button('Next', function () { viewer(n + 1); }, 'btn primary')
        : quiz ? button('Go to the quiz', quizScreen, 'btn primary') : button('Finish', finish, 'btn primary'),
      quiz && n < total - 1 ? button('Quiz', quizScreen, 'btn-quiet') : null
    ]);
    var viewedCount = S.viewed.filter(Boolean).length;
    show([
      el('h1', { text: s.title }),
      el('p', { 'class': 'counter' }, ['Slide ' + (n + 1) + ' of ' + total]),
      el('progress', { max: String(total), value: String(n + 1), 'aria-label': 'Slide ' + (n + 1) + ' of ' + total }),
      el('figure', null, [img]),
      nav,
      el('div', { 'class': 'tools' }, [toggle,
        el('label', { 'for': 'jump', 'class': 'jump' }, ['Go to slide ', jump]),
        course.pdf ? el('a', { href: course.pdf, download: '', 'class': 'download', text: 'Download slides (PDF)' }) : null]),
      transcript,
      el('p', { 'class': 'muted', text: viewedCount + ' of ' + total + ' slides viewed' })
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

  // ---- quiz ------------------------------------------------------------------------------------------

  function letterText(list, id) {
    for (var i = 0; i < list.length; i++) if (list[i].id === id) return list[i].text;
    return id;
  }

  function answerText(item, a) {
    if (a === null) return 'No answer';
    switch (item.type) {
      case 'single': case 'multiple':
        return a.split('').map(function (id) { return letterText(item.choices, id); }).join('; ');
      case 'truefalse': return a === 't' ? 'True' : 'False';
      case 'matching':
        return item.sources.map(function (s, i) {
          return s.text + ' \u2192 ' + (a.charAt(i) === '-' ? 'no answer' : letterText(item.targets, a.charAt(i)));
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
        if (item.type === 'truefalse') return c ? 'True' : 'False';
        if (item.type === 'matching') return answerText(item, c.map(function (p) { return p[1]; }).join(''));
        return answerText(item, c.join(''));
      case 'fillin': return item.accepted.join(' / ');
      case 'numeric': return item.min === item.max ? String(item.min) : item.min + ' to ' + item.max;
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
      timestamp: now, latency: shownAt[i] ? now - shownAt[i] : 0, description: item.promptText
    });
  }

  function itemFeedback(item, a, withChoice) {
    var ok = isCorrect(item, a), parts = [el('p', { 'class': ok ? 'ok' : 'bad' }, [el('strong', { text: ok ? 'Correct.' : 'Incorrect.' })])];
    var f = ok ? item.feedback.correct : item.feedback.incorrect;
    if (f) parts.push(el('p', { text: f }));
    if (withChoice && item.choices && a) {
      a.split('').forEach(function (id) {
        item.choices.forEach(function (c) { if (c.id === id && c.feedback) parts.push(el('p', { 'class': 'choice-fb', text: c.text + ': ' + c.feedback })); });
      });
    }
    if (!ok && quiz.review) parts.push(el('p', { text: 'Correct answer: ' + correctText(item) }));
    return parts;
  }

  function quizScreen() {
    if (!quiz) return;
    if (S.submitted) return resultsScreen();
    var list = drawn();
    S.screen = 'q';
    S.pos = Math.max(0, Math.min(S.pos, list.length - 1));
    var entry = list[S.pos], item = entry.item, i = entry.index, key = S.seed + ':' + S.attempt + ':' + item.id;
    if (!shownAt[i]) shownAt[i] = new Date();
    var locked = quiz.feedback === 'immediate' && S.checked[i];
    var pid = 'prompt-' + item.id, hint = el('p', { 'class': 'hint', id: 'hint-' + item.id });
    var form = el('form', { 'class': 'item', novalidate: true, onsubmit: function (e) { e.preventDefault(); } });
    var prompt = el('div', { 'class': 'prose prompt', id: pid, html: item.promptHtml });
    var body;
    function setAnswer(a) { S.answers[i] = a; save(); }

    if (item.type === 'single' || item.type === 'multiple' || item.type === 'truefalse') {
      var multi = item.type === 'multiple';
      var choices = item.type === 'truefalse' ? [{ id: 't', text: 'True' }, { id: 'f', text: 'False' }]
        : item.shuffle ? shuffled(item.choices, key) : item.choices;
      var current = S.answers[i] || '';
      body = el('fieldset', { 'aria-labelledby': pid }, [el('legend', { 'class': 'sr-only', text: multi ? 'Select all that apply' : 'Select one answer' })]
        .concat(choices.map(function (c) {
          var input = el('input', { type: multi ? 'checkbox' : 'radio', name: 'c-' + item.id, value: c.id,
            checked: current.indexOf(c.id) >= 0, disabled: locked });
          input.addEventListener('change', function () {
            var chosen = [];
            body.querySelectorAll('input').forEach(function (x) { if (x.checked) chosen.push(x.value); });
            chosen.sort();
            setAnswer(chosen.length ? chosen.join('') : null);
          });
          return el('label', { 'class': 'choice' }, [input, el('span', { text: c.text })]);
        })));
    } else if (item.type === 'fillin' || item.type === 'numeric') {
      var num = item.type === 'numeric';
      var box = el('input', { type: 'text', id: 'in-' + item.id, autocomplete: 'off', spellcheck: 'false',
        maxlength: String(num ? NUMERIC_MAX : FILLIN_MAX), inputmode: num ? 'decimal' : null,
        'aria-describedby': pid + ' hint-' + item.id, value: S.answers[i] || '', disabled: locked });
      box.addEventListener('input', function () {
        var v = sanitize(box.value, num ? NUMERIC_MAX : FILLIN_MAX);
        if (num && v.trim() && parseNumber(v) === null) { hint.textContent = 'Enter a number, for example 12 or 12.5.'; setAnswer(null); return; }
        hint.textContent = '';
        setAnswer(v.trim() ? v : null);
      });
      body = el('div', { 'class': 'field' }, [el('label', { 'for': 'in-' + item.id, text: num ? 'Your answer (a number)' : 'Your answer' }), box]);
    } else if (item.type === 'matching') {
      var targets = shuffled(item.targets, key + ':targets');
      var cur = S.answers[i] || '';
      body = el('fieldset', { 'aria-labelledby': pid, 'class': 'matching' }, [el('legend', { 'class': 'sr-only', text: 'Choose a match for each item' })]
        .concat(item.sources.map(function (s, n) {
          var id = 'm-' + item.id + '-' + s.id;
          var sel = el('select', { id: id, disabled: locked }, [el('option', { value: '-', text: 'Choose\u2026' })]
            .concat(targets.map(function (t) { return el('option', { value: t.id, text: t.text, selected: cur.charAt(n) === t.id }); })));
          sel.addEventListener('change', function () {
            var a = item.sources.map(function (x) { return document.getElementById('m-' + item.id + '-' + x.id).value; }).join('');
            setAnswer(/^-+$/.test(a) ? null : a);
          });
          return el('div', { 'class': 'match' }, [el('label', { 'for': id, text: s.text }), sel]);
        })));
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
          var up = button('Move up', function () { move(n, -1, id); }, 'btn-small');
          var down = button('Move down', function () { move(n, 1, id); }, 'btn-small');
          up.setAttribute('aria-label', 'Move up: ' + text); down.setAttribute('aria-label', 'Move down: ' + text);
          up.disabled = locked || n === 0; down.disabled = locked || n === order.length - 1;
          ol.appendChild(el('li', null, [el('span', { text: text }), el('span', { 'class': 'moves' }, [up, down])]));
          if (id === focusId) { var f = dir < 0 ? (up.disabled ? down : up) : (down.disabled ? up : down); setTimeout(function () { f.focus(); }, 0); }
        });
      };
      var move = function (n, d, id) {
        var a = order.split(''), t = a[n]; a[n] = a[n + d]; a[n + d] = t;
        order = a.join(''); setAnswer(order);
        drawSteps(id, d);
        say('Moved to position ' + (n + d + 1) + ' of ' + a.length);
      };
      drawSteps(null, 0);
      body = el('div', null, [el('p', { 'class': 'muted', text: 'Put the steps in order with the Move up and Move down buttons.' }), ol]);
      body.getOrder = function () { return order; };
    }

    var feedback = el('div', { 'class': 'feedback', 'aria-live': 'polite' });
    if (locked) itemFeedback(item, S.answers[i], true).forEach(function (p) { feedback.appendChild(p); });
    var last = S.pos === list.length - 1;
    var answeredCount = list.filter(function (e) { return S.answers[e.index] !== null; }).length;
    var actions = el('div', { 'class': 'actions' });
    if (S.pos > 0) actions.appendChild(button('Previous', function () { S.pos--; quizScreen(); }));
    function next() {
      if (last) submit(list); else { S.pos++; quizScreen(); }
    }
    if (quiz.feedback === 'immediate' && !locked) {
      actions.appendChild(button('Check', function () {
        if (item.type === 'sequencing' && S.answers[i] === null) setAnswer(body.getOrder());
        if (S.answers[i] === null) { hint.textContent = 'Answer the question first.'; say('Answer the question first.'); return; }
        S.checked[i] = true;
        say(isCorrect(item, S.answers[i]) ? 'Correct.' : 'Incorrect.');
        record(entry);
        save(); commit();
        quizScreen();
        var fb = app.querySelector('.feedback');
        if (fb) { fb.setAttribute('tabindex', '-1'); fb.focus(); }
      }, 'btn primary'));
    } else {
      actions.appendChild(button(last ? (quiz.feedback === 'immediate' ? 'See results' : 'Submit answers') : 'Next', function () {
        if (item.type === 'sequencing' && S.answers[i] === null && quiz.feedback !== 'immediate' && body.getOrder) setAnswer(body.getOrder());
        next();
      }, 'btn primary'));
    }
    form.appendChild(prompt);
    form.appendChild(body);
    form.appendChild(hint);
    show([
      el('h1', { text: 'Question ' + (S.pos + 1) + ' of ' + list.length }),
      el('progress', { max: String(list.length), value: String(S.pos + 1), 'aria-label': 'Question ' + (S.pos + 1) + ' of ' + list.length }),
      form, feedback, actions,
      last && quiz.feedback !== 'immediate' ? el('p', { 'class': 'muted', text: 'Answered ' + answeredCount + ' of ' + list.length + '.' }) : null,
      el('p', null, [button('Back to the slides', function () { viewer(S.slide); }, 'btn-quiet')])
    ], 'quiz');
    save();
  }

  function submit(list) {
    list.forEach(record);
    S.submitted = true;
    S.score = scoreOf(list, S.answers);
    S.screen = 'r';
    if (reporting) {
      rt.setScore({ raw: round2(S.score * 100), min: 0, max: 100, scaled: Math.round(S.score * 10000) / 10000 });
      reportObjectives(list);
    }
    report(true);
    resultsScreen();
  }

  function reportObjectives(list) {
    var st = status(), out = [];
    course.objectives.forEach(function (o) {
      var mine = list.filter(function (e) { return e.item.objective === o.id; });
      if (!mine.length) return;
      var sc = scoreOf(mine, S.answers);
      out.push({ id: o.id, scaled: Math.round(sc * 10000) / 10000, raw: round2(sc * 100),
        success: sc >= passing - 1e-9 ? 'passed' : attemptsRemain() ? 'unknown' : 'failed', completion: 'completed',
        final: st.success !== 'unknown' });
    });
    if (rt.setObjectives) rt.setObjectives(out);
  }

  function resultsScreen() {
    var list = drawn(), st = status();
    S.screen = 'r';
    var passed = S.score !== null && S.score >= passing - 1e-9;
    var verdict = passed ? 'Passed' : st.success === 'failed' ? 'Failed' : 'Not passed yet';
    var nodes = [el('h1', { text: 'Results' }),
      el('p', { 'class': 'score' }, ['Your score: ', el('strong', { text: pct(S.score || 0) })]),
      el('p', { 'class': 'verdict ' + (passed ? 'ok' : 'bad') }, [el('strong', { text: verdict }), ' (passing score ' + pct(passing) + ')']),
      el('p', { 'class': 'muted', text: 'Attempt ' + S.attempt + (quiz.attempts ? ' of ' + quiz.attempts : ' (attempts are unlimited)') })];
    if (creditExpired) nodes.push(el('p', { 'class': 'note', text: 'Self-assessment: the ' + course.credit.kind + ' credit has expired, so no credit is claimed.' }));
    if (env.message) nodes.push(el('p', { 'class': 'note', text: env.message }));
    if (st.completion !== 'completed' && course.tracking.completion !== 'quiz') {
      nodes.push(el('p', { text: 'To complete the module, view the remaining slides (' + S.viewed.filter(Boolean).length + ' of ' + course.slides.length + ' viewed).' }));
    }
    var actions = el('div', { 'class': 'actions' });
    if (!passed && attemptsRemain()) actions.appendChild(button('Retake the quiz', retake, 'btn primary'));
    actions.appendChild(button('Back to the slides', function () { viewer(S.slide); }));
    actions.appendChild(button('Exit', finish));
    nodes.push(actions);
    if (quiz.review) {
      nodes.push(el('h2', { text: 'Your answers' }));
      nodes.push(el('ol', { 'class': 'review' }, list.map(function (e) {
        var a = S.answers[e.index], li = el('li', null, [el('div', { 'class': 'prose', html: e.item.promptHtml }),
          el('p', { text: 'Your answer: ' + answerText(e.item, a) })]);
        if (quiz.feedback !== 'none') itemFeedback(e.item, a, true).forEach(function (p) { li.appendChild(p); });
        return li;
      })));
    }
    show(nodes, 'results');
    save();
  }

  function retake() {
    S.attempt = Math.min(S.attempt + 1, ATTEMPT_CAP);
    S.answers = S.answers.map(function () { return null; });
    S.checked = S.checked.map(function () { return false; });
    S.recorded = S.recorded.map(function () { return false; });
    S.submitted = false; S.pos = 0; shownAt = {};
    report();
    quizScreen();
  }

  // ---- boot ------------------------------------------------------------------------------------------

  function boot() {
    env = rt && rt.start ? rt.start() : { mode: 'normal', connected: false };
    env.mode = env.mode || 'normal';
    reporting = env.mode === 'normal';
    if (env.connected === false) env.message = 'No learning platform was found: your progress is not recorded.';
    else if (!reporting) env.message = 'You are in ' + env.mode + ' mode: your answers and score are not recorded.';
    passing = quiz ? (typeof env.masteryScore === 'number' && env.masteryScore >= 0 && env.masteryScore <= 1 ? env.masteryScore : quiz.passingScore) : 1;
    S = null;
    if (env.state) S = decodeState(env.state, course.slides.length, items.length, course.stateKey);
    if (!S) S = fresh(course.slides.length, items.length, Math.floor(Math.random() * 1000000));
    S.resumeScreen = S.screen;
    if (!env.state && env.location && /^\d+$/.test(env.location)) S.slide = Math.min(Number(env.location), course.slides.length) - 1;
    if (S.slide < 0) S.slide = 0;
    exitButton.addEventListener('click', finish);
    startScreen();
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
