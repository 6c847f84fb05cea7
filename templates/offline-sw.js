// A page's service worker (core/offline.py renders it, for the enumerator's field app and
// the inspector's page): keeps the page, its scripts and words on the phone, so it opens
// without the network. The page's data (wards, drafts, the queue) is in IndexedDB, kept by
// the page itself. Each page's worker keeps its own cache, named for it.
"use strict";
const PREFIX = "imis-{{ name }}-";
const CACHE = PREFIX + "{{ version }}";
const SHELL = {{ shell|safe }};
const PAGE = "{{ scope }}";
const WORDS = "{{ words }}";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith(PREFIX) && key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if ((request.mode === "navigate" && url.pathname === PAGE) || url.pathname === WORDS) {
    // The page and its words from the network when it answers (a fresh login, the
    // language just chosen), kept for later; the kept ones when it does not.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok && !response.redirected) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(url.pathname, copy));
          }
          return response;
        })
        .catch(() => caches.match(url.pathname))
    );
    return;
  }
  if (SHELL.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((kept) => kept || fetch(request)));
  }
});
