// The floor page, live: each floor event (queue, presence, callback) fetches the server's own
// HTML for the page's parts; waits and times in state tick every second in between.
(function () {
  "use strict";
  const root = document.querySelector("[data-floor]");
  if (!root) return;
  const parts = ["summary", "teams", "agents"];
  let pending = null;

  function words(seconds) {
    // the same words as the server's `duration` filter
    const s = Math.max(0, Math.floor(seconds));
    const pad = function (n) { return (n < 10 ? "0" : "") + n; };
    if (s < 60) return s + " s";
    if (s < 3600) return Math.floor(s / 60) + " min " + pad(s % 60) + " s";
    return Math.floor(s / 3600) + " h " + pad(Math.floor((s % 3600) / 60)) + " min";
  }

  function tick() {
    const now = Date.now();
    root.querySelectorAll("[data-since]").forEach(function (el) {
      const since = Date.parse(el.dataset.since);
      if (!isNaN(since)) el.textContent = words((now - since) / 1000);
    });
    root.querySelectorAll("[data-changes]").forEach(function (el) {
      const at = Date.parse(el.dataset.changes);
      if (!isNaN(at) && at <= now) { el.dataset.changes = ""; soon(); }  // a line opened or closed
    });
  }

  async function refresh() {
    pending = null;
    const state = await window.voiceLive.parts(root);
    if (!state) return;
    parts.forEach(function (name) {
      const el = document.getElementById(name);
      if (el && typeof state[name] === "string" && el.innerHTML !== state[name]) {
        el.innerHTML = state[name];
      }
    });
    tick();
  }

  function soon(delayMs) {
    // one fetch for a burst of events
    if (!pending) pending = setTimeout(refresh, typeof delayMs === "number" ? delayMs : 150);
  }

  function connect() {
    if (!window.EventSource || !window.fetch || !window.voiceLive) return;
    const handlers = {};
    ["hello", "presence", "callback", "queue"].forEach(function (type) {
      handlers[type] = function () { soon(); };
    });
    window.voiceLive.follow(root, handlers);
  }

  tick();
  setInterval(tick, 1000);
  setInterval(soon, 60000);  // the day's figures roll over, and nothing is missed for long
  connect();
})();
