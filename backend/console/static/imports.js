// The import (and long export) progress bar: polls the job's status and shows the result page when it is done.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  var text = box.querySelector(".progress-text");
  function show(s) {
    if (s.total) {
      bar.max = s.total;
      bar.value = s.done;
      text.textContent = s.stage + " " + s.done + " / " + s.total + " 行（" + s.percent + "%）";
    } else {
      bar.removeAttribute("value");
      text.textContent = s.stage + "……";
    }
  }
  function poll() {
    fetch(box.getAttribute("data-status"), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (s) {
        if (s.state === "checking" || s.state === "importing" || s.state === "exporting") {
          show(s);
          window.setTimeout(poll, 500);
        } else {
          window.location.replace(box.getAttribute("data-page"));
        }
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 300);
})();
