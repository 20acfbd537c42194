/* The report form: pick the place on a map, or with the device's position. The form works
   without this script; it only fills in the latitude and longitude fields. */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  var cfg = window.TryggveMap && window.TryggveMap.config();
  // The open reports nearby come before any error: the resident may not need to send at all.
  // (error-summary.js, which runs after this, focuses the summary when nothing else has.)
  var nearby = document.getElementById("nearby");
  if (nearby) { nearby.focus(); }
  if (form) {
    form.addEventListener("submit", function () {
      // Let this submit carry its button's value, then block a second click.
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      }, 0);
    });
    // Coming back with the Back button shows the page as it was left: let it be sent again.
    window.addEventListener("pageshow", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
    });
  }
  if (!form || !cfg || typeof L === "undefined") { return; }
  var text = cfg.text;
  var latInput = document.getElementById("id_lat");
  var lonInput = document.getElementById("id_lon");
  var map = window.TryggveMap.create("report-map", cfg, text);
  var marker = null;

  function place(lat, lon, how) {
    latInput.value = lat.toFixed(6);
    lonInput.value = lon.toFixed(6);
    if (marker) { marker.setLatLng([lat, lon]); } else {
      marker = L.marker([lat, lon], { keyboard: false, title: text.chosen }).addTo(map);
    }
    window.TryggveMap.say(how + " " + lat.toFixed(5) + ", " + lon.toFixed(5));
  }

  var lat0 = parseFloat(latInput.value), lon0 = parseFloat(lonInput.value);
  if (!isNaN(lat0) && !isNaN(lon0)) {
    place(lat0, lon0, text.chosen);
    map.setView([lat0, lon0], 16);
  }
  map.on("click", function (e) { place(e.latlng.lat, e.latlng.lng, text.chosen); });
  document.querySelector("[data-center]").addEventListener("click", function () {
    var c = map.getCenter();
    place(c.lat, c.lng, text.chosen);
  });
  var locate = document.querySelector("[data-locate]");
  if (!("geolocation" in navigator)) { locate.hidden = true; }
  locate.addEventListener("click", function () {
    window.TryggveMap.say(text.locating);
    navigator.geolocation.getCurrentPosition(function (pos) {
      place(pos.coords.latitude, pos.coords.longitude, text.located);
      map.setView([pos.coords.latitude, pos.coords.longitude], 16);
    }, function () {
      window.TryggveMap.say(text.locateFailed);
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
  // The place search: suggestions from the streets Tryggve knows while typing, the
  // geocoder too when the resident presses "Sök plats". Picking one moves the marker.
  var search = document.getElementById("place-search");
  var query = document.getElementById("id_place_query");
  var results = document.getElementById("place-results");
  var described = document.getElementById("id_place_description");
  var typingTimer = null, lastAsked = "", searchPending = null;

  function pick(lat, lon, label) {
    place(lat, lon, text.chosen);
    map.setView([lat, lon], 17);
    if (described && !described.value) { described.value = label; }
    window.TryggveMap.say(text.chosen + " " + label);
  }

  function show(data) {
    results.textContent = "";
    if (data.message) {
      var note = document.createElement("p");
      note.className = "message";
      note.textContent = data.message;
      results.appendChild(note);
    }
    if (!data.results.length) { return; }
    var hint = document.createElement("p");
    hint.textContent = text.pickHint;
    results.appendChild(hint);
    var list = document.createElement("ul");
    data.results.forEach(function (c) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button place-pick";
      button.textContent = c.label;
      button.addEventListener("click", function () { pick(c.lat, c.lon, c.label); });
      item.appendChild(button);
      list.appendChild(item);
    });
    results.appendChild(list);
  }

  function ask(typing) {
    var q = query.value.trim();
    if (q.length < 2 || (typing && q === lastAsked)) { return; }
    lastAsked = q;
    if (searchPending) { searchPending.abort(); }
    searchPending = new AbortController();
    var url = search.dataset.searchUrl + "?" + new URLSearchParams({ q: q, typing: typing ? "1" : "0" });
    if (!typing) { window.TryggveMap.say(text.searching); }
    fetch(url, { signal: searchPending.signal, headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) { show(data); if (!typing) { window.TryggveMap.say(""); } })
      .catch(function (e) { if (e.name !== "AbortError") { window.TryggveMap.say(text.searchFailed); } });
  }

  if (search && query && results) {
    search.querySelector("[data-place-search]").addEventListener("click", function (event) {
      event.preventDefault();
      lastAsked = "";
      ask(false);
    });
    query.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); lastAsked = ""; ask(false); }
    });
    query.addEventListener("input", function () {
      window.clearTimeout(typingTimer);
      typingTimer = window.setTimeout(function () { ask(true); }, 300);
    });
    // Candidates listed by the server (a search sent before this script ran) pick in place.
    results.querySelectorAll("button[name=place_pick]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        var parts = button.value.split("|");
        event.preventDefault();
        pick(parseFloat(parts[0]), parseFloat(parts[1]), parts.slice(2).join("|"));
      });
    });
  }

  [latInput, lonInput].forEach(function (input) {
    input.addEventListener("change", function () {
      var lat = parseFloat(latInput.value), lon = parseFloat(lonInput.value);
      if (!isNaN(lat) && !isNaN(lon)) { place(lat, lon, text.chosen); map.setView([lat, lon]); }
    });
  });
})();
