/* The public map: published reports in view, loaded from /api/reports.geojson with the
   same filters as the list below it. */
(function () {
  "use strict";
  var cfg = window.TryggveMap && window.TryggveMap.config();
  if (!cfg || typeof L === "undefined") { return; }
  var text = cfg.text;
  var map = window.TryggveMap.create("public-map", cfg, text);
  var layer = L.layerGroup().addTo(map);
  var params = new URLSearchParams(window.location.search);
  var filters = {};
  ["category", "status"].forEach(function (k) { if (params.get(k)) { filters[k] = params.get(k); } });
  if (params.get("period")) {
    var since = new Date(Date.now() - parseInt(params.get("period"), 10) * 86400000);
    filters.since = since.toISOString().slice(0, 10);
  }
  var pending = null;

  function load() {
    var b = map.getBounds();
    var q = new URLSearchParams(filters);
    q.set("bbox", [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) {
      return Math.max(-180, Math.min(180, v)).toFixed(5);
    }).join(","));
    if (pending) { pending.abort(); }
    pending = new AbortController();
    fetch("/api/reports.geojson?" + q.toString(), { signal: pending.signal })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        layer.clearLayers();
        (data.features || []).forEach(function (f) {
          var c = f.geometry.coordinates;
          var link = document.createElement("a");
          link.href = f.properties.url;
          link.textContent = f.properties.category_name + " – " + f.properties.id;
          var box = document.createElement("div");
          box.appendChild(link);
          var p = document.createElement("p");
          p.textContent = f.properties.status_name;
          box.appendChild(p);
          L.circleMarker([c[1], c[0]], { radius: 8, color: "#0b4f6c", weight: 2, fillOpacity: 0.6 })
            .bindPopup(box).addTo(layer);
        });
        window.TryggveMap.say(data.truncated ? text.truncated : "");
      })
      .catch(function (e) { if (e.name !== "AbortError") { window.TryggveMap.say(text.loadFailed); } });
  }
  map.on("moveend", load);
  load();
})();
