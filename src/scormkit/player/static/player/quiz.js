/* The quiz screens: one question at a time, submit, results, certificate, retake. */

function quizScreen() {
  if (!quiz) return;
  if (S.submitted) return resultsScreen();
  var list = drawn();
  S.screen = 'q';
  S.pos = Math.max(0, Math.min(S.pos, list.length - 1));
  var entry = list[S.pos], item = entry.item, i = entry.index, key = S.seed + ':' + S.attempt + ':' + item.id;
  if (!shownAt[i]) shownAt[i] = new Date();
  var immediate = quiz.feedback === 'immediate';
  var locked = immediate && S.checked[i];
  var pid = 'prompt-' + item.id, hint = el('p', { 'class': 'hint', id: 'hint-' + item.id });
  var form = el('form', { 'class': 'item', novalidate: true, onsubmit: function (e) { e.preventDefault(); } });
  var prompt = el('div', { 'class': 'prose prompt', id: pid, html: item.promptHtml });
  function setAnswer(a) { S.answers[i] = a; save(); }

  var body = ITEM_TYPES[item.type].render({ item: item, key: key, pid: pid, hint: hint, locked: locked,
    answer: S.answers[i], setAnswer: setAnswer });

  var feedback = el('div', { 'class': 'feedback', 'aria-live': 'polite' });
  if (locked) itemFeedback(item, S.answers[i]).forEach(function (p) { feedback.appendChild(p); });
  var waiting = immediate && !locked && retryPending === i;
  if (waiting) {
    // Only "incorrect": the item's feedback and the correct answer would give the retry away.
    feedback.appendChild(el('p', { 'class': 'bad' }, [el('strong', { text: triesText(i) })]));
    body.querySelectorAll('input, select, button').forEach(function (x) { x.disabled = true; });
  }
  var last = S.pos === list.length - 1;
  var answeredCount = list.filter(function (e) { return S.answers[e.index] !== null; }).length;
  var actions = el('div', { 'class': 'actions' });
  if (S.pos > 0) actions.appendChild(button(t('previous'), function () { S.pos--; quizScreen(); }));
  function next() {
    if (last) submit(list); else { S.pos++; quizScreen(); }
  }
  if (waiting) {
    actions.appendChild(button(t('tryAgain'), function () { retryPending = null; quizScreen(); }, 'btn primary'));
  } else if (immediate && !locked) {
    actions.appendChild(button(t('check'), function () {
      if (body.getOrder && S.answers[i] === null) setAnswer(body.getOrder());
      if (S.answers[i] === null) { hint.textContent = t('answerFirst'); say(t('answerFirst')); return; }
      if (!isCorrect(item, S.answers[i]) && (triesUsed[i] || 0) < (quiz.retryQuestion || 0)) {
        // A try left: nothing is checked or recorded yet; only the final answer goes to the LMS.
        triesUsed[i] = (triesUsed[i] || 0) + 1;
        retryPending = i;
        say(triesText(i));
        quizScreen();
        return;
      }
      S.checked[i] = true;
      say(isCorrect(item, S.answers[i]) ? t('correct') : t('incorrect'));
      record(entry);
      save(); commit();
      quizScreen();
      var fb = app.querySelector('.feedback');
      if (fb) { fb.setAttribute('tabindex', '-1'); fb.focus(); }
    }, 'btn primary'));
  } else {
    actions.appendChild(button(last ? (immediate ? t('seeResults') : t('submit')) : t('next'), function () {
      if (body.getOrder && S.answers[i] === null && !immediate) setAnswer(body.getOrder());
      next();
    }, 'btn primary'));
  }
  form.appendChild(prompt);
  form.appendChild(body);
  form.appendChild(hint);
  var heading = t('questionOf', { n: S.pos + 1, total: list.length });
  show([
    el('h1', { text: heading }),
    el('progress', { max: String(list.length), value: String(S.pos + 1), 'aria-label': heading }),
    form, feedback, actions,
    last && !immediate ? el('p', { 'class': 'muted', text: t('answered', { n: answeredCount, total: list.length }) }) : null,
    el('p', null, [button(t('backToSlides'), function () { viewer(S.slide); }, 'btn-quiet')])
  ], 'quiz');
  save();
}

