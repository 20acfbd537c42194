/* The offer form: choosing a residential area fills the name and the number of households
   (still editable). Without JavaScript the server fills what is left empty. */
(function () {
  "use strict";
  var form = document.querySelector("[data-offer-form]");
  var data = document.getElementById("offer-defaults");
  if (!form || !data) { return; }
  var defaults = JSON.parse(data.textContent);
  var select = form.querySelector("[name=residential_area]");
  var name = form.querySelector("[name=name]");
  var households = form.querySelector("[name=households]");
  var filled = { name: "", households: "" };
  select.addEventListener("change", function () {
    var chosen = defaults[select.value];
    if (!chosen) { return; }
    // Only overwrite what the user has not typed themselves.
    if (!name.value || name.value === filled.name) { name.value = filled.name = chosen.name; }
    if (!households.value || households.value === filled.households) {
      households.value = filled.households = String(chosen.households || "");
    }
  });
})();
