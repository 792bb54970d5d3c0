/*
 * scormkit test LMS: launch page logic (see tests/browser/README.md).
 *
 * Creates a scorm-again runtime in this (top) window, keeps everything in
 * memory (no commit URL), records every call the SCO makes, then loads the
 * SCO in an iframe so it finds the API in window.parent like in a real LMS.
 *
 * Inputs (set by the pytest fixtures with page.add_init_script before load):
 *   window.__scormkitSavedCmi  nested CMI JSON a previous session left
 *                              (the value __cmi()/__committedCmi() returned)
 *   window.__scormkitPresets   flat {"cmi.x.y": value} the LMS sets before
 *                              launch (manifest data, learner name, ...)
 *   window.__scormkitSettings  extra scorm-again settings (failure injection)
 * Outputs (read by the fixtures):
 *   window.__lmsCalls      [{seq, t, method, args, element, value, result, error}]
 *   window.__lmsErrors     [{source, level, message, ...}] scorm-again errors,
 *                          SCO calls that set an error code, harness problems
 *   window.__lmsLog        every scorm-again log message (all levels)
 *   window.__cmi()         current CMI (live runtime state) as plain JSON
 *   window.__committedCmi()  CMI at the last successful Commit/Finish
 *                          (what a server-backed LMS has stored), or null
 *   window.__lmsInitialized, window.__lmsFinished, window.__lmsReady
 *   window.__lmsUnloadContent()  removes the SCO iframe (LMS closes it)
 */
