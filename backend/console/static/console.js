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
  // A keyboard-wedge card reader types the UID and Enter: keep the UID box focused.
  var uid = document.querySelector("input[data-card-reader]");
  if (uid) { uid.focus(); uid.select(); }
})();
