/* SCORM 1.2 runtime adapter (window.ScormkitRuntime). RTE 1.2 data model; rules: ../shared/LMS-PITFALLS.md. */
/* A package ships exactly one adapter, so the API search and call helpers below are repeated in scorm2004.js
   on purpose: no shared file to load, no shared global. */
(function () {
  'use strict';
  var api = null, live = false, started = 0, next = 0, objectives = {}, objectiveCount = 0, pending = {};

  function scan(win) {
    // Rule 14: this window, then up to 10 parents; cross-origin frames throw, so stop there.
    for (var n = 0; win && n <= 10; n++) {
      try { if (win.API) return win.API; } catch (e) { return null; }
      var up;
      try { up = win.parent; } catch (e) { return null; }
      if (!up || up === win) break;
      win = up;
    }
    return null;
  }

  function findAPI() {
    var found = scan(window);
    if (!found) { try { if (window.opener) found = scan(window.opener); } catch (e) { found = null; } }
    return found;
  }

  function get(key) { try { return live ? String(api.LMSGetValue(key) || '') : ''; } catch (e) { return ''; } }

  /* A call that throws (the LMS frame went away) counts as a failure, never as a crash. */
  function call(fn, a, b) { try { return String(api[fn](a, b)) === 'true'; } catch (e) { return false; } }

  /* LMSGetLastError codes of a SetValue the LMS will never take (not implemented, invalid, read only, wrong type):
     writing it again cannot help and would keep every later commit from counting as saved. */
  var NEVER = { '401': 1, '402': 1, '403': 1, '405': 1 };

  /* What a resume and the LMS's report stand on: while one of these is refused, the LMS lacks the learner's state.
     A refused interaction or objective is retried too, but does not hold back the confirmation (an LMS that
     answers a general error for an element it never takes would otherwise keep the learner warned for good). */
  var CRITICAL = /^cmi\.(suspend_data|core\.(lesson_location|lesson_status|score\.))/;

  function unsaved() { return Object.keys(pending).some(function (k) { return CRITICAL.test(k); }); }

  function lastError() { try { return String(api.LMSGetLastError()); } catch (e) { return ''; } }

  /* A refused SetValue is kept and written again before the next Commit (the LMS may come back), unless the LMS
     refused it for good (NEVER): then it is dropped. */
  function set(key, value) {
    if (!live) return false;
    var ok = call('LMSSetValue', key, String(value));
    delete pending[key];
    if (!ok && !NEVER[lastError()]) pending[key] = String(value);
    return ok;
  }

  /* false when the LMS refused the Commit or is gone, or still refuses a value (the LMS lacks the latest state):
     the player keeps its mirror and retries later (rule 15). LMSCommit runs anyway, to store what was taken. */
  function commit() {
    if (!live) return false;
    Object.keys(pending).forEach(function (k) { set(k, pending[k]); });
    return call('LMSCommit', '') && !unsaved();
  }

  function two(n) { return (n < 10 ? '0' : '') + n; }

  /* CMITimespan HHHH:MM:SS.SS with at least two hour digits (rule 9). */
  function timespan(ms) {
    var cs = Math.max(0, Math.round(ms / 10)), h = Math.floor(cs / 360000), m = Math.floor(cs / 6000) % 60;
    var s = Math.floor(cs / 100) % 60, f = cs % 100;
    return two(Math.min(h, 9999)) + ':' + two(m) + ':' + two(s) + '.' + two(f);
  }

  function fmt(x) { return String(Math.round(x * 100) / 100); }

  /* 1.2 response formats (RTE 3.4.2.7, rule 10): single characters, comma-separated. */
  function pattern(kind, v) {
    switch (kind) {
      case 'single': case 'multiple': case 'sequencing': return v.join(',');
      case 'truefalse': return v ? 't' : 'f';
      case 'matching': return v.map(function (p) { return p[0] + '.' + p[1]; }).join(',');
      case 'fillin': return String(v).slice(0, 255);
    }
    return String(v);
  }

  window.ScormkitRuntime = {
    start: function () {
      started = Date.now();
      api = findAPI();
      if (!api) return { connected: false, mode: 'normal' };
      live = call('LMSInitialize', '');
      if (!live) return { connected: false, mode: 'normal' };
      next = parseInt(get('cmi.interactions._count'), 10) || 0;
      objectiveCount = parseInt(get('cmi.objectives._count'), 10) || 0;
      for (var i = 0; i < objectiveCount; i++) objectives[get('cmi.objectives.' + i + '.id')] = i;
      var mastery = parseFloat(get('cmi.student_data.mastery_score')), status = get('cmi.core.lesson_status');
      return {
        // What the LMS already stored: the player never reports less (a reset or updated module, rule 13).
        wasCompleted: status === 'completed' || status === 'passed',
        wasPassed: status === 'passed',
        connected: true,
        mode: get('cmi.core.lesson_mode') || 'normal',
        credit: get('cmi.core.credit') || 'credit',
        entry: get('cmi.core.entry'),
        state: get('cmi.suspend_data') || null,
        location: get('cmi.core.lesson_location'),
        learnerName: get('cmi.core.student_name'),
        learnerId: get('cmi.core.student_id'),
        masteryScore: isNaN(mastery) ? null : mastery / 100
      };
    },
    saveState: function (text) { set('cmi.suspend_data', text); },
    bookmark: function (where) { set('cmi.core.lesson_location', where); },
    recordAnswer: function (a) {
      var p = 'cmi.interactions.' + next++ + '.';
      set(p + 'id', a.id);
      if (a.objective) set(p + 'objectives.0.id', a.objective);
      var t = a.timestamp;
      set(p + 'time', two(t.getHours()) + ':' + two(t.getMinutes()) + ':' + two(t.getSeconds()));
      set(p + 'type', a.type);
      // 1.2 numeric patterns are one CMIDecimal: a range (min < max) has no 1.2 form, so none is written.
      if (a.kind === 'fillin') a.correct.accepted.slice(0, 10).forEach(function (x, i) { set(p + 'correct_responses.' + i + '.pattern', x.slice(0, 255)); });
      else if (a.kind === 'numeric') { if (a.correct.min === a.correct.max) set(p + 'correct_responses.0.pattern', a.correct.min); }
      else set(p + 'correct_responses.0.pattern', pattern(a.kind, a.correct));
      set(p + 'weighting', a.weight);
      if (a.response !== null) set(p + 'student_response', pattern(a.kind, a.response));
      set(p + 'result', a.result ? 'correct' : 'wrong');
      set(p + 'latency', timespan(a.latency));
    },
    setScore: function (s) {
      // Rule 5: raw/min/max before lesson_status. The player sends raw only when the LMS may judge by it (rule 24).
      if (s.raw === null) return;
      set('cmi.core.score.raw', fmt(s.raw));
      set('cmi.core.score.min', '0');
      set('cmi.core.score.max', '100');
    },
    setObjectives: function (list) {
      list.forEach(function (o) {
        var n = objectives[o.id];
        if (n === undefined) { n = objectives[o.id] = objectiveCount++; set('cmi.objectives.' + n + '.id', o.id); }
        var p = 'cmi.objectives.' + n + '.';
        set(p + 'score.raw', fmt(o.raw));
        set(p + 'score.min', '0');
        set(p + 'score.max', '100');
        set(p + 'status', o.success === 'passed' ? 'passed' : o.success === 'failed' ? 'failed' : 'incomplete');
      });
    },
    setStatus: function (st) {
      set('cmi.core.lesson_status', st.lessonStatus);
      // Rules 2 and 25: exit goes with the status and is committed with it, long before the page goes away, so an
      // LMSFinish that never arrives (a closed tab) still leaves a suspended, resumable attempt.
      set('cmi.core.exit', st.finished ? '' : 'suspend');
    },
    commit: commit,
    finish: function (opts) {
      if (!live) return false;
      // Rule 2: "suspend" while not finished, "" when done; never "logout".
      set('cmi.core.exit', opts.suspend ? 'suspend' : '');
      set('cmi.core.session_time', timespan(Date.now() - started));
      // Rule 25: no LMSCommit right before LMSFinish (it fails at page dismissal on LMSs that commit with a
      // synchronous XHR); LMSFinish stores everything. Values refused earlier are written again first.
      Object.keys(pending).forEach(function (k) { set(k, pending[k]); });
      var ok = call('LMSFinish', '') && !unsaved();
      live = false;
      return ok;
    }
  };
})();
