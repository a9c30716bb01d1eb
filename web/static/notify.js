// factdesk notifications: the live nav badge, marking a notification read
// when its link is followed, and @mention autocomplete in comment boxes.
// An external file because the content security policy forbids inline
// scripts.
(function () {
  "use strict";

  // The badge listens for "badge" events ({"unread": N}) on the page's
  // live stream when it has one (app.js), else on a badge-only stream, so
  // a tab holds one connection.
  function badge() {
    var el = document.getElementById("unread-count");
    if (!el) return;
    var inbox = document.querySelector("[data-inbox-live]");
    function show(ev) {
      var n;
      try { n = JSON.parse(ev.data).unread; } catch (e) { return; }
      if (typeof n !== "number") return;
      var before = parseInt(el.getAttribute("data-unread"), 10) || 0;
      el.setAttribute("data-unread", String(n));
      el.firstChild.nodeValue = String(n);
      el.hidden = n === 0;
      if (inbox && n !== before && window.htmx) window.htmx.trigger(inbox, "inbox-refresh");
    }
    var streams = window.factdeskStreams || [];
    if (streams.length === 0) {
      var own = new EventSource("/events?badge=1");
      window.addEventListener("pagehide", function () { own.close(); });
      streams = [own];
    }
    streams.forEach(function (s) {
      s.addEventListener("badge", show);
      s.addEventListener("counts", counts);
    });
  }

  // The queue counts beside My queue and Review follow "counts" events
  // ({"todo": N, "waiting": N, "review": N}) on the same stream.
  function counts(ev) {
    var n;
    try { n = JSON.parse(ev.data); } catch (e) { return; }
    [["todo", n.todo], ["review", n.review]].forEach(function (c) {
      var el = document.getElementById("count-" + c[0]);
      if (!el || typeof c[1] !== "number") return;
      el.setAttribute("data-count", String(c[1]));
      el.firstChild.nodeValue = c[1] > 99 ? "99+" : String(c[1]);
      el.hidden = c[1] === 0;
    });
  }

  // Following an unread notification's link marks it read, in the
  // background; the link goes where it goes either way.
  function markOnOpen() {
    document.addEventListener("click", function (ev) {
      var a = ev.target.closest && ev.target.closest("a.inbox-link");
      if (!a) return;
      var item = a.closest(".inbox-item");
      var csrf = document.querySelector('input[name="csrf_token"]');
      if (!item || !item.classList.contains("is-unread") || !csrf) return;
      var body = new URLSearchParams();
      body.set("csrf_token", csrf.value);
      body.set("id", a.getAttribute("data-notification-id"));
      fetch("/notifications/read", { method: "POST", body: body, keepalive: true, credentials: "same-origin", redirect: "manual" });
    });
  }

  // Autocomplete: typing "@" and a few letters in a textarea with
  // data-mentions lists matching desk members from /members?q=; arrows
  // move, Enter or Tab picks, Escape closes.
  function mentions(area) {
    var list = document.createElement("ul");
    list.className = "mention-list";
    list.id = area.id + "-mentions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    area.insertAdjacentElement("afterend", list);
    area.setAttribute("aria-autocomplete", "list");
    area.setAttribute("aria-controls", list.id);
    // No aria-expanded: a textarea cannot be a combobox, and ARIA allows
    // that state on neither it nor its implicit textbox role.
    var items = [], active = -1, query = null, seq = 0;

    function close() {
      list.hidden = true;
      list.textContent = "";
      items = []; active = -1; query = null;
      area.removeAttribute("aria-activedescendant");
    }
    // The "@partial" just before the caret, if the caret is in one.
    function current() {
      var upto = area.value.slice(0, area.selectionStart);
      var m = /(^|[^A-Za-z0-9._+@-])@([A-Za-z0-9._+-]{0,40})$/.exec(upto);
      if (!m) return null;
      return { start: upto.length - m[2].length - 1, text: m[2] };
    }
    function highlight(i) {
      active = i;
      items.forEach(function (li, j) { li.setAttribute("aria-selected", j === i ? "true" : "false"); });
      if (i >= 0) area.setAttribute("aria-activedescendant", items[i].id);
    }
    function pick(i) {
      var at = current();
      if (!at || !items[i]) return close();
      var handle = items[i].getAttribute("data-handle");
      var before = area.value.slice(0, at.start), after = area.value.slice(area.selectionStart);
      var insert = "@" + handle + " ";
      area.value = before + insert + after.replace(/^\s+/, "");
      var caret = before.length + insert.length;
      area.setSelectionRange(caret, caret);
      close();
      area.focus();
    }
    function render(members) {
      list.textContent = "";
      items = members.map(function (m, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("data-handle", m.handle);
        var h = document.createElement("strong");
        h.textContent = "@" + m.handle;
        var n = document.createElement("span");
        n.textContent = " " + m.name;
        li.appendChild(h); li.appendChild(n);
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); pick(i); });
        list.appendChild(li);
        return li;
      });
      if (items.length === 0) return close();
      list.hidden = false;
      highlight(0);
    }
    function lookup() {
      var at = current();
      if (!at) return close();
      if (at.text === query) return;
      query = at.text;
      var mine = ++seq;
      fetch(area.getAttribute("data-mentions") + "?q=" + encodeURIComponent(at.text), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (body) { if (mine === seq && current()) render(body.items || []); })
        .catch(close);
    }
    area.addEventListener("input", lookup);
    area.addEventListener("click", lookup);
    area.addEventListener("blur", function () { setTimeout(close, 150); });
    area.addEventListener("keydown", function (ev) {
      if (list.hidden) return;
      if (ev.key === "ArrowDown") { ev.preventDefault(); highlight((active + 1) % items.length); }
      else if (ev.key === "ArrowUp") { ev.preventDefault(); highlight((active - 1 + items.length) % items.length); }
      else if (ev.key === "Enter" || ev.key === "Tab") { ev.preventDefault(); pick(active); }
      else if (ev.key === "Escape") { ev.preventDefault(); close(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    badge();
    markOnOpen();
    document.querySelectorAll("textarea[data-mentions]").forEach(mentions);
  });
})();
