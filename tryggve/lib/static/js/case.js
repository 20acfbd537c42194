/* The case page: a response template's button copies its text into the status note, where
   the case handler can still edit it. Without this script the templates are plain text. */
(function () {
  "use strict";
  var note = document.getElementById("id_note");
  if (!note) { return; }
  document.querySelectorAll("[data-template]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      note.value = button.getAttribute("data-template");
      note.focus();
    });
  });
})();
