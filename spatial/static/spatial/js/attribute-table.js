// The attribute table under the map editor (issue 22): the features of the editor's layer in
// the map's view, a ward or a drawn area, a page at a time, sorted and filtered by any column
// on the server (the REST list's sort, where and ids). Rows and map features select each
// other (a tick in the table, Shift-click on the map); the selection is drawn on the map,
// can be set one attribute in one go (bulk edit, with each record's version as read: nothing
// is overwritten silently) and exported as a file through the export jobs.
(function () {
  "use strict";
  var gettext = window.gettext || function (text) { return text; };
  var editor = window.IMISEditor;
  var map = editor.map;
  var element = document.getElementById("editor-map");
  var config = IMISMap.readConfig(element);
  var $ = function (id) { return document.getElementById(id); };
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  var panel = $("attributes");
  var registerSelect = $("editor-register");
  var tableHead = document.querySelector("#attributes-table thead tr");
  var tableBody = document.querySelector("#attributes-table tbody");
  var PAGE = 50;
  var NUMBER_OPS = ["eq", "ne", "lt", "le", "gt", "ge", "empty", "filled"];
  var TEXT_OPS = ["contains", "starts", "eq", "ne", "empty", "filled"];
  var CODE_OPS = ["eq", "ne", "empty", "filled"];
  var OP_LABELS = {
    eq: gettext("is"), ne: gettext("is not"), lt: gettext("less than"), le: gettext("at most"),
    gt: gettext("more than"), ge: gettext("at least"), contains: gettext("contains"),
    starts: gettext("starts with"), empty: gettext("is empty"), filled: gettext("is filled in"),
  };
  var YES_NO = { "true": gettext("Yes"), "false": gettext("No") };

  var state = { open: false, spec: null, scope: "view", ward: "", area: null, where: [], sort: "", offset: 0, matched: 0, rows: [] };
  var selection = {}; // id -> feature as read (its version is what a bulk edit sends)
  var request = {};

  function setStatus(text) { $("attributes-status").textContent = text; }
  function specOf(name) { return config.registers.filter(function (r) { return r.name === name; })[0]; }
  function count(object) { return Object.keys(object).length; }

  // ------------------------------------------------------------------ the map's side
  map.createPane("attributes-selection").style.zIndex = "460";
  var highlight = L.geoJSON(null, {
    pane: "attributes-selection", interactive: false,
    style: function () { return { color: "#00b7eb", weight: 4, fillColor: "#00b7eb", fillOpacity: 0.25, className: "imis-selected" }; },
    pointToLayer: function (feature, latlng) { return L.circleMarker(latlng, { radius: 9, pane: "attributes-selection", interactive: false }); },
  }).addTo(map);
  var areaLayer = L.geoJSON(null, { interactive: false, style: { color: "#6a3d9a", weight: 2, dashArray: "6 4", fill: false } }).addTo(map);
  var drawingArea = false;

  function drawSelection() {
    highlight.clearLayers();
    Object.keys(selection).forEach(function (id) { highlight.addData(selection[id]); });
    element.dataset.selectedFeatures = String(count(selection));
    var n = count(selection);
    $("attributes-selected").textContent = IMISMap.format(gettext("%(count)s selected"), { count: n });
    $("attributes-zoom").disabled = $("attributes-clear").disabled = !n;
    $("attributes-bulk-apply").disabled = $("attributes-export-start").disabled = !n || !state.spec;
    $("attributes-bulk-apply").textContent = IMISMap.format(gettext("Set on the %(count)s selected"), { count: n });
  }

  function toggle(feature, on) {
    if (on === undefined) { on = !selection[feature.id]; }
    if (on) {
      if (count(selection) >= config.maxSelection && !selection[feature.id]) {
        setStatus(IMISMap.format(gettext("At most %(count)s features can be selected at once."), { count: config.maxSelection }));
        return;
      }
      selection[feature.id] = feature;
    } else {
      delete selection[feature.id];
    }
    var box = tableBody.querySelector('input[data-id="' + feature.id + '"]');
    if (box) { box.checked = on; box.closest("tr").classList.toggle("imis-row-selected", on); }
    drawSelection();
  }

  element.addEventListener("imis:pick", function (event) {
    if (!state.spec || event.detail.register !== state.spec.name) {
      setStatus(gettext("That feature is of another layer than the table's."));
      return;
    }
    toggle(event.detail.feature);
  });

  // ------------------------------------------------------------------ reading
  function query(extra) {
    var parts = [];
    if (state.scope === "view") {
      var b = map.getBounds();
      parts.push("bbox=" + [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(6); }).join(","));
    } else if (state.scope === "ward" && state.ward) {
      parts.push("ward=" + state.ward);
    } else if (state.scope === "area" && state.area) {
      parts.push("area=" + encodeURIComponent(JSON.stringify(state.area)));
    }
    state.where.forEach(function (w) { parts.push("where=" + encodeURIComponent(w.text)); });
    if (state.sort) { parts.push("sort=" + encodeURIComponent(state.sort)); }
    return state.spec.url + "?" + parts.concat(extra || []).join("&");
  }

  function getJSON(url, holder) {
    if (holder && holder.controller) { holder.controller.abort(); }
    var controller = new AbortController();
    if (holder) { holder.controller = controller; }
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" }, signal: controller.signal })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!response.ok) { throw new Error(data.detail || String(response.status)); }
          return data;
        });
      });
  }

  function reload() {
    if (!state.open || !state.spec) { return Promise.resolve(); }
    if (state.scope === "ward" && !state.ward || state.scope === "area" && !state.area) {
      tableBody.textContent = "";
      setStatus(state.scope === "ward" ? gettext("Choose a ward.") : gettext("Draw the area on the map."));
      return Promise.resolve();
    }
    // "Loading…" goes when the rows come, unless something else was said meanwhile (a bulk
    // edit's outcome must outlast a reload the map's move starts).
    var loading = gettext("Loading…");
    if (!$("attributes-status").textContent) { setStatus(loading); }
    delete panel.dataset.loaded;
    return getJSON(query(["limit=" + PAGE, "offset=" + state.offset]), request).then(function (data) {
      state.rows = data.features;
      state.matched = data.numberMatched;
      render();
      if ($("attributes-status").textContent === loading) { setStatus(""); }
      panel.dataset.loaded = String(Date.now());
    }).catch(function (error) {
      if (error.name !== "AbortError") { setStatus(gettext("Could not load the table") + ": " + error.message); }
    });
  }

  // ------------------------------------------------------------------ the table
  function shown(column, value) {
    if (value === null || value === undefined || value === "") { return ""; }
    if (column.choices && column.choices[value] !== undefined) { return column.choices[value]; }
    if (typeof value === "string" && column.choices && Object.keys(column.choices).length) {
      // A list of codes (a sample's failing parameters): each by its name.
      return value.split(", ").map(function (code) { return column.choices[code] || code; }).join(", ");
    }
    if (column.kind === "yes/no") { return YES_NO[String(value)]; }
    if (column.kind === "number" && typeof value === "number") { return IMISMap.number(value); }
    return String(value);
  }

  function header() {
    tableHead.textContent = "";
    var all = document.createElement("th");
    all.scope = "col";
    var box = document.createElement("input");
    box.type = "checkbox";
    box.id = "attributes-page-all";
    box.setAttribute("aria-label", gettext("Select the features of this page"));
    box.addEventListener("change", function () {
      state.rows.forEach(function (feature) { toggle(feature, box.checked); });
    });
    all.appendChild(box);
    tableHead.appendChild(all);
    state.spec.columns.forEach(function (column) {
      var th = document.createElement("th");
      th.scope = "col";
      var sorted = state.sort === column.name ? "ascending" : state.sort === "-" + column.name ? "descending" : "none";
      th.setAttribute("aria-sort", sorted);
      if (column.kind === "other") { th.textContent = column.label; tableHead.appendChild(th); return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "imis-sort";
      button.dataset.column = column.name;
      button.textContent = column.label + (sorted === "ascending" ? " ▲" : sorted === "descending" ? " ▼" : "");
      button.addEventListener("click", function () {
        // Ascending, then descending, then the register's own order.
        state.sort = sorted === "none" ? column.name : sorted === "ascending" ? "-" + column.name : "";
        state.offset = 0;
        reload();
      });
      th.appendChild(button);
      tableHead.appendChild(th);
    });
  }

  function render() {
    header();
    tableBody.textContent = "";
    state.rows.forEach(function (feature) {
      var tr = document.createElement("tr");
      tr.dataset.id = String(feature.id);
      var cell = document.createElement("td");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.dataset.id = String(feature.id);
      box.checked = !!selection[feature.id];
      box.setAttribute("aria-label", IMISMap.format(gettext("Select %(feature)s"), { feature: rowName(feature) }));
      box.addEventListener("change", function () { toggle(feature, box.checked); });
      cell.appendChild(box);
      var show = document.createElement("button");
      show.type = "button";
      show.className = "imis-link-button";
      show.textContent = gettext("Show");
      show.setAttribute("aria-label", IMISMap.format(gettext("Show %(feature)s on the map"), { feature: rowName(feature) }));
      show.addEventListener("click", function () { map.fitBounds(L.geoJSON(feature).getBounds(), { maxZoom: 19 }); });
      cell.appendChild(show);
      tr.appendChild(cell);
      tr.classList.toggle("imis-row-selected", !!selection[feature.id]);
      state.spec.columns.forEach(function (column) {
        var td = document.createElement("td");
        td.textContent = shown(column, feature.properties[column.name]);
        tr.appendChild(td);
      });
      tableBody.appendChild(tr);
    });
    var last = Math.min(state.offset + state.rows.length, state.matched);
    $("attributes-page").textContent = state.matched
      ? IMISMap.format(gettext("%(first)s–%(last)s of %(count)s"), { first: state.offset + 1, last: last, count: state.matched })
      : gettext("No features");
    panel.dataset.matched = String(state.matched);
    $("attributes-previous").disabled = state.offset === 0;
    $("attributes-next").disabled = last >= state.matched;
    $("attributes-select-all").disabled = !state.matched;
  }

  function rowName(feature) {
    var key = state.spec.page && state.spec.page.key !== "id" ? feature.properties[state.spec.page.key] : null;
    return key || String(feature.id);
  }

  $("attributes-previous").addEventListener("click", function () { state.offset = Math.max(0, state.offset - PAGE); reload(); });
  $("attributes-next").addEventListener("click", function () { state.offset += PAGE; reload(); });

  // ------------------------------------------------------------------ filters
  function valueInput(holder, id, column) {
    holder.textContent = "";
    var input;
    var choices = column.kind === "yes/no" ? YES_NO : column.choices || {};
    if (Object.keys(choices).length) {
      input = document.createElement("select");
      Object.keys(choices).forEach(function (value) {
        var option = document.createElement("option");
        option.value = value;
        option.textContent = choices[value];
        input.appendChild(option);
      });
    } else {
      input = document.createElement("input");
      input.type = column.kind === "date" ? "date" : "text";
      if (column.kind === "number") { input.inputMode = "decimal"; }
    }
    input.id = id;
    holder.appendChild(input);
    return input;
  }

  function filterColumn() { return state.spec.columns.filter(function (c) { return c.name === $("attributes-column").value; })[0]; }

  function operators() {
    var column = filterColumn();
    var ops = column.kind === "text" && !count(column.choices) ? TEXT_OPS
      : column.kind === "number" || column.kind === "date" ? NUMBER_OPS : CODE_OPS;
    var select = $("attributes-operator");
    select.textContent = "";
    ops.forEach(function (op) {
      var option = document.createElement("option");
      option.value = op;
      option.textContent = OP_LABELS[op];
      select.appendChild(option);
    });
    valueInput($("attributes-value-box"), "attributes-value", column);
    $("attributes-value").hidden = false;
  }
  $("attributes-column").addEventListener("change", operators);
  $("attributes-operator").addEventListener("change", function () {
    var op = $("attributes-operator").value;
    $("attributes-value").hidden = op === "empty" || op === "filled";
  });

  $("attributes-filter").addEventListener("submit", function (event) {
    event.preventDefault();
    var column = filterColumn();
    var op = $("attributes-operator").value;
    var input = $("attributes-value");
    var valueless = op === "empty" || op === "filled";
    if (!valueless && !input.value.trim()) { setStatus(gettext("Give a value to compare with.")); input.focus(); return; }
    var value = valueless ? "" : input.value.trim();
    var said = valueless ? "" : input.tagName === "SELECT" ? input.options[input.selectedIndex].text : value;
    state.where.push({ text: column.name + ":" + op + ":" + value, label: [column.label, OP_LABELS[op], said].join(" ").trim() });
    state.offset = 0;
    showFilters();
    reload();
  });

  function showFilters() {
    var list = $("attributes-filters");
    list.textContent = "";
    state.where.forEach(function (w, index) {
      var item = document.createElement("li");
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "imis-chip";
      remove.textContent = w.label + " ×";
      remove.setAttribute("aria-label", IMISMap.format(gettext("Remove the filter %(filter)s"), { filter: w.label }));
      remove.addEventListener("click", function () { state.where.splice(index, 1); state.offset = 0; showFilters(); reload(); });
      item.appendChild(remove);
      list.appendChild(item);
    });
  }

  // ------------------------------------------------------------------ scope
  var wardsLoaded = false;
  function loadWards() {
    if (wardsLoaded) { return; }
    wardsLoaded = true;
    var wards = specOf("wards");
    if (!wards) { return; }
    getJSON(wards.url + "?limit=1000").then(function (data) {
      var select = $("attributes-ward");
      var none = document.createElement("option");
      none.value = "";
      none.textContent = "–";
      select.appendChild(none);
      data.features.forEach(function (ward) {
        var option = document.createElement("option");
        var p = ward.properties;
        option.value = String(ward.id);
        option.textContent = IMISMap.format(gettext("Ward %(number)s"), { number: p.number }) +
          ((document.documentElement.lang === "bn" && p.name_bn) || p.name ? " · " + ((document.documentElement.lang === "bn" && p.name_bn) || p.name) : "");
        select.appendChild(option);
      });
    });
  }

  $("attributes-scope").addEventListener("change", function () {
    state.scope = $("attributes-scope").value;
    $("attributes-ward").hidden = $("attributes-ward-label").hidden = state.scope !== "ward";
    $("attributes-draw").hidden = state.scope !== "area";
    if (state.scope === "ward") { loadWards(); }
    state.offset = 0;
    reload();
  });
  $("attributes-ward").addEventListener("change", function () { state.ward = $("attributes-ward").value; state.offset = 0; reload(); });
  $("attributes-draw").addEventListener("click", function () {
    drawingArea = true;
    map.pm.enableDraw("Polygon", { snappable: false });
    setStatus(gettext("Click each corner of the area; click the first one again to finish."));
  });
  map.on("pm:create", function (event) {
    if (!drawingArea) { return; }
    drawingArea = false;
    map.removeLayer(event.layer);
    state.area = event.layer.toGeoJSON(7).geometry;
    areaLayer.clearLayers();
    areaLayer.addData(state.area);
    state.offset = 0;
    reload();
  });

  var moved = null;
  map.on("moveend", function () {
    if (state.scope !== "view") { return; }
    clearTimeout(moved);
    moved = setTimeout(function () { state.offset = 0; reload(); }, 250);
  });

  // ------------------------------------------------------------------ the selection
  $("attributes-clear").addEventListener("click", function () {
    selection = {};
    Array.prototype.forEach.call(tableBody.querySelectorAll("input[type=checkbox]"), function (box) { box.checked = false; });
    Array.prototype.forEach.call(tableBody.querySelectorAll(".imis-row-selected"), function (tr) { tr.classList.remove("imis-row-selected"); });
    drawSelection();
  });
  $("attributes-zoom").addEventListener("click", function () {
    if (count(selection)) { map.fitBounds(highlight.getBounds(), { maxZoom: 19 }); }
  });
  $("attributes-select-all").addEventListener("click", function () {
    if (state.matched > config.maxSelection) {
      setStatus(IMISMap.format(gettext("%(count)s features match: filter further, at most %(most)s can be selected at once."), { count: state.matched, most: config.maxSelection }));
      return;
    }
    setStatus(gettext("Loading…"));
    getJSON(query(["limit=" + config.maxSelection])).then(function (data) {
      data.features.forEach(function (feature) { selection[feature.id] = feature; });
      render();
      drawSelection();
      setStatus(IMISMap.format(gettext("%(count)s features selected."), { count: data.features.length }));
    }).catch(function (error) { setStatus(gettext("Could not load the table") + ": " + error.message); });
  });

  // ------------------------------------------------------------------ bulk edit
  function bulkField() { return state.spec.bulk.filter(function (f) { return f.name === $("attributes-bulk-field").value; })[0]; }

  function bulkInput() {
    var field = bulkField();
    var holder = $("attributes-bulk-box");
    holder.textContent = "";
    if (!field) { return; }
    var input = IMISMap.fieldInput(field);
    input.id = "attributes-bulk-value";
    holder.appendChild(input);
  }
  $("attributes-bulk-field").addEventListener("change", bulkInput);

  function bulkValue(field, input) {
    var raw = input.value.trim();
    if (field.kind === "select") { return raw === "" ? null : JSON.parse(raw); }
    if (raw === "") { return field.kind === "text" && !field.allowNull ? "" : null; }
    return field.kind === "number" ? Number(raw) : raw;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) { return { status: response.status, data: data }; });
    });
  }

  $("attributes-bulk").addEventListener("submit", function (event) {
    event.preventDefault();
    var field = bulkField();
    var input = $("attributes-bulk-value");
    var ids = Object.keys(selection);
    if (!field || !ids.length) { return; }
    if (ids.length > config.maxBulk) {
      setStatus(IMISMap.format(gettext("At most %(count)s features can be set at once: narrow the selection."), { count: config.maxBulk }));
      return;
    }
    var value = bulkValue(field, input);
    var said = input.tagName === "SELECT" ? input.options[input.selectedIndex].text : (input.value || "–");
    var question = IMISMap.format(gettext("Set %(field)s to “%(value)s” on %(count)s features? Each keeps its history."), { field: field.label, value: said, count: ids.length });
    if (!window.confirm(question)) { return; }
    setStatus(gettext("Saving…"));
    var records = ids.map(function (id) { return { id: Number(id), version: selection[id].properties.version }; });
    post(state.spec.bulkUrl, { property: field.name, value: value, records: records }).then(function (answer) {
      var message;
      if (answer.status === 200) {
        answer.data.records.forEach(function (record) {
          var feature = selection[record.id];
          feature.properties.version = record.version;
          feature.properties[field.name] = value;
        });
        message = IMISMap.format(gettext("Saved on %(count)s features."), { count: answer.data.updated });
      } else {
        var errors = (answer.data && answer.data.errors) || {};
        message = [answer.data.detail].concat(errors.records || []).filter(Boolean).join(" ") || String(answer.status);
      }
      editor.reload();
      // What the records hold now; then say what happened (the reload says "Loading…").
      var fresh = answer.status === 412 ? refreshSelection() : Promise.resolve();
      return Promise.all([fresh, reload()]).then(function () {
        setStatus(message);
        panel.dataset.bulk = answer.status === 200 ? "saved" : String(answer.status);
      });
    });
  });

  // After a conflict: the selected features as they are now (their versions too).
  function refreshSelection() {
    var ids = Object.keys(selection);
    var chunks = [];
    for (var i = 0; i < ids.length; i += 300) { chunks.push(ids.slice(i, i + 300)); }
    return Promise.all(chunks.map(function (chunk) {
      return getJSON(state.spec.url + "?limit=300&ids=" + chunk.join(","));
    })).then(function (pages) {
      selection = {};
      pages.forEach(function (page) { page.features.forEach(function (f) { selection[f.id] = f; }); });
      drawSelection();
    });
  }

  // ------------------------------------------------------------------ export
  $("attributes-export").addEventListener("submit", function (event) {
    event.preventDefault();
    var ids = Object.keys(selection).map(Number);
    if (!ids.length) { return; }
    var link = $("attributes-download");
    link.hidden = true;
    setStatus(gettext("Exporting…"));
    post(config.exportUrl, { layer: state.spec.name, format: $("attributes-export-format").value, ids: ids }).then(function (answer) {
      if (answer.status !== 202) { setStatus(answer.data.detail || String(answer.status)); return; }
      follow(answer.data.url);
    });
  });

  function follow(url) {
    getJSON(url).then(function (job) {
      if (job.status === "done") {
        var link = $("attributes-download");
        link.href = job.file_url;
        link.hidden = false;
        setStatus(IMISMap.format(gettext("The file of %(count)s features is ready."), { count: job.total || 0 }));
        return;
      }
      if (job.status === "failed") { setStatus(job.error || gettext("The export failed.")); return; }
      setStatus(job.stage + (job.percent !== null ? " " + IMISMap.format("%(percent)s%", { percent: job.percent }) : ""));
      setTimeout(function () { follow(url); }, 1000);
    }).catch(function (error) { setStatus(error.message); });
  }

  // ------------------------------------------------------------------ the layer
  function useLayer() {
    state.spec = specOf(registerSelect.value);
    state.where = [];
    state.sort = "";
    state.offset = 0;
    selection = {};
    $("attributes-layer").textContent = state.spec.title;
    var column = $("attributes-column");
    column.textContent = "";
    state.spec.columns.forEach(function (c) {
      if (c.kind === "other") { return; }
      var option = document.createElement("option");
      option.value = c.name;
      option.textContent = c.label;
      column.appendChild(option);
    });
    operators();
    var bulk = $("attributes-bulk-field");
    bulk.textContent = "";
    state.spec.bulk.forEach(function (f) {
      var option = document.createElement("option");
      option.value = f.name;
      option.textContent = f.label;
      bulk.appendChild(option);
    });
    bulkInput();
    showFilters();
    drawSelection();
    reload();
  }
  registerSelect.addEventListener("change", useLayer);

  $("attributes-toggle").addEventListener("click", function () {
    state.open = !state.open;
    $("attributes-toggle").setAttribute("aria-expanded", String(state.open));
    $("attributes-body").hidden = !state.open;
    panel.dataset.open = state.open ? "1" : "0";
    // The map's box changed size.
    setTimeout(function () { map.invalidateSize(); }, 0);
    reload();
  });

  useLayer();
})();
