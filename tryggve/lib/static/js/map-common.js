/* Shared map set-up: tiles that may fail, the municipality's outline, status messages. */
(function () {
  "use strict";
  window.TryggveMap = {
    // Names of areas, categories and places come from staff, imports and residents: they
    // reach Leaflet (tooltips, popups) only as text nodes, never as HTML strings, which
    // Leaflet would insert with innerHTML.
    text: function (value) {
      var span = document.createElement("span");
      span.textContent = value == null ? "" : String(value);
      return span;
    },
    config: function () {
      var el = document.getElementById("map-config");
      return el ? JSON.parse(el.textContent) : null;
    },
    // The latest message, with a lasting note about missing map tiles after it.
    tileNote: "",
    lastText: "",
    say: function (text) {
      window.TryggveMap.lastText = text;
      var status = document.getElementById("map-status");
      if (status) {
        status.textContent = [text, window.TryggveMap.tileNote].filter(Boolean).join(" ");
      }
    },
    // A shape whose words the page also gives as text (a table, a list): no tab stop, and
    // nothing for a screen reader. Chromium makes an SVG shape with a focus listener (a
    // tooltip's) a tab stop, an unnamed one: a dozen areas were a dozen Tab presses before
    // the content after the map. Its tooltip still opens on hover and touch. Leaflet draws
    // a shape anew each time its layer is added (a check box under the map), hence "add".
    quiet: function (layer) {
      layer.on("add", function () {
        var shape = layer.getElement && layer.getElement();
        if (shape) {
          shape.setAttribute("tabindex", "-1");
          shape.setAttribute("aria-hidden", "true");
        }
      });
      return layer;
    },
    // The survey's places: squares shaded by respondents (colours light to dark, by class
    // 1..n), each with its label as a tooltip; the page's table holds the same figures.
    densityLayer: function (geojson, colours) {
      return L.geoJSON(geojson, {
        style: function (f) {
          var c = f.properties["class"] || 1;
          return { className: "density-cell", color: "#3f007d", weight: 1,
                   fillColor: colours[c - 1] || colours[colours.length - 1], fillOpacity: 0.7 };
        },
        onEachFeature: function (f, l) {
          l.bindTooltip(window.TryggveMap.text(f.properties.label));
          window.TryggveMap.quiet(l);
        }
      });
    },
    // The map's view as the GeoJSON API's bbox (minlon,minlat,maxlon,maxlat).
    bbox: function (map) {
      var b = map.getBounds();
      return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) {
        return Math.max(-180, Math.min(180, v)).toFixed(5);
      }).join(",");
    },
    // Brings a layer of report markers in line with a fresh load, keeping the markers that
    // are still there: opening a popup pans the map, the pan loads the view again, and a
    // layer cleared and drawn anew would close the popup the resident had just opened.
    syncMarkers: function (layer, features, draw) {
      var kept = {};
      features.forEach(function (f) { kept[f.id + "|" + f.properties.status] = f; });
      layer.eachLayer(function (marker) {
        if (kept[marker.featureKey]) { delete kept[marker.featureKey]; } else { layer.removeLayer(marker); }
      });
      Object.keys(kept).forEach(function (key) {
        var marker = draw(kept[key]);
        marker.featureKey = key;
        marker.addTo(layer);
      });
    },
    // A published report's names from /api/reports.geojson's answer, which gives the names
    // of categories and statuses once (answer.names), not in every feature.
    reportNames: function (f, answer) {
      var names = answer.names || {};
      return {
        category: (names.category || {})[f.properties.category] || f.properties.category,
        status: (names.status || {})[f.properties.status] || f.properties.status
      };
    },
    // A marker's title: category and status.
    reportTitle: function (f, answer) {
      var n = window.TryggveMap.reportNames(f, answer);
      return n.category + ", " + n.status;
    },
    // A published report's popup: a link to its public page (answer.url, with {id} for the
    // reference) and its status, as text nodes.
    reportPopup: function (f, answer) {
      var n = window.TryggveMap.reportNames(f, answer);
      var link = document.createElement("a");
      link.href = answer.url.replace("{id}", encodeURIComponent(f.id));
      link.textContent = n.category + " – " + f.id;
      var box = document.createElement("div");
      box.appendChild(link);
      var p = document.createElement("p");
      p.textContent = n.status;
      box.appendChild(p);
      return box;
    },
    // Check boxes with data-layer-toggle="<name>" show and hide layers[name].
    toggles: function (map, layers) {
      document.querySelectorAll("[data-layer-toggle]").forEach(function (box) {
        var layer = layers[box.getAttribute("data-layer-toggle")];
        if (!layer) { return; }
        box.addEventListener("change", function () {
          if (box.checked) { layer.addTo(map); } else { map.removeLayer(layer); }
        });
      });
    },
    create: function (elementId, cfg, lang) {
      var block = document.querySelector("[data-map-block]");
      if (block) { block.hidden = false; }
      // No sliding or fading for those who have asked their device for less motion.
      var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      var map = L.map(elementId, {
        center: cfg.center, zoom: 13, keyboard: true, zoomControl: false,
        zoomAnimation: !still, fadeAnimation: !still, markerZoomAnimation: !still
      });
      // Leaflet's controls speak English; the page gives their titles in its language.
      var controls = cfg.controls || {};
      L.control.zoom({
        zoomInTitle: controls.zoomIn || "Zoom in", zoomOutTitle: controls.zoomOut || "Zoom out"
      }).addTo(map);
      if (map.attributionControl) {
        var credit = document.createElement("a");
        credit.href = "https://leafletjs.com";
        credit.title = controls.leafletTitle || "";
        credit.textContent = "Leaflet";
        map.attributionControl.setPrefix(credit.outerHTML);
      }
      var tiles = L.tileLayer(cfg.tileUrl, { attribution: cfg.tileAttribution, maxZoom: 19 });
      var failed = 0;
      tiles.on("tileerror", function () {
        failed += 1;
        if (failed === 4) {
          // A page may word this for itself (the public map has no place to choose).
          var el = document.getElementById(elementId);
          window.TryggveMap.tileNote = (el && el.dataset.tilesFailed) || lang.tilesFailed;
          window.TryggveMap.say(window.TryggveMap.lastText);
        }
      });
      tiles.addTo(map);
      if (cfg.boundary) {
        var outline = L.geoJSON(cfg.boundary, {
          style: { color: "#0b4f6c", weight: 2, fill: false }, interactive: false
        }).addTo(map);
        if (!cfg.keepCenter) {
          map.fitBounds(outline.getBounds());
          // The default municipality's map opens on its town; another's on its boundary.
          if (cfg.townZoom !== false) { map.setView(cfg.center, 13); }
        }
      }
      return map;
    }
  };
})();
