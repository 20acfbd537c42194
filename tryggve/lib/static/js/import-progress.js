// The import page's progress: polls the status endpoint and reloads the page for the
// result. Without JavaScript the page's "Uppdatera" link does the same by hand.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) return;
  var url = box.getAttribute("data-status-url");
  var status = document.getElementById("import-status");
  var bar = document.getElementById("import-bar");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return setTimeout(poll, 5000);
        if (data.finished) return window.location.reload();
        bar.value = data.percent;
        bar.textContent = data.percent + " %";
        status.textContent = data.label + ": " + data.percent + " %";
        setTimeout(poll, 1500);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