(function () {
  "use strict";

  var LEVELS = {1: "DEBUG", 2: "INFO", 3: "WARN", 4: "ERROR", 5: "NONE"};
  var t0 = Date.now();
  var params = new URLSearchParams(window.location.search);
  var standard = params.get("standard");
  var content = params.get("content");
  var mode = params.get("mode") || "normal";

  window.__lmsCalls = [];
  window.__lmsErrors = [];
  window.__lmsLog = [];
  window.__lmsInitialized = false;
  window.__lmsFinished = false;
  window.__lmsReady = false;
  window.__lmsContentLoaded = false;
  window.__lmsCommitted = null;
  window.__lmsLaunchData = null;

  function harnessError(message) {
    window.__lmsErrors.push({source: "harness", level: "ERROR", message: String(message)});
  }

  function deepCopy(value) {
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  }

  function isPlainObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  // Drop keyword entries (_children, _count, _version ...) and empty values:
  // they are not data an LMS stores, and scorm-again refuses to load them.
  function stripKeywords(value) {
    if (Array.isArray(value)) {
      return value.map(stripKeywords);
    }
    if (!isPlainObject(value)) {
      return value;
    }
    var out = {};
    Object.keys(value).forEach(function (key) {
      if (key.charAt(0) === "_") return;
      var v = stripKeywords(value[key]);
      if (v === null || v === undefined || v === "") return;
      if (isPlainObject(v) && Object.keys(v).length === 0) return;
      if (Array.isArray(v) && v.length === 0) return;
      out[key] = v;
    });
    return out;
  }

  // Set a dotted path ("core.entry" relative to cmi) inside a nested object.
  function setPath(obj, dotted, value) {
    var parts = dotted.split(".");
    var node = obj;
    for (var i = 0; i < parts.length - 1; i++) {
      var p = parts[i];
      var nextIsIndex = /^\d+$/.test(parts[i + 1]);
      if (node[p] === undefined || node[p] === null || typeof node[p] !== "object") {
        node[p] = nextIsIndex ? [] : {};
      }
      node = node[p];
    }
    node[parts[parts.length - 1]] = value;
  }

  function getPath(obj, dotted) {
    var node = obj;
    var parts = dotted.split(".");
    for (var i = 0; i < parts.length; i++) {
      if (node === null || node === undefined) return undefined;
      node = node[parts[i]];
    }
    return node;
  }

  function deletePath(obj, dotted) {
    var parts = dotted.split(".");
    var parent = getPath(obj, parts.slice(0, -1).join("."));
    if (parts.length === 1) parent = obj;
    if (parent && typeof parent === "object") delete parent[parts[parts.length - 1]];
  }

  function start() {
    if (standard !== "scorm12" && standard !== "scorm2004") {
      harnessError("launcher: query parameter standard must be scorm12 or scorm2004, got " + standard);
      return;
    }
    if (["normal", "browse", "review"].indexOf(mode) < 0) {
      harnessError("launcher: query parameter mode must be normal, browse or review, got " + mode);
      return;
    }
    if (!content) {
      harnessError("launcher: query parameter content is required");
      return;
    }
    var contentUrl = new URL(content, window.location.href);
    if (contentUrl.origin !== window.location.origin) {
      harnessError("launcher: content must be served from " + window.location.origin + ", got " + contentUrl.href);
      return;
    }
    var script = document.createElement("script");
    script.src = "scorm-again/" + (standard === "scorm12" ? "scorm12.js" : "scorm2004.js");
    script.onload = function () {
      try {
        setUp(contentUrl.href);
      } catch (e) {
        harnessError("launcher: setup failed: " + (e && e.stack ? e.stack : e));
      }
    };
    script.onerror = function () {
      harnessError("launcher: could not load " + script.src);
    };
    document.head.appendChild(script);
  }

  function setUp(contentHref) {
    var is12 = standard === "scorm12";
    var ApiClass = is12 ? window.Scorm12API : window.Scorm2004API;
    if (typeof ApiClass !== "function") {
      harnessError("launcher: scorm-again did not define " + (is12 ? "Scorm12API" : "Scorm2004API"));
      return;
    }
    var settings = {
      lmsCommitUrl: false,         // keep everything in memory
      autocommit: false,           // only the SCO's own Commit/Finish count
      logLevel: 1,                 // DEBUG: every message reaches onLogMessage
      uninitializedGetLogLevel: 3, // 2004 GetValue of an unset element: WARN
      onLogMessage: function (level, message) {
        var name = LEVELS[level] || String(level);
        window.__lmsLog.push({t: Date.now() - t0, level: name, message: String(message)});
        if (name === "ERROR") {
          window.__lmsErrors.push({source: "scorm-again", level: name, message: String(message)});
        }
      }
    };
    // Extra settings from the test (launch(settings=...)), e.g. a commit URL that fails (failure injection).
    var extra = window.__scormkitSettings || {};
    Object.keys(extra).forEach(function (k) { settings[k] = extra[k]; });
    var api = new ApiClass(settings);

    // ---- Data the LMS hands the SCO before launch -------------------------
    var P = is12 ? {
      entry: "core.entry", exit: "core.exit", sessionTime: "core.session_time",
      totalTime: "core.total_time", mode: "core.lesson_mode", credit: "core.credit",
      learnerId: "core.student_id", learnerName: "core.student_name"
    } : {
      entry: "entry", exit: "exit", sessionTime: "session_time",
      totalTime: "total_time", mode: "mode", credit: "credit",
      learnerId: "learner_id", learnerName: "learner_name"
    };

    var saved = window.__scormkitSavedCmi;
    if (saved && isPlainObject(saved.cmi)) saved = saved.cmi;
    var data = {};
    var entry = "ab-initio";
    var totalTime = null;
    if (isPlainObject(saved)) {
      data = stripKeywords(deepCopy(saved));
      var previousExit = getPath(saved, P.exit) || "";
      // RTE: "resume" when the previous session was suspended; otherwise "".
      entry = (previousExit === "suspend" || (!is12 && previousExit === "logout")) ? "resume" : "";
      totalTime = accumulatedTotalTime(ApiClass, is12, getPath(saved, P.totalTime), getPath(saved, P.sessionTime));
      [P.exit, P.sessionTime, P.entry, P.mode, P.credit].forEach(function (p) { deletePath(data, p); });
      if (!is12) {
        ["completion_threshold", "scaled_passing_score", "launch_data", "max_time_allowed",
         "time_limit_action"].forEach(function (p) { deletePath(data, p); });
      }
      deletePath(data, "student_data");
      deletePath(data, "launch_data");
    }
    if (totalTime) setPath(data, P.totalTime, totalTime);
    setPath(data, P.learnerId, "scormkit-tester");
    setPath(data, P.learnerName, is12 ? "Tester, Scormkit" : "Scormkit Tester");
    setPath(data, P.mode, mode);
    setPath(data, P.credit, mode === "normal" ? "credit" : "no-credit");
    var presets = window.__scormkitPresets || {};
    Object.keys(presets).forEach(function (key) {
      if (key.indexOf("cmi.") !== 0) {
        harnessError("launcher: preset keys must start with cmi., got " + key);
        return;
      }
      setPath(data, key.slice(4), presets[key]);
    });
    if (presets[is12 ? "cmi.core.entry" : "cmi.entry"] === undefined) setPath(data, P.entry, entry);

    window.__lmsLaunchData = deepCopy(data);
    var errorsBeforeLoad = window.__lmsErrors.length;
    api.loadFromJSON({cmi: data});
    // loadFromJSON swallows invalid values (logged as errors): verify.
    var loaded = snapshot(api);
    if (getPath(loaded, P.entry) !== getPath(data, P.entry) && getPath(data, P.entry) !== "") {
      harnessError("launcher: could not preset entry=" + getPath(data, P.entry));
    }
    if (window.__lmsErrors.length > errorsBeforeLoad) {
      harnessError("launcher: scorm-again rejected some launch data (see __lmsLog)");
    }

    // ---- Record every call the SCO makes ----------------------------------
    var names = is12
      ? ["LMSInitialize", "LMSFinish", "LMSGetValue", "LMSSetValue", "LMSCommit",
         "LMSGetLastError", "LMSGetErrorString", "LMSGetDiagnostic"]
      : ["Initialize", "Terminate", "GetValue", "SetValue", "Commit",
         "GetLastError", "GetErrorString", "GetDiagnostic"];
    var seq = 0;
    names.forEach(function (name) {
      var original = api[name];
      if (typeof original !== "function") {
        harnessError("launcher: scorm-again API has no " + name);
        return;
      }
      api[name] = function () {
        var args = Array.prototype.slice.call(arguments);
        var result, thrown = null;
        try {
          result = original.apply(api, args);
        } catch (e) {
          thrown = e;
        }
        var error = String(api.lastErrorCode);
        var call = {
          seq: seq++, t: Date.now() - t0, method: name,
          args: args.map(function (a) { return a === undefined ? null : String(a); }),
          element: null, value: null,
          result: thrown ? null : (result === undefined ? null : String(result)),
          error: error
        };
        if (/GetValue$|SetValue$/.test(name)) call.element = args.length > 0 ? String(args[0]) : null;
        if (/SetValue$/.test(name)) call.value = args.length > 1 ? String(args[1]) : null;
        window.__lmsCalls.push(call);
        if (thrown) {
          window.__lmsErrors.push({source: "harness", level: "ERROR", method: name,
            message: "scorm-again threw from " + name + ": " + thrown});
          throw thrown;
        }
        var informational = /GetLastError$|GetErrorString$|GetDiagnostic$/.test(name);
        // 2004 GetValue of a never-set element (403) is how a SCO detects a
        // first launch: spec-conforming, kept in __lmsCalls, not an error.
        var notInitialized = !is12 && name === "GetValue" && error === "403";
        if (!informational && !notInitialized && error !== "0" && error !== "") {
          window.__lmsErrors.push({
            source: "sco-call", level: "ERROR", method: name, element: call.element,
            value: call.value, error: error,
            message: name + "(" + call.args.join(", ") + ") -> " + call.result +
              ", error " + error + ": " + api.getLmsErrorMessageDetails(error, false)
          });
        }
        if (/Initialize$/.test(name) && call.result === "true") window.__lmsInitialized = true;
        if (/Commit$|Finish$|Terminate$/.test(name) && call.result === "true") {
          window.__lmsCommitted = snapshot(api);
        }
        if (/Finish$|Terminate$/.test(name) && call.result === "true") window.__lmsFinished = true;
        return result;
      };
    });
    api.on("CommitError", function (errorCode) {
      window.__lmsErrors.push({source: "scorm-again", level: "ERROR", message: "CommitError " + errorCode});
    });

    window.__lmsApi = api;
    window.__cmi = function () { return snapshot(api); };
    window.__committedCmi = function () { return deepCopy(window.__lmsCommitted); };
    if (is12) {
      window.API = api;
    } else {
      window.API_1484_11 = api;
    }

    // ---- Launch the SCO in a frame (docs/lms-pitfalls.md rule 14) ------------------
    var frame = document.createElement("iframe");
    frame.id = "sco";
    frame.name = "sco";
    frame.title = "SCORM content";
    frame.addEventListener("load", function () {
      if (frame.src && frame.getAttribute("src") !== "about:blank") window.__lmsContentLoaded = true;
    });
    frame.src = contentHref;
    window.__lmsUnloadContent = function () {
      var f = document.getElementById("sco");
      if (f) f.parentNode.removeChild(f);
      return true;
    };
    window.__lmsReady = true;
    document.body.appendChild(frame);
  }

  // Plain-JSON copy of the CMI as an LMS would store it. toJSON() of
  // scorm-again reads write-only elements too (exit, session_time).
  function snapshot(api) {
    var obj = JSON.parse(JSON.stringify(api.cmi));
    // SCORM 1.2 toJSON() leaves out the LMS-managed total_time: add it.
    if (obj.core && api.cmi.core && obj.core.total_time === undefined) {
      obj.core.total_time = api.cmi.core.total_time;
    }
    return obj;
  }

  // total_time for the next session = previous total_time + session_time,
  // computed with scorm-again's own time arithmetic on a scratch instance.
  function accumulatedTotalTime(ApiClass, is12, total, session) {
    if (!session) return total || null;
    try {
      var scratch = new ApiClass({logLevel: 5, lmsCommitUrl: false});
      if (is12) {
        if (total) scratch.cmi.core.total_time = total;
        scratch.cmi.core.session_time = session;
      } else {
        if (total) scratch.cmi.total_time = total;
        scratch.cmi.session_time = session;
      }
      return scratch.cmi.getCurrentTotalTime();
    } catch (e) {
      harnessError("launcher: could not add session_time " + session + " to total_time " + total + ": " + e);
      return total || null;
    }
  }

  start();
})();
