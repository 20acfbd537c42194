/* The public map: published reports in view, loaded from /api/reports.geojson with the
   same filters as the list below it. */
(function () {
  "use strict";
  var cfg = window.TryggveMap && window.TryggveMap.config();
  if (!cfg || typeof L === "undefined") { return; }
  var text = cfg.text;
  var map = window.TryggveMap.create("public-map", cfg, text);
  var layer = L.layerGroup().addTo(map);
  // The server validated the filters once for the list and the map (null: invalid).
  var filters = cfg.filters;
  var pending = null;

  // Each status is drawn with the legend's own symbol (colour and shape), so the map and
  // its legend cannot disagree.
  function icon(status) {
    var symbol = document.querySelector('.map-legend [data-marker-status="' + status + '"] svg');
    var html = symbol ? symbol.outerHTML : "";
    return L.divIcon({
      html: html, className: "status-marker status-marker-" + status,
      iconSize: [20, 20], iconAnchor: [10, 10], popupAnchor: [0, -8]
    });
  }

  function load() {
    if (filters === null) {
      window.TryggveMap.say(text.invalidFilter);
      return;
    }
    var q = new URLSearchParams(filters);
    q.set("bbox", window.TryggveMap.bbox(map));
    if (pending) { pending.abort(); }
    pending = new AbortController();
    fetch(cfg.geojsonUrl + "?" + q.toString(), { signal: pending.signal })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        window.TryggveMap.syncMarkers(layer, data.features || [], function (f) {
          var c = f.geometry.coordinates;
          return L.marker([c[1], c[0]], {
            icon: icon(f.properties.status),
            title: window.TryggveMap.reportTitle(f, data)
          }).bindPopup(window.TryggveMap.reportPopup(f, data));
        });
        window.TryggveMap.say(data.truncated ? text.truncated : "");
      })
      .catch(function (e) { if (e.name !== "AbortError") { window.TryggveMap.say(text.loadFailed); } });
  }
  map.on("moveend", load);
  load();
})();
