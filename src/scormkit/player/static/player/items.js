/* How items are shown: answer forms (the render entries of ITEM_TYPES, grading.js), feedback and marks. */

function sanitize(text, max) {
  // Control characters become spaces: the resume state never grows past its worst case (course.py).
  // eslint-disable-next-line no-control-regex
  return String(text).replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, max);
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
/* The answer forms, one per kind of item (ITEM_TYPES render). ctx: {item, i, key (the attempt's shuffle seed for
   this item), pid (the prompt's id), hint (the hint paragraph), locked (checked: shown read-only with marks),
   answer (the stored compact answer or null), setAnswer(a)}. A form may offer getOrder(): the answer it shows
   before the learner changed anything (sequencing's initial order counts as an answer). */
function renderChoices(ctx) {
  var item = ctx.item, multi = item.type === 'multiple', body;
  var choices = item.type === 'truefalse' ? [{ id: 't', text: t('true') }, { id: 'f', text: t('false') }]
    : item.shuffle ? shuffled(item.choices, ctx.key) : item.choices;
  var current = ctx.answer || '';
  body = el('fieldset', { 'aria-labelledby': ctx.pid }, [el('legend', { 'class': 'sr-only', text: multi ? t('selectAll') : t('selectOne') })]
    .concat(choices.map(function (c) {
      var input = el('input', { type: multi ? 'checkbox' : 'radio', name: 'c-' + item.id, value: c.id,
        checked: current.indexOf(c.id) >= 0, disabled: ctx.locked });
      input.addEventListener('change', function () {
        var chosen = [];
        body.querySelectorAll('input').forEach(function (x) { if (x.checked) chosen.push(x.value); });
        chosen.sort();
        ctx.setAnswer(chosen.length ? chosen.join('') : null);
      });
      var label = el('label', { 'class': 'choice' }, [input, el('span', { text: c.text })]);
      if (ctx.locked) markChoice(label, current.indexOf(c.id) >= 0, choiceIsCorrect(item, c.id));
      return label;
    })));
  return body;
}

function renderTextBox(ctx) {
  var item = ctx.item, num = item.type === 'numeric';
  var box = el('input', { type: 'text', id: 'in-' + item.id, autocomplete: 'off', spellcheck: 'false',
    maxlength: String(num ? NUMERIC_MAX : FILLIN_MAX), inputmode: num ? 'decimal' : null,
    'aria-describedby': ctx.pid + ' hint-' + item.id, value: ctx.answer || '', disabled: ctx.locked });
  box.addEventListener('input', function () {
    var v = sanitize(box.value, num ? NUMERIC_MAX : FILLIN_MAX);
    if (num && v.trim() && parseNumber(v) === null) { ctx.hint.textContent = t('enterNumber'); ctx.setAnswer(null); return; }
    ctx.hint.textContent = '';
    ctx.setAnswer(v.trim() ? v : null);
  });
  return el('div', { 'class': 'field' }, [el('label', { 'for': 'in-' + item.id, text: num ? t('yourNumber') : t('yourAnswer') }), box]);
}

function renderMatching(ctx) {
  var item = ctx.item, body;
  var targets = shuffled(item.targets, ctx.key + ':targets');
  var cur = ctx.answer || '';
  body = el('fieldset', { 'aria-labelledby': ctx.pid, 'class': 'matching' }, [el('legend', { 'class': 'sr-only', text: t('chooseMatch') })]
    .concat(item.sources.map(function (s, n) {
      var id = 'm-' + item.id + '-' + s.id;
      var sel = el('select', { id: id, disabled: ctx.locked }, [el('option', { value: '-', text: t('choose') })]
        .concat(targets.map(function (x) { return el('option', { value: x.id, text: x.text, selected: cur.charAt(n) === x.id }); })));
      sel.addEventListener('change', function () {
        var a = item.sources.map(function (x) { return document.getElementById('m-' + item.id + '-' + x.id).value; }).join('');
        ctx.setAnswer(/^-+$/.test(a) ? null : a);
        exclusive(body);
      });
      var row = el('div', { 'class': 'match' }, [el('label', { 'for': id, text: s.text }), sel]);
      if (ctx.locked) {
        var right = item.correct[n][1], chosen = cur.charAt(n);
        markChoice(row, true, chosen === right);
        if (chosen !== right && quiz.review) row.appendChild(el('span', { 'class': 'mark-correct', text: '\u2713 ' + t('correctIs', { a: letterText(item.targets, right) }) }));
      }
      return row;
    })));
  exclusive(body);
  return body;
}

function renderSteps(ctx) {
  var item = ctx.item, order = ctx.answer;
  if (!order) {
    var ids = stepIds(item), mixed = shuffled(ids, ctx.key + ':steps');
    if (mixed.join('') === ids.join('')) mixed.push(mixed.shift());
    order = mixed.join('');
  }
  var ol = el('ol', { 'class': 'steps', 'aria-labelledby': ctx.pid });
  var drawSteps = function (focusId, dir) {
    ol.textContent = '';
    order.split('').forEach(function (id, n) {
      var text = letterText(item.steps, id);
      var up = button(t('moveUp'), function () { move(n, -1, id); }, 'btn-small');
      var down = button(t('moveDown'), function () { move(n, 1, id); }, 'btn-small');
      up.setAttribute('aria-label', t('moveUpX', { x: text })); down.setAttribute('aria-label', t('moveDownX', { x: text }));
      up.disabled = ctx.locked || n === 0; down.disabled = ctx.locked || n === order.length - 1;
      ol.appendChild(el('li', null, [el('span', { 'class': 'step-text' }, [el('span', { 'class': 'step-n', text: (n + 1) + '. ' }), text]),
        el('span', { 'class': 'moves' }, [up, down])]));
      if (id === focusId) { var f = dir < 0 ? (up.disabled ? down : up) : (down.disabled ? up : down); setTimeout(function () { f.focus(); }, 0); }
    });
  };
  var move = function (n, d, id) {
    var a = order.split(''), x = a[n]; a[n] = a[n + d]; a[n + d] = x;
    order = a.join(''); ctx.setAnswer(order);
    drawSteps(id, d);
    say(t('moved', { n: n + d + 1, total: a.length }));
  };
  drawSteps(null, 0);
  var body = el('div', null, [el('p', { 'class': 'muted', text: t('orderHelp') }), ol]);
  body.getOrder = function () { return order; };
  return body;
}
