/* The start screen and the slide viewer (menu, slide text, full screen, keys and swipes). */

/* The start screen (title, slide 1 as its cover, description, objectives, about, declaration of interest) is
   rendered into index.html at build time, so it is painted before this script runs; here it gets what only
   the launch knows. A module with disclosures shows them there, before any content, and its Start button
   acknowledges them (kept in the state, g). This screen is shown once per launch. */
function startScreen() {
  var c = course, h = app.querySelector('h1');
  if (env.message) app.insertBefore(el('p', { 'class': 'note', text: env.message }), h.nextSibling);
  var creditText = document.getElementById('credit');
  if (c.credit && creditText) {
    var cr = c.credit, v = { kind: cr.kind, provider: cr.provider, date: cr.expiresLabel, credits: cr.credits };
    creditText.textContent = creditExpired ? t(/^\d{4}$/.test(cr.expiresLabel) ? 'creditExpiredIn' : 'creditExpiredOn', v)
      : t('creditUntil', { kind: cr.kind, provider: cr.provider, date: cr.expires })
        + (cr.credits ? ' ' + t('creditCount', v) : '') + (quiz ? ' ' + t('creditQualify', { pct: pct(passing) }) : '');
    if (creditExpired) creditText.className = 'note';
  }
  var resumable = S.viewed.some(Boolean) || S.answers.some(function (a) { return a !== null; }) || S.submitted;
  var label = resumable ? t('resume') : c.disclosures.length && !S.ack ? t('doiAck') : t('start');
  // Under the cover and the declaration (index.html.j2 #begin): Start is on the first screen, without scrolling.
  (document.getElementById('begin') || app).insertBefore(el('p', { 'class': 'actions' }, [button(label, function () {
    if (c.disclosures.length && !S.ack) { S.ack = true; save(); commit(); } // acknowledged once per learner
    if (resumable && S.resumeScreen === 'q' && quiz) quizScreen();
    else if (resumable && S.resumeScreen === 'r' && quiz && S.submitted) resultsScreen();
    else viewer(S.slide);
  }, 'btn primary')]), null);
  enter('start');
}

// ---- slide viewer ----------------------------------------------------------------------------------

function fold(s) { return String(s).normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase(); }

/* The slide menu, a sidebar beside the slide: every slide with its thumbnail (rendered at build time), title and
   viewed mark, filtered by a search across titles and texts. */
function slideMenu(n) {
  var list = el('ol', { 'class': 'slide-list' }), count = el('p', { 'class': 'muted', 'aria-live': 'polite' });
  var box = el('input', { type: 'search', id: 'search', value: menuQuery, autocomplete: 'off' });
  function fill() {
    var q = fold(menuQuery.trim()), found = 0;
    list.textContent = '';
    course.slides.forEach(function (s, i) {
      var text = fold(s.title + ' ' + (s.text || '')), at = q ? text.indexOf(q) : -1;
      if (q && at < 0) return;
      found++;
      var go = button((i + 1) + '. ' + s.title, function () { menuOpen = false; viewer(i); }, 'btn-quiet');
      if (i === n) go.setAttribute('aria-current', 'true');
      // The thumbnail is decorative: the button beside it names the slide.
      // One element per thumbnail for the whole session: re-rendering the menu moves it instead of dropping an
      // image that is still loading (which would abort its request).
      var thumb = s.thumb ? thumbs[i] || (thumbs[i] = el('img', { src: s.thumb, alt: '', width: s.thumbWidth, height: s.thumbHeight, 'class': 'thumb', loading: 'lazy' })) : null;
      var kids = [thumb,
        el('span', { 'class': 'entry' }, [go, S.viewed[i] ? el('span', { 'class': 'muted viewed', text: ' ' + t('viewedMark') }) : null])];
      if (q && s.text) {
        var raw = s.text.replace(/\s+/g, ' '), k = fold(raw).indexOf(q);
        if (k >= 0) kids.push(el('span', { 'class': 'snippet', text: (k > 40 ? '\u2026' : '') + raw.slice(Math.max(0, k - 40), k + q.length + 60) + '\u2026' }));
      }
      list.appendChild(el('li', { 'class': i === n ? 'current' : null }, kids));
    });
    count.textContent = q ? (found ? t('found', { n: found }) : t('noMatch')) : '';
  }
  box.addEventListener('input', function () { menuQuery = box.value; fill(); });
  fill();
  return el('aside', { id: 'menu', 'class': 'sidebar', hidden: !menuOpen, 'aria-label': t('menu') }, [
    el('label', { 'for': 'search', text: t('search') }), box, count, list]);
}

