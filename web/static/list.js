// factdesk: selecting claims on the board and the list, the bulk bar, and
// keyboard navigation of the list. An external file: the content security
// policy forbids inline scripts. Without it the pages still work: every
// checkbox posts with the bulk form and every row is a link.
(function () {
  "use strict";

  function boxes() { return Array.prototype.slice.call(document.querySelectorAll("input.select[form='bulk-form']")); }

  function initBulk(form) {
    var all = form.querySelector("[data-all]");
    var versions = form.querySelector("[data-versions]");
    var text = form.querySelector("[data-count-text]");
    var selectAll = form.querySelector("[data-select-all]");
    var clear = form.querySelector("[data-clear]");
    var action = form.querySelector("[data-bulk-action]");
    var hint = text.textContent;
    var last = null;
    form.classList.add("js");

    function update() {
      var checked = boxes().filter(function (b) { return b.checked; });
      var n = all.value === "1" ? Number(selectAll.getAttribute("data-matching")) : checked.length;
      if (all.value === "1") {
        text.textContent = "All " + selectAll.textContent.replace(/^Select all /, "").replace(/ matching$/, "") + " matching claims selected.";
      } else {
        text.textContent = n ? n + " selected." : hint;
      }
      form.classList.toggle("has-selection", n > 0);
      clear.hidden = n === 0;
      form.querySelectorAll("[data-needs-selection]").forEach(function (b) { b.disabled = n === 0; });
      var page = document.querySelector("[data-select-page]");
      if (page) {
        var bs = boxes();
        page.checked = bs.length > 0 && checked.length === bs.length;
        page.indeterminate = checked.length > 0 && checked.length < bs.length;
      }
    }

    // Shift-click ticks or unticks every box between the last one clicked
    // and this one, in page order.
    document.addEventListener("click", function (ev) {
      var b = ev.target;
      if (!b.matches || !b.matches("input.select[form='bulk-form']")) return;
      all.value = "0";
      if (ev.shiftKey && last && last !== b) {
        var bs = boxes(), i = bs.indexOf(last), j = bs.indexOf(b);
        if (i >= 0 && j >= 0) {
          bs.slice(Math.min(i, j), Math.max(i, j) + 1).forEach(function (x) { x.checked = b.checked; });
        }
      }
      last = b;
      update();
    });
    var page = document.querySelector("[data-select-page]");
    if (page) page.addEventListener("change", function () {
      all.value = "0";
      boxes().forEach(function (b) { b.checked = page.checked; });
      update();
    });
    if (selectAll) selectAll.addEventListener("click", function () {
      all.value = "1";
      boxes().forEach(function (b) { b.checked = true; });
      update();
    });
    clear.addEventListener("click", function () {
      all.value = "0";
      boxes().forEach(function (b) { b.checked = false; });
      update();
    });

    // Only the fields of the chosen action are shown.
    function showFields() {
      var a = action ? action.value : "";
      form.querySelectorAll("[data-for]").forEach(function (f) {
        var on = f.getAttribute("data-for").split(" ").indexOf(a) >= 0;
        f.hidden = !on;
        f.querySelectorAll("input, select").forEach(function (i) { i.disabled = !on; });
      });
    }
    if (action) { action.addEventListener("change", showFields); showFields(); }

    // The versions the page showed go with the selection, so a claim
    // changed since is refused rather than changed blind.
    form.addEventListener("submit", function () {
      versions.value = boxes().filter(function (b) { return b.checked; }).map(function (b) {
        var holder = b.closest("[data-version]");
        return holder ? b.value + ":" + holder.getAttribute("data-version") : "";
      }).filter(Boolean).join(",");
    });

    // The board's live refresh replaces the cards: keep what was ticked.
    document.addEventListener("htmx:beforeSwap", function () {
      form.dataset.keep = boxes().filter(function (b) { return b.checked; }).map(function (b) { return b.value; }).join(",");
    });
    document.addEventListener("htmx:afterSettle", function () {
      var keep = (form.dataset.keep || "").split(",");
      boxes().forEach(function (b) { if (keep.indexOf(b.value) >= 0) b.checked = true; });
      update();
    });
    update();
  }

  // j/k move a cursor over the rows, x ticks the row's box, Enter opens
  // it, ? shows the help. Keys typed into a field are left alone.
  function initKeys(table) {
    var help = document.getElementById("keys-help");
    var current = -1;
    function rows() { return Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-href]")); }
    function move(to) {
      var rs = rows();
      if (!rs.length) return;
      to = Math.max(0, Math.min(rs.length - 1, to));
      rs.forEach(function (r) { r.classList.remove("is-cursor"); r.removeAttribute("aria-current"); });
      current = to;
      var r = rs[to];
      r.classList.add("is-cursor");
      r.setAttribute("aria-current", "true");
      var link = r.querySelector("td.col-claim a");
      if (link) link.focus({ preventScroll: true });
      r.scrollIntoView({ block: "nearest" });
    }
    document.querySelectorAll("[data-help-open]").forEach(function (b) {
      b.addEventListener("click", function () { if (help && help.showModal) help.showModal(); });
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
      var t = ev.target;
      if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
      if (help && help.open) return;
      var rs = rows();
      switch (ev.key) {
        case "j": ev.preventDefault(); move(current + 1); break;
        case "k": ev.preventDefault(); move(current < 0 ? 0 : current - 1); break;
        case "x": case "X":
          if (current < 0) return;
          ev.preventDefault();
          var box = rs[current].querySelector("input.select");
          // A synthetic click goes through the same path as a mouse click,
          // Shift included, so ranges work from the keyboard too.
          if (box) box.dispatchEvent(new MouseEvent("click", { bubbles: true, shiftKey: ev.shiftKey }));
          break;
        case "Enter":
          if (current < 0 || (t && t.tagName === "BUTTON")) return;
          ev.preventDefault();
          window.location.href = rs[current].getAttribute("data-href");
          break;
        case "?":
          ev.preventDefault();
          if (help && help.showModal) help.showModal();
          break;
      }
    });
  }

  // A checklist (the import page's candidates): "Tick all", "Untick all",
  // Shift-click for a range, and a count of what is ticked. Without the
  // script the boxes still post one by one.
  function initChecklist(form) {
    function picks() { return Array.prototype.slice.call(form.querySelectorAll("input[data-pick]")); }
    var count = form.querySelector("[data-pick-count]");
    var bar = form.querySelector("[data-pick-bar]");
    if (bar) bar.hidden = false;
    var last = null;
    function update() {
      if (!count) return;
      var n = picks().filter(function (b) { return b.checked; }).length;
      count.textContent = n + " of " + picks().length + " ticked.";
    }
    form.addEventListener("click", function (ev) {
      var b = ev.target;
      if (!b.matches || !b.matches("input[data-pick]")) return;
      if (ev.shiftKey && last && last !== b) {
        var bs = picks(), i = bs.indexOf(last), j = bs.indexOf(b);
        if (i >= 0 && j >= 0) {
          bs.slice(Math.min(i, j), Math.max(i, j) + 1).forEach(function (x) { x.checked = b.checked; });
        }
      }
      last = b;
      update();
    });
    function setAll(on) { return function () { picks().forEach(function (b) { b.checked = on; }); last = null; update(); }; }
    var all = form.querySelector("[data-pick-all]"), none = form.querySelector("[data-pick-none]");
    if (all) all.addEventListener("click", setAll(true));
    if (none) none.addEventListener("click", setAll(false));
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-checklist]").forEach(initChecklist);
    var form = document.querySelector("form[data-bulk]");
    if (form) initBulk(form);
    var table = document.querySelector("table[data-keynav]");
    if (table) initKeys(table);
  });
})();
