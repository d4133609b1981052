// Small helpers for the console pages; everything works without them.
(function () {
  "use strict";
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
  // A keyboard-wedge card reader types the UID and Enter: keep the UID box focused.
  var uid = document.querySelector("input[data-card-reader]");
  if (uid) { uid.focus(); uid.select(); }
})();
