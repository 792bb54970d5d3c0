/* SCORM 2004 runtime adapter (window.ScormkitRuntime). RTE 4.x data model; rules: docs/lms-pitfalls.md.
   Shipped after common.js and scorm.js (the core it shares with scorm12.js) in one adapters/scorm2004.js. */
var started = 0;
var lms = scormConnection({
  apiName: 'API_1484_11', init: 'Initialize', getValue: 'GetValue', setValue: 'SetValue', commit: 'Commit',
  finish: 'Terminate', lastError: 'GetLastError',
  // Undefined or unimplemented element, read only, type mismatch, out of range, dependency not established.
  never: { '401': 1, '402': 1, '404': 1, '406': 1, '407': 1, '408': 1 },
  critical: /^cmi\.(suspend_data|location|completion_status|success_status|score\.)/,
  elements: {
    mode: 'cmi.mode', credit: 'cmi.credit', entry: 'cmi.entry',
    location: 'cmi.location', learnerName: 'cmi.learner_name', learnerId: 'cmi.learner_id'
  }
});
var set = lms.set, get = lms.get;

/* CMITime (RTE 4.1.4.1: YYYY-MM-DDThh:mm:ss.s[TZD], the zone only after the fraction): the learner's local
   time with its UTC offset, so an LMS in another zone records the right instant (issue 9 item 5). */
function timestamp(t) {
  var offset = -t.getTimezoneOffset(), a = Math.abs(offset);
  var zone = offset === 0 ? 'Z' : (offset > 0 ? '+' : '-') + two(Math.floor(a / 60)) + ':' + two(a % 60);
  return t.getFullYear() + '-' + two(t.getMonth() + 1) + '-' + two(t.getDate()) + 'T' + two(t.getHours()) + ':' +
    two(t.getMinutes()) + ':' + two(t.getSeconds()) + '.' + two(Math.floor(t.getMilliseconds() / 10)) + zone;
}

/* A characterstring inside a response: no delimiter tokens, no leading "{" (read as a lang/property tag). */
function text(v) { return String(v).replace(/\[([,.:])\]/g, '$1').replace(/^\{/, '(').slice(0, 250); }

/* 2004 response formats (RTE 4.2.9, rule 10): [,] [.] delimiters, true/false words. */
var FORMATS = responseFormats({
  list: '[,]', pair: '[.]', yes: 'true', no: 'false', text: text,
  fillin: function (c) {
    var flag = c.caseSensitive ? '{case_matters=true}' : '{case_matters=false}';
    return c.accepted.slice(0, 10).map(function (x) { return flag + text(x); });
  },
  numeric: function (c) { return [c.min + '[:]' + c.max]; }
});

window.ScormkitRuntime = {
  start: function () {
    started = Date.now();
    if (!lms.connect()) return noLms();
    var mastery = parseFloat(get('cmi.scaled_passing_score'));
    var record = lms.learnerRecord();
    // What the LMS already stored: the player never reports less (a reset or updated module, rule 13).
    record.wasCompleted = get('cmi.completion_status') === 'completed';
    record.wasPassed = get('cmi.success_status') === 'passed';
    record.masteryScore = isNaN(mastery) ? null : mastery;
    return record;
  },
  saveState: lms.saveState,
  bookmark: lms.bookmark,
  recordAnswer: function (a) {
    var p = lms.interaction(a.id), format = FORMATS[a.kind];
    set(p + 'type', a.type);
    if (a.objective) set(p + 'objectives.0.id', a.objective);
    set(p + 'timestamp', timestamp(a.timestamp));
    format.correct(a.correct).forEach(function (x, i) { set(p + 'correct_responses.' + i + '.pattern', x); });
    set(p + 'weighting', a.weight);
    if (a.response !== null) set(p + 'learner_response', format.response(a.response));
    set(p + 'result', a.result ? 'correct' : 'incorrect');
    set(p + 'latency', isoDuration(a.latency));
    if (a.description) set(p + 'description', text(a.description));
  },
  setScore: function (s) {
    // Rule 5: score before success_status / completion_status. scaled only with a final verdict (rule 24).
    if (s.scaled !== null) set('cmi.score.scaled', s.scaled);
    if (s.raw === null) return;
    lms.setRaw('cmi.score.', s.raw);
  },
  setObjectives: function (list) {
    list.forEach(function (o) {
      var p = 'cmi.objectives.' + lms.objectiveIndex(o.id) + '.';
      set(p + 'score.scaled', o.scaled);
      lms.setRaw(p + 'score.', o.raw);
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
  commit: lms.commit,
  finish: function (opts) {
    return lms.finish({ 'cmi.exit': opts.suspend ? 'suspend' : 'normal', 'cmi.session_time': isoDuration(Date.now() - started) });
  }
};
