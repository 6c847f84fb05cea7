// The supervisor's review desk (issue 24): the queue filtered, sorted and paged on the
// server; one submission beside what the register holds now (what approval would change is
// marked), its photos and its point against the footprint; decisions with the keyboard, each
// sent after a moment in which it can be undone.
(function () {
  "use strict";
  var gettext = window.gettext || function (text) { return text; };
  var page = document.getElementById("review");
  var config = IMISMap.readConfig(page);
  var $ = function (id) { return document.getElementById(id); };
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  var PAGE = 25;
  var state = { offset: 0, count: 0, rows: [], current: -1 };
  var pending = null; // {id, decision, reason, timer, row}

  config.wards.forEach(function (ward) {
    $("review-ward").appendChild(new Option(IMISMap.format(gettext("Ward %(number)s"), { number: ward.number }), ward.id));
  });
  config.enumerators.forEach(function (name) { $("review-enumerator").appendChild(new Option(name, name)); });
  Object.keys(config.flagLabels).forEach(function (code) { $("review-flag").appendChild(new Option(config.flagLabels[code], code)); });

  function setStatus(text) { $("review-status").textContent = text; }

  function query() {
    var form = new FormData($("review-filters"));
    var parts = ["campaign=" + config.campaign, "status=pending", "limit=" + PAGE, "offset=" + state.offset];
    form.forEach(function (value, key) { if (value) { parts.push(key + "=" + encodeURIComponent(value)); } });
    return config.urls.queue + "?" + parts.join("&");
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) { throw new Error(body.detail || String(response.status)); }
        return body;
      });
    });
  }

  function cell(tr, text) {
    var td = document.createElement("td");
    td.textContent = text === null || text === undefined ? "" : String(text);
    tr.appendChild(td);
    return td;
  }

  function load() {
    delete page.dataset.loaded;
    return getJSON(query()).then(function (body) {
      state.rows = body.results;
      state.count = body.count;
      var tbody = document.querySelector("#review-list tbody");
      tbody.textContent = "";
      state.rows.forEach(function (row, index) {
        var tr = document.createElement("tr");
        tr.dataset.submission = String(row.id);
        tr.tabIndex = 0;
        cell(tr, row.received_at.slice(0, 16).replace("T", " "));
        cell(tr, row.ward_number);
        cell(tr, row.building_bin || gettext("New building"));
        cell(tr, row.enumerator);
        cell(tr, row.flags.map(function (f) { return config.flagLabels[f] || f; }).join(", "));
        tr.addEventListener("click", function () { open(index); });
        tr.addEventListener("keydown", function (event) { if (event.key === "Enter") { open(index); } });
        tbody.appendChild(tr);
      });
      $("review-count").textContent = state.count
        ? IMISMap.format(gettext("%(first)s–%(last)s of %(count)s waiting"), { first: state.offset + 1, last: state.offset + state.rows.length, count: state.count })
        : gettext("Nothing waiting for review.");
      $("review-previous").disabled = state.offset === 0;
      $("review-next").disabled = state.offset + state.rows.length >= state.count;
      page.dataset.count = String(state.count);
      page.dataset.loaded = "1";
      if (state.rows.length) { open(0); } else { $("review-detail").hidden = true; }
    }).catch(function (error) { $("review-count").textContent = error.message; });
  }

  $("review-filters").addEventListener("change", function () { flush(); state.offset = 0; load(); });
  $("review-previous").addEventListener("click", function () { flush(); state.offset = Math.max(0, state.offset - PAGE); load(); });
  $("review-next").addEventListener("click", function () { flush(); state.offset += PAGE; load(); });

  // ------------------------------------------------------------------ one submission
  var map = null;
  var shapes = null;

  function open(index) {
    if (index < 0 || index >= state.rows.length) { return; }
    state.current = index;
    var row = state.rows[index];
    Array.prototype.forEach.call(document.querySelectorAll("#review-list tr[aria-current]"), function (tr) { tr.removeAttribute("aria-current"); });
    var tr = document.querySelector('#review-list tr[data-submission="' + row.id + '"]');
    if (tr) { tr.setAttribute("aria-current", "true"); }
    $("review-detail").hidden = false;
    $("review-reason").value = "";
    // Only the last one asked for is shown (an earlier answer may arrive later).
    state.asked = row.id;
    getJSON(config.urls.review.replace("/0/", "/" + row.id + "/")).then(function (detail) {
      if (state.asked === row.id) { show(row, detail); }
    });
  }

  function show(row, detail) {
    $("review-title").textContent = (detail.building ? detail.building.bin : gettext("New building")) + " · " + row.enumerator;
    var flags = $("review-flags");
    flags.textContent = "";
    detail.flags.forEach(function (flag) {
      var li = document.createElement("li");
      li.className = "imis-chip";
      li.textContent = flag.label;
      flags.appendChild(li);
    });
    var tbody = document.querySelector("#review-answers tbody");
    tbody.textContent = "";
    detail.answers.forEach(function (answer) {
      var tr = document.createElement("tr");
      if (answer.changes) { tr.className = "imis-review-changes"; }
      cell(tr, answer.label);
      cell(tr, answer.answer_label);
      cell(tr, answer.kept ? answer.current_label : "–");
      if (answer.changes) { tr.title = gettext("Approval changes this"); tr.dataset.changes = "1"; }
      tbody.appendChild(tr);
    });
    var photos = $("review-photos");
    photos.textContent = "";
    detail.photos.forEach(function (url, n) {
      var img = document.createElement("img");
      img.src = url;
      img.alt = IMISMap.format(gettext("Photo %(number)s"), { number: n + 1 });
      img.loading = "lazy";
      photos.appendChild(img);
    });
    if (!map) { map = IMISMap.createMap($("review-map"), config); }
    if (shapes) { map.removeLayer(shapes); }
    shapes = L.featureGroup();
    var footprint = detail.footprint || (detail.building && detail.building.footprint);
    if (footprint) { L.geoJSON(footprint, { style: { color: detail.footprint ? "#d7191c" : "#2166ac", weight: 2 } }).addTo(shapes); }
    L.circleMarker([detail.point[1], detail.point[0]], { radius: 6, color: "#e66101", fillOpacity: 0.9 })
      .bindTooltip(IMISMap.format(gettext("GPS: within %(metres)s m"), { metres: Math.round(detail.gps_accuracy_m) })).addTo(shapes);
    shapes.addTo(map);
    map.fitBounds(shapes.getBounds(), { maxZoom: 19, padding: [20, 20] });
    page.dataset.open = String(row.id);
  }

  // ------------------------------------------------------------------ decisions
  var WORDS = { approve: gettext("Approved"), "return": gettext("Returned"), reject: gettext("Rejected") };

  function send(decision) {
    return fetch(config.urls.decide + decision.id + "/" + decision.decision + "/", {
      method: "POST", credentials: "same-origin", keepalive: true,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(decision.reason ? { reason: decision.reason } : {}),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) { throw new Error(body.detail || String(response.status)); }
        page.dataset.decided = String(decision.id);
      });
    });
  }

  // The decision waiting for its moment goes now (another decision, a new page).
  function flush() {
    if (!pending) { return; }
    clearTimeout(pending.timer);
    var decision = pending;
    pending = null;
    $("review-undo").hidden = true;
    send(decision).catch(function (error) { setStatus(gettext("Not saved") + ": " + error.message); });
  }
  window.addEventListener("pagehide", flush);

  function decide(kind) {
    if (state.current < 0 || $("review-detail").hidden) { return; }
    var row = state.rows[state.current];
    var reason = $("review-reason").value.trim();
    if (kind !== "approve" && !reason) {
      setStatus(kind === "return" ? gettext("Say what the enumerator should correct.") : gettext("Say why it is rejected."));
      $("review-reason").focus();
      return;
    }
    flush();
    var tr = document.querySelector('#review-list tr[data-submission="' + row.id + '"]');
    if (tr) { tr.classList.add("imis-review-decided"); }
    pending = { id: row.id, decision: kind, reason: reason, row: tr };
    pending.timer = setTimeout(flush, config.undoSeconds * 1000);
    setStatus(IMISMap.format(gettext("%(decision)s: saved in %(seconds)s seconds unless you undo it."), { decision: WORDS[kind], seconds: config.undoSeconds }));
    $("review-undo").hidden = false;
    page.dataset.waiting = String(row.id);
    // On to the next one still waiting on this page.
    for (var next = state.current + 1; next < state.rows.length; next += 1) {
      var nextRow = document.querySelector('#review-list tr[data-submission="' + state.rows[next].id + '"]');
      if (nextRow && !nextRow.classList.contains("imis-review-decided")) { open(next); return; }
    }
  }

  function undo() {
    if (!pending) { return; }
    clearTimeout(pending.timer);
    if (pending.row) { pending.row.classList.remove("imis-review-decided"); }
    var index = state.rows.map(function (r) { return r.id; }).indexOf(pending.id);
    pending = null;
    $("review-undo").hidden = true;
    setStatus(gettext("Undone: nothing was saved."));
    delete page.dataset.waiting;
    open(index);
  }

  // Every clean submission of the filter, each approved on its own (the server says which).
  $("review-approve-clean").addEventListener("click", function () {
    flush();
    var form = new FormData($("review-filters"));
    var body = { campaign: config.campaign };
    ["ward", "enumerator", "day"].forEach(function (key) { if (form.get(key)) { body[key] = form.get(key); } });
    if (!window.confirm(gettext("Approve every submission of this filter that has no flag? Each is recorded as approved by you."))) { return; }
    fetch(config.urls.approveClean, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) { throw new Error(answer.detail || String(response.status)); }
        setStatus(IMISMap.format(gettext("%(approved)s approved, %(refused)s could not be."), { approved: answer.approved.length, refused: answer.refused.length }));
        page.dataset.bulk = String(answer.approved.length);
        state.offset = 0;
        return load();
      });
    }).catch(function (error) { setStatus(gettext("Not saved") + ": " + error.message); });
  });

  $("review-approve").addEventListener("click", function () { decide("approve"); });
  $("review-return").addEventListener("click", function () { decide("return"); });
  $("review-reject").addEventListener("click", function () { decide("reject"); });
  $("review-undo").addEventListener("click", undo);

  document.addEventListener("keydown", function (event) {
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName);
    if (typing || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var key = event.key.toLowerCase();
    var action = { a: function () { decide("approve"); }, r: function () { decide("return"); },
      x: function () { decide("reject"); }, u: undo,
      j: function () { open(state.current + 1); }, k: function () { open(state.current - 1); } }[key];
    if (action) { event.preventDefault(); action(); }
  });

  load();
})();
