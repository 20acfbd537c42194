/* The survey form: hide questions whose condition is not met, and mark up to three places on
   the shared map. The form works without this script: conditional questions are shown with
   their condition, and places are typed as coordinates or in words. */
(function () {
  "use strict";
  var form = document.getElementById("survey-form");
  if (!form) { return; }

  // Conditional display.
  var dependants = form.querySelectorAll("[data-show-if]");
  function chosen(name) {
    return Array.prototype.map.call(
      form.querySelectorAll("[name='" + name + "']:checked"), function (i) { return i.value; });
  }
  function refresh() {
    dependants.forEach(function (block) {
      var wanted = block.dataset.showValues.split(" ");
      var values = chosen(block.dataset.showIf);
      block.hidden = !values.some(function (v) { return wanted.indexOf(v) !== -1; });
    });
  }
  if (dependants.length) {
    form.addEventListener("change", refresh);
    refresh();
  }

  // Double submit: block a second click, but let Back re-enable the button.
  form.addEventListener("submit", function () {
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    }, 0);
  });
  window.addEventListener("pageshow", function () {
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
  });

  // The map question.
  var cfg = window.TryggveMap && window.TryggveMap.config();
  if (!cfg || typeof L === "undefined" || !document.getElementById("survey-map")) { return; }
  var text = cfg.text;
  var map = window.TryggveMap.create("survey-map", cfg, text);
  var places = Array.prototype.slice.call(form.querySelectorAll("[data-place]"));
  var markers = {};
  var active = 1;
  function fmt(template, n) { return template.replace("%(n)s", n); }
  function inputs(n) {
    var block = form.querySelector("[data-place='" + n + "']");
    return { lat: block.querySelector("input[name$='-lat']"), lon: block.querySelector("input[name$='-lon']") };
  }
  function nextEmpty() {
    for (var i = 1; i <= places.length; i += 1) {
      if (!inputs(i).lat.value) { return i; }
    }
    return 0;
  }
  function place(n, lat, lon, how) {
    var f = inputs(n);
    f.lat.value = lat.toFixed(6);
    f.lon.value = lon.toFixed(6);
    if (markers[n]) { markers[n].setLatLng([lat, lon]); } else {
      markers[n] = L.marker([lat, lon], { keyboard: false, title: fmt(text.place, n) }).addTo(map);
      markers[n].bindTooltip(String(n), { permanent: true, direction: "top" });
    }
    window.TryggveMap.say(fmt(text.place, n) + ": " + how + " " + lat.toFixed(5) + ", " + lon.toFixed(5));
    active = nextEmpty();
  }
  document.querySelectorAll("[data-map-help]").forEach(function (help) { help.hidden = false; });
  document.querySelectorAll("[data-no-map-help]").forEach(function (help) { help.hidden = true; });
  places.forEach(function (block) {
    var n = parseInt(block.dataset.place, 10);
    var buttons = block.querySelector("[data-place-buttons]");
    if (buttons) { buttons.hidden = false; }
    var f = inputs(n);
    var lat = parseFloat(f.lat.value), lon = parseFloat(f.lon.value);
    if (!isNaN(lat) && !isNaN(lon)) { place(n, lat, lon, text.chosen); }
    [f.lat, f.lon].forEach(function (input) {
      input.addEventListener("change", function () {
        var a = parseFloat(f.lat.value), b = parseFloat(f.lon.value);
        if (!isNaN(a) && !isNaN(b)) { place(n, a, b, text.chosen); }
      });
    });
  });
  active = nextEmpty() || 1;
  form.querySelectorAll("[data-choose]").forEach(function (button) {
    button.addEventListener("click", function () {
      active = parseInt(button.dataset.choose, 10);
      window.TryggveMap.say(fmt(text.active, active));
      document.getElementById("survey-map").scrollIntoView({ block: "center" });
    });
  });
  form.querySelectorAll("[data-clear]").forEach(function (button) {
    button.addEventListener("click", function () {
      var n = parseInt(button.dataset.clear, 10);
      var f = inputs(n);
      f.lat.value = ""; f.lon.value = "";
      if (markers[n]) { map.removeLayer(markers[n]); delete markers[n]; }
      active = n;
      window.TryggveMap.say(fmt(text.cleared, n));
    });
  });
  function choose(lat, lon, how) {
    if (!active) { window.TryggveMap.say(text.full); return; }
    place(active, lat, lon, how);
  }
  map.on("click", function (e) { choose(e.latlng.lat, e.latlng.lng, text.chosen); });
  form.querySelector("[data-center]").addEventListener("click", function () {
    var c = map.getCenter();
    choose(c.lat, c.lng, text.chosen);
  });
  var locate = form.querySelector("[data-locate]");
  if (!("geolocation" in navigator)) { locate.hidden = true; }
  locate.addEventListener("click", function () {
    window.TryggveMap.say(text.locating);
    navigator.geolocation.getCurrentPosition(function (pos) {
      choose(pos.coords.latitude, pos.coords.longitude, text.located);
      map.setView([pos.coords.latitude, pos.coords.longitude], 16);
    }, function () {
      window.TryggveMap.say(text.locateFailed);
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
})();
