/*
 * The local LMS page (src/scormkit/lms, docs/preview.md): launches the package in the #sco frame as an LMS would
 * and shows, live, what the LMS receives.
 *
 * SCORM 1.2 / 2004: a scorm-again runtime in this window (window.API / window.API_1484_11), with the data an LMS
 * hands over before launch (learner, mode, credit, entry, the manifest's launch data and, in the Moodle profile,
 * masteryscore / scaled_passing_score), every call recorded with its error. What the content commits (Commit,
 * Finish/Terminate) is what the LMS stored: a relaunch starts from it, with entry=resume after exit=suspend.
 * xAPI / cmi5: the server built the launch URL (endpoint, auth or fetch URL, actor, registration); the panel lists
 * what the LRS answered (GET /api/lrs).
 *
 * window.__lms (read by `validate --run` and the tests): calls, errors, log, cmi(), committed(), initialized,
 * finished, contentLoaded, launches, relaunch(), reset(), unload().
 */
(function () {
  'use strict';

  var LEVELS = { 1: 'DEBUG', 2: 'INFO', 3: 'WARN', 4: 'ERROR', 5: 'NONE' };
  var POLL_MS = 1000;
  var t0 = Date.now();
  var $ = function (id) { return document.getElementById(id); };
  var frame = $('sco');

  var lms = window.__lms = {
    calls: [], errors: [], log: [], lrs: [], initialized: false, finished: false, contentLoaded: false,
    launches: 0, generation: null, config: null, committed: null, api: null,
    cmi: function () { return lms.api ? snapshot(lms.api) : null; },
    relaunch: relaunch, reset: reset, unload: unloadContent
  };
  var loadedScripts = {};
  var lrsSeq = -1;
  var busy = null; // the relaunch in progress (one at a time)
  var lastCmi = {};

  // ---- helpers ----------------------------------------------------------------------------------------------
  function deepCopy(v) { return v === undefined || v === null ? v : JSON.parse(JSON.stringify(v)); }
  function isObject(v) { return v !== null && typeof v === 'object' && !Array.isArray(v); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function problem(source, message) {
    lms.errors.push({ source: source, level: 'ERROR', message: String(message) });
  }

  // Keyword entries (_children, _count ...) and empty values are not data an LMS stores; scorm-again refuses them.
  function stripKeywords(value) {
    if (Array.isArray(value)) return value.map(stripKeywords);
    if (!isObject(value)) return value;
    var out = {};
    Object.keys(value).forEach(function (k) {
      if (k.charAt(0) === '_') return;
      var v = stripKeywords(value[k]);
      if (v === null || v === undefined || v === '') return;
      if (isObject(v) && !Object.keys(v).length) return;
      if (Array.isArray(v) && !v.length) return;
      out[k] = v;
    });
    return out;
  }
  function setPath(obj, dotted, value) {
    var parts = dotted.split('.'), node = obj;
    for (var i = 0; i < parts.length - 1; i++) {
      if (!node[parts[i]] || typeof node[parts[i]] !== 'object') node[parts[i]] = /^\d+$/.test(parts[i + 1]) ? [] : {};
      node = node[parts[i]];
    }
    node[parts[parts.length - 1]] = value;
  }
  function getPath(obj, dotted) {
    return dotted.split('.').reduce(function (n, p) { return n === null || n === undefined ? undefined : n[p]; }, obj);
  }
  function deletePath(obj, dotted) {
    var parts = dotted.split('.');
    var parent = parts.length === 1 ? obj : getPath(obj, parts.slice(0, -1).join('.'));
    if (parent && typeof parent === 'object') delete parent[parts[parts.length - 1]];
  }
  // Plain-JSON CMI as the LMS stores it (toJSON of scorm-again; 1.2 leaves out the LMS-managed total_time).
  function snapshot(api) {
    var obj = JSON.parse(JSON.stringify(api.cmi));
    if (obj.core && api.cmi.core && obj.core.total_time === undefined) obj.core.total_time = api.cmi.core.total_time;
    return obj;
  }
  function request(method, url, body) {
    var opts = { method: method, cache: 'no-store', keepalive: method !== 'GET' };
    if (body !== undefined) { opts.body = JSON.stringify(body); opts.headers = { 'Content-Type': 'application/json' }; }
    return fetch(url, opts).then(function (r) {
      if (!r.ok) throw new Error(method + ' ' + url + ': ' + r.status);
      return r.status === 204 ? null : r.json();
    });
  }
  function loadScript(src) {
    if (!loadedScripts[src]) {
      loadedScripts[src] = new Promise(function (resolve, reject) {
        var s = document.createElement('script');
        s.src = src; s.onload = resolve;
        s.onerror = function () { reject(new Error('could not load ' + src)); };
        document.head.appendChild(s);
      });
    }
    return loadedScripts[src];
  }

  // ---- launching ----------------------------------------------------------------------------------------------
  function launch() {
    return request('POST', '/api/launch').then(function (config) {
      lms.config = config;
      lms.generation = config.generation;
      showProblems(config.problems || []);
      if (!config.launchUrl) { showFacts(); return null; }
      if (lms.launches === 0 && config.saved) lms.committed = config.saved; // a reload of this page: what was stored
      var scorm = config.standard === 'scorm12' || config.standard === 'scorm2004';
      $('statements-section').hidden = scorm || config.standard === 'web';
      $('cmi-section').hidden = $('calls-section').hidden = !scorm;
      var ready = scorm
        ? loadScript('/lms/scorm-again/' + config.standard + '.min.js').then(function () { setUpScorm(config); })
        : Promise.resolve(clearScorm());
      return ready.then(function () {
        lms.launches += 1;
        lms.contentLoaded = false;
        showFacts();
        frame.src = config.launchUrl;
      });
    }).catch(function (e) { problem('lms', 'launch failed: ' + e.message); showFacts(); });
  }

  frame.addEventListener('load', function () {
    if (frame.getAttribute('src') !== 'about:blank') lms.contentLoaded = true;
  });

  // The LMS closes the content: the frame goes to about:blank, so beforeunload/pagehide/unload run in it.
  function unloadContent() {
    return new Promise(function (resolve) {
      if (frame.getAttribute('src') === 'about:blank') return resolve(false);
      var done = false;
      var finish = function () { if (!done) { done = true; resolve(true); } };
      frame.addEventListener('load', finish, { once: true });
      setTimeout(finish, 5000);
      frame.setAttribute('src', 'about:blank');
    });
  }

  function relaunch() {
    if (!busy) busy = unloadContent().then(launch).then(function () { busy = null; }, function () { busy = null; });
    return busy;
  }

  function reset() {
    return unloadContent().then(function () {
      lms.committed = null;
      // The content's own copy in this browser (the player's local mirror) belongs to the learner too.
      try { window.localStorage.clear(); } catch (e) { /* storage blocked */ }
      lms.calls = []; lms.errors = []; lms.log = []; lms.lrs = []; lrsSeq = -1; lastCmi = {};
      $('calls').textContent = ''; $('statements').textContent = '';
      return request('DELETE', '/api/learner');
    }).then(launch);
  }

  function clearScorm() {
    lms.api = null;
    try { delete window.API; delete window.API_1484_11; } catch (e) { window.API = window.API_1484_11 = undefined; }
  }

  // ---- SCORM: scorm-again with the data the LMS hands over -------------------------------------------------------
  function setUpScorm(config) {
    var is12 = config.standard === 'scorm12';
    var ApiClass = is12 ? window.Scorm12API : window.Scorm2004API;
    clearScorm();
    var settings = {
      lmsCommitUrl: false,            // stored by this page (and PUT to /api/learner), not by scorm-again
      autocommit: false,              // only the content's own Commit/Finish count, as on a server LMS
      logLevel: 1,
      mastery_override: !!config.masteryOverride,
      onLogMessage: function (level, message) {
        var name = LEVELS[level] || String(level);
        lms.log.push({ t: Date.now() - t0, level: name, message: String(message) });
        if (name === 'ERROR') lms.errors.push({ source: 'scorm-again', level: name, message: String(message) });
      }
    };
    var api = new ApiClass(settings);
    var P = is12
      ? { entry: 'core.entry', exit: 'core.exit', session: 'core.session_time', total: 'core.total_time',
          mode: 'core.lesson_mode', credit: 'core.credit' }
      : { entry: 'entry', exit: 'exit', session: 'session_time', total: 'total_time', mode: 'mode', credit: 'credit' };

    var saved = lms.committed;
    if (saved && isObject(saved.cmi)) saved = saved.cmi;
    var data = {}, entry = 'ab-initio', total = null;
    if (isObject(saved)) {
      data = stripKeywords(deepCopy(saved));
      var exit = getPath(saved, P.exit) || '';
      // RTE: entry is "resume" after a suspended session, "" after any other.
      entry = exit === 'suspend' || (!is12 && exit === 'logout') ? 'resume' : '';
      total = addTime(ApiClass, is12, getPath(saved, P.total), getPath(saved, P.session));
      [P.exit, P.session, P.entry, P.mode, P.credit, 'student_data', 'launch_data'].forEach(function (p) { deletePath(data, p); });
      if (!is12) ['completion_threshold', 'scaled_passing_score', 'max_time_allowed', 'time_limit_action'].forEach(function (p) { deletePath(data, p); });
    }
    if (total) setPath(data, P.total, total);
    var mode = config.mode || 'normal';
    setPath(data, P.mode, mode);
    setPath(data, P.credit, mode === 'normal' ? 'credit' : 'no-credit');
    setPath(data, P.entry, entry);
    var presets = config.presets || {};
    Object.keys(presets).forEach(function (k) { setPath(data, k.replace(/^cmi\./, ''), presets[k]); });
    var before = lms.errors.length;
    api.loadFromJSON({ cmi: data });
    if (lms.errors.length > before) problem('lms', 'scorm-again refused some of the launch data (see the log)');

    var names = is12
      ? ['LMSInitialize', 'LMSFinish', 'LMSGetValue', 'LMSSetValue', 'LMSCommit', 'LMSGetLastError', 'LMSGetErrorString', 'LMSGetDiagnostic']
      : ['Initialize', 'Terminate', 'GetValue', 'SetValue', 'Commit', 'GetLastError', 'GetErrorString', 'GetDiagnostic'];
    names.forEach(function (name) {
      var original = api[name];
      api[name] = function () {
        var args = Array.prototype.slice.call(arguments), result, thrown = null;
        try { result = original.apply(api, args); } catch (e) { thrown = e; }
        var error = String(api.lastErrorCode);
        var call = {
          seq: lms.calls.length, t: Date.now() - t0, launch: lms.launches, method: name,
          args: args.map(function (a) { return a === undefined || a === null ? null : String(a); })
            .filter(function (a, i, all) { return a !== null || all.slice(i).some(function (b) { return b !== null; }); }),
          element: /Value$/.test(name) && args.length ? String(args[0]) : null,
          value: /SetValue$/.test(name) && args.length > 1 ? String(args[1]) : null,
          result: thrown ? null : result === undefined ? null : String(result), error: error, message: ''
        };
        var informational = /GetLastError$|GetErrorString$|GetDiagnostic$/.test(name);
        // 2004 GetValue of a never-set element (403) is how content detects a first launch: not an error.
        var firstLaunchProbe = !is12 && name === 'GetValue' && error === '403';
        call.failed = !!thrown || (!informational && !firstLaunchProbe && error !== '0' && error !== '');
        if (call.failed) {
          call.message = thrown ? 'scorm-again threw: ' + thrown : api.getLmsErrorMessageDetails(error, false);
          lms.errors.push({ source: 'api', level: 'ERROR', method: name, element: call.element, value: call.value,
            error: error, message: name + '(' + call.args.map(JSON.stringify).join(', ') + ') returned ' +
              JSON.stringify(call.result) + ', error ' + error + ': ' + call.message });
        }
        lms.calls.push(call);
        if (/Initialize$/.test(name) && call.result === 'true') lms.initialized = true;
        if (/Commit$|Finish$|Terminate$/.test(name) && call.result === 'true') store(api);
        if (/Finish$|Terminate$/.test(name) && call.result === 'true') lms.finished = true;
        showCall(call);
        scheduleCmi();
        if (thrown) throw thrown;
        return result;
      };
    });
    lms.api = api;
    lms.initialized = lms.finished = false;
    if (is12) window.API = api; else window.API_1484_11 = api;
    scheduleCmi();
  }

  // What the LMS stored: kept here for the next launch and sent to the server (a reload of this page keeps it).
  function store(api) {
    lms.committed = snapshot(api);
    request('PUT', '/api/learner', lms.committed).catch(function (e) { problem('lms', 'could not store the learner data: ' + e.message); });
  }

  // total_time for the next session = total_time + session_time, with scorm-again's own arithmetic.
  function addTime(ApiClass, is12, total, session) {
    if (!session) return total || null;
    try {
      var scratch = new ApiClass({ logLevel: 5, lmsCommitUrl: false });
      var core = is12 ? scratch.cmi.core : scratch.cmi;
      if (total) core.total_time = total;
      core.session_time = session;
      return scratch.cmi.getCurrentTotalTime();
    } catch (e) {
      problem('lms', 'could not add session_time ' + session + ' to total_time ' + total + ': ' + e);
      return total || null;
    }
  }

  // ---- the panel ---------------------------------------------------------------------------------------------
  function showFacts() {
    var c = lms.config || {};
    $('title').textContent = c.title || c.package || 'scormkit local LMS';
    document.title = (c.title || 'Course') + ' · scormkit local LMS';
    var names = { scorm12: 'SCORM 1.2', scorm2004: 'SCORM 2004', xapi: 'xAPI', cmi5: 'cmi5', web: 'web (no LMS)' };
    var facts = $('facts');
    var scorm = c.standard === 'scorm12' || c.standard === 'scorm2004';
    var who = scorm ? 'LMS: ' + (c.profile === 'lenient' ? 'lenient' : 'like Moodle') : c.standard === 'web' ? 'no LMS' : 'local LRS';
    facts.textContent = [names[c.standard] || '?', who,
      'mode ' + (c.mode || 'normal'), 'build ' + (c.generation || 0), 'launch ' + lms.launches].join(' · ');
    var bad = lms.errors.filter(function (e) { return e.source !== 'api'; });
    if (bad.length) facts.appendChild(el('span', 'bad', ' · ' + bad[bad.length - 1].message));
  }

  function showProblems(problems) {
    $('build').hidden = !problems.length;
    var list = $('build-problems');
    list.textContent = '';
    problems.forEach(function (p) {
      var place = p.file + (p.line ? ':' + p.line : '');
      list.appendChild(el('li', '', place + ': ' + p.severity + '[' + p.code + '] ' + p.message));
    });
  }

  function showCall(call) {
    var list = $('calls');
    var shown = function (v) {  // long values (suspend_data) cut: the learner data table has them whole
      var j = JSON.stringify(v);
      return j && j.length > 90 ? j.slice(0, 80) + '…" (' + String(v).length + ' chars)' : j;
    };
    var text = '#' + call.seq + ' ' + call.method + '(' + call.args.map(shown).join(', ') + ') → ' + shown(call.result);
    var li = el('li', call.failed ? 'error' : '', text);
    if (call.failed) li.appendChild(el('span', 'why', 'error ' + call.error + ': ' + call.message));
    list.appendChild(li);
    while (list.children.length > 400) list.removeChild(list.firstChild);
    list.scrollTop = list.scrollHeight;
    var failed = lms.calls.filter(function (c) { return c.failed; }).length;
    $('calls-count').textContent = '(' + lms.calls.length + (failed ? ', ' + failed + ' failed' : '') + ')';
  }

  var cmiTimer = null;
  function scheduleCmi() { if (!cmiTimer) cmiTimer = setTimeout(function () { cmiTimer = null; showCmi(); }, 50); }

  function flatten(value, prefix, out) {
    if (Array.isArray(value)) value.forEach(function (v, i) { flatten(v, prefix + '.' + i, out); });
    else if (isObject(value)) Object.keys(value).forEach(function (k) { if (k.charAt(0) !== '_') flatten(value[k], prefix + '.' + k, out); });
    else if (value !== '' && value !== null && value !== undefined) out[prefix] = String(value);
    return out;
  }

  function showCmi() {
    if (!lms.api) return;
    var now = flatten(snapshot(lms.api), 'cmi', {});
    var body = $('cmi').tBodies[0];
    body.textContent = '';
    // Status, score and learner first; the long ones (suspend_data, interactions, objectives) last.
    var weight = function (k) { return /suspend_data$/.test(k) ? 2 : /\.(interactions|objectives)\./.test(k) ? 1 : 0; };
    var keys = Object.keys(now);
    keys.map(function (k, i) { return [weight(k), i, k]; })
      .sort(function (x, y) { return x[0] - y[0] || x[1] - y[1]; })
      .map(function (x) { return x[2]; }).forEach(function (k) {
      var tr = el('tr', lastCmi[k] !== undefined && lastCmi[k] !== now[k] ? 'changed' : '');
      tr.setAttribute('data-element', k);
      tr.appendChild(el('td', '', k));
      var v = now[k];
      tr.appendChild(el('td', '', v.length > 200 ? v.slice(0, 200) + '… (' + v.length + ' chars)' : v));
      body.appendChild(tr);
    });
    lastCmi = now;
    $('cmi-note').textContent = lms.committed ? '(live; last commit stored)' : '(live; nothing stored yet)';
  }

  function showLrs(entries) {
    var list = $('statements');
    entries.forEach(function (e) {
      lms.lrs.push(e);
      var failed = e.status >= 400;
      var text = e.verb
        ? e.verb + ' ' + (e.object || '') + (e.result ? ' ' + JSON.stringify(e.result) : '')
        : e.method + ' ' + e.route;
      var li = el('li', failed ? 'error' : '', (e.verb ? '' : '· ') + text + ' → ' + e.status);
      if (failed && e.error) li.appendChild(el('span', 'why', e.error));
      list.appendChild(li);
    });
    if (entries.length) list.scrollTop = list.scrollHeight;
    var n = lms.lrs.filter(function (e) { return e.verb && e.status < 400; }).length;
    var bad = lms.lrs.filter(function (e) { return e.status >= 400; }).length;
    $('statements-count').textContent = '(' + n + ' stored' + (bad ? ', ' + bad + ' refused' : '') + ')';
  }

  // ---- polling: build status (reload after a rebuild) and the LRS log ---------------------------------------
  function poll() {
    request('GET', '/api/status').then(function (s) {
      if (lms.config) {
        lms.config.problems = s.problems;
        showProblems(s.problems || []);
      }
      if (lms.generation !== null && s.generation !== lms.generation && !busy) relaunch();
      if (lms.config && lms.config.standard !== 'scorm12' && lms.config.standard !== 'scorm2004') {
        return request('GET', '/api/lrs?after=' + lrsSeq).then(function (entries) {
          if (entries.length) lrsSeq = entries[entries.length - 1].seq;
          showLrs(entries);
        });
      }
      return null;
    }).catch(function () { /* the server stopped (Ctrl-C): nothing to show */ })
      .then(function () { setTimeout(poll, POLL_MS); });
  }

  $('relaunch').addEventListener('click', function () { relaunch(); });
  $('reset').addEventListener('click', function () { reset(); });
  launch().then(poll);
})();
