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
    // A refresh replaces the region, so it waits while someone works in
    // it: a field of the region has the focus, or a fold (such as an
    // evidence item's "Correct or retract") is open. It runs once they
    // leave the field or close the fold.
    var pending = false;
    // data-live-pending shows a refresh is waiting (tests read it).
    function hold() { pending = true; el.setAttribute("data-live-pending", ""); }
    function busy() {
      var a = document.activeElement;
      if (a && el.contains(a) && /^(INPUT|TEXTAREA|SELECT)$/.test(a.tagName)) return true;
      return !!el.querySelector("details[open]");
    }
    function refresh() {
      if (busy()) { hold(); return; }
      if (timer) return;
      timer = setTimeout(function () {
        timer = null;
        if (busy()) { hold(); return; }
        pending = false;
        el.removeAttribute("data-live-pending");
        if (window.htmx) window.htmx.trigger(el, "live-refresh");
      }, 100);
    }
    function resume() { if (pending) setTimeout(refresh, 0); }
    el.addEventListener("focusout", resume);
    el.addEventListener("toggle", resume, true);
    // A fold opened while the refresh was on its way keeps its content.
    el.addEventListener("htmx:beforeSwap", function (ev) {
      if (ev.detail.target === el && busy()) { ev.detail.shouldSwap = false; hold(); }
    });
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

  // Copy buttons: data-copy names the element whose text is copied; the
  // status element beside it says whether it worked.
  function copy(btn) {
    btn.addEventListener("click", function () {
      var id = btn.getAttribute("data-copy");
      var src = document.getElementById(id);
      var status = document.querySelector('[data-copy-status="' + id + '"]');
      if (!src || !navigator.clipboard) {
        if (status) status.textContent = "Select the text and copy it.";
        return;
      }
      navigator.clipboard.writeText(src.textContent.trim()).then(function () {
        if (status) status.textContent = "Copied.";
      }, function () {
        if (status) status.textContent = "Could not copy: select the text and copy it.";
      });
    });
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
    document.querySelectorAll("[data-copy]").forEach(copy);
    document.addEventListener("keydown", keys);
    menus();
  });
})();
