/* The standalone runtime: no LMS, resume data in this browser's localStorage. The web target's adapter, and the
   SCORM adapters' fallback when the package finds no LMS API (noLms in scorm.js; local: the learner is told
   that nothing is reported). One storage key per module version. */
function standaloneRuntime(local) {
  var store = null, key = '', rec = {};

  function write() {
    try { if (store) store.setItem(key, JSON.stringify(rec)); } catch (e) { /* full or blocked: keep going */ }
  }

  return {
    start: function (hooks) {
      key = 'scormkit:' + hooks.course.id + ':' + hooks.course.version;
      try { store = window.localStorage; rec = JSON.parse(store.getItem(key)) || {}; } catch (e) { store = null; rec = {}; }
      return { connected: true, local: local, mode: 'normal', credit: 'no-credit', entry: rec.state ? 'resume' : 'ab-initio',
        state: rec.state || null, location: rec.location || '', learnerName: '', masteryScore: null };
    },
    saveState: function (text) { rec.state = text; },
    bookmark: function (where) { rec.location = where; },
    recordAnswer: function () {},
    setScore: function () {},
    setObjectives: function () {},
    setStatus: function () {},
    commit: function () { write(); return true; },
    finish: function () { write(); return true; }
  };
}
