// The survey's staff page: a button that copies the embed snippet. Without JavaScript (or
// without the clipboard API) the button stays hidden and the snippet is selected by hand.
(function () {
  "use strict";
  var code = document.getElementById("embed-code");
  var button = document.querySelector("[data-copy-embed]");
  var status = document.getElementById("embed-status");
  if (!code || !button || !status || !navigator.clipboard) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(code.value).then(
      function () { status.textContent = button.getAttribute("data-copied"); },
      function () {
        code.focus();
        code.select();
        status.textContent = button.getAttribute("data-failed");
      }
    );
  });
})();
