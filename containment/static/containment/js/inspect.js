/* The inspector's page (issue 25): the worklist on a list and a map, the visit's form, and
   the visits kept on the phone in the field app's queue (IndexedDB, kind "inspection")
   until the network answers. Each visit and photo carries the phone's own name for it, so
   a visit sent again after a lost answer is kept once by the server. */
(function () {
  "use strict";
  var page = document.getElementById("inspect");
  if (!page) { return; }
  var config = IMISMap.readConfig(page);
  var F = window.IMISField;
  var format = IMISMap.format;
  var $ = function (id) { return document.getElementById(id); };
  var form = $("inspect-form");
  // Dates as text, in the page's digits.
  var BANGLA = document.documentElement.lang === "bn";
  function digits(text) {
    return BANGLA ? String(text).replace(/[0-9]/g, function (d) { return "০১২৩৪৫৬৭৮৯"[d]; }) : text;
  }
  var current = null;

  // The page opens offline once opened online (core/offline.py's worker keeps it).
  if ("serviceWorker" in navigator && config.worker) {
    navigator.serviceWorker.register(config.worker).then(function () { return navigator.serviceWorker.ready; })
      .then(function () { page.dataset.offlineReady = "1"; })
      .catch(function () { page.dataset.offlineReady = "0"; });
  }

  // ------------------------------------------------------------ worklist and map
  var map = IMISMap.createMap($("inspect-map"), config);
  var bounds = [];
  var colours = { non_compliant: "#b91c1c", unknown: "#6b7280" };
  function why(point) {
    var parts = [point.status_label];
    if (point.failed.length) { parts.push(point.failed.join(", ")); }
    parts.push(point.last_visit ? format(gettext("last visited %(day)s"), { day: digits(point.last_visit) }) : gettext("never visited"));
    return parts.join(" · ");
  }
  (config.points || []).forEach(function (point) {
    var item = document.createElement("li");
    item.className = "imis-crew-job imis-inspect-" + point.status;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "imis-link-button";
    button.dataset.containment = point.code;
    button.textContent = point.code + (point.ward ? " · " + format(gettext("Ward %(number)s"), { number: point.ward }) : "");
    button.addEventListener("click", function () { open(point); });
    var hint = document.createElement("p");
    hint.className = "imis-hint";
    hint.textContent = point.type + " · " + why(point);
    item.appendChild(button);
    item.appendChild(hint);
    $("inspect-list").appendChild(item);
    var marker = L.circleMarker([point.lat, point.lon], {
      radius: 8, color: "#111827", weight: 2, fillColor: colours[point.status] || "#6b7280", fillOpacity: 0.9
    }).addTo(map);
    marker.on("click", function () { open(point); });
    bounds.push([point.lat, point.lon]);
  });
  if (bounds.length) { map.fitBounds(bounds, { padding: [30, 30], maxZoom: 18 }); }
  $("inspect-none").hidden = bounds.length > 0;

  // ------------------------------------------------------------ the visit's form
  function today() {
    var now = new Date();
    return new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
  }
  function open(point) {
    current = point;
    form.reset();
    $("inspect-form-title").textContent = format(gettext("Visit to %(code)s"), { code: point.code });
    $("inspect-form-why").textContent = why(point);
    $("inspect-visited").value = today();
    $("inspect-error").textContent = "";
    form.hidden = false;
    form.scrollIntoView();
    $("inspect-visited").focus();
  }
  $("inspect-cancel").addEventListener("click", function () { form.hidden = true; current = null; });

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    if (!current) { return; }
    if (!$("inspect-visited").value) { $("inspect-error").textContent = gettext("Give the day of the visit."); return; }
    var findings = {};
    form.querySelectorAll("[data-rule]").forEach(function (select) {
      if (select.value) { findings[select.dataset.rule] = { outcome: select.value }; }
    });
    var observed = {};
    form.querySelectorAll("[data-observed]").forEach(function (input) {
      if (input.value) { observed[input.dataset.observed] = input.value; }
    });
    var key = F.uuid();
    var entry = {
      key: key, kind: "inspection", status: "queued", queuedAt: Date.now(),
      containment: current.id, code: current.code,
      item: {
        client_uuid: key, visited_on: $("inspect-visited").value, outcome: $("inspect-outcome").value,
        findings: findings, notes: $("inspect-notes").value, observed: observed
      }
    };
    await F.Store.put("queue", entry);
    var files = Array.prototype.slice.call($("inspect-photos").files || []);
    for (var i = 0; i < files.length; i += 1) {
      await F.Store.put("photos", { key: F.uuid(), kind: "inspection", visit: key, blob: files[i], sent: false });
    }
    form.hidden = true;
    current = null;
    await renderQueue();
    sendNow();
  });

  // ------------------------------------------------------------ the queue
  var LABELS = {
    queued: gettext("waiting to be sent"),
    sent: gettext("sent"),
    refused: gettext("refused")
  };
  async function mine() {
    return (await F.Store.all("queue")).filter(function (q) { return q.kind === "inspection"; })
      .sort(function (a, b) { return b.queuedAt - a.queuedAt; });
  }
  async function renderQueue() {
    var list = $("inspect-queue");
    list.textContent = "";
    (await mine()).slice(0, 20).forEach(function (entry) {
      var item = document.createElement("li");
      item.dataset.status = entry.status;
      item.textContent = format(gettext("Visit to %(code)s on %(day)s: %(status)s"), {
        code: entry.code, day: digits(entry.item.visited_on), status: LABELS[entry.status] || entry.status
      }) + (entry.detail ? " (" + entry.detail + ")" : "");
      list.appendChild(item);
    });
  }

  async function syncVisits() {
    var queued = (await mine()).filter(function (q) { return q.status === "queued"; });
    for (var i = 0; i < queued.length; i += 1) {
      var entry = queued[i];
      var answer = await F.postJSON(config.urls.inspections.replace("/0/", "/" + entry.containment + "/"), entry.item);
      if (answer.status === 200 || answer.status === 201) {
        entry.status = "sent";
        entry.id = answer.data.id;
      } else if (answer.status >= 400 && answer.status < 500) {
        entry.status = "refused";
        entry.detail = IMISMap.errorText(answer.data, answer.status);
      } else {
        throw new Error(String(answer.status));
      }
      await F.Store.put("queue", entry);
    }
    var photos = (await F.Store.all("photos")).filter(function (p) { return p.kind === "inspection" && !p.sent; });
    for (var k = 0; k < photos.length; k += 1) {
      var photo = photos[k];
      var visit = await F.Store.get("queue", photo.visit);
      if (!visit || !visit.id) { continue; }
      var body = new FormData();
      body.append("image", photo.blob, "photo.jpg");
      body.append("client_uuid", photo.key);
      var response = await F.send(config.urls.photos.replace("/0/", "/" + visit.id + "/"), { method: "POST", body: body });
      if (response.status === 200 || response.status === 201) {
        photo.sent = true;
        await F.Store.put("photos", photo);
      }
    }
  }

  var sending = null;
  function network() {
    $("inspect-network").textContent = navigator.onLine === false
      ? gettext("Offline: visits are kept on this phone.")
      : gettext("Online.");
  }
  async function sendNow() {
    network();
    if (sending) { return sending; }
    sending = (async function () {
      try {
        await syncVisits();
        page.dataset.synced = String(Date.now());
      } catch (error) {
        var login = error instanceof F.LoginNeeded;
        $("inspect-network").textContent = login
          ? gettext("Log in again to send the visits kept on this phone.")
          : gettext("Not sent yet: the visits stay on this phone and go when the network answers.");
        page.dataset.syncFailed = String(Date.now());
      } finally {
        sending = null;
        await renderQueue();
      }
    })();
    return sending;
  }
  window.addEventListener("online", sendNow);
  window.addEventListener("offline", network);
  $("inspect-send").addEventListener("click", sendNow);
  renderQueue().then(function () { page.dataset.ready = "1"; sendNow(); });
})();
