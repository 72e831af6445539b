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

// Referral intake: the eligibility preview follows the form (POST of the form's fields, the
// server runs the eligibility engine and answers an HTML fragment). Without JS the "Update
// preview" button does the same with a full page.
(function () {
  "use strict";
  function setup() {
    var form = document.getElementById("referral-form");
    var target = document.getElementById("eligibility-preview");
    if (!form || !target) return;
    var timer = null;
    function refresh() {
      var body = new URLSearchParams(new FormData(form));
      fetch(form.getAttribute("data-preview-url"), {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: body.toString(),
        credentials: "same-origin",
      })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) { target.innerHTML = html; })
        .catch(function () {});
    }
    function later() {
      clearTimeout(timer);
      timer = setTimeout(refresh, 300);
    }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
