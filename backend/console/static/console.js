// Small helpers for the console pages; everything works without them.
(function () {
  "use strict";
  // With script the narrow layout folds the menu behind the 菜单 button (console.css).
  document.documentElement.classList.add("js");
  var toggle = document.getElementById("menu-toggle");
  var menu = document.getElementById("console-menu");
  if (toggle && menu) {
    toggle.addEventListener("click", function () {
      var open = menu.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) { var first = menu.querySelector("a"); if (first) { first.focus(); } }
    });
  }
  // The skip link moves the keyboard focus to the page's content, not just the scroll position.
  var skip = document.querySelector("a.skip-link");
  var main = document.getElementById("main");
  if (skip && main) {
    skip.addEventListener("click", function (event) {
      event.preventDefault();
      main.focus();
      main.scrollIntoView();
    });
  }
  // A "select all" box ticks every row box of its table: <input data-select-all="name">.
  document.addEventListener("change", function (event) {
    var all = event.target;
    var name = all.getAttribute && all.getAttribute("data-select-all");
    if (!name) { return; }
    var boxes = document.querySelectorAll("input[type=checkbox][name='" + name + "']");
    for (var i = 0; i < boxes.length; i++) { boxes[i].checked = all.checked; }
  });
  // Buttons that change records ask first: <button data-confirm="确定……？">.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var text = (button && button.getAttribute("data-confirm")) ||
      event.target.getAttribute("data-confirm");
    if (text && !window.confirm(text)) { event.preventDefault(); }
  });
  // No inline handlers (the Content-Security-Policy allows only these files, docs/security.md):
  // <select data-autosubmit> submits its form on change; <a data-back> goes one page back.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.hasAttribute && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-back]");
    if (link && window.history.length > 1) { event.preventDefault(); window.history.back(); }
  });
  // "复制链接": the page's address holds its filters, so the link reopens the same list.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy-link]");
    if (!button) { return; }
    var done = document.getElementById("copy-link-done");
    var shown = function () { if (done) { done.hidden = false; } };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(window.location.href).then(shown, function () {
        window.prompt("复制本页链接：", window.location.href);
      });
    } else {
      window.prompt("复制本页链接：", window.location.href);
      shown();
    }
  });
  // A keyboard-wedge card reader types the UID and Enter: keep the UID box focused.
  var uid = document.querySelector("input[data-card-reader]");
  if (uid) { uid.focus(); uid.select(); }
})();
