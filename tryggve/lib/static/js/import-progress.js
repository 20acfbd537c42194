// The import page's progress: polls the status endpoint, moves the bar and the visible
// line, and opens the result when the import is done. Without JavaScript the page's
// "Uppdatera" link does the same by hand.
//
// A screen reader would read a live line on every poll ("Importeras: 94 %" every 1.5 s),
// so the visible line is not live; the page's one status line (#import-announce) is
// written only when the import starts, at each quarter, and when it is done (and once if
// it waits so long in the queue, or stands still so long while running, that its worker
// has likely stopped).
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) return;
  var url = box.getAttribute("data-status-url");
  var phase = document.getElementById("import-phase");
  var bar = document.getElementById("import-bar");
  var announce = document.getElementById("import-announce");
  var leave = document.getElementById("import-leave");
  var STEP = 25;
  // Where the page stood when it was opened: what it already showed is not announced.
  var running = bar.hasAttribute("value");
  var step = running ? Math.floor(bar.value / STEP) : 0;
  var stalled = false;
  function say(text) { announce.textContent = text; }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return setTimeout(poll, 5000);
        if (data.finished) {
          say(box.getAttribute("data-done"));
          // The result's heading takes the focus by its autofocus, so a screen reader
          // reads how it went; the address has no fragment, which would stop the browser
          // from honouring autofocus (and was lost four times in five).
          window.history.replaceState(null, "", box.getAttribute("data-result-url"));
          return window.location.reload();
        }
        phase.textContent = data.text;
        // An import that stands still does not go on: its line is set apart as a notice,
        // and "you can leave the page; the import carries on" goes.
        phase.classList.toggle("notice", Boolean(data.stalled));
        leave.hidden = Boolean(data.stalled);
        // Waited or stood still so long that the worker has likely stopped: said once, as it
        // asks for action.
        if (data.stalled && !stalled) {
          stalled = true;
          say(data.text);
        }
        if (data.status === "running") {
          bar.value = data.percent;
          bar.textContent = data.percent + " %";
          var now = Math.floor(data.percent / STEP);
          if (!running) {
            running = true;
            say(box.getAttribute("data-started"));
          } else if (now > step) {
            say(data.text);
          }
          step = Math.max(step, now);
        }
        setTimeout(poll, 1500);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
