// The field app's memory on the phone (IndexedDB) and its conversation with the server:
// the wards taken offline, drafts, the queue of finished submissions and their photos, and
// the sync that sends them in batches whenever the network answers. Nothing queued is ever
// dropped: a lost answer is sent again (the server knows each submission and photo by the
// UUID the phone gave it), and a 401 keeps the queue until the enumerator logs in again.
(function (global) {
  "use strict";
  const STORES = ["packages", "drafts", "queue", "photos", "meta"];
  let opened = null;

  function db() {
    if (!opened) {
      opened = new Promise((resolve, reject) => {
        const request = indexedDB.open("imis-field", 1);
        request.onupgradeneeded = () => {
          STORES.forEach((name) => {
            if (!request.result.objectStoreNames.contains(name)) {
              request.result.createObjectStore(name, { keyPath: "key" });
            }
          });
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    }
    return opened;
  }

  function run(store, mode, work) {
    return db().then((database) => new Promise((resolve, reject) => {
      const transaction = database.transaction(store, mode);
      const request = work(transaction.objectStore(store));
      transaction.oncomplete = () => resolve(request ? request.result : undefined);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    }));
  }

  const Store = {
    put: (store, value) => run(store, "readwrite", (s) => s.put(value)),
    get: (store, key) => run(store, "readonly", (s) => s.get(key)),
    all: (store) => run(store, "readonly", (s) => s.getAll()),
    remove: (store, key) => run(store, "readwrite", (s) => s.delete(key)),
  };

  // ------------------------------------------------------------------ the server
  class LoginNeeded extends Error {}

  function csrf() {
    const match = /(?:^|;\s*)csrftoken=([^;]+)/.exec(document.cookie);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function send(url, options) {
    const headers = Object.assign({ Accept: "application/json", "X-CSRFToken": csrf() }, options.headers || {});
    return fetch(url, Object.assign({ credentials: "same-origin" }, options, { headers: headers }))
      .then((response) => {
        if (response.status === 401) { throw new LoginNeeded(); }
        return response;
      });
  }

  function postJSON(url, body) {
    return send(url, { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } })
      .then((response) => response.json().catch(() => ({})).then((data) => ({ status: response.status, data: data })));
  }

  // ------------------------------------------------------------------ sync
  const BATCH = 50;
  let syncing = null;

  // Send what is queued, then the photos of what the server took, then ask how the sent
  // ones were decided. `urls` as the page's config names them; `progress(text)` hears it.
  function sync(urls, progress) {
    // Asked again while sending: once this round ends, another (what changed meanwhile,
    // on the phone or on the server, is then seen).
    if (syncing) { return syncing.catch(() => null).then(() => sync(urls, progress)); }
    syncing = (async () => {
      // Other kinds of work share the queue (the inspector's visits: kind "inspection");
      // each is sent by its own page.
      const queued = (await Store.all("queue")).filter((q) => q.status === "queued" && !q.kind);
      for (let i = 0; i < queued.length; i += BATCH) {
        const chunk = queued.slice(i, i + BATCH);
        const answer = await postJSON(urls.batch, { submissions: chunk.map((q) => q.item) });
        if (answer.status !== 200) { throw new Error(answer.data.detail || String(answer.status)); }
        for (let k = 0; k < chunk.length; k += 1) {
          const result = answer.data.results[k];
          const entry = chunk[k];
          if (result.status === 200 || result.status === 201) {
            entry.status = "sent";
            entry.id = result.submission.id;
            entry.serverStatus = result.submission.status;
          } else {
            entry.status = "refused";
            entry.detail = result.detail || String(result.status);
          }
          await Store.put("queue", entry);
        }
        progress(Math.min(i + BATCH, queued.length), queued.length);
      }
      const photos = (await Store.all("photos")).filter((p) => !p.sent && !p.kind);
      for (const photo of photos) {
        const entry = await Store.get("queue", photo.submission);
        if (!entry || !entry.id) { continue; }
        const form = new FormData();
        form.append("image", photo.blob, "photo.jpg");
        form.append("client_uuid", photo.key);
        const response = await send(urls.photos.replace("/0/", "/" + entry.id + "/"), { method: "POST", body: form });
        if (response.status === 200 || response.status === 201) {
          photo.sent = true;
          await Store.put("photos", photo);
        }
      }
      await refreshDecisions(urls);
    })().finally(() => { syncing = null; });
    return syncing;
  }

  // The supervisors' decisions on what was sent: accepted, returned (with the note and
  // the answers, to correct) or rejected.
  async function refreshDecisions(urls) {
    const sent = (await Store.all("queue")).filter((q) => q.id && !q.kind);
    if (!sent.length) { return; }
    const byId = {};
    sent.forEach((q) => { byId[q.id] = q; });
    for (const status of ["approved", "returned", "rejected", "pending"]) {
      const response = await send(urls.submissions + "?status=" + status + "&limit=500", { method: "GET" });
      if (!response.ok) { return; }
      const page = await response.json();
      for (const row of page.results) {
        const entry = byId[row.id];
        if (!entry) { continue; }
        entry.serverStatus = row.status;
        entry.reason = row.review_reason;
        if (row.status === "returned") { entry.answersBack = row.answers; }
        await Store.put("queue", entry);
      }
    }
  }

  function uuid() {
    if (global.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  global.IMISField = { Store: Store, LoginNeeded: LoginNeeded, send: send, postJSON: postJSON, sync: sync, uuid: uuid };
})(window);
