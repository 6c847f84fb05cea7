// Municipal map page: wards, roads by hierarchy, and building footprints by view extent.
(function () {
  "use strict";
  var element = document.getElementById("municipality-map");
  var config = IMISMap.readConfig(element);
  var labels = config.labels;
  var status = document.getElementById("map-status");
  var map = IMISMap.createMap(element, config);

  var ROAD_STYLE = {
    strategic_urban: { color: "#b2182b", weight: 5 },
    feeder: { color: "#ef8a62", weight: 3 },
    other: { color: "#878787", weight: 1.5 },
  };
  var WARD_STYLE = { color: "#2166ac", weight: 2, fill: true, fillOpacity: 0.04, className: "imis-ward" };
  var BUILDING_STYLE = { color: "#5e3c99", weight: 1, fillColor: "#b2abd2", fillOpacity: 0.7, className: "imis-building" };

  var wards = L.geoJSON(null, {
    style: function () { return WARD_STYLE; },
    onEachFeature: function (feature, layer) {
      var p = feature.properties;
      var name = config.language === "bn" && p.name_bn ? p.name_bn : p.name;
      layer.bindTooltip(name || labels.ward + " " + p.number, { permanent: false, direction: "center" });
      layer.bindPopup(IMISMap.popupTable([
        [labels.ward, p.number + (name ? " – " + name : "")],
        [labels.buildings, p.building_count],
      ]));
    },
  }).addTo(map);

  var LIC_STYLE = { color: "#d95f02", weight: 1.5, dashArray: "4 3", fillColor: "#fdb863", fillOpacity: 0.25, className: "imis-lic" };
  var lics = L.geoJSON(null, {
    style: function () { return LIC_STYLE; },
    onEachFeature: function (feature, layer) {
      var p = feature.properties;
      layer.bindPopup(IMISMap.popupTable([
        [labels.lics, config.language === "bn" && p.name_bn ? p.name_bn : p.name],
        [labels.households, p.household_count],
        [labels.population, p.population],
      ]));
    },
  }).addTo(map);

  var roads = L.geoJSON(null, {
    style: function (feature) {
      var style = ROAD_STYLE[feature.properties.hierarchy] || ROAD_STYLE.other;
      return { color: style.color, weight: style.weight, className: "imis-road imis-road-" + feature.properties.hierarchy };
    },
    onEachFeature: function (feature, layer) {
      var p = feature.properties;
      layer.bindPopup(IMISMap.popupTable([
        ["", p.name || p.code],
        ["", labels.hierarchyLabels[p.hierarchy]],
        [labels.length, p.length_m],
      ]));
    },
  }).addTo(map);

  var buildings = L.geoJSON(null, {
    style: function () { return BUILDING_STYLE; },
    onEachFeature: function (feature, layer) {
      var p = feature.properties;
      layer.bindPopup(IMISMap.popupTable([
        [labels.bin, p.bin],
        [labels.holding, p.holding_number],
        [labels.ward, p.ward_number],
        [labels.use, labels.useLabels[p.functional_use] || p.functional_use],
        [labels.floors, p.floor_count],
        [labels.population, p.population],
        [labels.area, p.footprint_area_m2],
      ]));
    },
  }).addTo(map);

  var STATUS_COLOURS = { compliant: "#1a9641", non_compliant: "#d7191c", unknown: "#969696" };
  var containments = L.geoJSON(null, {
    pointToLayer: function (feature, latlng) {
      var status = feature.properties.compliance_status || "unknown";
      return L.circleMarker(latlng, {
        radius: 5, weight: 1, color: "#222", fillOpacity: 0.9,
        fillColor: STATUS_COLOURS[status] || STATUS_COLOURS.unknown,
        className: "imis-containment imis-status-" + status,
      });
    },
    onEachFeature: function (feature, layer) {
      var p = feature.properties;
      layer.bindPopup(function () {
        var box = document.createElement("div");
        box.innerHTML = IMISMap.popupTable([
          [labels.containment, p.code],
          [labels.containmentType, labels.typeLabels[p.containment_type]],
          [labels.outlet, labels.outletLabels[p.outlet]],
          [labels.sfdClass, labels.sfdLabels[p.sfd_class]],
          [labels.jmpRung, labels.rungLabels[p.jmp_rung]],
          [labels.compliance, labels.statusLabels[p.compliance_status]],
          [labels.bin, p.building_bin],
          [labels.holding, p.holding_number],
        ]);
        var reasons = document.createElement("ul");
        reasons.className = "imis-reasons";
        box.appendChild(reasons);
        // Reasons in words come from the detail, in the page's language.
        IMISMap.fetchGeoJSON(config.urls.containmentDetail.replace("/0/", "/" + feature.id + "/"))
          .then(function (detail) {
            var rules = (detail.properties.compliance || {}).rules || {};
            Object.keys(rules).forEach(function (rule) {
              var item = document.createElement("li");
              item.className = "imis-rule-" + rules[rule].outcome;
              item.textContent = rules[rule].reason;
              reasons.appendChild(item);
            });
          })
          .catch(function () { reasons.textContent = labels.loadFailed; });
        return box;
      });
    },
  }).addTo(map);

  L.control.layers(null, (function () {
    var overlays = {};
    overlays[labels.wards] = wards;
    overlays[labels.lics] = lics;
    overlays[labels.roads] = roads;
    overlays[labels.buildings] = buildings;
    overlays[labels.containments] = containments;
    return overlays;
  })(), { collapsed: false }).addTo(map);

  IMISMap.legend(map, labels.legend, [
    { shape: "area", color: WARD_STYLE.color, fill: "transparent", label: labels.wards },
    { shape: "area", color: LIC_STYLE.color, fill: LIC_STYLE.fillColor, label: labels.lics },
    { shape: "line", color: ROAD_STYLE.strategic_urban.color, weight: 5, label: labels.hierarchyLabels.strategic_urban },
    { shape: "line", color: ROAD_STYLE.feeder.color, weight: 3, label: labels.hierarchyLabels.feeder },
    { shape: "line", color: ROAD_STYLE.other.color, weight: 2, label: labels.hierarchyLabels.other },
    { shape: "area", color: BUILDING_STYLE.color, fill: BUILDING_STYLE.fillColor, label: labels.buildings },
    { shape: "dot", color: "#222", fill: STATUS_COLOURS.compliant, label: labels.statusLabels.compliant },
    { shape: "dot", color: "#222", fill: STATUS_COLOURS.non_compliant, label: labels.statusLabels.non_compliant },
    { shape: "dot", color: "#222", fill: STATUS_COLOURS.unknown, label: labels.statusLabels.unknown },
  ]);

  function setStatus(text) { status.textContent = text; }

  function load(layer, url) {
    return IMISMap.fetchGeoJSON(url).then(function (data) {
      layer.clearLayers();
      layer.addData(data);
      return data;
    });
  }

  // Detail layers load by view extent once zoomed in; a newer view aborts older requests.
  function extentQuery() {
    var b = map.getBounds();
    return "bbox=" + [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]
      .map(function (v) { return v.toFixed(6); }).join(",");
  }

  var buildingRequest = {};
  var containmentRequest = {};
  function refreshDetail() {
    if (map.getZoom() < config.buildingsMinZoom) {
      [buildingRequest, containmentRequest].forEach(function (r) { if (r.controller) { r.controller.abort(); } });
      buildings.clearLayers();
      containments.clearLayers();
      element.dataset.buildingsLoaded = "0";
      element.dataset.containmentsLoaded = "0";
      setStatus(labels.zoomForBuildings);
      return;
    }
    setStatus(labels.loading);
    var query = "?limit=" + config.buildingsLimit + "&" + extentQuery();
    IMISMap.fetchGeoJSON(config.urls.buildings + query, buildingRequest)
      .then(function (data) {
        buildings.clearLayers();
        buildings.addData(data);
        element.dataset.buildingsLoaded = String(data.numberReturned);
        var template = data.numberMatched > data.numberReturned ? labels.buildingsTruncated : labels.buildingsShown;
        setStatus(IMISMap.format(template, { count: data.numberReturned }));
      })
      .catch(function (error) {
        if (error.name !== "AbortError") { setStatus(labels.loadFailed + ": " + error.message); }
      });
    IMISMap.fetchGeoJSON(config.urls.containments + query, containmentRequest)
      .then(function (data) {
        containments.clearLayers();
        containments.addData(data);
        element.dataset.containmentsLoaded = String(data.numberReturned);
      })
      .catch(function (error) {
        if (error.name !== "AbortError") { setStatus(labels.loadFailed + ": " + error.message); }
      });
  }

  Promise.all([load(wards, config.urls.wards), load(roads, config.urls.roads), load(lics, config.urls.lics)])
    .then(function (results) {
      element.dataset.wardsLoaded = String(results[0].numberReturned);
      element.dataset.roadsLoaded = String(results[1].numberReturned);
      element.dataset.licsLoaded = String(results[2].numberReturned);
    })
    .catch(function (error) { setStatus(labels.loadFailed + ": " + error.message); });
  map.on("moveend", refreshDetail);
  refreshDetail();
  element.dataset.ready = "1";
})();
