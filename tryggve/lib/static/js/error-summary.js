/* Every page's error summary (includes/error_summary.html and the survey forms' own): after a
   form comes back with errors, keyboard and screen reader users start at the list of what to
   fix, and each of its links takes them to the field itself. Loaded by base.html after the
   page's own scripts, so a page that chose another start (the report form's nearby reports)
   keeps it. Without JavaScript the summary is still an alert, and its links still scroll. */
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (!summary) { return; }
  // A page script has already moved focus, or the page names its own start with autofocus
  // (paper entry: typing goes on in the first wrong field); focusing here would cancel it.
  var untouched = !document.activeElement || document.activeElement === document.body;
  if (untouched && !document.querySelector("[autofocus]")) { summary.focus(); }
  // A link moves focus to its field, with the field's label or question in view, not only
  // scrolls there (a fragment link alone leaves focus on the link).
  summary.querySelectorAll("a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) { return; }
      event.preventDefault();
      var field = target.closest(".field") || target;
      field.scrollIntoView({ block: "start" });
      target.focus({ preventScroll: true });
    });
  });
})();
