/* Standalone runtime adapter (window.ScormkitRuntime): no LMS, resume data in localStorage. */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('course-data').textContent);
  var key = 'scormkit:' + data.id + ':' + data.version;
  var store = null;
  try { store = window.localStorage; store.getItem(key); } catch (e) { store = null; }

  function read() { try { return JSON.parse(store.getItem(key)) || {}; } catch (e) { return {}; } }
  function write(rec) { try { store.setItem(key, JSON.stringify(rec)); } catch (e) { /* full or blocked: keep going */ } }
  var rec = store ? read() : {};

  window.ScormkitRuntime = {
    start: function () {
      return { connected: true, mode: 'normal', credit: 'no-credit', entry: rec.state ? 'resume' : 'ab-initio',
        state: rec.state || null, location: rec.location || '', learnerName: '', masteryScore: null };
    },
    saveState: function (t) { rec.state = t; },
    bookmark: function (where) { rec.location = where; },
    recordAnswer: function () {},
    setScore: function (s) { rec.score = s; },
    setObjectives: function () {},
    setStatus: function (st) { rec.completion = st.completion; rec.success = st.success; },
    commit: function () { if (store) write(rec); },
    finish: function () { if (store) write(rec); }
  };
})();
