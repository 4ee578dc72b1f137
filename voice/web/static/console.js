// The agent console, live: Server-Sent Events say something changed, and the server's own
// HTML for each part is swapped in. Without this script the page still works on reload.
(function () {
  "use strict";
  const root = document.querySelector("[data-console]");
  if (!root || !window.EventSource || !window.fetch || !window.voiceLive) return;
  const parts = ["presence", "call", "wrapup", "callbacks"];
  const shown = {};
  let pending = null;

  // A wrap-up form the agent has started is never thrown away by an update.
  function wrapupStarted() {
    const form = document.querySelector("#wrapup form");
    return !!form && form.dataset.touched === "yes";
  }

  function swap(name, html, key) {
    const el = document.getElementById(name);
    if (!el || shown[name] === html) return;
    if (name === "wrapup") {
      if (el.dataset.key === key) return;  // the same call: keep the form as the agent left it
      if (wrapupStarted()) return;  // a started form stays until it is sent
      el.dataset.key = key;
    }
    el.innerHTML = html;
    shown[name] = html;
  }

  async function refresh() {
    pending = null;
    const state = await window.voiceLive.parts(root);
    if (!state) return;
    parts.forEach(function (name) { swap(name, state[name], state.wrapup_key); });
    tick();
  }

  function soon(delayMs) {
    // one fetch for a burst of events
    if (!pending) pending = setTimeout(refresh, typeof delayMs === "number" ? delayMs : 50);
  }

  function tick() {
    const el = document.querySelector("[data-until]");
    if (!el) return;
    const left = Math.round((new Date(el.dataset.until) - new Date()) / 1000);
    el.textContent = left > 0 ? "Wrap-up: " + left + " s left" : "Wrap-up time is over.";
  }

  function connect() {
    const handlers = { queue: function () { soon(500); } };  // busy floors: batch them
    ["hello", "offer", "bridged", "ended", "presence", "callback"].forEach(function (type) {
      handlers[type] = function (event) {
        const data = JSON.parse(event.data || "{}");
        // the floor channel carries every agent's presence: only ours matters here
        if (data.channel === "floor" && type === "presence") return;
        soon();
      };
    });
    window.voiceLive.follow(root, handlers);
  }

  document.addEventListener("input", function (event) {
    const form = event.target.closest && event.target.closest("#wrapup form");
    if (form) form.dataset.touched = "yes";
  });
  document.addEventListener("submit", function (event) {
    if (event.target.closest("#wrapup")) event.target.dataset.touched = "sent";
  });
  parts.forEach(function (name) {
    const el = document.getElementById(name);
    if (el) shown[name] = el.innerHTML;
  });
  // times are the line's, written by the server; a line that opens or closes updates the page
  setInterval(function () {
    tick();
    const el = document.querySelector("[data-until]");
    if (el && new Date(el.dataset.until) <= new Date()) soon();
    document.querySelectorAll("[data-changes]").forEach(function (line) {
      const at = Date.parse(line.dataset.changes);
      if (!isNaN(at) && at <= Date.now()) { line.dataset.changes = ""; soon(); }
    });
  }, 1000);
  connect();
})();