/* A toggle button for a panel beside the slide (menu, slide text): aria-expanded, the label for each state. */
function panelToggle(panel, labels, isOpen, onChange) {
  var b = el('button', { type: 'button', 'class': 'tool', 'aria-expanded': String(isOpen), 'aria-controls': panel.id, text: labels[isOpen ? 1 : 0] });
  b.addEventListener('click', function () {
    var open = panel.hidden;
    panel.hidden = !open;
    b.setAttribute('aria-expanded', String(open));
    b.textContent = labels[open ? 1 : 0];
    onChange(open);
  });
  return b;
}

/* Full screen: the browser's own when the page may use it (an LMS frame needs allowfullscreen), else an
   immersive layout that hides the header, so the button always does something. */
function fullscreenToggle() {
  var on = document.fullscreenElement || document.body.classList.contains('immersive');
  var b = el('button', { type: 'button', 'class': 'tool', 'aria-pressed': String(!!on), text: t('fullscreen') });
  b.addEventListener('click', function () {
    var now = !!(document.fullscreenElement || document.body.classList.contains('immersive'));
    document.body.classList.toggle('immersive', !now);
    if (!now && document.fullscreenEnabled && document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch(function () { /* refused: the immersive layout stays */ });
    } else if (now && document.fullscreenElement && document.exitFullscreen) {
      document.exitFullscreen().catch(function () {});
    }
    b.setAttribute('aria-pressed', String(!now));
  });
  return b;
}

document.addEventListener('fullscreenchange', function () {
  // Esc leaves the browser's full screen: leave the immersive layout with it.
  if (!document.fullscreenElement) {
    document.body.classList.remove('immersive');
    var b = app.querySelector('[aria-pressed]');
    if (b) b.setAttribute('aria-pressed', 'false');
  }
});

/* The slide viewer: a stage that takes the room the screen has, the slide menu as a sidebar on its left and the
   slide text as a panel on its right (below it on narrow screens), and one toolbar under it that stays on
   screen: Previous / Next (or the quiz), the counter and progress, then the tools. */
