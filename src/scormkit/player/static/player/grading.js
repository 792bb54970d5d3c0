/* Grading, and the table of item types: one entry per type, the one place to add a type to the player. */

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

function letterText(list, id) {
  for (var i = 0; i < list.length; i++) if (list[i].id === id) return list[i].text;
  return id;
}

function correctChoices(item) {
  return item.choices.filter(function (c) { return c.correct; }).map(function (c) { return c.id; });
}

function stepIds(item) { return item.steps.map(function (s) { return s.id; }); }

function same(item, a) { return a; }

/* Item type -> grade(item, a): is the compact answer a correct; response(item, a) and key(item): the neutral
   response and correct answer that the adapters format per standard (their own tables); answerText(item, a) and
   correctText(item): both for the learner; render(ctx): the answer form (items.js). A compact answer is a string:
   choice ids, 't'/'f', the typed text, one target id (or '-') per matching source, step ids in order. */
var CHOICE_TYPE = {
  grade: function (item, a) { return a === correctChoices(item).join(''); },
  response: function (item, a) { return a.split(''); },
  key: correctChoices,
  answerText: function (item, a) {
    return a.split('').map(function (id) { return letterText(item.choices, id); }).join('; ');
  },
  correctText: function (item) { return CHOICE_TYPE.answerText(item, correctChoices(item).join('')); },
  render: renderChoices
};

var ITEM_TYPES = {
  single: CHOICE_TYPE,
  multiple: CHOICE_TYPE,
  truefalse: {
    grade: function (item, a) { return (a === 't') === item.answer; },
    response: function (item, a) { return a === 't'; },
    key: function (item) { return item.answer; },
    answerText: function (item, a) { return a === 't' ? t('true') : t('false'); },
    correctText: function (item) { return item.answer ? t('true') : t('false'); },
    render: renderChoices
  },
  fillin: {
    grade: function (item, a) {
      return item.accepted.some(function (x) { return normText(x, item) === normText(a, item); });
    },
    response: same,
    key: function (item) { return { accepted: item.accepted, caseSensitive: item.caseSensitive }; },
    answerText: same,
    correctText: function (item) { return item.accepted.join(' / '); },
    render: renderTextBox
  },
  numeric: {
    grade: function (item, a) {
      var x = parseNumber(a);
      return x !== null && Number(x) >= item.min - 1e-9 && Number(x) <= item.max + 1e-9;
    },
    response: function (item, a) { return parseNumber(a); },
    key: function (item) { return { min: item.min, max: item.max }; },
    answerText: same,
    correctText: function (item) {
      return item.min === item.max ? String(item.min) : t('range', { min: item.min, max: item.max });
    },
    render: renderTextBox
  },
  matching: {
    grade: function (item, a) {
      return item.sources.every(function (s, i) { return a.charAt(i) === item.correct[i][1]; });
    },
    response: function (item, a) {
      var pairs = [];
      item.sources.forEach(function (s, i) { if (a.charAt(i) !== '-') pairs.push([s.id, a.charAt(i)]); });
      return pairs;
    },
    key: function (item) { return item.correct; },
    answerText: function (item, a) {
      return item.sources.map(function (s, i) {
        return s.text + ' \u2192 ' + (a.charAt(i) === '-' ? t('noAnswer') : letterText(item.targets, a.charAt(i)));
      }).join('; ');
    },
    correctText: function (item) {
      return ITEM_TYPES.matching.answerText(item, item.correct.map(function (p) { return p[1]; }).join(''));
    },
    render: renderMatching
  },
  sequencing: {
    grade: function (item, a) { return a === stepIds(item).join(''); },
    response: function (item, a) { return a.split(''); },
    key: stepIds,
    answerText: function (item, a) {
      return a.split('').map(function (id, i) { return (i + 1) + '. ' + letterText(item.steps, id); }).join('; ');
    },
    correctText: function (item) { return ITEM_TYPES.sequencing.answerText(item, stepIds(item).join('')); },
    render: renderSteps
  }
};

function isCorrect(item, a) {
  if (a === null || a === undefined || !ITEM_TYPES[item.type]) return false;
  return ITEM_TYPES[item.type].grade(item, a);
}

/* Neutral response / correct answer objects that the adapters format per standard. */
function responseOf(item, a) { return ITEM_TYPES[item.type].response(item, a); }

function correctOf(item) { return ITEM_TYPES[item.type].key(item); }

function answerText(item, a) { return a === null ? t('noAnswer') : ITEM_TYPES[item.type].answerText(item, a); }

function correctText(item) { return ITEM_TYPES[item.type].correctText(item); }

/* Weighted score of the drawn items, 0..1. */
function scoreOf(items, answers) {
  var total = 0, got = 0;
  items.forEach(function (entry) {
    total += entry.item.weight;
    if (isCorrect(entry.item, answers[entry.index])) got += entry.item.weight;
  });
  return total > 0 ? got / total : 0;
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
