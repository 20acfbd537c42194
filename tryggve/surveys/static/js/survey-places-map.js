/* Where people feel unsafe, from the survey's map question: squares shaded by how many
   respondents marked a place in them, and on the public page the e-service's published
   reports as a layer of their own (from /api/reports.geojson, at the public map's
   precision). Every square is also a row in the table under the map. */
(function () {
  "use strict";
  var cfg = window.TryggveMap && window.TryggveMap.config();
  var el = document.getElementById("map-layers");
  if (!cfg || !el || typeof L === "undefined") { return; }
  var data = JSON.parse(el.textContent);
  var text = cfg.text;
  var map = window.TryggveMap.create("places-map", cfg, text);
  var cells = window.TryggveMap.densityLayer(data.cells, data.colours).addTo(map);
  if (cells.getLayers().length) {
    map.fitBounds(cells.getBounds(), { maxZoom: 15, padding: [20, 20] });
  }
  var layers = { cells: cells };
  if (cfg.reportsUrl) {
    var reports = L.layerGroup().addTo(map);
    layers.reports = reports;
    var pending = null;
    var load = function () {
      if (pending) { pending.abort(); }
      pending = new AbortController();
      fetch(cfg.reportsUrl + "?bbox=" + window.TryggveMap.bbox(map), { signal: pending.signal })
        .then(function (r) { return r.json(); })
        .then(function (geojson) {
          window.TryggveMap.syncMarkers(reports, geojson.features || [], function (f) {
            var c = f.geometry.coordinates;
            // Squares, as on the situation picture: told from the survey's cells by shape.
            return L.marker([c[1], c[0]], {
              icon: L.divIcon({ className: "report-square", iconSize: [12, 12] }),
              title: window.TryggveMap.reportTitle(f, geojson)
            }).bindPopup(window.TryggveMap.reportPopup(f, geojson));
          });
          window.TryggveMap.say(geojson.truncated ? text.reportsTruncated : "");
        })
        .catch(function (e) {
          if (e.name !== "AbortError") { window.TryggveMap.say(text.reportsFailed); }
        });
    };
    map.on("moveend", load);
    load();
  }
  window.TryggveMap.toggles(map, layers);
})();
