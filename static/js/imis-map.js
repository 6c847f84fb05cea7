// The shared map module: every map page builds its map, layers and legend with it.
// Page scripts pass their data through json_script; nothing here knows a page.
(function (global) {
  "use strict";

  function readConfig(element) {
    var node = document.getElementById(element.dataset.configId);
    return JSON.parse(node.textContent);
  }

  // Numbers in the page's language: Bangla digits and grouping on Bangla pages.
  var numbers = new Intl.NumberFormat(document.documentElement.lang === "bn" ? "bn-BD" : "en");

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) {
      var value = values[key];
      return typeof value === "number" ? numbers.format(value) : value;
    });
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

  // Words of the map's own controls, from Django's JavaScript catalogue (/jsi18n/).
  var gettext = global.gettext || function (text) { return text; };

  function createMap(element, config) {
    // The deepest zoom is the map's own: otherwise Leaflet takes the largest of its layers'
    // (an overview tile layer that stops where the GeoJSON takes over would cap the map).
    var map = L.map(element, { preferCanvas: false, zoomControl: false, maxZoom: config.maxZoom || 22 });
    L.control.zoom({ zoomInTitle: gettext("Zoom in"), zoomOutTitle: gettext("Zoom out") }).addTo(map);
    // The basemaps (OpenStreetMap online, a municipality's own imagery when it has one) and
    // none: the one chosen last on this device, else the first while online, else none.
    var basemaps = {};
    (config.basemaps || config.tiles || []).forEach(function (tile) {
      basemaps[tile[0]] = L.tileLayer(tile[1], tile[2] || {});
    });
    var first = Object.keys(basemaps)[0];
    basemaps[gettext("No basemap")] = L.layerGroup();
    var remembered = null;
    try { remembered = window.localStorage.getItem("imis-basemap"); } catch (error) { remembered = null; }
    var chosen = basemaps[remembered] ||
      (first && navigator.onLine !== false ? basemaps[first] : basemaps[gettext("No basemap")]);
    chosen.addTo(map);
    map.on("baselayerchange", function (event) {
      try { window.localStorage.setItem("imis-basemap", event.name); } catch (error) { /* private mode */ }
    });
    map.imisBasemaps = basemaps;
    if (viewFromHash(map)) {
      // the address named a view
    } else if (config.extent) {
      map.fitBounds([[config.extent[1], config.extent[0]], [config.extent[3], config.extent[2]]]);
    } else {
      map.setView(config.center || [22.943, 90.829], config.zoom || 13);
    }
    L.control.scale({ imperial: false }).addTo(map);
    // Escape closes the open popup wherever the focus is inside the map (a feature reached
    // with Tab, a link in the popup), not only on the map itself.
    L.DomEvent.on(element, "keydown", function (event) {
      if (event.key === "Escape") { map.closePopup(); }
    });
    // Keep the view in the address (#map=zoom/lat/lon) so a view can be shared or reloaded.
    window.addEventListener("hashchange", function () { viewFromHash(map); });
    map.on("moveend", function () {
      var c = map.getCenter();
      var value = "#map=" + map.getZoom() + "/" + c.lat.toFixed(5) + "/" + c.lng.toFixed(5);
      window.history.replaceState(null, "", value);
    });
    return map;
  }

  // The layer switcher: the basemaps (one at a time) and the page's overlays.
  function layersControl(map, overlays, options) {
    return L.control.layers(map.imisBasemaps, overlays || null, options || {}).addTo(map);
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

  // A feature reachable by keyboard: Tab reaches it, Enter or Space opens its popup.
  function focusable(layer, label) {
    layer.on("add", function () {
      var element = layer.getElement && layer.getElement();
      if (!element) { return; }
      element.setAttribute("tabindex", "0");
      element.setAttribute("role", "button");
      if (label) { element.setAttribute("aria-label", label); }
      L.DomEvent.on(element, "keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          L.DomEvent.preventDefault(event);
          layer.openPopup();
        }
      });
    });
  }

  // An API error body as one sentence: {"detail": "…"}, {"field": ["…"]}, nested or a list.
  function errorText(body, code) {
    if (!body) { return format(gettext("The server answered %(code)s."), { code: String(code) }); }
    if (body.detail) { return String(body.detail); }
    var parts = [];
    (function walk(value) {
      if (value === null || value === undefined) { return; }
      if (typeof value === "string") { parts.push(value); return; }
      if (Array.isArray(value)) { value.forEach(walk); return; }
      Object.keys(value).forEach(function (key) { walk(value[key]); });
    })(body);
    return parts.join(" ");
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

  // A narrow map (a phone): controls start folded so the map stays visible.
  function narrow(map) { return map.getSize().x < 700; }

  // The legend folds and unfolds (a <details>): open on a wide map, closed on a phone.
  function legend(map, title, entries) {
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var div = L.DomUtil.create("details", "imis-legend");
      div.open = !narrow(map);
      var heading = document.createElement("summary");
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

  // "Where am I": the phone's position on the map, with its accuracy.
  function locateControl(map, setStatus) {
    var control = L.control({ position: "topleft" });
    var marker = null;
    control.onAdd = function () {
      var button = L.DomUtil.create("button", "imis-locate leaflet-bar");
      button.type = "button";
      button.textContent = "\u25CE";
      button.title = gettext("Show where I am");
      button.setAttribute("aria-label", gettext("Show where I am"));
      L.DomEvent.disableClickPropagation(button);
      L.DomEvent.on(button, "click", function () {
        setStatus(gettext("Finding where you are…"));
        map.locate({ setView: true, maxZoom: 18, enableHighAccuracy: true });
      });
      return button;
    };
    map.on("locationfound", function (event) {
      if (marker) { map.removeLayer(marker); }
      marker = L.layerGroup([
        L.circle(event.latlng, { radius: event.accuracy, weight: 1, color: "#2166ac", fillOpacity: 0.1, interactive: false }),
        L.circleMarker(event.latlng, { radius: 6, color: "#fff", weight: 2, fillColor: "#2166ac", fillOpacity: 1 }),
      ]).addTo(map);
      setStatus(format(gettext("You are here (within %(metres)s m)."), { metres: Math.round(event.accuracy) }));
    });
    map.on("locationerror", function (event) { setStatus(gettext("Your position is not available") + ": " + event.message); });
    control.addTo(map);
    return control;
  }

  // An input for a register's form field (core.registry form_fields): a select of its code
  // list (an empty choice first; values as JSON), else a number, date or text input with
  // its limits. The map editor's form and the attribute table's bulk edit share it.
  function fieldInput(field) {
    var input;
    if (field.kind === "select") {
      input = document.createElement("select");
      var none = document.createElement("option");
      none.value = "";
      none.textContent = "–";
      input.appendChild(none);
      field.choices.forEach(function (choice) {
        var option = document.createElement("option");
        option.value = JSON.stringify(choice[0]);
        option.textContent = choice[1];
        input.appendChild(option);
      });
      return input;
    }
    input = document.createElement("input");
    input.type = field.kind === "number" ? "number" : field.kind === "date" ? "date" : "text";
    if (field.kind === "number") {
      input.step = String(field.step);
      if (field.min !== undefined) { input.min = String(field.min); }
      if (field.max !== undefined) { input.max = String(field.max); }
    }
    if (field.maxLength) { input.maxLength = field.maxLength; }
    return input;
  }

  // Leaflet.draw's words in the page's language, and a control drawing one polygon or
  // rectangle (the export's area, a proposed building's footprint).
  function shapeDrawControl(polygonLabel) {
    var local = L.drawLocal.draw;
    local.toolbar.buttons.polygon = polygonLabel || gettext("Draw a polygon");
    local.toolbar.buttons.rectangle = gettext("Draw a rectangle");
    local.toolbar.actions.text = gettext("Cancel");
    local.toolbar.actions.title = gettext("Cancel");
    local.toolbar.finish.text = gettext("Finish");
    local.toolbar.finish.title = gettext("Finish");
    local.toolbar.undo.text = gettext("Delete the last point");
    local.toolbar.undo.title = gettext("Delete the last point");
    local.handlers.polygon.tooltip = { start: gettext("Click to start drawing."), cont: gettext("Click to continue drawing."), end: gettext("Click the first point to close the shape.") };
    local.handlers.rectangle.tooltip.start = gettext("Click and drag to draw a rectangle.");
    local.handlers.simpleshape.tooltip.end = gettext("Release the mouse to finish.");
    return new L.Control.Draw({
      draw: {
        polygon: { allowIntersection: false, showArea: false },
        rectangle: { showArea: false },
        polyline: false, circle: false, marker: false, circlemarker: false,
      },
    });
  }

  global.IMISMap = {
    shapeDrawControl: shapeDrawControl,
    readConfig: readConfig,
    createMap: createMap,
    layersControl: layersControl,
    narrow: narrow,
    locateControl: locateControl,
    focusable: focusable,
    fetchGeoJSON: fetchGeoJSON,
    popupTable: popupTable,
    legend: legend,
    format: format,
    number: function (value) { return numbers.format(value); },
    fieldInput: fieldInput,
    errorText: errorText,
    escapeText: escapeText,
  };
})(window);
