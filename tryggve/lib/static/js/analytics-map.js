/* Situation-picture maps: areas shaded by smoothed rate, or risk-grid cells, and police
   presence points. Every figure on these maps is also in a table or list on the same page,
   so no shape is a tab stop (TryggveMap.quiet): the map's own controls are. */
(function () {
  "use strict";
  var cfg = window.TryggveMap && window.TryggveMap.config();
  var el = document.getElementById("map-layers");
  if (!cfg || !el || typeof L === "undefined") { return; }
  var layers = JSON.parse(el.textContent);
  var map = window.TryggveMap.create("analytics-map", cfg, cfg.text);
  var text = window.TryggveMap.text;
  // Light to dark; class 0 means no figure.
  // The risk map sends its own (riskmap.RISK_COLOURS), which its key under the map shows.
  var colours = layers.colours || ["#ffffff", "#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15"];
  var bounds = null;
  // Where to start: around the highest class, not the whole municipality (villages 40 km
  // apart would shrink every area and cell to a dot). The rest is a pan away, and in the table.
  var focus = [];
  var NEAR_M = 5000;
  function add(geojson, withLabel) {
    var layer = L.geoJSON(geojson, {
      style: function (f) {
        var c = f.properties["class"] || 0;
        return { color: f.properties.exposed ? "#000" : "#555", weight: f.properties.exposed ? 3 : 1,
                 fillColor: colours[c], fillOpacity: c ? 0.7 : 0.1 };
      },
      onEachFeature: function (f, l) {
        if (withLabel && f.properties.name) {
          l.bindTooltip(text(f.properties.name + ": " + f.properties.label));
        }
        window.TryggveMap.quiet(l);
      }
    }).addTo(map);
    var top = 0;
    layer.eachLayer(function (l) { top = Math.max(top, l.feature.properties["class"] || 0); });
    var best = null;
    layer.eachLayer(function (l) {
      if ((l.feature.properties["class"] || 0) === top && !best) { best = l.getBounds().getCenter(); }
    });
    layer.eachLayer(function (l) {
      var b = l.getBounds();
      if (!best || map.distance(best, b.getCenter()) <= NEAR_M) { focus.push(b); }
    });
  }
  if (layers.areas) { add(layers.areas, true); }
  // The survey's unsafe places: a layer of its own that a check box under the map hides.
  if (layers.survey && layers.survey.cells.features.length) {
    var survey = window.TryggveMap.densityLayer(layers.survey.cells, layers.survey.colours).addTo(map);
  }
  // SCB's statistical areas: dashed outlines, off until the check box under the map asks.
  var toggled = {};
  if (layers.survey && layers.survey.cells.features.length) { toggled.survey = survey; }
  if (layers.statistical) {
    toggled.statistical = L.geoJSON(layers.statistical, {
      style: function () { return { color: "#08306b", weight: 2, dashArray: "6 4", fill: false }; },
      onEachFeature: function (f, l) { window.TryggveMap.quiet(l.bindTooltip(text(f.properties.label))); }
    });
  }
  window.TryggveMap.toggles(map, toggled);
  if (layers.grid) { add(layers.grid, false); }
  // Presence: each mark's words are in the list under the risk map's top ten.
  (layers.presence || []).forEach(function (p) {
    window.TryggveMap.quiet(L.circleMarker([p.lat, p.lon], {
      radius: 5, color: "#08306b", weight: 2, fillOpacity: 0.8, className: "presence-point"
    }).bindTooltip(text(p.label))).addTo(map);
  });
  // Presence logged for a whole area, without a point: a dashed ring at a point inside the
  // area, so it is not read as a place the police stood.
  (layers.presenceAreas || []).forEach(function (p) {
    window.TryggveMap.quiet(L.circleMarker([p.lat, p.lon], {
      radius: 11, color: "#08306b", weight: 3, dashArray: "4 3", fill: false, className: "presence-area"
    }).bindTooltip(text(p.label))).addTo(map);
  });
  focus.forEach(function (b) { bounds = bounds ? bounds.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast()); });
  (layers.reports || []).forEach(function (p) {
    // Squares, so the e-service's reports are told from police presence by shape, not colour;
    // outlined and small, so the risk cell under one stays readable on a phone.
    L.marker([p.lat, p.lon], {
      icon: L.divIcon({ className: "report-square report-outline", iconSize: [9, 9] }), keyboard: false
    }).bindTooltip(text(p.label)).addTo(map);
  });
  if (bounds) { map.fitBounds(bounds, { maxZoom: 15, padding: [10, 10] }); }
})();
