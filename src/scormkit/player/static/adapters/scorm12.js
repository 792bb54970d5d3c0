/* SCORM 1.2 runtime adapter (window.ScormkitRuntime). RTE 1.2 data model; rules: docs/lms-pitfalls.md.
   Shipped after common.js and scorm.js (the core it shares with scorm2004.js) in one adapters/scorm12.js. */
var started = 0;
var lms = scormConnection({
  apiName: 'API', init: 'LMSInitialize', getValue: 'LMSGetValue', setValue: 'LMSSetValue', commit: 'LMSCommit',
  finish: 'LMSFinish', lastError: 'LMSGetLastError',
  // Not implemented, invalid, read only, wrong type.
  never: { '401': 1, '402': 1, '403': 1, '405': 1 },
  critical: /^cmi\.(suspend_data|core\.(lesson_location|lesson_status|score\.))/,
  elements: {
    mode: 'cmi.core.lesson_mode', credit: 'cmi.core.credit', entry: 'cmi.core.entry',
    location: 'cmi.core.lesson_location', learnerName: 'cmi.core.student_name', learnerId: 'cmi.core.student_id'
  }
});
var set = lms.set, get = lms.get;

/* CMITimespan HHHH:MM:SS.SS with at least two hour digits (rule 9). */
function timespan(ms) {
  var cs = Math.max(0, Math.round(ms / 10)), h = Math.floor(cs / 360000), m = Math.floor(cs / 6000) % 60;
  var s = Math.floor(cs / 100) % 60, f = cs % 100;
  return two(Math.min(h, 9999)) + ':' + two(m) + ':' + two(s) + '.' + two(f);
}

/* 1.2 response formats (RTE 3.4.2.7, rule 10): single characters, comma-separated. */
var FORMATS = responseFormats({
  list: ',', pair: '.', yes: 't', no: 'f',
  text: function (v) { return String(v).slice(0, 255); },
  fillin: function (c) { return c.accepted.slice(0, 10).map(function (x) { return x.slice(0, 255); }); },
  // 1.2 numeric patterns are one CMIDecimal: a range (min < max) has no 1.2 form, so none is written.
  numeric: function (c) { return c.min === c.max ? [c.min] : []; }
});

window.ScormkitRuntime = {
  start: function () {
    started = Date.now();
    if (!lms.connect()) return noLms();
    var mastery = parseFloat(get('cmi.student_data.mastery_score')), status = get('cmi.core.lesson_status');
    var record = lms.learnerRecord();
    // What the LMS already stored: the player never reports less (a reset or updated module, rule 13).
    record.wasCompleted = status === 'completed' || status === 'passed';
    record.wasPassed = status === 'passed';
    record.masteryScore = isNaN(mastery) ? null : mastery / 100;
    return record;
  },
  saveState: lms.saveState,
  bookmark: lms.bookmark,
  recordAnswer: function (a) {
    var p = lms.interaction(a.id), format = FORMATS[a.kind];
    if (a.objective) set(p + 'objectives.0.id', a.objective);
    var t = a.timestamp;
    set(p + 'time', two(t.getHours()) + ':' + two(t.getMinutes()) + ':' + two(t.getSeconds()));
    set(p + 'type', a.type);
    format.correct(a.correct).forEach(function (x, i) { set(p + 'correct_responses.' + i + '.pattern', x); });
    set(p + 'weighting', a.weight);
    if (a.response !== null) set(p + 'student_response', format.response(a.response));
    set(p + 'result', a.result ? 'correct' : 'wrong');
    set(p + 'latency', timespan(a.latency));
  },
  setScore: function (s) {
    // Rule 5: raw/min/max before lesson_status. The player sends raw only when the LMS may judge by it (rule 24).
    if (s.raw === null) return;
    lms.setRaw('cmi.core.score.', s.raw);
  },
  setObjectives: function (list) {
    list.forEach(function (o) {
      var p = 'cmi.objectives.' + lms.objectiveIndex(o.id) + '.';
      lms.setRaw(p + 'score.', o.raw);
      set(p + 'status', o.success === 'passed' ? 'passed' : o.success === 'failed' ? 'failed' : 'incomplete');
    });
  },
  setStatus: function (st) {
    set('cmi.core.lesson_status', st.lessonStatus);
    // Rules 2 and 25: exit goes with the status and is committed with it, long before the page goes away, so an
    // LMSFinish that never arrives (a closed tab) still leaves a suspended, resumable attempt.
    set('cmi.core.exit', st.finished ? '' : 'suspend');
  },
  commit: lms.commit,
  finish: function (opts) {
    // Rule 2: "suspend" while not finished, "" when done; never "logout".
    return lms.finish({ 'cmi.core.exit': opts.suspend ? 'suspend' : '', 'cmi.core.session_time': timespan(Date.now() - started) });
  }
};
