// Live updates for the server-rendered dashboard: follow /api/events (filtered to what the page
// shows) and, on any event, fetch this page again and swap its live section. The server stays the
// only renderer; the browser's EventSource resumes with Last-Event-ID by itself.
(function () {
  "use strict";
  var serverNow = Date.parse(document.body.dataset.now || "");
  var loadedAt = Date.now();

  function now() {
    // The server's clock (which tests move), advanced by the time since this page was rendered.
    return isNaN(serverNow) ? Date.now() : serverNow + (Date.now() - loadedAt);
  }

  function relative(t) {
    var s = Math.round((now() - t) / 1000), future = s < 0, a = Math.abs(s), text;
    if (a < 45) return "just now";
    if (a < 3600) text = Math.round(a / 60) + " min";
    else if (a < 86400) text = Math.round(a / 3600) + " h";
    else text = Math.round(a / 86400) + " d";
    return future ? "in " + text : text + " ago";
  }

  function refreshTimes(root) {
    (root || document).querySelectorAll("time[data-relative]").forEach(function (el) {
      var t = Date.parse(el.getAttribute("datetime"));
      if (!isNaN(t)) el.textContent = relative(t);
    });
  }

  var live = document.getElementById("live");
  var state = document.getElementById("live-state");
  setInterval(refreshTimes, 15000);
  if (!live || !live.dataset.live || !window.EventSource) return;

  var pending = false, again = false;
  function reload() {
    if (pending) { again = true; return; }
    pending = true;
    fetch(location.href, { headers: { Accept: "text/html" }, credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var next = doc.getElementById("live");
        var now2 = doc.body.dataset.now;
        if (next) {
          // Keep focus where it was when the focused link survives the swap.
          var focused = document.activeElement && live.contains(document.activeElement) ? document.activeElement.getAttribute("href") : null;
          live.className = next.className;
          live.replaceChildren.apply(live, Array.prototype.slice.call(next.childNodes));
          if (now2) { serverNow = Date.parse(now2); loadedAt = Date.now(); }
          if (focused) { var el = live.querySelector('[href="' + CSS.escape(focused) + '"]'); if (el) el.focus(); }
        }
      })
      .catch(function () { /* the next event tries again */ })
      .finally(function () {
        pending = false;
        if (again) { again = false; setTimeout(reload, 100); }
      });
  }

  var source = new EventSource(live.dataset.live);
  ["status", "session_expired", "agent_registered"].forEach(function (type) {
    source.addEventListener(type, reload);
  });
  source.onopen = function () { if (state) state.textContent = "● live"; };
  source.onerror = function () { if (state) state.textContent = "reconnecting…"; };
})();
