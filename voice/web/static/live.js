// Shared by the live pages (the console, the floor): fetch the server's HTML for a page's
// parts, and follow its Server-Sent Events, saying in #live whether the page is live.
window.voiceLive = (function () {
  "use strict";

  // Return the page's parts ({name: html}), or null; a lost login goes to the login page.
  async function parts(root) {
    const response = await fetch(root.dataset.state, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (response.status === 401) {
      window.location.assign(root.dataset.login);
      return null;
    }
    return response.ok ? response.json() : null;
  }

  // Open the page's event stream; `handlers` maps an event type to what it should do.
  function follow(root, handlers) {
    const live = document.getElementById("live");
    const source = new EventSource(root.dataset.events);
    source.addEventListener("open", function () {
      live.textContent = "Live.";
      root.dataset.live = "yes";
    });
    source.addEventListener("error", function () {
      live.textContent = "Connection lost; reconnecting…";
      root.dataset.live = "no";
    });
    Object.keys(handlers).forEach(function (type) {
      source.addEventListener(type, handlers[type]);
    });
    return source;
  }

  return { parts: parts, follow: follow };
})();
