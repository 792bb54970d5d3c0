/* Helpers of every LMS adapter (shipped first in the adapter file). */

/* ISO 8601 duration, at most 2 decimals (SCORM 2004 RTE 4.1.4, xAPI 1.0.3 Data 4.6; rule 9). */
function isoDuration(ms) {
  var cs = Math.max(0, Math.round(ms / 10)), h = Math.floor(cs / 360000), m = Math.floor(cs / 6000) % 60;
  var s = (cs % 6000) / 100;
  return 'PT' + (h ? h + 'H' : '') + (m ? m + 'M' : '') + (Math.round(s * 100) / 100) + 'S';
}

/* The one table of response formats, item kind -> {response(v): the player's neutral response as a response
   string, correct(c): the correct_responses patterns of its correct answer}, in one standard's notation d:
   {list, pair (delimiters), yes, no (true/false), text(v) (a fill-in response), fillin(c), numeric(c) (their
   patterns)}. */
function responseFormats(d) {
  function list(v) { return v.join(d.list); }
  function truth(v) { return v ? d.yes : d.no; }
  function pairs(v) { return v.map(function (p) { return p[0] + d.pair + p[1]; }).join(d.list); }
  function one(format) { return { response: format, correct: function (c) { return [format(c)]; } }; }
  return {
    single: one(list), multiple: one(list), sequencing: one(list), truefalse: one(truth), matching: one(pairs),
    fillin: { response: d.text, correct: d.fillin },
    numeric: { response: String, correct: d.numeric }
  };
}
