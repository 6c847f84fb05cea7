// Ward page: the ward's buildings coloured by JMP ladder rung and its containments by
// compliance status, from the layer APIs.
(function () {
  "use strict";
  var element = document.getElementById("ward-layers");
  if (!element) { return; }
  var config = IMISMap.readConfig(element);
  var layers = config.layers;
  var labels = config.labels;
  // Words come from the JavaScript catalogue (/jsi18n/); code lists with the page's data.
  var gettext = window.gettext || function (text) { return text; };
  var status = document.getElementById("ward-layers-status");
  var map = IMISMap.createMap(element, { tiles: layers.tiles, extent: layers.extent });
  var RUNGS = {
    safely_managed: "#1a9641", basic: "#a6d96a", limited: "#ffffbf",
    unimproved: "#fdae61", open_defecation: "#d7191c",
  };
  var STATUS = { compliant: "#1a9641", non_compliant: "#d7191c", unknown: "#969696" };
  var control = L.control.layers(null, null, { collapsed: false }).addTo(map);

  var wardRequest = IMISMap.fetchGeoJSON(layers.wards).then(function (collection) {
    var outline = L.geoJSON(collection, { style: { color: "#2166ac", weight: 3, fill: false } });
    outline.addTo(map);
    if (collection.features.length) { map.fitBounds(outline.getBounds()); }
  });
  var buildingRequest = IMISMap.fetchGeoJSON(layers.buildings).then(function (collection) {
    var buildings = L.geoJSON(collection, {
      style: function (feature) {
        var rung = feature.properties.jmp_rung;
        return { color: "#555", weight: 0.5, fillOpacity: 0.8, fillColor: RUNGS[rung] || "#bdbdbd",
          className: "imis-building imis-rung-" + (rung || "unknown") };
      },
      onEachFeature: function (feature, shape) {
        shape.bindPopup(IMISMap.popupTable([
          [gettext("BIN"), feature.properties.bin],
          [gettext("JMP ladder"), labels.rungs[feature.properties.jmp_rung || "unknown"]],
        ]));
      },
    }).addTo(map);
    control.addOverlay(buildings, gettext("Buildings by JMP ladder rung"));
    return collection.features.length;
  });
  var containmentRequest = IMISMap.fetchGeoJSON(layers.containments).then(function (collection) {
    var containments = L.geoJSON(collection, {
      pointToLayer: function (feature, latlng) {
        var s = feature.properties.compliance_status;
        return L.circleMarker(latlng, { radius: 4, weight: 1, color: "#333", fillOpacity: 0.9,
          fillColor: STATUS[s] || "#ffffff", className: "imis-containment" });
      },
      onEachFeature: function (feature, shape) {
        var s = feature.properties.compliance_status;
        shape.bindPopup(IMISMap.popupTable([
          [gettext("Containment"), feature.properties.code],
          [gettext("Compliance"), s ? labels.compliance[s] : gettext("Not assessed")],
        ]));
      },
    }).addTo(map);
    control.addOverlay(containments, gettext("Containments by compliance"));
    return collection.features.length;
  });
  IMISMap.legend(map, gettext("JMP ladder"), Object.keys(RUNGS).map(function (rung) {
    return { shape: "area", color: "#555", fill: RUNGS[rung], label: labels.rungs[rung] };
  }).concat(Object.keys(STATUS).map(function (s) {
    return { shape: "dot", color: "#333", fill: STATUS[s], label: labels.compliance[s] };
  })));
  Promise.all([wardRequest, buildingRequest, containmentRequest]).then(function (counts) {
    element.dataset.layersLoaded = counts[1] + "/" + counts[2];
    status.textContent = "";
  }).catch(function (error) { status.textContent = String(error); });
})();
