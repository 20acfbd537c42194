/* A small map with one marker on the place a page names (case page, public report page).
   Without this script the place is still given in words, coordinates and a map link. */
(function () {
  "use strict";
  var cfg = window.TryggveMap && window.TryggveMap.config();
  var el = document.getElementById("place-map");
  if (!cfg || !el || typeof L === "undefined") { return; }
  var map = window.TryggveMap.create("place-map", cfg, cfg.text || {});
  map.setView(cfg.center, 16);
  L.marker(cfg.center, {
    keyboard: false, title: el.dataset.markerTitle, alt: el.dataset.markerTitle
  }).addTo(map);
})();
