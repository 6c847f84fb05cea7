// Map analysis page (issue 30): draw an area, a line or a point (or pick a ward or a
// low-income community) and read what lies in it; or list the buildings a vacutug cannot
// reach and the containments near water, on the map and as a table. Every figure comes from
// the analysis API, which keeps to the reader's wards; this script only asks and draws.
(function () {
  "use strict";
  var element = document.getElementById("analysis-map");
  var config = IMISMap.readConfig(element);
  var gettext = window.gettext || function (text) { return text; };
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  var map = IMISMap.createMap(element, config);
  var number = IMISMap.number;
  var $ = function (id) { return document.getElementById(id); };
  var status = $("analysis-status");
  var result = $("analysis-result");
  var drawnLayer = L.featureGroup().addTo(map);
  var answerLayer = L.featureGroup().addTo(map);
  var drawn = null;  // the GeoJSON geometry drawn, while its tool is chosen
  var lastAsk = null;  // how to ask for the last answer again as a file

  function setStatus(text) { status.textContent = text; }

  function town() {
    var code = $("analysis-municipality").value;
    return config.municipalities.filter(function (m) { return m.code === code; })[0];
  }

  function fill(select, items) {
    select.textContent = "";
    items.forEach(function (item) {
      var option = document.createElement("option");
      option.value = item.id;
      option.textContent = item.label;
      select.appendChild(option);
    });
  }

  config.municipalities.forEach(function (m) {
    var option = document.createElement("option");
    option.value = m.code;
    option.textContent = m.name;
    $("analysis-municipality").appendChild(option);
  });
  $("analysis-buffer").max = String(config.maxBuffer);

  function townChanged() {
    var chosen = town();
    if (!chosen) { return; }
    fill($("analysis-ward"), chosen.wards);
    fill($("analysis-community"), chosen.communities);
    $("analysis-hose").value = chosen.hose;
  }

  function toolChanged() {
    var tool = $("analysis-tool").value;
    ["area", "hard", "water"].forEach(function (name) {
      $("analysis-" + name + "-options").hidden = name !== tool;
    });
  }

  function kindChanged() {
    var kind = $("analysis-area-kind").value;
    $("analysis-ward-row").hidden = kind !== "ward";
    $("analysis-community-row").hidden = kind !== "community";
    $("analysis-draw-row").hidden = kind === "ward" || kind === "community" || kind === "sewers";
    drawnLayer.clearLayers();
    drawn = null;
    $("analysis-drawn").textContent = "";
    // A line or a point is only an area with a buffer around it.
    if ((kind === "Line" || kind === "Marker" || kind === "sewers") && !(Number($("analysis-buffer").value) > 0)) {
      $("analysis-buffer").value = kind === "Marker" ? "50" : "30";
    }
  }

  $("analysis-municipality").addEventListener("change", townChanged);
  $("analysis-tool").addEventListener("change", toolChanged);
  $("analysis-area-kind").addEventListener("change", kindChanged);
  townChanged();
  toolChanged();

  $("analysis-draw").addEventListener("click", function () {
    var kind = $("analysis-area-kind").value;
    drawnLayer.clearLayers();
    drawn = null;
    map.pm.enableDraw(kind === "Marker" ? "CircleMarker" : kind, { snappable: false });
    setStatus(kind === "Polygon" ? gettext("Click the corners of the area; click the first corner to close it.")
      : kind === "Line" ? gettext("Click along the line; click its last point again to finish.")
        : gettext("Click the point."));
  });

  map.on("pm:create", function (event) {
    drawnLayer.clearLayers();
    drawnLayer.addLayer(event.layer);
    drawn = event.layer.toGeoJSON().geometry;
    map.pm.disableDraw();
    $("analysis-drawn").textContent = gettext("Drawn.");
    setStatus(gettext("Press Answer."));
  });

  function ask(url, options) {
    return fetch(url, Object.assign({ credentials: "same-origin" }, options)).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("json") < 0) {
        if (!response.ok) { throw new Error(IMISMap.errorText(null, response.status)); }
        return response.blob();
      }
      return response.json().then(function (body) {
        if (!response.ok) { throw new Error(IMISMap.errorText(body, response.status)); }
        return body;
      });
    });
  }

  function areaBody() {
    var kind = $("analysis-area-kind").value;
    var body = { municipality: town().code, buffer_m: Number($("analysis-buffer").value) || 0 };
    if (kind === "ward") { body.ward = Number($("analysis-ward").value); }
    else if (kind === "community") { body.low_income_community = Number($("analysis-community").value); }
    else if (kind === "sewers") { body.sewers = true; }
    else if (drawn) { body.geometry = drawn; }
    else { return null; }
    return body;
  }

  function query(tool) {
    var params = new URLSearchParams({ municipality: town().code });
    if (tool === "hard") {
      if ($("analysis-hose").value) { params.set("hose_length", $("analysis-hose").value); }
      if ($("analysis-width").value) { params.set("vehicle_width", $("analysis-width").value); }
      if ($("analysis-earthen").checked) { params.set("earthen", "true"); }
    } else if ($("analysis-distance").value) {
      params.set("distance", $("analysis-distance").value);
    }
    return params;
  }

  // A small table of [label, value] rows, numbers in the page's digits.
  function table(caption, rows, headers) {
    var box = document.createElement("table");
    box.className = "imis-table imis-analysis-table";
    var title = document.createElement("caption");
    title.textContent = caption;
    box.appendChild(title);
    if (headers) {
      var head = box.insertRow();
      headers.forEach(function (text) {
        var cell = document.createElement("th");
        cell.scope = "col";
        cell.textContent = text;
        head.appendChild(cell);
      });
    }
    rows.forEach(function (row) {
      var line = box.insertRow();
      row.forEach(function (value, index) {
        var cell = document.createElement(index === 0 ? "th" : "td");
        if (index === 0) { cell.scope = "row"; }
        cell.textContent = typeof value === "number" ? number(value) : (value === null ? "–" : value);
        line.appendChild(cell);
      });
    });
    result.appendChild(box);
  }

  // Bars of [label, value] rows, each with its share of the total.
  function bars(caption, rows) {
    var total = rows.reduce(function (sum, row) { return sum + row[1]; }, 0);
    var box = document.createElement("figure");
    box.className = "imis-analysis-bars";
    var title = document.createElement("figcaption");
    title.textContent = caption;
    box.appendChild(title);
    rows.forEach(function (row) {
      var line = document.createElement("div");
      line.className = "imis-analysis-bar";
      var label = document.createElement("span");
      label.textContent = row[0];
      var bar = document.createElement("span");
      bar.className = "imis-analysis-bar-fill";
      bar.style.width = (total ? Math.round(100 * row[1] / total) : 0) + "%";
      var value = document.createElement("span");
      value.textContent = number(row[1]) + (total ? " (" + number(Math.round(100 * row[1] / total)) + "%)" : "");
      line.appendChild(label);
      line.appendChild(bar);
      line.appendChild(value);
      box.appendChild(line);
    });
    result.appendChild(box);
  }

  function note(text) {
    var paragraph = document.createElement("p");
    paragraph.className = "imis-hint";
    paragraph.textContent = text;
    result.appendChild(paragraph);
  }

  function showArea(found) {
    answerLayer.clearLayers();
    var outline = L.geoJSON(found.geometry, { style: { color: "#e66101", weight: 2, fillOpacity: 0.08 } });
    answerLayer.addLayer(outline);
    map.fitBounds(outline.getBounds(), { maxZoom: 18 });
    highlight(found.geometry);
    note(found.definition);
    table(found.area.described, [
      [gettext("Area (hectares)"), Math.round(found.area.area_m2 / 100) / 100],
      [gettext("Buildings"), found.buildings],
      [gettext("Holdings"), found.holdings],
      [gettext("Households"), found.households],
      [gettext("People"), found.people.total],
      [gettext("Men and boys"), found.people.male],
      [gettext("Women and girls"), found.people.female],
      [gettext("People in low-income communities"), found.low_income_community.people],
      [gettext("Containments"), found.containments],
    ]);
    bars(gettext("People by JMP service level (surveyed households)"),
      found.ladder.map(function (rung) { return [rung.label, rung.people]; }));
    bars(gettext("People by where their excreta end up (SFD)"),
      found.sfd.fates.filter(function (fate) { return fate.people; })
        .map(function (fate) { return [fate.label, fate.people]; }));
    table(gettext("Containments by SFD class"), [
      [gettext("On a sewer"), found.sfd_classes.sewered],
      [gettext("Contained on site"), found.sfd_classes.contained],
      [gettext("Not contained"), found.sfd_classes.not_contained],
      [gettext("Unknown"), found.sfd_classes.unknown],
    ]);
    bars(gettext("Containments by type"),
      found.containment_types.map(function (item) { return [item.label, item.containments]; }));
    table(gettext("Compliance and emptying"), [
      [gettext("Compliant"), found.compliance.compliant],
      [gettext("Not compliant"), found.compliance.non_compliant],
      [gettext("Compliance unknown"), found.compliance.unknown],
      [gettext("Not assessed"), found.compliance.not_assessed],
      [gettext("Emptying overdue"), found.emptying.overdue],
      [gettext("Desludged recently"), found.emptying.desludged_recently],
      [gettext("Emptied this year"), found.emptying.emptied_this_year],
    ]);
    element.dataset.buildings = String(found.buildings);
  }

  // The buildings counted, highlighted (for areas small enough to name in a link).
  function highlight(geometry) {
    var area = JSON.stringify(geometry);
    if (area.length > 6000) { return; }
    var params = new URLSearchParams({ municipality: town().code, area: area, limit: "2000" });
    IMISMap.fetchGeoJSON(config.urls.buildings + "?" + params.toString()).then(function (found) {
      answerLayer.addLayer(L.geoJSON(found, {
        style: { color: "#b35806", weight: 1, fillColor: "#fdb863", fillOpacity: 0.8, className: "imis-analysis-highlight" },
      }));
    }).catch(function () { /* the figures stand without the highlight */ });
  }

  function points(items, colour, label) {
    answerLayer.clearLayers();
    items.forEach(function (item) {
      if (item.lat === null || item.lat === undefined) { return; }
      var marker = L.circleMarker([item.lat, item.lon], { radius: 4, color: colour, weight: 1, fillOpacity: 0.8 });
      marker.bindPopup(IMISMap.popupTable(label(item)));
      answerLayer.addLayer(marker);
    });
    if (answerLayer.getLayers().length) { map.fitBounds(answerLayer.getBounds(), { maxZoom: 17 }); }
  }

  function showHard(found) {
    note(found.definition);
    table(gettext("Per ward"), found.by_ward.map(function (row) {
      return [row.ward === null ? "–" : number(row.ward), row.buildings, row.hard_to_reach];
    }), [gettext("Ward"), gettext("Buildings"), gettext("Hard to reach")]);
    points(found.buildings, "#b2182b", function (item) {
      return [[gettext("Building"), item.bin], [gettext("Nearest usable road"), item.road || "–"],
        [gettext("Distance (m)"), item.distance_m === null ? "–" : number(item.distance_m)]];
    });
    element.dataset.hardToReach = String(found.buildings.length);
  }

  function showWater(found) {
    note(found.definition);
    table(gettext("Near water"), [
      [gettext("Containments near water"), found.containments_near_water],
      [gettext("Wells at risk"), found.wells_at_risk_count],
      [gettext("Water bodies at risk"), found.water_bodies_at_risk_count],
      [gettext("Buildings whose own well is at risk"), found.buildings_with_own_well_at_risk_count],
    ]);
    table(gettext("Per ward"), found.by_ward.map(function (row) {
      return [row.ward === null ? "–" : number(row.ward), row.containments];
    }), [gettext("Ward"), gettext("Containments near water")]);
    points(found.containments, "#2166ac", function (item) {
      return [[gettext("Containment"), item.code], [gettext("Well (m)"), item.well_m === null ? "–" : number(item.well_m)],
        [gettext("Water body (m)"), item.water_body_m === null ? "–" : number(item.water_body_m)],
        [gettext("Own well (m)"), item.own_well_m === null ? "–" : number(item.own_well_m)]];
    });
    element.dataset.nearWater = String(found.containments_near_water);
  }

  function request(tool, fileFormat) {
    if (tool === "area") {
      var body = areaBody();
      if (!body) { return null; }
      if (fileFormat) { body.file_format = fileFormat; }
      return [config.urls.area, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
        body: JSON.stringify(body),
      }];
    }
    var params = query(tool);
    if (fileFormat) { params.set("file_format", fileFormat); }
    return [config.urls[tool] + "?" + params.toString(), { headers: { Accept: "application/json" } }];
  }

  $("analysis-run").addEventListener("click", function () {
    var tool = $("analysis-tool").value;
    var asked = request(tool);
    if (!asked) { setStatus(gettext("Draw on the map first, or choose a ward or a community.")); return; }
    result.textContent = "";
    setStatus(gettext("Working…"));
    $("analysis-run").disabled = true;
    ask(asked[0], asked[1]).then(function (found) {
      ({ area: showArea, hard: showHard, water: showWater })[tool](found);
      lastAsk = tool;
      $("analysis-csv").disabled = $("analysis-xlsx").disabled = $("analysis-gpkg").disabled = false;
      setStatus(IMISMap.format(gettext("Answered at %(time)s."), { time: new Date().toLocaleTimeString(document.documentElement.lang) }));
    }).catch(function (error) {
      setStatus(error.message);
    }).then(function () { $("analysis-run").disabled = false; });
  });

  function download(fileFormat) {
    var asked = lastAsk && request(lastAsk, fileFormat);
    if (!asked) { return; }
    setStatus(gettext("Preparing the file…"));
    ask(asked[0], asked[1]).then(function (blob) {
      var link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = { area: "area-summary", hard: "hard-to-reach", water: "near-water" }[lastAsk] + "." + fileFormat;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setStatus(gettext("Downloaded."));
    }).catch(function (error) { setStatus(error.message); });
  }
  $("analysis-csv").addEventListener("click", function () { download("csv"); });
  $("analysis-xlsx").addEventListener("click", function () { download("xlsx"); });
  $("analysis-gpkg").addEventListener("click", function () { download("gpkg"); });
  // Saved analyses: the question asked now kept by name, and any kept one run again.
  var TOOL_NAMES = { area: "area", hard: "hard_to_reach", water: "near_water" };
  var TOOL_OF = { area: "area", hard_to_reach: "hard", near_water: "water" };
  var saved = [];

  function loadSaved() {
    return ask(config.urls.saved, { headers: { Accept: "application/json" } }).then(function (found) {
      saved = found.filter(function (item) { return item.municipality === town().code; });
      fill($("analysis-saved"), saved.map(function (item) { return { id: item.id, label: item.name }; }));
      $("analysis-saved-run").disabled = $("analysis-saved-delete").disabled = !saved.length;
    }).catch(function (error) { setStatus(error.message); });
  }

  function parameters(tool) {
    if (tool === "area") {
      var body = areaBody();
      if (body) { delete body.municipality; }
      return body;
    }
    var out = {};
    query(tool).forEach(function (value, key) { if (key !== "municipality") { out[key] = value; } });
    return out;
  }

  $("analysis-save").addEventListener("click", function () {
    var tool = $("analysis-tool").value;
    var kept = parameters(tool);
    if (!kept) { setStatus(gettext("Draw on the map first, or choose a ward or a community.")); return; }
    ask(config.urls.saved, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: JSON.stringify({ municipality: town().code, name: $("analysis-save-name").value, tool: TOOL_NAMES[tool], parameters: kept }),
    }).then(function (item) {
      setStatus(IMISMap.format(gettext("Saved as %(name)s."), { name: item.name }));
      return loadSaved().then(function () { $("analysis-saved").value = String(item.id); });
    }).catch(function (error) { setStatus(error.message); });
  });

  $("analysis-saved-run").addEventListener("click", function () {
    var item = saved.filter(function (one) { return String(one.id) === $("analysis-saved").value; })[0];
    if (!item) { return; }
    var tool = TOOL_OF[item.tool];
    $("analysis-tool").value = tool;
    toolChanged();
    result.textContent = "";
    setStatus(gettext("Working…"));
    ask(config.urls.saved + item.id + "/run/", { headers: { Accept: "application/json" } }).then(function (found) {
      ({ area: showArea, hard: showHard, water: showWater })[tool](found);
      lastAsk = null;
      $("analysis-csv").disabled = $("analysis-xlsx").disabled = $("analysis-gpkg").disabled = true;
      setStatus(IMISMap.format(gettext("%(name)s, run again."), { name: item.name }));
    }).catch(function (error) { setStatus(error.message); });
  });

  $("analysis-saved-delete").addEventListener("click", function () {
    var id = $("analysis-saved").value;
    if (!id || !window.confirm(gettext("Withdraw this saved analysis?"))) { return; }
    fetch(config.urls.saved + id + "/", {
      method: "DELETE", credentials: "same-origin", headers: { "X-CSRFToken": csrf },
    }).then(function (response) {
      if (!response.ok) {
        return response.json().then(function (body) { throw new Error(IMISMap.errorText(body, response.status)); });
      }
      setStatus(gettext("Withdrawn."));
      return loadSaved();
    }).catch(function (error) { setStatus(error.message); });
  });

  $("analysis-municipality").addEventListener("change", loadSaved);
  loadSaved();

  window.IMISAnalysis = { map: map };
  element.dataset.ready = "1";
})();
