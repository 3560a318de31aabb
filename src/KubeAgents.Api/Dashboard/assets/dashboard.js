// Live updates for the server-rendered dashboard: follow /api/events (filtered to what the page
// shows) and, when events arrive, fetch this page again and swap its live section. The server stays
// the only renderer. No inline script anywhere: the pages' Content-Security-Policy allows only this file.
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

  function refreshTimes() {
    document.querySelectorAll("time[data-relative]").forEach(function (el) {
      var t = Date.parse(el.getAttribute("datetime"));
      if (!isNaN(t)) el.textContent = relative(t);
    });
  }

  var live = document.getElementById("live");
  var marker = document.getElementById("live-state");
  setInterval(refreshTimes, 15000);
  if (!live || !live.dataset.live || !window.EventSource) return;

  // The marker says what the stream is doing, never more: live, reconnecting or stopped.
  var words = { connecting: "connecting…", live: "● live", reconnecting: "reconnecting…", stopped: "stopped: not updating" };
  function mark(state) {
    if (!marker) return;
    marker.dataset.state = state;
    marker.textContent = words[state];
  }

  // Coalescing: one fetch at a time; events that arrive meanwhile ask for one more, no sooner than
  // MIN_GAP after the last swap, so a burst of reports costs a few re-renders, not one per report.
  var MIN_GAP = 400;
  var inFlight = false, wanted = false, timer = 0, lastSwap = 0;
  window.__dashboard = { swaps: 0, events: 0, restored: false };

  function requestReload() {
    wanted = true;
    if (inFlight || timer) return;
    var wait = Math.max(0, lastSwap + MIN_GAP - Date.now());
    timer = setTimeout(function () { timer = 0; reload(); }, wait);
  }

  function swap(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var next = doc.getElementById("live");
    if (!next) return;
    // Keep focus where it was when the focused link survives the swap.
    var focused = document.activeElement && live.contains(document.activeElement) ? document.activeElement.getAttribute("href") : null;
    live.className = next.className;
    live.replaceChildren.apply(live, Array.prototype.slice.call(next.childNodes));
    if (doc.body.dataset.now) { serverNow = Date.parse(doc.body.dataset.now); loadedAt = Date.now(); }
    if (focused) {
      var el = live.querySelector('[href="' + CSS.escape(focused) + '"]');
      if (el) el.focus();
    }
    window.__dashboard.swaps++;
  }

  function reload() {
    if (!wanted) return;
    wanted = false;
    inFlight = true;
    fetch(location.href, { headers: { Accept: "text/html" }, credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(swap)
      .catch(function () { /* the next event tries again */ })
      .finally(function () {
        inFlight = false;
        lastSwap = Date.now();
        if (wanted) requestReload();
      });
  }

  // Streams never pile up: the page closes its stream when it is hidden (pagehide, also when the
  // back-forward cache keeps it) and opens a new one when shown again. A new EventSource cannot send
  // Last-Event-ID, so the view is fetched again once the stream is open: nothing is missed.
  var source = null, retry = 0, stale = false;
  function open() {
    if (source) return;
    mark("connecting");
    var es = new EventSource(live.dataset.live);
    source = es;
    ["status", "session_expired", "agent_registered"].forEach(function (type) {
      es.addEventListener(type, function () { window.__dashboard.events++; requestReload(); });
    });
    // The server could not resume from our Last-Event-ID: what we show may have gaps, so reload it.
    es.addEventListener("reset", function () { requestReload(); });
    es.onopen = function () {
      mark("live");
      if (stale) { stale = false; requestReload(); }
    };
    es.onerror = function () {
      if (es.readyState === EventSource.CLOSED) {
        // The browser gave up (an HTTP error, or a refused key): try again later with a new stream.
        mark("stopped");
        close();
        stale = true;
        retry = setTimeout(open, 10000);
      } else {
        // The browser reconnects by itself, sending Last-Event-ID.
        mark("reconnecting");
      }
    };
  }

  function close() {
    if (retry) { clearTimeout(retry); retry = 0; }
    if (source) { source.close(); source = null; }
  }

  window.addEventListener("pagehide", function () { close(); stale = true; mark("stopped"); });
  window.addEventListener("pageshow", function (e) {
    window.__dashboard.restored = e.persisted;
    if (e.persisted) { refreshTimes(); open(); }
  });
  open();
})();
