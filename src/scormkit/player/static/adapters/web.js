/* Web target runtime adapter (window.ScormkitRuntime): the standalone runtime (standalone.js, shipped before
   this file in adapters/web.js). */
window.ScormkitRuntime = standaloneRuntime(false);
