/* SCORM 2004 runtime adapter (window.ScormkitRuntime). RTE 4.x data model; rules: ../shared/LMS-PITFALLS.md. */
/* A package ships exactly one adapter, so the API search and call helpers below are repeated in scorm12.js
   on purpose: no shared file to load, no shared global. */
(function () {
  'use strict';
  var api = null, live = false, started = 0, next = 0, objectives = {}, objectiveCount = 0, pending = {};

  function scan(win) {
    // Rule 14: this window, then up to 10 parents; cross-origin frames throw, so stop there.
    for (var n = 0; win && n <= 10; n++) {
      try { if (win.API_1484_11) return win.API_1484_11; } catch (e) { return null; }
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

  function get(key) { try { return live ? String(api.GetValue(key) || '') : ''; } catch (e) { return ''; } }

  /* A call that throws (the LMS frame went away) counts as a failure, never as a crash. */
  function call(fn, a, b) { try { return String(api[fn](a, b)) === 'true'; } catch (e) { return false; } }

  /* GetLastError codes of a SetValue the LMS will never take (undefined or unimplemented element, read only, type
     mismatch, out of range, dependency not established): writing it again cannot help and would keep every later
     commit from counting as saved. */
  var NEVER = { '401': 1, '402': 1, '404': 1, '406': 1, '407': 1, '408': 1 };

  /* What a resume and the LMS's report stand on: while one of these is refused, the LMS lacks the learner's state.
     A refused interaction or objective is retried too, but does not hold back the confirmation (an LMS that
     answers a general error for an element it never takes would otherwise keep the learner warned for good). */
  var CRITICAL = /^cmi\.(suspend_data|location|completion_status|success_status|score\.)/;

  function unsaved() { return Object.keys(pending).some(function (k) { return CRITICAL.test(k); }); }

  function lastError() { try { return String(api.GetLastError()); } catch (e) { return ''; } }

  /* A refused SetValue is kept and written again before the next Commit (the LMS may come back), unless the LMS
     refused it for good (NEVER): then it is dropped. */
  function set(key, value) {
    if (!live) return false;
    var ok = call('SetValue', key, String(value));
    delete pending[key];
    if (!ok && !NEVER[lastError()]) pending[key] = String(value);
    return ok;
  }

  /* false when the LMS refused the Commit or is gone, or still refuses a value (the LMS lacks the latest state):
     the player keeps its mirror and retries later (rule 15). Commit runs anyway, to store what was taken. */
  function commit() {
    if (!live) return false;
    Object.keys(pending).forEach(function (k) { set(k, pending[k]); });
    return call('Commit', '') && !unsaved();
  }

  function two(n) { return (n < 10 ? '0' : '') + n; }

  /* ISO 8601 duration, at most 2 decimals (RTE 4.1.4, rule 9). */
  function duration(ms) {
    var cs = Math.max(0, Math.round(ms / 10)), h = Math.floor(cs / 360000), m = Math.floor(cs / 6000) % 60;
    var s = (cs % 6000) / 100;
    return 'PT' + (h ? h + 'H' : '') + (m ? m + 'M' : '') + (Math.round(s * 100) / 100) + 'S';
  }

  /* CMITime (RTE 4.1.4.1: YYYY-MM-DDThh:mm:ss.s[TZD], the zone only after the fraction): the learner's local
     time with its UTC offset, so an LMS in another zone records the right instant (issue 9 item 5). */
  function timestamp(t) {
    var offset = -t.getTimezoneOffset(), a = Math.abs(offset);
    var zone = offset === 0 ? 'Z' : (offset > 0 ? '+' : '-') + two(Math.floor(a / 60)) + ':' + two(a % 60);
    return t.getFullYear() + '-' + two(t.getMonth() + 1) + '-' + two(t.getDate()) + 'T' + two(t.getHours()) + ':' +
      two(t.getMinutes()) + ':' + two(t.getSeconds()) + '.' + two(Math.floor(t.getMilliseconds() / 10)) + zone;
  }

  function fmt(x) { return String(Math.round(x * 100) / 100); }

  /* A characterstring inside a response: no delimiter tokens, no leading "{" (read as a lang/property tag). */
  function text(v) { return String(v).replace(/\[([,.:])\]/g, '$1').replace(/^\{/, '(').slice(0, 250); }

  /* 2004 response formats (RTE 4.2.9, rule 10): [,] [.] delimiters, true/false words. */
  function pattern(kind, v) {
    switch (kind) {
      case 'single': case 'multiple': case 'sequencing': return v.join('[,]');
      case 'truefalse': return v ? 'true' : 'false';
      case 'matching': return v.map(function (p) { return p[0] + '[.]' + p[1]; }).join('[,]');
      case 'fillin': return text(v);
    }
    return String(v);
  }

  function objectiveIndex(id) {
    var n = objectives[id];
    if (n === undefined) { n = objectives[id] = objectiveCount++; set('cmi.objectives.' + n + '.id', id); }
    return n;
  }

  window.ScormkitRuntime = {
    start: function () {
      started = Date.now();
      api = findAPI();
      if (!api) return { connected: false, mode: 'normal' };
      live = call('Initialize', '');
      if (!live) return { connected: false, mode: 'normal' };
      next = parseInt(get('cmi.interactions._count'), 10) || 0;
      objectiveCount = parseInt(get('cmi.objectives._count'), 10) || 0;
      for (var i = 0; i < objectiveCount; i++) objectives[get('cmi.objectives.' + i + '.id')] = i;
      var mastery = parseFloat(get('cmi.scaled_passing_score'));
      return {
        // What the LMS already stored: the player never reports less (a reset or updated module, rule 13).
        wasCompleted: get('cmi.completion_status') === 'completed',
        wasPassed: get('cmi.success_status') === 'passed',
        connected: true,
        mode: get('cmi.mode') || 'normal',
        credit: get('cmi.credit') || 'credit',
        entry: get('cmi.entry'),
        state: get('cmi.suspend_data') || null,
        location: get('cmi.location'),
        learnerName: get('cmi.learner_name'),
        learnerId: get('cmi.learner_id'),
        masteryScore: isNaN(mastery) ? null : mastery
      };
    },
    saveState: function (t) { set('cmi.suspend_data', t); },
    bookmark: function (where) { set('cmi.location', where); },
    recordAnswer: function (a) {
      var p = 'cmi.interactions.' + next++ + '.';
      set(p + 'id', a.id);
      set(p + 'type', a.type);
      if (a.objective) set(p + 'objectives.0.id', a.objective);
      set(p + 'timestamp', timestamp(a.timestamp));
      if (a.kind === 'fillin') {
        var flag = a.correct.caseSensitive ? '{case_matters=true}' : '{case_matters=false}';
        a.correct.accepted.slice(0, 10).forEach(function (x, i) { set(p + 'correct_responses.' + i + '.pattern', flag + text(x)); });
      } else if (a.kind === 'numeric') {
        set(p + 'correct_responses.0.pattern', a.correct.min + '[:]' + a.correct.max);
      } else set(p + 'correct_responses.0.pattern', pattern(a.kind, a.correct));
      set(p + 'weighting', a.weight);
      if (a.response !== null) set(p + 'learner_response', pattern(a.kind, a.response));
      set(p + 'result', a.result ? 'correct' : 'incorrect');
      set(p + 'latency', duration(a.latency));
      if (a.description) set(p + 'description', text(a.description));
    },
    setScore: function (s) {
      // Rule 5: score before success_status / completion_status. scaled only with a final verdict (rule 24).
      if (s.scaled !== null) set('cmi.score.scaled', s.scaled);
      if (s.raw === null) return;
      set('cmi.score.raw', fmt(s.raw));
      set('cmi.score.min', '0');
      set('cmi.score.max', '100');
    },
    setObjectives: function (list) {
      list.forEach(function (o) {
        var p = 'cmi.objectives.' + objectiveIndex(o.id) + '.';
        set(p + 'score.scaled', o.scaled);
        set(p + 'score.raw', fmt(o.raw));
        set(p + 'score.min', '0');
        set(p + 'score.max', '100');
        set(p + 'success_status', o.success);
        set(p + 'completion_status', o.completion);
      });
    },
    setStatus: function (st) {
      set('cmi.success_status', st.success);
      set('cmi.completion_status', st.completion);
      // Rule 25's reasoning holds here too: exit is committed with the status, before the page goes away.
      set('cmi.exit', st.finished ? 'normal' : 'suspend');
    },
    commit: commit,
    finish: function (opts) {
      if (!live) return false;
      // Values the LMS refused earlier are written again; Terminate commits them (rule 4: no Commit before it).
      Object.keys(pending).forEach(function (k) { set(k, pending[k]); });
      set('cmi.exit', opts.suspend ? 'suspend' : 'normal');
      set('cmi.session_time', duration(Date.now() - started));
      // Confirmed only when nothing is still refused, as for commit().
      var ok = call('Terminate', '') && !unsaved();
      live = false;
      return ok;
    }
  };
})();
