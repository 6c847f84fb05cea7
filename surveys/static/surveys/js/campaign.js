// Campaign page: ward coverage choropleth, buildings by survey status, the review queue.
(function () {
  "use strict";
  var element = document.getElementById("coverage-map");
  var config = IMISMap.readConfig(element);
  var labels = config.labels;
  // Words come from the JavaScript catalogue (/jsi18n/); the code lists from the page.
  var gettext = window.gettext || function (text) { return text; };
  var DECISIONS = { approve: gettext("Approve"), "return": gettext("Return"), reject: gettext("Reject") };
  var map = IMISMap.createMap(element, config);
  var coverage = {};
  var CLASSES = [[0.75, "#1a9641"], [0.5, "#a6d96a"], [0.25, "#fdae61"], [0, "#d7191c"]];
  var STATUS = { surveyed: "#1a9641", pending: "#fdae61", not_visited: "#bdbdbd" };

  function colour(share) {
    if (share === null || share === undefined) { return "#ffffff"; }
    for (var i = 0; i < CLASSES.length; i++) { if (share >= CLASSES[i][0]) { return CLASSES[i][1]; } }
    return CLASSES[CLASSES.length - 1][1];
  }

  var wards = L.geoJSON(null, {
    style: function (feature) {
      var row = coverage[feature.id] || {};
      return { color: "#2166ac", weight: 1.5, fillOpacity: 0.55, fillColor: colour(row.coverage),
               className: "imis-ward imis-coverage-ward" };
    },
    onEachFeature: function (feature, layer) {
      layer.bindPopup(function () {
        var row = coverage[feature.id] || {};
        return IMISMap.popupTable([
          [gettext("Ward"), feature.properties.number],
          [gettext("Coverage"), row.coverage === null || row.coverage === undefined ? "–" : Math.round(row.coverage * 100) + "%"],
          [gettext("Surveyed"), row.surveyed], [gettext("Waiting for review"), row.pending],
        ]);
      });
    },
  }).addTo(map);

  var buildings = L.geoJSON(null, {
    style: function (feature) {
      var status = feature.properties.status;
      return { color: "#444", weight: 1, fillOpacity: 0.8, fillColor: STATUS[status],
               className: "imis-survey-building imis-survey-" + status };
    },
  }).addTo(map);

  IMISMap.legend(map, gettext("Survey coverage"), [
    { shape: "area", color: "#2166ac", fill: CLASSES[0][1], label: "≥ 75%" },
    { shape: "area", color: "#2166ac", fill: CLASSES[1][1], label: "50–75%" },
    { shape: "area", color: "#2166ac", fill: CLASSES[2][1], label: "25–50%" },
    { shape: "area", color: "#2166ac", fill: CLASSES[3][1], label: "< 25%" },
    { shape: "area", color: "#444", fill: STATUS.surveyed, label: gettext("Surveyed") },
    { shape: "area", color: "#444", fill: STATUS.pending, label: gettext("Waiting for review") },
    { shape: "area", color: "#444", fill: STATUS.not_visited, label: gettext("Not yet visited") },
  ]);

  function cell(row, text) {
    var td = document.createElement("td");
    td.textContent = text === null || text === undefined ? "–" : String(text);
    row.appendChild(td);
    return td;
  }

  function loadCoverage() {
    return IMISMap.fetchGeoJSON(config.urls.coverage).then(function (rows) {
      var body = document.querySelector("#coverage-table tbody");
      body.textContent = "";
      coverage = {};
      rows.forEach(function (row) {
        coverage[row.ward] = row;
        var tr = document.createElement("tr");
        tr.dataset.ward = row.number;
        cell(tr, row.number + (row.name ? " – " + row.name : ""));
        cell(tr, row.buildings); cell(tr, row.surveyed);
        cell(tr, row.coverage === null ? null : Math.round(row.coverage * 100) + "%");
        cell(tr, row.pending); cell(tr, row.rejected);
        body.appendChild(tr);
      });
      wards.setStyle(wards.options.style);
      element.dataset.coverageLoaded = String(rows.length);
    });
  }

  IMISMap.fetchGeoJSON(config.urls.wards + "&limit=1000").then(function (data) {
    wards.addData(data);
    if (data.features.length) { map.fitBounds(wards.getBounds()); }
    return loadCoverage();
  });

  var buildingRequest = {};
  map.on("moveend", function () {
    if (map.getZoom() < config.buildingsMinZoom) { buildings.clearLayers(); return; }
    var b = map.getBounds();
    var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(6); }).join(",");
    IMISMap.fetchGeoJSON(config.urls.buildings + "?bbox=" + bbox, buildingRequest).then(function (data) {
      buildings.clearLayers();
      buildings.addData(data);
      element.dataset.buildingsLoaded = String(data.features.length);
    }).catch(function () {});
  });

  // The review queue: decide with one click; reject and return ask for a reason.
  var queue = document.querySelector("#review-queue tbody");
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;

  function decide(id, decision, row) {
    var reason = "";
    if (decision !== "approve") {
      reason = window.prompt(gettext("Reason")) || "";
      if (!reason) { return; }
    }
    fetch(config.urls.decide + id + "/" + decision + "/", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(reason ? { reason: reason } : {}),
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) { throw new Error(body.detail || response.status); }
        row.remove();
        return loadCoverage();
      });
    }).catch(function (error) { window.alert(gettext("Could not save") + ": " + error.message); });
  }

  // The queue comes a page at a time (count, next, results); "Show more" follows `next`.
  var shown = 0;
  function loadQueue(url) {
    IMISMap.fetchGeoJSON(url).then(function (page) {
      var items = page.results;
      if (!page.count) {
        var empty = document.createElement("tr");
        cell(empty, gettext("Nothing waiting for review.")).colSpan = 6;
        queue.appendChild(empty);
      }
      items.forEach(function (item) {
        var tr = document.createElement("tr");
        tr.dataset.submission = item.id;
        cell(tr, item.received_at.slice(0, 16).replace("T", " "));
        cell(tr, item.ward_number); cell(tr, item.building_bin); cell(tr, item.enumerator);
        cell(tr, item.flags.map(function (f) { return labels.flagLabels[f] || f; }).join(", "));
        var actions = cell(tr, "");
        ["approve", "return", "reject"].forEach(function (decision) {
          var button = document.createElement("button");
          button.type = "button";
          button.className = "imis-button imis-" + decision;
          button.textContent = DECISIONS[decision];
          button.addEventListener("click", function () { decide(item.id, decision, tr); });
          actions.appendChild(button);
        });
        queue.appendChild(tr);
      });
      shown += items.length;
      element.dataset.queueLoaded = String(shown);
      element.dataset.queueCount = String(page.count);
      var more = document.getElementById("review-more");
      if (more) { more.remove(); }
      if (page.next) {
        more = document.createElement("button");
        more.type = "button";
        more.id = "review-more";
        more.className = "imis-button";
        more.textContent = gettext("Show more") + " (" + (page.count - shown) + ")";
        more.addEventListener("click", function () { loadQueue(page.next); });
        queue.closest("table").after(more);
      }
    });
  }
  if (queue) { loadQueue(config.urls.queue); }
})();
