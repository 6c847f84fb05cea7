// Municipal map page: every register the registry puts on the map (core.registry MapLayer),
// drawn from its REST list with its declared style, popup and legend. Layers with a minimum
// zoom load by view extent once zoomed in; the others load once for the whole municipality.
// Below that zoom, registers with vector tiles (core.registry Tile) are drawn from the
// project's own tiles in the same style, from the tiles' first zoom.
(function () {
  "use strict";
  var element = document.getElementById("municipality-map");
  var config = IMISMap.readConfig(element);
  // Words come from the JavaScript catalogue (/jsi18n/); data and code lists from the page.
  var gettext = window.gettext || function (text) { return text; };
  var status = document.getElementById("map-status");
  var map = IMISMap.createMap(element, config);

  function setStatus(text) { status.textContent = text; }

  function camel(name) {
    return name.replace(/-([a-z])/g, function (_, letter) { return letter.toUpperCase(); });
  }

  function styleOf(spec, feature) {
    var value = spec.classify ? feature.properties[spec.classify] : null;
    var style = (value !== null && spec.classes[value]) || spec.style;
    var options = {
      color: style.color, weight: style.weight, fillOpacity: style.fillOpacity,
      fill: spec.shape !== "line", fillColor: style.fill || style.color,
      className: "imis-" + spec.cssClass + (spec.classify ? " imis-" + spec.cssClass + "-" + (value || "none") : ""),
    };
    if (!style.fill && spec.shape === "area") { options.fillColor = style.color; }
    if (style.dash) { options.dashArray = style.dash; }
    if (spec.shape === "point") { options.radius = style.radius; }
    return options;
  }

  function featureName(spec, p) {
    if (!spec.nameProperty) { return ""; }
    var local = config.language === "bn" ? p[spec.nameProperty + "_bn"] : null;
    return local || p[spec.nameProperty] || "";
  }

  function popupRows(spec, p) {
    var rows = [];
    var name = featureName(spec, p);
    if (name) { rows.push(["", name]); }
    spec.popup.forEach(function (item) {
      var value = p[item.property];
      if (item.choices[value] !== undefined) {
        value = item.choices[value];
      } else if (typeof value === "string" && Object.keys(item.choices).length) {
        // A list of codes (a sample's failing parameters): each by its name.
        value = value.split(", ").map(function (code) { return item.choices[code] || code; }).join(", ");
      }
      rows.push([item.label, value]);
    });
    return rows;
  }

  // What a register's popup does beyond its table (MapLayer.extra).
  var EXTRAS = {
    // Compliance reasons in words come from the record's detail, in the page's language.
    reasons: function (spec, feature, box) {
      var reasons = document.createElement("ul");
      reasons.className = "imis-reasons";
      box.appendChild(reasons);
      IMISMap.fetchGeoJSON(spec.detailUrl.replace("/0/", "/" + feature.id + "/"))
        .then(function (detail) {
          var rules = (detail.properties.compliance || {}).rules || {};
          Object.keys(rules).forEach(function (rule) {
            var item = document.createElement("li");
            item.className = "imis-rule-" + rules[rule].outcome;
            // The outcome in words as well as in colour.
            var outcome = spec.extraLabels[rules[rule].outcome];
            item.textContent = (outcome ? outcome + ": " : "") + rules[rule].reason;
            reasons.appendChild(item);
          });
        })
        .catch(function () { reasons.textContent = gettext("Could not load the layer"); });
    },
  };

  // A tile feature styled as its GeoJSON twin: the tile's attributes renamed to the layer's
  // properties the style reads.
  function tileStyle(spec) {
    var names = spec.tile.properties;
    return function (feature) {
      var properties = {};
      Object.keys(names).forEach(function (property) {
        properties[property] = feature.properties[names[property]];
      });
      var options = styleOf(spec, { properties: properties });
      delete options.className;
      return options;
    };
  }

  // The overview zooms of a layer loaded by extent: its tiles, drawn on canvas
  // (static/js/imis-tiles.js), up to the zoom the GeoJSON takes over at.
  function overviewOf(spec) {
    if (!spec.tile || !spec.minZoom || !window.IMISTiles) { return null; }
    var overview = IMISTiles.layer(spec.tile.url, {
      style: tileStyle(spec),
      minZoom: spec.tile.minZoom,
      maxZoom: spec.minZoom - 1,
      className: "imis-tile-" + spec.cssClass,
    });
    var name = camel(spec.name);
    overview.on("load", function () {
      // When the view's tiles were drawn, in the page's own clock (bench/map_tiles.py).
      if (window.performance && performance.mark) { performance.mark("imis-tiles-" + spec.name); }
      element.dataset[name + "Tiles"] = String(map.getZoom());
      element.dataset[name + "TileFeatures"] = String(overview.featureCount());
    });
    overview.on("loading", function () { delete element.dataset[name + "Tiles"]; });
    return overview;
  }

  var overlays = {};
  var legend = [];
  var layers = config.layers.map(function (spec) {
    var layer = L.geoJSON(null, {
      style: function (feature) { return styleOf(spec, feature); },
      pointToLayer: function (feature, latlng) { return L.circleMarker(latlng, styleOf(spec, feature)); },
      onEachFeature: function (feature, layer) {
        var p = feature.properties;
        var first = spec.popup[0];
        IMISMap.focusable(layer, spec.title + ": " + (featureName(spec, p) || (first ? p[first.property] : "")));
        if (spec.tooltip) {
          layer.bindTooltip(featureName(spec, p) || spec.popup[0].label + " " + p[spec.popup[0].property],
            { permanent: false, direction: "center" });
        }
        layer.bindPopup(function () {
          var box = document.createElement("div");
          box.innerHTML = IMISMap.popupTable(popupRows(spec, p));
          if (EXTRAS[spec.extra]) { EXTRAS[spec.extra](spec, feature, box); }
          // The record's own page (core/pages.py), when its register has one.
          var key = spec.page && (spec.page.key === "id" ? feature.id : p[spec.page.key]);
          if (key !== undefined && key !== null && key !== "") {
            var link = document.createElement("a");
            link.className = "imis-record-link";
            link.href = spec.page.url.replace("__key__", encodeURIComponent(key));
            link.textContent = gettext("Open its page");
            box.appendChild(link);
          }
          return box;
        });
        layer.on("popupopen", function () { popupIn = spec.name; });
        layer.on("popupclose", function () {
          if (popupIn === spec.name) { popupIn = null; }
          var later = waiting[spec.name];
          delete waiting[spec.name];
          if (later) { later(); }
        });
      },
    }).addTo(map);
    var overview = overviewOf(spec);
    overlays[spec.title] = overview ? L.layerGroup([layer, overview]).addTo(map) : layer;
    var shape = spec.shape === "point" ? "dot" : spec.shape;
    var values = Object.keys(spec.classes);
    (values.length ? values : [null]).forEach(function (value) {
      var style = value === null ? spec.style : spec.classes[value];
      legend.push({
        shape: shape, color: style.color, weight: style.weight,
        fill: spec.shape === "line" ? null : (style.fill || (style.fillOpacity < 0.1 ? "transparent" : style.color)),
        label: value === null ? spec.title : spec.classLabels[value] || value,
      });
    });
    return { spec: spec, layer: layer, overview: overview, request: {}, key: camel(spec.name) + "Loaded" };
  });

  IMISMap.layersControl(map, overlays, { collapsed: IMISMap.narrow(map) });
  IMISMap.legend(map, gettext("Legend"), legend);
  IMISMap.locateControl(map, setStatus);

  function failed(error) {
    if (error.name !== "AbortError") { setStatus(gettext("Could not load the layer") + ": " + error.message); }
  }

  // A layer whose feature has its popup open keeps its features until the popup closes: new
  // data arriving meanwhile (a late response, a move) would remove the popup with them.
  var popupIn = null;
  var waiting = {};

  function show(entry, data) {
    if (popupIn === entry.spec.name) {
      waiting[entry.spec.name] = function () { show(entry, data); };
      return;
    }
    entry.layer.clearLayers();
    entry.layer.addData(data);
    element.dataset[entry.key] = String(data.numberReturned);
    if (entry.spec.extra === "count") {
      var template = data.numberMatched > data.numberReturned ? gettext("%(layer)s: the first %(count)s shown; zoom in for all") : gettext("%(layer)s: %(count)s shown");
      setStatus(IMISMap.format(template, { count: data.numberReturned, layer: entry.spec.title }));
    }
  }

  // Extent layers reload on every move; a newer view aborts older requests.
  function extentQuery() {
    var b = map.getBounds();
    return "bbox=" + [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]
      .map(function (v) { return v.toFixed(6); }).join(",");
  }

  var byExtent = layers.filter(function (entry) { return entry.spec.minZoom > 0; });
  function refreshDetail() {
    var hidden = [];
    var overview = [];
    byExtent.forEach(function (entry) {
      if (map.getZoom() < entry.spec.minZoom) {
        if (entry.request.controller) { entry.request.controller.abort(); }
        entry.layer.clearLayers();
        element.dataset[entry.key] = "0";
        var tiled = entry.overview && map.getZoom() >= entry.spec.tile.minZoom;
        (tiled ? overview : hidden).push(entry.spec.title);
        return;
      }
      IMISMap.fetchGeoJSON(entry.spec.url + "?limit=" + entry.spec.limit + "&" + extentQuery(), entry.request)
        .then(function (data) { show(entry, data); })
        .catch(failed);
    });
    var said = [];
    if (hidden.length) { said.push(IMISMap.format(gettext("Zoom in to see: %(layers)s"), { layers: hidden.join(", ") })); }
    if (overview.length) { said.push(IMISMap.format(gettext("Zoom in to open: %(layers)s"), { layers: overview.join(", ") })); }
    setStatus(said.length ? said.join(" ") : gettext("Loading…"));
  }

  // The whole-town layers say they are loaded together, once all of them are.
  var whole = layers.filter(function (entry) { return entry.spec.minZoom === 0; });
  Promise.all(whole.map(function (entry) {
    return IMISMap.fetchGeoJSON(entry.spec.url + "?limit=" + entry.spec.limit).then(function (data) {
      entry.layer.clearLayers();
      entry.layer.addData(data);
      return data;
    });
  })).then(function (results) {
    results.forEach(function (data, index) { element.dataset[whole[index].key] = String(data.numberReturned); });
  }).catch(failed);
  // A popup opened near the edge pans the map into view: that move must not reload the
  // layers, which would remove the feature and its popup with it.
  var panningForPopup = false;
  map.on("autopanstart", function () { panningForPopup = true; });
  map.on("moveend", function () {
    if (panningForPopup) { panningForPopup = false; return; }
    refreshDetail();
  });
  refreshDetail();
  element.dataset.ready = "1";
})();
