/* Launch: start the adapter, resume the state (LMS or local mirror), show the start screen, keep committing. */

/* What every adapter's start() gets: the course (course.json), the banner for launch trouble, the string catalogue. */
var hooks = { course: course, banner: banner, t: t };

function boot() {
  // An adapter whose launch needs the network first (xAPI, cmi5: token, launch data, saved state) returns a
  // Promise and may tell the learner through the banner while it retries; the start screen waits for it.
  var launched = rt && rt.start ? rt.start(hooks) : { mode: 'normal', connected: false };
  if (launched && typeof launched.then === 'function') launched.then(begin);
  else begin(launched);
}

function begin(launched) {
  env = launched;
  // An adapter with no LMS to talk to may give the runtime to run on instead (SCORM: the standalone one).
  if (env.connected === false && env.fallback) {
    rt = env.fallback; env = rt.start(hooks);
  }
  env.mode = env.mode || 'normal';
  reporting = env.mode === 'normal';
  if (env.local) env.message = t('noLmsLocal');
  else if (env.connected === false) env.message = env.message || t('noLms');
  else if (!reporting) env.message = t('modeNote', { mode: env.mode === 'browse' ? t('browse') : t('review') });
  else if (env.credit === 'no-credit' && course.runtime !== 'web') env.message = t('noCredit');
  passing = quiz ? (typeof env.masteryScore === 'number' && env.masteryScore >= 0 && env.masteryScore <= 1 ? env.masteryScore : quiz.passingScore) : 1;
  var q = quiz ? { draw: quiz.draw, shuffle: quiz.shuffle } : null;
  S = null;
  if (env.state) S = decodeState(env.state, course.slides.length, items.length, course.stateKey, q);
  // The local mirror: only for a known learner in normal mode, never for the web runtime (already local) nor
  // for an adapter that keeps unsent state in this browser itself (env.durable: xAPI's outbox).
  var learner = typeof env.learnerId === 'string' ? env.learnerId : '';
  if (learner && env.mode === 'normal' && !env.local && !env.durable && course.runtime !== 'web') {
    mirrorKey = 'scormkit:mirror:' + course.id + ':' + String(course.version || '').split('.')[0] + ':' + learner;
  }
  var kept = mirror('getItem');
  var M = kept ? decodeState(kept, course.slides.length, items.length, course.stateKey, q) : null;
  if (M && (!S || M.n > S.n)) {
    // Newer than what the LMS has (a reload during an outage): resume from it. Answers the LMS never stored
    // are recorded again below; report(true) then writes the state back and commits.
    var lms = S;
    M.recorded = M.recorded.map(function (r, i) {
      return r && !!lms && lms.attempt === M.attempt && lms.recorded[i];
    });
    S = M; env.state = kept;
  } else if (kept) mirror('removeItem'); // unreadable or not newer than the LMS's copy
  if (!S) S = fresh(course.slides.length, items.length, Math.floor(Math.random() * 1000000), q);
  S.resumeScreen = S.screen;
  if (!env.state && env.location && /^\d+$/.test(env.location)) S.slide = Math.min(Number(env.location), course.slides.length) - 1;
  if (S.slide < 0) S.slide = 0;
  exitButton.textContent = t('exit');
  exitButton.addEventListener('click', finish);
  startScreen();
  if (M && S === M) {
    drawn().forEach(function (e) { if (S.checked[e.index] || S.submitted) record(e); });
    if (S.submitted) sendObjectives(drawn()); // the score goes with report(true) below
  }
  report(true);
  // Rule 15: commit changes every minute, and at least every 10 minutes as a keep-alive for idle learners.
  var ticks = 0;
  setInterval(function () { ticks++; if (ticks % 10 === 0) dirty = true; commit(); }, 60000);
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'hidden') { save(); commit(); }
  });
  window.addEventListener('pagehide', function () { if (!ended) finish(); });
}

boot();
