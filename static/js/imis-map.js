// The shared map module: every map page builds its map, layers and legend with it.
// Page scripts pass their data through json_script; nothing here knows a page.
(function (global) {
  "use strict";

  function readConfig(element) {
    var node = document.getElementById(element.dataset.configId);
    return JSON.parse(node.textContent);
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  function escapeText(value) {
    var div = document.createElement("div");
    div.textContent = value === null || value === undefined ? "" : String(value);
    return div.innerHTML;
  }

  // A view named in the address: #map=zoom/lat/lon. Returns whether one was applied.
  function viewFromHash(map) {
    var hash = /^#map=(\d+)\/(-?[\d.]+)\/(-?[\d.]+)$/.exec(window.location.hash);
    if (!hash) { return false; }
    map.setView([parseFloat(hash[2]), parseFloat(hash[3])], parseInt(hash[1], 10));
    return true;
  }

  function createMap(element, config) {
    var map = L.map(element, { preferCanvas: false, zoomControl: true });
    (config.tiles || []).forEach(function (tile) {
      L.tileLayer(tile[1], tile[2] || {}).addTo(map);
    });
    if (viewFromHash(map)) {
      // the address named a view
    } else if (config.extent) {
      map.fitBounds([[config.extent[1], config.extent[0]], [config.extent[3], config.extent[2]]]);
    } else {
      map.setView(config.center || [22.943, 90.829], config.zoom || 13);
    }
    L.control.scale({ imperial: false }).addTo(map);
    // Keep the view in the address (#map=zoom/lat/lon) so a view can be shared or reloaded.
    window.addEventListener("hashchange", function () { viewFromHash(map); });
    map.on("moveend", function () {
      var c = map.getCenter();
      var value = "#map=" + map.getZoom() + "/" + c.lat.toFixed(5) + "/" + c.lng.toFixed(5);
      window.history.replaceState(null, "", value);
    });
    return map;
  }

  // Fetch GeoJSON; a newer request for the same layer aborts the older one.
  function fetchGeoJSON(url, controllerHolder) {
    if (controllerHolder && controllerHolder.controller) { controllerHolder.controller.abort(); }
    var controller = new AbortController();
    if (controllerHolder) { controllerHolder.controller = controller; }
    return fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/geo+json" },
      signal: controller.signal,
    }).then(function (response) {
      if (!response.ok) { throw new Error(response.status + " " + response.statusText); }
      return response.json();
    });
  }

  // A popup table of label/value rows; values are inserted as text, never as HTML.
  function popupTable(rows) {
    var html = "<table class=\"imis-popup\">";
    rows.forEach(function (row) {
      if (row[1] === null || row[1] === undefined || row[1] === "") { return; }
      html += "<tr><th>" + escapeText(row[0]) + "</th><td>" + escapeText(row[1]) + "</td></tr>";
    });
    return html + "</table>";
  }

  function legend(map, title, entries) {
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "imis-legend");
      var heading = document.createElement("strong");
      heading.textContent = title;
      div.appendChild(heading);
      entries.forEach(function (entry) {
        var row = document.createElement("div");
        row.className = "imis-legend-row";
        var swatch = document.createElement("span");
        swatch.className = "imis-legend-swatch imis-legend-" + entry.shape;
        swatch.style.borderColor = entry.color;
        if (entry.fill) { swatch.style.background = entry.fill; }
        if (entry.shape === "line") { swatch.style.borderTopWidth = entry.weight + "px"; }
        row.appendChild(swatch);
        row.appendChild(document.createTextNode(entry.label));
        div.appendChild(row);
      });
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    control.addTo(map);
    return control;
  }

  global.IMISMap = {
    readConfig: readConfig,
    createMap: createMap,
    fetchGeoJSON: fetchGeoJSON,
    popupTable: popupTable,
    legend: legend,
    format: format,
  };
})(window);
