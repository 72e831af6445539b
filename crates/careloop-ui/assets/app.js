// careloop UI: live countdowns to decision due times, and the decision form's field hints.
// Every <time data-countdown datetime="RFC 3339"> shows the time left (or overdue) and is
// refreshed every 30 seconds; the server renders the same text first, so it works without JS.
(function () {
  "use strict";
  function words(ms) {
    var mins = Math.floor(Math.abs(ms) / 60000);
    var d = Math.floor(mins / 1440), h = Math.floor((mins % 1440) / 60), m = mins % 60;
    if (d > 0) return d + " d " + h + " h";
    if (h > 0) return h + " h " + m + " min";
    return m + " min";
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("time[data-countdown]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("datetime"));
      if (isNaN(due)) return;
      var left = due - now;
      el.textContent = left < 0 ? "overdue by " + words(left) : words(left) + " left";
    });
  }
  function ready() {
    tick();
    setInterval(tick, 30000);
  }
  document.addEventListener("htmx:after:swap", tick);
  document.addEventListener("htmx:afterSwap", tick);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
