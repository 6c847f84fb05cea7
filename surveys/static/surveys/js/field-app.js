// The enumerator's field app (issue 23): the wards to survey, taken offline; the ward's map
// to pick a building by tapping it or by GPS; the questionnaire, saved as a draft while it
// is filled; and the queue, sent whenever the network answers. The page itself is kept by
// the service worker (surveys/field_views.py), the data by field-store.js.
(function () {
  "use strict";
  const gettext = window.gettext || ((text) => text);
  const config = JSON.parse(document.getElementById("field-config").textContent);
  const { Store, sync, uuid, send, LoginNeeded } = window.IMISField;
  const Form = window.IMISFieldForm;
  const $ = (id) => document.getElementById(id);
  const format = Form.format;
  const main = document.getElementById("field-main");

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(config.worker).then(() => navigator.serviceWorker.ready)
      .then(() => { main.dataset.offlineReady = "1"; })
      .catch(() => { main.dataset.offlineReady = "0"; });
  }

  function show(section) {
    ["field-home", "field-ward", "field-form"].forEach((id) => { $(id).hidden = id !== section; });
    window.scrollTo(0, 0);
  }

  function network() {
    $("field-network").textContent = navigator.onLine ? gettext("Online") : gettext("Offline");
  }
  window.addEventListener("online", () => { network(); sendNow(); });
  window.addEventListener("offline", network);
  network();

  const megabytes = (bytes) => bytes < 1e6
    ? format("%(kb)s KB", { kb: Math.max(1, Math.round(bytes / 1000)) })
    : format("%(mb)s MB", { mb: Math.round(bytes / 100000) / 10 });

  // ------------------------------------------------------------------ wards
  function packageKey(row) { return "c" + row.campaign.id + "-w" + row.ward.id; }

  async function assignments() {
    try {
      const response = await send(config.urls.assignments, { method: "GET" });
      if (!response.ok) { throw new Error(String(response.status)); }
      const rows = (await response.json()).assignments;
      await Store.put("meta", { key: "assignments", rows: rows });
      return rows;
    } catch (error) {
      if (error instanceof LoginNeeded) { $("field-login").hidden = false; }
      const kept = await Store.get("meta", "assignments");
      return kept ? kept.rows : [];
    }
  }

  async function home() {
    show("field-home");
    const rows = await assignments();
    const list = $("field-assignments");
    list.textContent = "";
    if (!rows.length) { $("field-home-status").textContent = gettext("No ward is assigned to you in an open campaign."); }
    for (const row of rows) {
      const kept = await Store.get("packages", packageKey(row));
      const item = document.createElement("li");
      item.dataset.ward = String(row.ward.id);
      const title = document.createElement("p");
      title.className = "imis-q-label";
      title.textContent = format(gettext("Ward %(number)s"), { number: row.ward.number }) + (row.ward.name ? " · " + row.ward.name : "") + " · " + row.campaign.name;
      item.appendChild(title);
      if (kept) {
        const open = document.createElement("button");
        open.type = "button";
        open.className = "imis-button imis-button-primary imis-field-big";
        open.textContent = gettext("Open");
        open.addEventListener("click", () => openWard(kept));
        item.appendChild(open);
        const said = document.createElement("p");
        said.className = "imis-hint";
        said.textContent = format(gettext("On this phone since %(date)s (%(size)s)."), { date: new Date(kept.savedAt).toLocaleDateString(config.language === "bn" ? "bn-BD" : "en"), size: megabytes(kept.bytes) });
        item.appendChild(said);
      }
      const download = document.createElement("button");
      download.type = "button";
      download.className = "imis-button imis-field-big";
      download.textContent = kept ? gettext("Download again") : gettext("Download for offline use");
      download.addEventListener("click", () => fetchWard(row, download));
      item.appendChild(download);
      list.appendChild(item);
      if (navigator.onLine) { sizeOf(row, download); }
    }
    renderQueue();
  }

  // The package's size before it is downloaded (HEAD: what GET would send).
  async function sizeOf(row, button) {
    try {
      const response = await send(row.package, { method: "HEAD" });
      const length = Number(response.headers.get("Content-Length"));
      if (length) { button.textContent += " · " + megabytes(length); button.dataset.bytes = String(length); }
    } catch (error) { /* offline: no size */ }
  }

  async function fetchWard(row, button) {
    const status = $("field-home-status");
    try {
      const response = await send(row.package, { method: "GET" });
      if (!response.ok) { throw new Error(String(response.status)); }
      const total = Number(response.headers.get("Content-Length")) || Number(button.dataset.bytes) || 0;
      const reader = response.body.getReader();
      const chunks = [];
      let received = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) { break; }
        chunks.push(value);
        received += value.length;
        status.textContent = total
          ? format(gettext("Downloading: %(percent)s%"), { percent: Math.round(100 * received / total) })
          : format(gettext("Downloading: %(size)s"), { size: megabytes(received) });
      }
      const text = await new Blob(chunks).text();
      const data = JSON.parse(text);
      await Store.put("packages", { key: packageKey(row), campaign: row.campaign, ward: row.ward, data: data, bytes: received, savedAt: Date.now() });
      status.textContent = format(gettext("Ward %(number)s is on this phone: %(count)s buildings."), { number: row.ward.number, count: data.counts.buildings });
      main.dataset.downloaded = String(row.ward.id);
      home();
    } catch (error) {
      if (error instanceof LoginNeeded) { $("field-login").hidden = false; return; }
      status.textContent = gettext("The download did not finish; try again when the network is better.");
    }
  }

  // ------------------------------------------------------------------ the ward's map
  let map = null;
  let current = null; // the package open
  let buildingsLayer = null;
  let position = null; // the last GPS fix: {lon, lat, accuracy, at}
  let watch = null;

  async function openWard(kept) {
    current = kept;
    show("field-ward");
    $("field-ward-title").textContent = format(gettext("Ward %(number)s"), { number: kept.ward.number });
    if (!map) {
      map = L.map("field-map", { preferCanvas: true, zoomControl: true });
      map.on("click", (event) => { if (drawing) { corner(event.latlng); } });
    }
    drawMode(false);
    map.eachLayer((layer) => map.removeLayer(layer));
    const data = kept.data;
    L.geoJSON(data.ward, { style: { color: "#1f5d99", weight: 2, fill: false } }).addTo(map);
    L.geoJSON(data.roads, { style: { color: "#888", weight: 2 }, interactive: false }).addTo(map);
    const done = await doneBuildings(kept);
    buildingsLayer = L.geoJSON(data.buildings, {
      style: (feature) => ({ color: done[feature.id] ? "#1a9641" : "#555", weight: 1, fillOpacity: done[feature.id] ? 0.6 : 0.2, fillColor: done[feature.id] ? "#1a9641" : "#bbb" }),
      onEachFeature: (feature, layer) => layer.on("click", () => {
        if (drawing) { return; } // the map's own click adds the corner
        openForm(feature);
      }),
    }).addTo(map);
    if (position) { map.setView([position.lat, position.lon], 18); } else { map.fitBounds(L.geoJSON(data.ward).getBounds()); }
    setTimeout(() => map.invalidateSize(), 0);
    $("field-map").dataset.ready = "1";
    $("field-map").dataset.buildings = String(data.buildings.features.length);
    locate();
  }

  async function doneBuildings(kept) {
    const done = {};
    (await Store.all("queue")).forEach((q) => { if (!q.kind && q.item.campaign === kept.campaign.id && q.building) { done[q.building] = true; } });
    return done;
  }

  function locate() {
    if (!navigator.geolocation || watch !== null) { return; }
    watch = navigator.geolocation.watchPosition((fix) => {
      const first = !position;
      position = { lon: fix.coords.longitude, lat: fix.coords.latitude, accuracy: fix.coords.accuracy, at: Date.now() };
      // The map goes to where the enumerator stands, once.
      if (first && map && !$("field-ward").hidden) { map.setView([position.lat, position.lon], 18); }
      const text = format(gettext("GPS: within %(metres)s m"), { metres: Math.round(position.accuracy) });
      const poor = position.accuracy > config.maxAccuracy;
      [$("field-gps"), $("field-form-gps")].forEach((p) => {
        p.textContent = text + (poor ? " · " + gettext("too rough: wait outside or by a window") : "");
        p.classList.toggle("imis-warning", poor);
      });
    }, () => { $("field-gps").textContent = gettext("No GPS fix yet."); }, { enableHighAccuracy: true, maximumAge: 10000 });
  }

  // The building whose footprint holds the GPS point, else the nearest within 30 m.
  function buildingAt(lon, lat) {
    let best = null;
    let bestDistance = 30;
    current.data.buildings.features.forEach((feature) => {
      const ring = feature.geometry.coordinates[0];
      if (inside(lon, lat, ring)) { best = feature; bestDistance = -1; return; }
      if (bestDistance < 0) { return; }
      const c = centre(feature);
      const d = Math.hypot((c[0] - lon) * 102000, (c[1] - lat) * 110600);
      if (d < bestDistance) { best = feature; bestDistance = d; }
    });
    return best;
  }

  function inside(x, y, ring) {
    let hit = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) { hit = !hit; }
    }
    return hit;
  }

  function centre(feature) {
    const ring = feature.geometry.coordinates[0].slice(0, -1);
    return [ring.reduce((s, p) => s + p[0], 0) / ring.length, ring.reduce((s, p) => s + p[1], 0) / ring.length];
  }

  $("field-nearest").addEventListener("click", () => {
    if (!position) { $("field-gps").textContent = gettext("No GPS fix yet."); return; }
    const found = buildingAt(position.lon, position.lat);
    if (!found) { $("field-gps").textContent = gettext("No building within 30 m: tap it on the map, or add it as a new one."); return; }
    openForm(found);
  });
  // A building not on the map: its corners tapped on the map (or, if it cannot be, none).
  let drawing = null; // the corners tapped so far, [lat, lon]
  let outline = null;

  function drawMode(on) {
    drawing = on ? [] : null;
    $("field-drawing").hidden = !on;
    $("field-ward-hint").hidden = on;
    ["field-nearest", "field-new"].forEach((id) => { $(id).hidden = on; });
    if (outline) { map.removeLayer(outline); outline = null; }
    $("field-drawing-done").disabled = true;
  }

  function corner(latlng) {
    drawing.push([latlng.lat, latlng.lng]);
    if (outline) { map.removeLayer(outline); }
    outline = L.polygon(drawing, { color: "#d7191c", weight: 2, dashArray: "4 3" }).addTo(map);
    $("field-drawing-done").disabled = drawing.length < 3;
    $("field-map").dataset.corners = String(drawing.length);
  }

  $("field-new").addEventListener("click", () => drawMode(true));
  $("field-drawing-undo").addEventListener("click", () => {
    if (!drawing || !drawing.length) { return; }
    const kept = drawing.slice(0, -1);
    drawMode(true);
    kept.forEach((point) => corner(L.latLng(point[0], point[1])));
  });
  $("field-drawing-skip").addEventListener("click", () => { drawMode(false); openForm(null); });
  $("field-drawing-done").addEventListener("click", () => {
    const ring = drawing.map((point) => [Math.round(point[1] * 1e7) / 1e7, Math.round(point[0] * 1e7) / 1e7]);
    ring.push(ring[0]);
    drawMode(false);
    openForm(null, null, { type: "Polygon", coordinates: [ring] });
  });
  $("field-back").addEventListener("click", home);

  // ------------------------------------------------------------------ the questionnaire
  let draft = null;
  let form = null;
  let saving = null;

  function draftKey(building) { return "c" + current.campaign.id + "-b" + (building ? building.id : "new-" + uuid()); }

  async function openForm(building, correcting, footprint) {
    const key = correcting ? "fix-" + correcting.id : draftKey(building);
    draft = (await Store.get("drafts", key)) || {
      key: key, uuid: uuid(), campaign: current.campaign.id, ward: current.ward.id,
      building: building ? building.id : null, bin: building ? building.properties.bin : null,
      answers: correcting ? correcting.answersBack : prefill(building), photos: [],
      corrects: correcting ? correcting.id : null,
      footprint: footprint || (correcting && correcting.item.footprint) || null,
      point: building ? centre(building) : footprint ? centre({ geometry: footprint }) : null,
    };
    show("field-form");
    $("field-form-title").textContent = draft.bin || gettext("New building");
    $("field-form-note").textContent = correcting && correcting.reason ? format(gettext("Returned by the supervisor: %(note)s"), { note: correcting.reason }) : "";
    $("field-form-status").textContent = "";
    form = Form.render($("field-questions"), current.data.questionnaire.questions, draft.answers, keep);
    photoCount();
  }

  function prefill(building) {
    if (!building) { return {}; }
    const answers = Object.assign({}, building.properties.answers || {});
    if (building.properties.households) { answers.households = building.properties.households; }
    return answers;
  }

  // Drafts are kept as the enumerator types.
  function keep() {
    if (!draft || !form) { return; }
    clearTimeout(saving);
    saving = setTimeout(() => {
      draft.answers = form.read();
      draft.updatedAt = Date.now();
      Store.put("drafts", draft).then(() => { main.dataset.draftSaved = String(draft.updatedAt); });
    }, 300);
  }

  function photoCount() {
    $("field-photo-count").textContent = draft.photos.length ? format(gettext("%(count)s photos kept."), { count: draft.photos.length }) : "";
  }

  $("field-photo").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (!file || !draft) { return; }
    const blob = await Form.shrink(file, config.photoMaxSide);
    const key = uuid();
    await Store.put("photos", { key: key, submission: draft.uuid, blob: blob, sent: false });
    draft.photos.push(key);
    await Store.put("drafts", draft);
    event.target.value = "";
    photoCount();
  });

  $("field-finish").addEventListener("click", async () => {
    clearTimeout(saving);
    if (Object.keys(form.check()).length) {
      $("field-form-status").textContent = gettext("Some answers need a look: see the messages above.");
      return;
    }
    const fresh = position && Date.now() - position.at < 120000;
    const point = fresh ? [position.lon, position.lat] : draft.point;
    if (!point) {
      $("field-form-status").textContent = gettext("No GPS fix yet: wait for one, or tap the building on the map.");
      return;
    }
    const entry = {
      key: draft.uuid, building: draft.building, bin: draft.bin, photos: draft.photos, status: "queued", queuedAt: Date.now(),
      item: {
        client_uuid: draft.uuid, campaign: draft.campaign, ward: draft.ward, device_time: new Date().toISOString(),
        geometry: { type: "Point", coordinates: point },
        // Without a fresh fix the building's own place, marked as rough: the supervisor sees it.
        gps_accuracy_m: fresh ? Math.round(position.accuracy * 10) / 10 : 999,
        answers: form.read(),
      },
    };
    if (draft.corrects) { entry.item.corrects = draft.corrects; }
    if (draft.footprint) { entry.item.footprint = draft.footprint; }
    await Store.put("queue", entry);
    await Store.remove("drafts", draft.key);
    if (draft.corrects) {
      const returned = (await Store.all("queue")).filter((q) => q.id === draft.corrects)[0];
      if (returned) { returned.corrected = true; await Store.put("queue", returned); }
    }
    draft = null;
    await openWard(current);
    sendNow();
  });

  $("field-form-back").addEventListener("click", () => { keep(); openWard(current); });

  // ------------------------------------------------------------------ the queue
  async function renderQueue() {
    const entries = (await Store.all("queue")).filter((q) => !q.kind).sort((a, b) => b.queuedAt - a.queuedAt);
    const list = $("field-queue");
    list.textContent = "";
    const waiting = entries.filter((q) => q.status === "queued").length;
    $("field-queue-summary").textContent = format(gettext("%(waiting)s waiting to be sent, %(sent)s sent."), { waiting: waiting, sent: entries.length - waiting });
    main.dataset.queued = String(waiting);
    main.dataset.sent = String(entries.filter((q) => q.status === "sent").length);
    entries.slice(0, 100).forEach((q) => {
      const item = document.createElement("li");
      item.dataset.status = q.serverStatus || q.status;
      const said = q.status === "queued" ? gettext("Waiting to be sent")
        : q.status === "refused" ? format(gettext("Refused: %(reason)s"), { reason: q.detail })
          : config.statusLabels[q.serverStatus] || gettext("Sent");
      item.textContent = (q.bin || gettext("New building")) + " · " + said + (q.reason ? " · " + q.reason : "");
      if (q.serverStatus === "returned" && !q.corrected && q.answersBack) {
        const fix = document.createElement("button");
        fix.type = "button";
        fix.className = "imis-button";
        fix.textContent = gettext("Correct it");
        fix.addEventListener("click", async () => {
          const kept = (await Store.all("packages")).filter((p) => p.campaign.id === q.item.campaign && p.ward.id === q.item.ward)[0];
          if (!kept) { $("field-home-status").textContent = gettext("Download the ward first."); return; }
          current = kept;
          const building = kept.data.buildings.features.filter((f) => f.id === q.building)[0] || null;
          openForm(building, q);
        });
        item.appendChild(fix);
      }
      list.appendChild(item);
    });
  }

  async function sendNow() {
    if (!navigator.onLine) { return; }
    const summary = $("field-queue-summary");
    try {
      await sync(config.urls, (done, total) => { summary.textContent = format(gettext("Sending: %(done)s of %(total)s"), { done: done, total: total }); });
      $("field-login").hidden = true;
      main.dataset.synced = String(Date.now());
    } catch (error) {
      main.dataset.syncFailed = String(Date.now());
      if (error instanceof LoginNeeded) { $("field-login").hidden = false; } else { summary.textContent = gettext("Not sent: the server did not answer. It will be tried again."); }
    }
    if (!$("field-home").hidden) { renderQueue(); }
  }
  $("field-sync").addEventListener("click", sendNow);

  home().then(() => { main.dataset.ready = "1"; sendNow(); });
})();
