/* The SCORM adapters' shared core (shipped before scorm12.js or scorm2004.js in that one adapter file): finding
   the LMS API, calls that never throw, values the LMS refused written again, objective slots. Rules:
   docs/lms-pitfalls.md. spec: {apiName (window property), init, getValue, setValue, commit, finish,
   lastError (the API's function names), never (LastError codes of a SetValue the LMS will never take: writing
   it again cannot help and would keep every later commit from counting as saved), critical (the elements a
   resume and the LMS's report stand on), elements (the standard's names of the learner record's elements: mode,
   credit, entry, location, learnerName, learnerId)}. */
function scormConnection(spec) {
  var api = null, live = false, pending = {}, objectives = {}, objectiveCount = 0, next = 0;

  function scan(win) {
    // Rule 14: this window, then up to 10 parents; cross-origin frames throw, so stop there.
    for (var n = 0; win && n <= 10; n++) {
      try { if (win[spec.apiName]) return win[spec.apiName]; } catch (e) { return null; }
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

  function get(key) { try { return live ? String(api[spec.getValue](key) || '') : ''; } catch (e) { return ''; } }

  /* A call that throws (the LMS frame went away) counts as a failure, never as a crash. */
  function call(fn, a, b) { try { return String(api[fn](a, b)) === 'true'; } catch (e) { return false; } }

  /* While a critical element is refused, the LMS lacks the learner's state. A refused interaction or objective
     is retried too, but does not hold back the confirmation (an LMS that answers a general error for an element
     it never takes would otherwise keep the learner warned for good). */
  function unsaved() { return Object.keys(pending).some(function (k) { return spec.critical.test(k); }); }

  function lastError() { try { return String(api[spec.lastError]()); } catch (e) { return ''; } }

  /* A refused SetValue is kept and written again before the next Commit (the LMS may come back), unless the LMS
     refused it for good (spec.never): then it is dropped. */
  function set(key, value) {
    if (!live) return false;
    var ok = call(spec.setValue, key, String(value));
    delete pending[key];
    if (!ok && !spec.never[lastError()]) pending[key] = String(value);
    return ok;
  }

  function retryRefused() { Object.keys(pending).forEach(function (k) { set(k, pending[k]); }); }

  return {
    /* What the LMS holds for this learner and attempt, read through the standard's element names. */
    learnerRecord: function () {
      var el = spec.elements;
      return {
        connected: true,
        mode: get(el.mode) || 'normal',
        credit: get(el.credit) || 'credit',
        entry: get(el.entry),
        state: get('cmi.suspend_data') || null,
        location: get(el.location),
        learnerName: get(el.learnerName),
        learnerId: get(el.learnerId)
      };
    },
    /* A score on the 0-100 scale the player reports: raw with its min and max, under `prefix` (e.g. cmi.score.). */
    setRaw: function (prefix, raw) {
      set(prefix + 'raw', fmt(raw));
      set(prefix + 'min', '0');
      set(prefix + 'max', '100');
    },
    /* Find the API and initialize: false when there is no LMS to talk to. */
    connect: function () {
      api = findAPI();
      live = !!api && call(spec.init, '');
      if (!live) return false;
      next = parseInt(get('cmi.interactions._count'), 10) || 0;
      objectiveCount = parseInt(get('cmi.objectives._count'), 10) || 0;
      for (var i = 0; i < objectiveCount; i++) objectives[get('cmi.objectives.' + i + '.id')] = i;
      return true;
    },
    get: get,
    set: set,
    /* false when the LMS refused the Commit or is gone, or still refuses a value (the LMS lacks the latest
       state): the player keeps its mirror and retries later (rule 15). Commit runs anyway, to store what was
       taken. */
    commit: function () {
      if (!live) return false;
      retryRefused();
      return call(spec.commit, '') && !unsaved();
    },
    /* The prefix of a new interaction record: 'cmi.interactions.N.'. */
    /* A new interaction slot (appended, never rewritten) with its id written: the prefix of its elements. */
    interaction: function (id) {
      var p = 'cmi.interactions.' + next++ + '.';
      set(p + 'id', id);
      return p;
    },
    /* The resume state and the bookmark, under the standard's names. */
    saveState: function (text) { set('cmi.suspend_data', text); },
    bookmark: function (where) { set(spec.elements.location, where); },
    /* The index of an objective's slot, given its id (a new slot for a new id). */
    objectiveIndex: function (id) {
      var n = objectives[id];
      if (n === undefined) { n = objectives[id] = objectiveCount++; set('cmi.objectives.' + n + '.id', id); }
      return n;
    },
    /* The last values (exit, session time), then the finish call, which stores everything (rules 4 and 25: no
       Commit right before it; it fails at page dismissal on LMSs that commit with a synchronous XHR). Values
       refused earlier are written again first; confirmed only when nothing is still refused, as for commit. */
    finish: function (last) {
      if (!live) return false;
      retryRefused();
      Object.keys(last).forEach(function (k) { set(k, last[k]); });
      var ok = call(spec.finish, '') && !unsaved();
      live = false;
      return ok;
    }
  };
}

/* Helpers of both SCORM adapters: two digits (CMITime, CMITimespan, SCORM 2004 time), a score with at most 2
   decimals. */
function two(n) { return (n < 10 ? '0' : '') + n; }

function fmt(x) { return String(Math.round(x * 100) / 100); }

/* No LMS API, or its Initialize failed (a package opened outside an LMS): the player runs on the standalone
   runtime instead (standalone.js, shipped in this adapter file), in this browser's localStorage, and tells the
   learner so (local). */
function noLms() { return { connected: false, mode: 'normal', fallback: standaloneRuntime(true) }; }