function viewer(n) {
  var slides = course.slides, total = slides.length;
  n = Math.max(0, Math.min(n, total - 1));
  S.screen = 'v'; S.slide = n;
  // The adapter hears of each slide once, when it is first viewed (xAPI sends experienced).
  if (!S.viewed[n] && rt.slideViewed) rt.slideViewed(n);
  S.viewed[n] = true;
  var s = slides[n];
  var img = el('img', { src: s.image, alt: s.title, width: s.width, height: s.height, 'class': 'slide' });
  // CSSOM, not a style attribute (the CSP allows no inline style): the stage sizes the slide by its ratio.
  img.style.setProperty('--ratio', String(s.width / s.height));
  var transcript = el('aside', { id: 'transcript', 'class': 'panel', hidden: !textOpen, 'aria-label': t('slideText') },
    [el('p', { text: s.text || t('noText') })]);
  var menu = slideMenu(n);
  var menuToggle = panelToggle(menu, [t('menu'), t('menu')], menuOpen, function (open) {
    menuOpen = open;
    if (open) document.getElementById('search').focus();
  });
  var textToggle = panelToggle(transcript, [t('showText'), t('hideText')], textOpen, function (open) { textOpen = open; });
  var jump = el('select', { id: 'jump', onchange: function () { viewer(Number(jump.value)); } },
    slides.map(function (x, i) { return el('option', { value: String(i), selected: i === n, text: (i + 1) + '. ' + x.title }); }));
  // Opened from a slide link of the results (quiz.js objectiveSlides): the way to the quiz is the way back to them.
  var back = fromResults && quiz && S.submitted;
  var nav = el('nav', { 'class': 'actions', 'aria-label': t('slidesNav') }, [
    n > 0 ? button(t('previous'), function () { viewer(n - 1); }) : null,
    n < total - 1 ? button(t('next'), function () { viewer(n + 1); }, 'btn primary')
      : back ? button(t('backToResults'), resultsScreen, 'btn primary')
        : quiz ? button(t('toQuiz'), quizScreen, 'btn primary') : button(t('finish'), finish, 'btn primary'),
    back && n < total - 1 ? button(t('backToResults'), resultsScreen)
      : quiz && n < total - 1 ? button(t('quiz'), quizScreen, 'btn-quiet') : null
  ]);
  var viewedCount = S.viewed.filter(Boolean).length;
  var where = t('slideOf', { n: n + 1, total: total });
  show([
    // The module title is in the header bar: the heading names the slide only, in one compact line.
    el('div', { 'class': 'stagehead' }, [el('h1', { text: s.title }), el('p', { 'class': 'counter', text: where })]),
    el('div', { 'class': 'viewer-body' + (menuOpen ? ' with-menu' : '') }, [menu, el('figure', { 'class': 'stage' }, [img]), transcript]),
    el('div', { 'class': 'toolbar' }, [
      nav,
      el('div', { 'class': 'progress' }, [
        el('progress', { max: String(total), value: String(n + 1), 'aria-label': where }),
        el('span', { 'class': 'muted', text: t('viewedOf', { n: viewedCount, total: total }) })]),
      el('div', { 'class': 'tools' }, [menuToggle, textToggle,
        el('label', { 'for': 'jump', 'class': 'jump' }, [t('goToSlide') + ' ', jump]),
        course.pdf ? el('a', { href: course.pdf, download: '', 'class': 'download', text: t('download') }) : null,
        fullscreenToggle()])
    ])
  ], 'viewer');
  [n - 1, n + 1].forEach(function (i) { if (i >= 0 && i < total) { var p = new Image(); p.src = slides[i].image; } });
  report();
}

document.addEventListener('keydown', function (e) {
  if (S === undefined || S.screen !== 'v' || ended || e.altKey || e.ctrlKey || e.metaKey) return;
  var tag = e.target && e.target.tagName;
  if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA') return;
  var n = S.slide, last = course.slides.length - 1, to = null;
  if (e.key === 'ArrowLeft' || e.key === 'PageUp') to = n - 1;
  else if (e.key === 'ArrowRight' || e.key === 'PageDown') to = n + 1;
  else if (e.key === 'Home') to = 0;
  else if (e.key === 'End') to = last;
  if (to === null) return;
  e.preventDefault();
  if (to >= 0 && to <= last && to !== n) viewer(to);
});

// Swipe on touch screens: a horizontal move of 50 px or more over the slide turns the page. Listeners sit on
// the document (like the keys above) because viewer() rebuilds the slide's DOM on every page.
var touchX = null, touchY = null;
document.addEventListener('touchstart', function (e) {
  touchX = null;
  if (S === undefined || S.screen !== 'v' || ended || e.touches.length !== 1) return;
  if (!e.target.closest || !e.target.closest('figure')) return;
  touchX = e.touches[0].clientX; touchY = e.touches[0].clientY;
}, { passive: true });
document.addEventListener('touchend', function (e) {
  if (touchX === null || !e.changedTouches.length) return;
  var dx = e.changedTouches[0].clientX - touchX, dy = e.changedTouches[0].clientY - touchY;
  touchX = null;
  if (Math.abs(dx) < 50 || Math.abs(dx) < Math.abs(dy)) return;  // a tap or a vertical scroll
  var to = S.slide + (dx < 0 ? 1 : -1);
  if (to >= 0 && to < course.slides.length) viewer(to);
}, { passive: true });
