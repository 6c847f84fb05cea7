// The map editor (issue 21): the GIS officer draws, reshapes, moves, splits, merges and
// retires register features, with snapping (Leaflet-Geoman) and an attribute form built from
// the register's declaration. Every save sends the ETag it read (If-Match): on 412 the
// officer sees what the other person changed and chooses, field by field. Undo and redo
// replay the officer's own saves. The API checks every edit again; this page only offers.
(function () {
  "use strict";
  var gettext = window.gettext || function (text) { return text; };
  var element = document.getElementById("editor-map");
  var config = IMISMap.readConfig(element);
  var map = IMISMap.createMap(element, config);
  IMISMap.layersControl(map, null, { collapsed: true, position: "bottomleft" });
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  var $ = function (id) { return document.getElementById(id); };
  var status = $("editor-status");
  var form = $("editor-form");
  var fieldsBox = $("editor-fields");
  var registerSelect = $("editor-register");
  var municipalitySelect = $("editor-municipality");
  var snapInput = $("editor-snap");
  var buttons = {
    draw: $("editor-draw"), move: $("editor-move"), split: $("editor-split"),
    merge: $("editor-merge"), copy: $("editor-copy"), retire: $("editor-retire"),
    undo: $("editor-undo"), redo: $("editor-redo"),
  };

  function setStatus(text) { status.textContent = text; }

  // ------------------------------------------------------------------ requests
  function request(method, url, body, etag) {
    var headers = { Accept: "application/geo+json, application/json", "X-CSRFToken": csrf };
    if (body !== undefined) { headers["Content-Type"] = "application/json"; }
    if (etag) { headers["If-Match"] = etag; }
    return fetch(url, {
      method: method, credentials: "same-origin", headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      var parsed = type.indexOf("json") >= 0 ? response.json() : Promise.resolve(null);
      return parsed.then(function (data) {
        return { status: response.status, etag: response.headers.get("ETag"), data: data };
      });
    });
  }

  function detailUrl(spec, id) { return spec.detailUrl.replace("/0/", "/" + id + "/"); }
  function toolUrl(spec, tool, id) { return spec.tools[tool].replace("/0/", "/" + id + "/"); }

  function read(spec, id) {
    return request("GET", detailUrl(spec, id)).then(function (answer) {
      if (answer.status !== 200) { throw new Error(answer.status); }
      return { etag: answer.etag, feature: answer.data };
    });
  }

  // ------------------------------------------------------------------ layers
  var registers = {};
  var order = [];
  config.registers.forEach(function (spec, index) {
    var style = spec.style;
    // Each register in a pane of its own, the first in the list on top (wards, last,
    // lie under everything), whatever order their features arrive in.
    var pane = "editor-" + spec.name;
    map.createPane(pane).style.zIndex = String(450 - index);
    var pathStyle = {
      color: style.color, weight: Math.max(style.weight, 1.5), fillColor: style.fill || style.color,
      fillOpacity: spec.shape === "Point" ? 0.9 : Math.min(0.25, style.fillOpacity),
    };
    var group = L.geoJSON(null, {
      pane: pane,
      style: function () { return pathStyle; },
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, L.extend({ radius: style.radius + 1, pane: pane }, pathStyle));
      },
      onEachFeature: function (feature, layer) {
        layer.feature = feature;
        layer.on("click", function (event) {
          // While drawing, the click is the drawing's (a corner on top of a ward, say, or
          // of the attribute table's area).
          if (mode === "drawing" || mode === "split" || map.pm.globalDrawModeEnabled()) { return; }
          L.DomEvent.stopPropagation(event);
          // Shift- or Ctrl-click picks the feature for the attribute table's selection.
          var keys = event.originalEvent || {};
          if (keys.shiftKey || keys.ctrlKey || keys.metaKey) {
            element.dispatchEvent(new CustomEvent("imis:pick", { detail: { register: spec.name, feature: layer.feature } }));
            return;
          }
          clicked(spec.name, layer);
        });
      },
    }).addTo(map);
    registers[spec.name] = { spec: spec, group: group, request: {}, style: pathStyle };
    order.push(spec.name);
    var option = document.createElement("option");
    option.value = spec.name;
    option.textContent = spec.title;
    registerSelect.appendChild(option);
  });
  config.municipalities.forEach(function (m) {
    var option = document.createElement("option");
    option.value = m.code;
    option.textContent = m.name;
    municipalitySelect.appendChild(option);
  });
  if (config.municipalities.length < 2) {
    municipalitySelect.hidden = true;
    $("editor-municipality-label").hidden = true;
  }
  function municipality() {
    var code = municipalitySelect.value;
    return config.municipalities.filter(function (m) { return m.code === code; })[0];
  }
  function describeScope() {
    var m = municipality();
    $("editor-scope").textContent = m.wards === null
      ? IMISMap.format(gettext("You edit the whole of %(municipality)s."), { municipality: m.name })
      : IMISMap.format(gettext("You edit %(count)s of the wards of %(municipality)s; features elsewhere are shown for reference."), { municipality: m.name, count: m.wards.length });
  }
  municipalitySelect.addEventListener("change", describeScope);
  describeScope();

  function active() { return registers[registerSelect.value]; }

  // Whether the officer's wards reach a feature (the server decides again on save).
  function mayEdit(spec, feature) {
    var m = config.municipalities.filter(function (x) {
      return !feature || !feature.properties.municipality || x.code === feature.properties.municipality;
    })[0];
    if (!m) { return false; }
    if (m.wards === null || !spec.scopeBy || !feature) { return true; }
    var ward = spec.scopeBy === "id" ? feature.id : feature.properties[spec.scopeBy];
    return m.wards.indexOf(ward) >= 0;
  }

  function viewQuery() {
    var b = map.getBounds();
    return "bbox=" + [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]
      .map(function (v) { return v.toFixed(6); }).join(",");
  }

  var zoomMessage = "";
  // Every register's features in view: what is edited, and what the drawing snaps to.
  function load() {
    var hidden = [];
    var pending = order.map(function (name) {
      var entry = registers[name];
      var spec = entry.spec;
      if (spec.minZoom && map.getZoom() < spec.minZoom) {
        if (!(selected && selected.register === name)) { entry.group.clearLayers(); }
        hidden.push(spec.title);
        return Promise.resolve();
      }
      return IMISMap.fetchGeoJSON(spec.url + "?limit=" + spec.limit + "&" + viewQuery(), entry.request)
        .then(function (data) { show(entry, data); })
        .catch(function (error) {
          if (error.name !== "AbortError") { setStatus(gettext("Could not load the layer") + ": " + error.message); }
        });
    });
    // Say what the zoom hides; take the words back once nothing is hidden.
    if (hidden.length) {
      zoomMessage = IMISMap.format(gettext("Zoom in to see: %(layers)s"), { layers: hidden.join(", ") });
      setStatus(zoomMessage);
    } else if (zoomMessage && status.textContent === zoomMessage) {
      setStatus("");
    }
    return Promise.all(pending).then(function () { element.dataset.loaded = String(Date.now()); });
  }

  // Replace a register's features, keeping the one being edited as the officer left it.
  function show(entry, data) {
    var keep = selected && selected.register === entry.spec.name ? selected.layer : null;
    entry.group.eachLayer(function (layer) { if (layer !== keep) { entry.group.removeLayer(layer); } });
    entry.group.addData({
      type: "FeatureCollection",
      features: data.features.filter(function (f) { return !keep || f.id !== selected.id; }),
    });
    element.dataset[entry.spec.name.replace(/-([a-z])/g, function (_, c) { return c.toUpperCase(); }) + "Count"] = String(data.numberReturned);
  }

  map.on("moveend", function () { load(); });

  // ------------------------------------------------------------------ snapping
  var snapDistance = config.snapDistance;
  snapInput.value = String(snapDistance);
  function snapOptions() {
    return { snappable: snapDistance > 0, snapDistance: snapDistance, allowSelfIntersection: true };
  }
  map.pm.setGlobalOptions(snapOptions());
  snapInput.addEventListener("change", function () {
    var value = parseInt(snapInput.value, 10);
    snapDistance = isNaN(value) ? 0 : Math.max(0, Math.min(60, value));
    snapInput.value = String(snapDistance);
    map.pm.setGlobalOptions(snapOptions());
    if (selected && selected.layer.pm.enabled()) { selected.layer.pm.enable(snapOptions()); }
  });

  // ------------------------------------------------------------------ the form
  function fieldValue(field, value) {
    if (field.kind === "ids") {
      return (value || []).map(function (item) { return typeof item === "object" ? item.id : item; }).join(", ");
    }
    if (field.kind === "select") { return value === null || value === undefined || value === "" ? "" : JSON.stringify(value); }
    return value === null || value === undefined ? "" : String(value);
  }

  // What the form holds for a field, as the API takes it.
  function parsed(field, input) {
    var raw = input.value.trim();
    if (field.kind === "ids") {
      return raw ? raw.split(/[\s,]+/).map(function (part) { return Number(part); }) : [];
    }
    if (raw === "") { return field.allowNull || field.kind !== "text" && field.kind !== "select" ? null : ""; }
    if (field.kind === "select") { return JSON.parse(raw); }
    if (field.kind === "number") { return Number(raw); }
    return raw;
  }

  function buildForm(spec, properties) {
    fieldsBox.textContent = "";
    spec.fields.forEach(function (field) {
      var row = document.createElement("div");
      row.className = "imis-field";
      var label = document.createElement("label");
      var id = "field-" + field.name;
      label.htmlFor = id;
      label.textContent = field.label;
      var input = IMISMap.fieldInput(field);
      input.id = id;
      input.name = field.name;
      input.value = fieldValue(field, properties[field.name]);
      var error = document.createElement("p");
      error.className = "imis-field-error";
      error.id = "error-" + field.name;
      input.setAttribute("aria-describedby", error.id);
      row.appendChild(label);
      row.appendChild(input);
      if (field.help) {
        var help = document.createElement("p");
        help.className = "imis-hint";
        help.textContent = field.help;
        row.appendChild(help);
      }
      row.appendChild(error);
      fieldsBox.appendChild(row);
    });
  }

  function formValues(spec) {
    var values = {};
    spec.fields.forEach(function (field) { values[field.name] = parsed(field, form.elements[field.name]); });
    return values;
  }

  function same(a, b) { return JSON.stringify(a === undefined ? null : a) === JSON.stringify(b === undefined ? null : b); }

  function originalValue(field, properties) { return parsed(field, { value: fieldValue(field, properties[field.name]) }); }

  function clearErrors() {
    $("editor-form-error").textContent = "";
    Array.prototype.forEach.call(fieldsBox.querySelectorAll(".imis-field-error"), function (p) { p.textContent = ""; });
    Array.prototype.forEach.call(fieldsBox.querySelectorAll("[aria-invalid]"), function (i) { i.removeAttribute("aria-invalid"); });
    if (problemMarker) { map.removeLayer(problemMarker); problemMarker = null; }
  }

  var problemMarker = null;
  // Errors where they belong: on the field, or on the map where the geometry is wrong.
  function showErrors(data) {
    var errors = (data && data.errors) || {};
    var general = [];
    Object.keys(errors).forEach(function (name) {
      var message = [].concat(errors[name]).join(" ");
      var target = $("error-" + name);
      if (target) {
        target.textContent = message;
        form.elements[name].setAttribute("aria-invalid", "true");
        return;
      }
      general.push(message);
      var place = /\((-?[\d.]+), (-?[\d.]+)\)/.exec(message);
      if (place && !problemMarker) {
        problemMarker = L.circleMarker([parseFloat(place[2]), parseFloat(place[1])], {
          radius: 9, color: "#b2182b", weight: 3, fill: false, className: "imis-problem", pmIgnore: true, snapIgnore: true,
        }).bindTooltip(message).addTo(map);
      }
    });
    $("editor-form-error").textContent = general.join(" ") || (data && !Object.keys(errors).length ? data.detail : "");
  }

  // ------------------------------------------------------------------ selection
  var selected = null; // {register, id, etag, layer, original: {geometry, properties}, isNew}
  var mode = "idle"; // idle, drawing, split, merge, copy

  function geometryOf(layer) { return layer.toGeoJSON(7).geometry; }

  function setButtons() {
    var spec = active().spec;
    var chosen = selected && !selected.isNew && selected.editable;
    buttons.move.disabled = !(selected && selected.editable) || spec.shape === "Point";
    buttons.retire.disabled = !chosen;
    buttons.retire.textContent = spec.retires ? gettext("Retire") : gettext("Delete");
    buttons.copy.disabled = !(selected && selected.editable);
    buttons.split.hidden = buttons.merge.hidden = !spec.tools.split;
    buttons.split.disabled = buttons.merge.disabled = !chosen;
    buttons.undo.disabled = !undoStack.length;
    buttons.redo.disabled = !redoStack.length;
    buttons.draw.textContent = IMISMap.format(gettext("Draw new: %(layer)s"), { layer: spec.title });
  }

  function stopEditing(layer) {
    if (!layer || !layer.pm) { return; }
    layer.pm.disable();
    if (layer.pm.layerDragEnabled && layer.pm.layerDragEnabled()) { layer.pm.disableLayerDrag(); }
    buttons.move.setAttribute("aria-pressed", "false");
  }

  function deselect(restore) {
    if (!selected) { return; }
    stopEditing(selected.layer);
    var entry = registers[selected.register];
    if (selected.isNew) {
      entry.group.removeLayer(selected.layer);
      map.removeLayer(selected.layer);
    } else if (restore) {
      entry.group.removeLayer(selected.layer);
      entry.group.addData({ type: "Feature", id: selected.id, geometry: selected.original.geometry, properties: selected.original.properties });
    } else {
      selected.layer.setStyle && selected.layer.setStyle(entry.style);
    }
    selected = null;
    form.hidden = true;
    clearErrors();
    setButtons();
  }

  function editShape(layer) {
    layer.pm.enable(snapOptions());
    if (layer.setStyle) { layer.setStyle({ color: "#e66101", weight: 3 }); }
  }

  function openForm(spec, properties, title) {
    buildForm(spec, properties);
    $("editor-form-title").textContent = title;
    var link = $("editor-page-link");
    var key = spec.page && selected && !selected.isNew && (spec.page.key === "id" ? selected.id : properties[spec.page.key]);
    link.hidden = !key;
    if (key) { link.href = spec.page.url.replace("__key__", encodeURIComponent(key)); }
    Array.prototype.forEach.call(form.elements, function (input) {
      if (input.name && input.closest("#editor-fields")) { input.disabled = !selected.editable; }
    });
    $("editor-save").disabled = !selected.editable;
    // Data quality: a footprint overlapping another is saved, with a warning to check it.
    var overlaps = properties.overlaps || [];
    $("editor-form-warning").textContent = overlaps.length
      ? IMISMap.format(gettext("It overlaps %(buildings)s: check the footprints."), {
        buildings: overlaps.map(function (o) { return IMISMap.format(gettext("%(bin)s by %(area)s m²"), { bin: o.bin, area: o.overlap_m2 }); }).join(", "),
      })
      : "";
    form.hidden = false;
  }

  function select(name, layer) {
    var entry = registers[name];
    var spec = entry.spec;
    registerSelect.value = name;
    var id = layer.feature.id;
    return read(spec, id).then(function (answer) {
      selected = {
        register: name, id: id, etag: answer.etag, layer: layer, isNew: false,
        editable: mayEdit(spec, answer.feature),
        original: { geometry: answer.feature.geometry, properties: answer.feature.properties },
      };
      var key = spec.page && (spec.page.key === "id" ? id : answer.feature.properties[spec.page.key]);
      openForm(spec, answer.feature.properties, spec.title + " " + (key || id));
      if (selected.editable) {
        editShape(layer);
        setStatus("");
      } else {
        setStatus(gettext("This feature lies outside your wards: you can look, not edit."));
      }
      setButtons();
      element.dataset.selected = String(id);
    });
  }

  function clicked(name, layer) {
    if (mode === "drawing" || mode === "split") { return; }
    if (mode === "merge") { return mergeWith(name, layer); }
    if (mode === "copy") { return copyFrom(name, layer); }
    if (selected && selected.layer === layer) { return; }
    deselect(true);
    select(name, layer).catch(function (error) { setStatus(gettext("Could not load the feature") + ": " + error.message); });
  }

  registerSelect.addEventListener("change", function () { deselect(true); setButtons(); });

  // ------------------------------------------------------------------ drawing
  var GEOMAN_SHAPE = { Polygon: "Polygon", LineString: "Line", Point: "CircleMarker" };

  buttons.draw.addEventListener("click", function () {
    deselect(true);
    mode = "drawing";
    map.pm.enableDraw(GEOMAN_SHAPE[active().spec.shape], snapOptions());
    setStatus(active().spec.shape === "Point" ? gettext("Click where it is.") : gettext("Click each corner; click the first one again (or the last one twice) to finish."));
  });

  map.on("pm:create", function (event) {
    if (mode === "split") { return splitAlong(event.layer); }
    if (mode !== "drawing") { map.removeLayer(event.layer); return; }
    mode = "idle";
    var spec = active().spec;
    var layer = event.layer;
    selected = {
      register: spec.name, id: null, etag: null, layer: layer, isNew: true, editable: true,
      original: { geometry: null, properties: {} },
    };
    var properties = {};
    if (spec.fields.some(function (f) { return f.name === "buildings"; })) {
      var building = buildingAt(layer.getLatLng());
      if (building) { properties.buildings = [building.feature.id]; }
    }
    openForm(spec, properties, IMISMap.format(gettext("New: %(layer)s"), { layer: spec.title }));
    editShape(layer);
    setStatus(gettext("Fill in what you know, then save."));
    setButtons();
  });

  // The building under a point (a containment drawn on or beside it serves it).
  function buildingAt(latlng) {
    var entry = registers.buildings;
    if (!entry) { return null; }
    var found = null;
    var nearest = Infinity;
    entry.group.eachLayer(function (layer) {
      if (!layer.getBounds) { return; }
      var distance = layer.getBounds().getCenter().distanceTo(latlng);
      if (layer.getBounds().contains(latlng)) { distance = 0; }
      if (distance < nearest && distance < 30) { nearest = distance; found = layer; }
    });
    return found;
  }

  // ------------------------------------------------------------------ saving
  function changes(spec) {
    var values = formValues(spec);
    var properties = {};
    spec.fields.forEach(function (field) {
      var before = originalValue(field, selected.original.properties);
      if (!same(values[field.name], before)) {
        properties[field.name] = values[field.name];
      }
    });
    var geometry = geometryOf(selected.layer);
    var reshaped = selected.isNew || !same(geometry, selected.original.geometry);
    return { properties: properties, geometry: reshaped ? geometry : null };
  }

  function body(change) {
    var out = { type: "Feature", properties: change.properties };
    if (change.geometry) { out.geometry = change.geometry; }
    return out;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    save(changes(active().spec));
  });

  function save(change) {
    var spec = registers[selected.register].spec;
    clearErrors();
    if (!selected.isNew && !change.geometry && !Object.keys(change.properties).length) {
      setStatus(gettext("Nothing to save: nothing has changed."));
      return Promise.resolve();
    }
    if (selected.isNew) {
      change.properties.municipality = municipalitySelect.value;
    }
    setStatus(gettext("Saving…"));
    $("editor-save").disabled = true;
    var sent = selected.isNew
      ? request("POST", spec.url, body(change))
      : request("PATCH", detailUrl(spec, selected.id), body(change), selected.etag);
    return sent.then(function (answer) {
      $("editor-save").disabled = false;
      if (answer.status === 200 || answer.status === 201) { return saved(spec, change, answer); }
      if (answer.status === 412) { return conflict(spec, change); }
      showErrors(answer.data);
      setStatus(answer.status === 403 ? answer.data.detail : gettext("Not saved: see the messages by the fields."));
    }).catch(function (error) {
      $("editor-save").disabled = false;
      setStatus(gettext("Not saved: the server could not be reached. Your change is still here; try again.") + " (" + error.message + ")");
    });
  }

  function saved(spec, change, answer) {
    var feature = answer.data;
    var before = { geometry: selected.original.geometry, properties: {} };
    Object.keys(change.properties).forEach(function (name) {
      if (name !== "municipality") { before.properties[name] = selected.original.properties[name]; }
    });
    var after = { geometry: change.geometry, properties: change.properties };
    if (!change.geometry) { before.geometry = null; }
    delete after.properties.municipality;
    record({ register: spec.name, id: feature.id, created: selected.isNew, before: before, after: after });
    return finish(spec, feature.id, gettext("Saved."));
  }

  // After a save: the feature as the server now has it, selected again with its new ETag.
  function finish(spec, id, message) {
    if (selected) { stopEditing(selected.layer); map.removeLayer(selected.layer); registers[selected.register].group.removeLayer(selected.layer); }
    selected = null;
    return load().then(function () {
      var layer = null;
      registers[spec.name].group.eachLayer(function (l) { if (l.feature && l.feature.id === id) { layer = l; } });
      if (!layer) { form.hidden = true; setButtons(); setStatus(message); return; }
      return select(spec.name, layer).then(function () { setStatus(message); });
    });
  }

  // ------------------------------------------------------------------ 412: someone else saved
  var dialog = $("editor-conflict");
  var theirShape = null;

  function conflict(spec, change) {
    return read(spec, selected.id).then(function (theirs) {
      var mine = formValues(spec);
      var rows = $("editor-conflict-rows");
      rows.textContent = "";
      var choices = [];
      var latest = (theirs.feature.properties.history || [])[0];
      $("editor-conflict-who").textContent = latest && latest.user
        ? IMISMap.format(gettext("%(user)s saved it at %(at)s."), { user: latest.user, at: new Date(latest.at).toLocaleString(document.documentElement.lang) })
        : "";
      function row(name, label, yours, their, yourText, theirText, changedByThem) {
        var tr = document.createElement("tr");
        var th = document.createElement("th");
        th.scope = "row";
        th.textContent = label;
        tr.appendChild(th);
        [["mine", yourText, !changedByThem || name in change.properties], ["theirs", theirText, false]].forEach(function (side, index) {
          var td = document.createElement("td");
          var input = document.createElement("input");
          input.type = "radio";
          input.name = "conflict-" + name;
          input.value = side[0];
          input.id = "conflict-" + name + "-" + side[0];
          input.checked = index === 0 ? side[2] : !rowsMineDefault(name, changedByThem);
          var label2 = document.createElement("label");
          label2.htmlFor = input.id;
          label2.textContent = side[1] === "" ? "–" : side[1];
          td.appendChild(input);
          td.appendChild(label2);
          tr.appendChild(td);
        });
        rows.appendChild(tr);
        choices.push({ name: name, yours: yours, theirs: their });
      }
      function rowsMineDefault(name, changedByThem) { return !changedByThem || name in change.properties || (name === "geometry" && change.geometry); }
      spec.fields.forEach(function (field) {
        var original = originalValue(field, selected.original.properties);
        var their = originalValue(field, theirs.feature.properties);
        var changedByThem = !same(their, original);
        // Only what they changed is a question; what only I changed goes as it is.
        if (!changedByThem) { return; }
        if (same(mine[field.name], their)) { return; }
        row(field.name, field.label, mine[field.name], their, shown(field, mine[field.name]), shown(field, their), changedByThem);
      });
      var theirGeometry = theirs.feature.geometry;
      var mineGeometry = geometryOf(selected.layer);
      if (!same(theirGeometry, selected.original.geometry)) {
        if (!same(theirGeometry, mineGeometry)) {
          row("geometry", gettext("Shape and place"), mineGeometry, theirGeometry, gettext("Yours (solid)"), gettext("Theirs (dashed)"), !same(theirGeometry, selected.original.geometry));
          theirShape = L.geoJSON(theirGeometry, {
            style: { color: "#1b7837", weight: 3, dashArray: "6 4", fill: false },
            pointToLayer: function (f, latlng) { return L.circleMarker(latlng, { radius: 9, color: "#1b7837", dashArray: "4 3" }); },
            pmIgnore: true, snapIgnore: true,
          }).addTo(map);
        }
      }
      if (!choices.length) {
        // Only what the record links to moved (a household, a neighbour's overlap): none of
        // its own values differ from mine, so mine go on top of theirs without asking.
        return resolveConflict(spec, theirs, [], "mine");
      }
      dialog.returnValue = "";
      setStatus(gettext("Not saved: someone else saved first. Choose what to keep."));
      dialog.showModal();
      dialog.addEventListener("close", function onClose() {
        dialog.removeEventListener("close", onClose);
        if (theirShape) { map.removeLayer(theirShape); theirShape = null; }
        resolveConflict(spec, theirs, choices, dialog.returnValue);
      });
      element.dataset.conflict = "1";
    });
  }

  function shown(field, value) {
    if (value === null || value === undefined || value === "") { return ""; }
    if (field.kind === "select") {
      var choice = field.choices.filter(function (c) { return same(c[0], value); })[0];
      return choice ? choice[1] : String(value);
    }
    return Array.isArray(value) ? value.join(", ") : String(value);
  }

  function resolveConflict(spec, theirs, choices, answer) {
    // From now on the edit is against what they saved.
    selected.etag = theirs.etag;
    var previous = selected.original;
    selected.original = { geometry: theirs.feature.geometry, properties: theirs.feature.properties };
    if (answer === "theirs" || answer === "") {
      stopEditing(selected.layer);
      return finish(spec, selected.id, gettext("Reloaded: you now see their version."));
    }
    var change = { properties: {}, geometry: null };
    choices.forEach(function (choice) {
      var keepMine = answer === "mine" || $("conflict-" + choice.name + "-mine").checked;
      var value = keepMine ? choice.yours : choice.theirs;
      if (choice.name === "geometry") {
        if (keepMine) { change.geometry = value; }
      } else {
        change.properties[choice.name] = value;
      }
    });
    // Fields only I changed, where they did not change anything, go too.
    var mine = formValues(spec);
    spec.fields.forEach(function (field) {
      if (field.name in change.properties) { return; }
      if (!same(mine[field.name], originalValue(field, previous.properties)) && same(originalValue(field, theirs.feature.properties), originalValue(field, previous.properties))) {
        change.properties[field.name] = mine[field.name];
      }
    });
    if (!change.geometry && !same(geometryOf(selected.layer), previous.geometry) && same(theirs.feature.geometry, previous.geometry)) {
      change.geometry = geometryOf(selected.layer);
    }
    Object.keys(change.properties).forEach(function (name) {
      if (same(change.properties[name], originalValue(spec.fields.filter(function (f) { return f.name === name; })[0], theirs.feature.properties))) { delete change.properties[name]; }
    });
    if (!change.geometry && !Object.keys(change.properties).length) {
      stopEditing(selected.layer);
      return finish(spec, selected.id, gettext("Their version already holds what you chose."));
    }
    return save(change);
  }

  // ------------------------------------------------------------------ undo and redo
  var undoStack = [];
  var redoStack = [];

  function record(entry) {
    undoStack.push(entry);
    redoStack = [];
    setButtons();
  }

  // Put a feature back to `state` (its geometry and properties), with a fresh ETag.
  function apply(entry, state, direction) {
    var spec = registers[entry.register].spec;
    deselect(true);
    if (entry.created && direction === "undo") {
      return read(spec, entry.id).then(function (current) {
        // Without a reason: a feature nothing refers to yet is deleted, not retired.
        return request("DELETE", detailUrl(spec, entry.id), undefined, current.etag);
      }).then(function (answer) {
        if (answer.status !== 204) { throw new Error(answer.status); }
        return load();
      });
    }
    if (entry.created && direction === "redo") {
      var change = { type: "Feature", geometry: state.geometry, properties: L.extend({ municipality: municipalitySelect.value }, state.properties) };
      return request("POST", spec.url, change).then(function (answer) {
        if (answer.status !== 201) { throw new Error(answer.status); }
        entry.id = answer.data.id;
        return load();
      });
    }
    return read(spec, entry.id).then(function (current) {
      var change = { type: "Feature", properties: state.properties };
      if (state.geometry) { change.geometry = state.geometry; }
      return request("PATCH", detailUrl(spec, entry.id), change, current.etag);
    }).then(function (answer) {
      if (answer.status !== 200) { throw new Error(answer.status); }
      return load();
    });
  }

  function undo() {
    var entry = undoStack.pop();
    if (!entry) { return; }
    apply(entry, entry.before, "undo").then(function () {
      redoStack.push(entry);
      setButtons();
      setStatus(gettext("Undone."));
    }).catch(function (error) {
      undoStack.push(entry);
      setButtons();
      setStatus(gettext("Could not undo") + ": " + error.message);
    });
  }

  function redo() {
    var entry = redoStack.pop();
    if (!entry) { return; }
    apply(entry, entry.after, "redo").then(function () {
      undoStack.push(entry);
      setButtons();
      setStatus(gettext("Redone."));
    }).catch(function (error) {
      redoStack.push(entry);
      setButtons();
      setStatus(gettext("Could not redo") + ": " + error.message);
    });
  }

  buttons.undo.addEventListener("click", undo);
  buttons.redo.addEventListener("click", redo);
  document.addEventListener("keydown", function (event) {
    if (!(event.ctrlKey || event.metaKey) || /INPUT|SELECT|TEXTAREA/.test(event.target.tagName)) { return; }
    var key = event.key.toLowerCase();
    if (key === "z" && !event.shiftKey) { event.preventDefault(); undo(); }
    if (key === "y" || (key === "z" && event.shiftKey)) { event.preventDefault(); redo(); }
  });

  // ------------------------------------------------------------------ other tools
  buttons.move.addEventListener("click", function () {
    if (!selected) { return; }
    var layer = selected.layer;
    if (layer.pm.layerDragEnabled()) {
      layer.pm.disableLayerDrag();
      editShape(layer);
      buttons.move.setAttribute("aria-pressed", "false");
    } else {
      layer.pm.disable();
      layer.pm.enableLayerDrag();
      buttons.move.setAttribute("aria-pressed", "true");
      setStatus(gettext("Drag the feature to its place, then save."));
    }
  });

  buttons.cancel = $("editor-cancel");
  buttons.cancel.addEventListener("click", function () {
    deselect(true);
    mode = "idle";
    map.pm.disableDraw();
    setStatus("");
  });

  var retireDialog = $("editor-retire-dialog");
  buttons.retire.addEventListener("click", function () {
    if (!selected) { return; }
    if (!registers[selected.register].spec.retires) {
      // A register without retirement (roads, wards): deleted for good, after asking.
      if (window.confirm(gettext("Delete this feature for good? Its history is kept, but it cannot be restored."))) {
        remove("");
      }
      return;
    }
    $("editor-retire-reason").value = "";
    retireDialog.showModal();
  });
  retireDialog.addEventListener("close", function () {
    if (retireDialog.returnValue !== "retire" || !selected) { return; }
    remove($("editor-retire-reason").value.trim());
  });

  function remove(reason) {
    var spec = registers[selected.register].spec;
    var key = spec.page && (spec.page.key === "id" ? selected.id : selected.original.properties[spec.page.key]);
    var query = spec.retires ? "?reason=" + encodeURIComponent(reason) : "";
    request("DELETE", detailUrl(spec, selected.id) + query, undefined, selected.etag)
      .then(function (answer) {
        if (answer.status === 204) {
          stopEditing(selected.layer);
          map.removeLayer(selected.layer);
          registers[selected.register].group.removeLayer(selected.layer);
          selected = null;
          form.hidden = true;
          setButtons();
          return load().then(function () {
            setStatus(spec.retires
              ? IMISMap.format(gettext("%(key)s retired. Its page keeps its history and can restore it."), { key: key })
              : gettext("Deleted."));
          });
        }
        if (answer.status === 412) { return conflict(spec, { properties: {}, geometry: null }); }
        showErrors(answer.data);
        setStatus((answer.data && answer.data.detail) || String(answer.status));
      });
  }

  buttons.split.addEventListener("click", function () {
    if (!selected) { return; }
    stopEditing(selected.layer);
    mode = "split";
    map.pm.enableDraw("Line", { snappable: false });
    setStatus(gettext("Draw a line across the building, from outside to outside; click its last point again to finish."));
  });

  function splitAlong(line) {
    mode = "idle";
    map.removeLayer(line);
    var spec = registers[selected.register].spec;
    var id = selected.id;
    request("POST", toolUrl(spec, "split", id), { line: line.toGeoJSON(7).geometry }, selected.etag)
      .then(function (answer) {
        if (answer.status !== 200) {
          editShape(selected.layer);
          showErrors(answer.data);
          setStatus(answer.status === 412 ? answer.data.detail : gettext("Not split: see the message."));
          return;
        }
        var bins = answer.data.features.map(function (f) { return f.properties.bin; });
        return finish(spec, id, IMISMap.format(gettext("Split: %(kept)s kept its BIN, the new part is %(new)s."), { kept: bins[0], new: bins[1] }));
      });
  }

  // Tools that act with a second feature: the next click on the map picks it.
  function picking(button, next, message) {
    button.addEventListener("click", function () {
      if (!selected) { return; }
      mode = next;
      setStatus(message);
    });
  }
  picking(buttons.merge, "merge", gettext("Click the building to merge into this one."));
  picking(buttons.copy, "copy", gettext("Click the feature whose attributes to copy."));

  // Whether the picked feature is another one of the selected feature's layer.
  function another(name, layer) {
    mode = "idle";
    if (name === selected.register && layer !== selected.layer) { return true; }
    setStatus(gettext("Choose another feature of the same layer."));
    return false;
  }

  function mergeWith(name, layer) {
    if (!another(name, layer)) { return; }
    var spec = registers[name].spec;
    var id = selected.id;
    request("POST", toolUrl(spec, "merge", id), { other: layer.feature.id }, selected.etag).then(function (answer) {
      if (answer.status !== 200) {
        showErrors(answer.data);
        setStatus((answer.data && answer.data.detail) || gettext("Not merged: see the message."));
        return;
      }
      return finish(spec, id, IMISMap.format(gettext("Merged: %(other)s is retired and points to %(bin)s."), { other: layer.feature.properties.bin, bin: answer.data.properties.bin }));
    });
  }

  var NOT_COPIED = ["code", "holding_number", "main_building"];

  function copyFrom(name, layer) {
    if (!another(name, layer)) { return; }
    var spec = registers[name].spec;
    read(spec, layer.feature.id).then(function (answer) {
      spec.fields.forEach(function (field) {
        // What identifies a record, or links it, is its own: not copied.
        if (NOT_COPIED.indexOf(field.name) >= 0 || field.kind === "ids") { return; }
        form.elements[field.name].value = fieldValue(field, answer.feature.properties[field.name]);
      });
      setStatus(gettext("Attributes copied: check them, then save."));
    });
  }

  setButtons();
  // For the browser tests and the console: where a coordinate is on the screen.
  // The attribute table (attribute-table.js) reloads the features after a bulk edit.
  window.IMISEditor = { map: map, reload: load };
  load().then(function () { element.dataset.ready = "1"; });
})();
