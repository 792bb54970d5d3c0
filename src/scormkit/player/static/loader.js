/* index.html's one inline script, in <head> (allowed by its hash in the CSP): the start screen's first frame, and
   the player started once the cover is on screen (docs/player.md, "First paint").

   The first frame holds the bar, the title and slide 1 as the cover, and the rest of the start screen follows in
   the next frame ("staged": hidden by player.css until then, so its text is neither laid out nor drawn in the first
   frame). The cover is on screen sooner, nothing moves when the rest appears (the cover's column is as wide without
   it), and the rest waits for no download, one frame only. Without JavaScript nothing is staged.

   The player's scripts are listed in the inert <template id="player-scripts"> (never fetched from there: not even
   the preload scanner looks inside a template) and run in that order (async = false). Fetched and compiled any
   earlier, they would compete with the first frame for the device's cores and the cover would paint later. Where
   the browser reports the cover's paint (Element Timing: Chromium, Edge), they start once it is painted, and after a
   second at the latest if it is slow, fails or is never painted (a hidden tab); elsewhere they start once the page
   is parsed, as deferred scripts would. The player never starts on a staged screen. */
(function () {
  var root = document.documentElement, started = false;
  function unstage() { root.classList.remove('staged'); }
  function start() {
    if (started) return;
    started = true;
    unstage();
    var listed = document.getElementById('player-scripts').content.children;
    for (var i = 0; i < listed.length; i++) {
      var s = document.createElement('script');
      s.src = listed[i].getAttribute('src');
      s.async = false;
      document.body.appendChild(s);
    }
  }
  root.classList.add('staged');
  document.addEventListener('DOMContentLoaded', function () {
    // The first frame with the whole page parsed shows it staged; the next one shows the rest (a timer set in a
    // frame's callback runs after that frame). A frame before this one had the page in part, staged too.
    requestAnimationFrame(function () { setTimeout(unstage, 0); });
    var cover = document.querySelector('img.cover');
    var types = window.PerformanceObserver && PerformanceObserver.supportedEntryTypes;
    if (!types || types.indexOf('element') < 0 || !cover) return start();
    new PerformanceObserver(start).observe({ type: 'element', buffered: true }); // the cover's elementtiming
    setTimeout(start, 1000);
  });
})();
