// factdesk dashboard behaviour. Loaded as an external file because the
// content security policy forbids inline scripts.
(function () {
  "use strict";

  // Live updates: an element with data-live-events listens to the server's
  // event stream and, on a change, asks htmx to re-fetch its hx-get URL.
  // Bursts of changes (one action writes several history rows) collapse
  // into one refresh.
  function connect(el) {
    var url = el.getAttribute("data-live-events");
    var timer = null;
    var opened = false;
    var source = new EventSource(url);
    // notify.js puts the nav badge on this stream instead of opening one.
    (window.factdeskStreams = window.factdeskStreams || []).push(source);
    function refresh() {
      if (timer) return;
      timer = setTimeout(function () {
        timer = null;
        if (window.htmx) window.htmx.trigger(el, "live-refresh");
      }, 100);
    }
    source.addEventListener("change", refresh);
    // The server ends streams now and then and the browser reconnects;
    // changes made in between were not sent, so refresh on every reconnect.
    source.addEventListener("open", function () {
      if (opened) refresh();
      opened = true;
    });
    window.addEventListener("pagehide", function () { source.close(); });
  }

  // Keyboard: "/" jumps to the search or first field, as in most mail and
  // issue trackers; typing in a field is left alone.
  function keys(ev) {
    if (ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
    var field = document.getElementById("q");
    if (field) { ev.preventDefault(); field.focus(); }
  }

  // Menus (<details data-menu>, the Views menu and Save view) close on a
  // click elsewhere or Escape, as menus do; without the script they still
  // open and close from their summary.
  function menus() {
    var all = document.querySelectorAll("details[data-menu]");
    document.addEventListener("click", function (ev) {
      all.forEach(function (d) { if (d.open && !d.contains(ev.target)) d.open = false; });
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.key !== "Escape") return;
      all.forEach(function (d) {
        if (!d.open) return;
        d.open = false;
        d.querySelector("summary").focus();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-live-events]").forEach(connect);
    document.addEventListener("keydown", keys);
    menus();
  });
})();