function record(entry) {
  var item = entry.item, i = entry.index, a = S.answers[i];
  if (S.recorded[i] || a === null || !reporting) return;
  S.recorded[i] = true;
  var now = new Date();
  rt.recordAnswer({
    id: item.id, type: item.interactionType, kind: item.type, response: responseOf(item, a),
    correct: correctOf(item), result: isCorrect(item, a), weight: item.weight, objective: item.objective,
    timestamp: now, latency: shownAt[i] ? now - shownAt[i] : 0, description: item.promptText, attempt: S.attempt
  });
}

/* "Incorrect, you may try again (n left)" after the wrong Check that used a try of item index i. */
function triesText(i) { return t('triesLeft', { n: quiz.retryQuestion - triesUsed[i] + 1 }); }

function submit(list) {
  list.forEach(record);
  S.submitted = true;
  S.score = scoreOf(list, S.answers);
  S.screen = 'r';
  sendObjectives(list);
  report(true);
  resultsScreen();
}

function sendObjectives(list) {
  if (!reporting || S.score === null) return;
  if (rt.setObjectives) rt.setObjectives(objectiveResults(course.objectives, list, S.answers, passing, attemptsRemain()));
}

function resultsScreen() {
  var list = drawn(), st = status();
  S.screen = 'r'; fromResults = false;
  var passed = S.score !== null && S.score >= passing - 1e-9;
  var verdict = passed ? t('passed') : st.success === 'failed' ? t('failed') : t('notYet');
  var nodes = [el('h1', { text: t('results') }),
    el('p', { 'class': 'score' }, [t('yourScore') + ' ', el('strong', { text: pct(S.score || 0) })]),
    el('p', { 'class': 'verdict ' + (passed ? 'ok' : 'bad') }, [el('strong', { text: verdict }), ' ' + t('passingScore', { pct: pct(passing) })]),
    el('p', { 'class': 'muted', text: quiz.attempts ? t('attemptOf', { n: S.attempt, total: quiz.attempts }) : t('attemptUnlimited', { n: S.attempt }) })];
  if (creditExpired) nodes.push(el('p', { 'class': 'note', text: t('selfAssessment', { kind: course.credit.kind }) }));
  if (env.message) nodes.push(el('p', { 'class': 'note', text: env.message }));
  if (st.completion !== 'completed' && course.tracking.completion !== 'quiz') {
    nodes.push(el('p', { text: t('viewRemaining', { n: S.viewed.filter(Boolean).length, total: course.slides.length }) }));
  }
  nodes.push(objectiveTable(list));
  var actions = el('div', { 'class': 'actions' });
  if (!passed && attemptsRemain()) actions.appendChild(button(t('retake'), retake, 'btn primary'));
  if (passed) actions.appendChild(button(t('certificate'), certificateScreen, 'btn primary'));
  actions.appendChild(button(t('backToSlides'), function () { viewer(S.slide); }));
  actions.appendChild(button(t('exit'), finish));
  nodes.push(actions);
  // Review (answers, correct answers) only when quiz.review; per-item feedback unless feedback is "none".
  var fb = quiz.feedback !== 'none';
  if (quiz.review || quiz.feedback === 'end') {
    // A collapsible review (open by default), with a filter that keeps only the questions answered wrongly.
    var review = el('ol', { 'class': 'review' }, list.map(function (e) {
      var a = S.answers[e.index], li = el('li', { 'data-correct': String(isCorrect(e.item, a)) }, [el('div', { 'class': 'prose', html: e.item.promptHtml })]);
      if (quiz.review) li.appendChild(el('p', { text: t('yourAnswerIs', { a: answerText(e.item, a) }) }));
      if (fb) itemFeedback(e.item, a).forEach(function (p) { li.appendChild(p); });
      return li;
    }));
    var wrongOnly = el('input', { type: 'checkbox', id: 'wrong-only' });
    wrongOnly.addEventListener('change', function () {
      review.querySelectorAll('li').forEach(function (li) { li.hidden = wrongOnly.checked && li.getAttribute('data-correct') === 'true'; });
    });
    var details = el('details', { 'class': 'review-box', open: true }, [
      el('summary', null, [el('h2', { text: quiz.review ? t('yourAnswers') : t('feedbackTitle') })]),
      fb ? el('p', { 'class': 'filter' }, [wrongOnly, el('label', { 'for': 'wrong-only', text: ' ' + t('wrongOnly') })]) : null,
      review]);
    nodes.push(details);
  }
  show(nodes, 'results');
  save();
}

