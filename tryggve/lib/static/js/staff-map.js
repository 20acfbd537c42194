/* Staff inbox map: the cases listed on the page, each linking to its case page. */
(function () {
  "use strict";
  var el = document.getElementById("staff-points");
  var cfg = window.TryggveMap && window.TryggveMap.config();
  if (!el || !cfg || typeof L === "undefined") { return; }
  var points = JSON.parse(el.textContent);
  if (!points.length) { return; }
  var map = window.TryggveMap.create("staff-map", cfg, cfg.text);
  var bounds = [];
  points.forEach(function (p) {
    var link = document.createElement("a");
    link.href = p.ref + "/";
    link.textContent = p.ref + " – " + p.label;
    L.circleMarker([p.lat, p.lon], { radius: 7, color: "#0b4f6c", weight: 2, fillOpacity: 0.6 })
      .bindPopup(link).addTo(map);
    bounds.push([p.lat, p.lon]);
  });
  map.fitBounds(bounds, { maxZoom: 15, padding: [20, 20] });
})();
