/* The case page: the response templates follow the status chosen in the status select
   (the group for that status and the general one are shown), and a template's button
   copies its text into the status note, where the case handler can still edit it.
   Without this script every group is shown as plain text, grouped by status. */
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
  var select = document.getElementById("id_to_status");
  var groups = document.querySelectorAll("[data-template-status]");
  if (!select || !groups.length) { return; }
  function follow() {
    groups.forEach(function (group) {
      var status = group.getAttribute("data-template-status");
      group.hidden = status !== "" && status !== select.value;
    });
  }
  var hint = document.querySelector("[data-templates-hint]");
  if (hint) { hint.hidden = false; }
  select.addEventListener("change", follow);
  follow();
})();