/* Results by objective: the weighted score of this attempt's items on each objective, and its verdict. */
function objectiveTable(list) {
  var results = objectiveResults(course.objectives, list, S.answers, passing, attemptsRemain());
  if (!results.length) return null;
  var byId = {};
  course.objectives.forEach(function (o) { byId[o.id] = o; });
  return el('section', { 'aria-labelledby': 'by-objective' }, [
    el('h2', { id: 'by-objective', text: t('byObjective') }),
    el('table', { 'class': 'objectives' }, [
      el('thead', null, [el('tr', null, [el('th', { scope: 'col', text: t('objective') }), el('th', { scope: 'col', text: t('score') }),
        el('th', { scope: 'col', text: t('result') })])]),
      el('tbody', null, results.map(function (r) {
        var ok = r.success === 'passed';
        return el('tr', null, [el('th', { scope: 'row' }, [el('span', { 'class': 'obj-text', text: byId[r.id] ? byId[r.id].text : r.id }), objectiveSlides(byId[r.id])]),
          el('td', { text: pct(r.scaled) }),
          el('td', { 'class': ok ? 'ok' : 'bad', text: (ok ? '\u2713 ' : '\u2717 ') + (ok ? t('objMet') : t('objNotMet')) })]);
      }))])]);
}

/* "Slides: 4 5 6": links to the slides that teach an objective (module.yaml objectives[].slides), under its text.
   A link opens the viewer at its slide, which then offers Back to the results. The numbers are the visible link text,
   named in context by "Slides:" in the same cell (WCAG 2.4.4); the title adds the slide's title. */
function objectiveSlides(o) {
  var total = course.slides.length;
  var numbers = ((o && o.slides) || []).filter(function (n) { return n >= 1 && n <= total; });
  if (!numbers.length) return null;
  var kids = [el('span', { text: t(numbers.length === 1 ? 'objSlide' : 'objSlides') })];
  numbers.forEach(function (n) {
    kids.push(' '); // read as "Slides: 4 5 6"; the layout spaces the links (player.css)
    kids.push(el('a', { href: '#slide-' + n, title: t('slideLinkTitle', { n: n, title: course.slides[n - 1].title }),
      onclick: function (e) { e.preventDefault(); fromResults = true; viewer(n - 1); }, text: String(n) }));
  });
  return el('span', { 'class': 'obj-slides' }, kids);
}

/* The learner's name as an LMS gives it: SCORM 1.2 and many LMSs send "Last, First". */
function displayName(name) {
  var n = String(name || '').trim(), parts = n.split(',');
  return parts.length === 2 && parts[0].trim() && parts[1].trim() ? parts[1].trim() + ' ' + parts[0].trim() : n;
}

/* A printable certificate of completion (print stylesheet: only the certificate is printed). CME credit is
   named only while the accreditation runs (credit set and not expired). */
function certificateScreen() {
  var cr = course.credit, name = displayName(env.learnerName);
  var logo = document.querySelector('header .bar-logo'); // the theme's logo (index.html.j2), also printed here
  var nodes = [el('div', { 'class': 'certificate' }, [
    logo ? el('img', { 'class': 'cert-logo', src: logo.getAttribute('src'), alt: logo.alt }) : null,
    el('p', { 'class': 'cert-kicker', text: t('certificate') }),
    el('h1', { text: course.title }),
    el('p', { text: name ? t('certifiesName', { name: name }) : t('certifies') }),
    el('p', { 'class': 'cert-name', text: name || '' }),
    el('p', { text: t('certScore', { pct: pct(S.score || 0), date: today() }) }),
    cr && !creditExpired ? el('p', { text: t('certCredit', { provider: cr.provider, kind: cr.kind }) + (cr.credits ? ' ' + t('creditCount', { credits: cr.credits }) : '') }) : null,
    el('p', { 'class': 'muted', text: course.publisher })
  ]), el('div', { 'class': 'actions' }, [
    button(t('print'), function () { window.print(); }, 'btn primary'),
    button(t('backToResults'), resultsScreen)])];
  show(nodes, 'certificate');
}

function retake() {
  S.attempt = Math.min(S.attempt + 1, ATTEMPT_CAP);
  S.order = drawOrder(quiz, items.length, S.seed, S.attempt); // a new draw for every attempt
  S.answers = S.answers.map(function () { return null; });
  S.checked = S.checked.map(function () { return false; });
  S.recorded = S.recorded.map(function () { return false; });
  S.submitted = false; S.pos = 0; shownAt = {}; triesUsed = {}; retryPending = null;
  report();
  quizScreen();
}
