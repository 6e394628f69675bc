// The counter's service worker (served at /sw.js, scope /centres/).
//
// It keeps the counter page and the files it loads, so a reload without a connection
// still shows the counter (its script then counts into the queue). Only the counter is
// kept: every other page goes to the network as if there were no worker.
"use strict";

const CACHE = "vaerested-counter-v1";
const COUNTER = /^\/centres\/\d+\/tally\/$/;
// The installed app's start address, and the key under which the counter last opened
// here is kept for it: offline, the app opens on that counter.
const START = "/centres/tally/";
const LAST = "/centres/tally/last-counter";

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

function keepable(url) {
  return url.origin === self.location.origin &&
    (COUNTER.test(url.pathname) || url.pathname.startsWith("/static/"));
}

// The counter's page sends the files it loaded; those not kept yet are fetched and kept.
self.addEventListener("message", (event) => {
  if (!event.data || event.data.type !== "keep" || !Array.isArray(event.data.urls)) return;
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      Promise.all(
        event.data.urls
          .map((u) => new URL(u, self.location.origin))
          .filter(keepable)
          .map((url) =>
            cache
              .match(url.pathname)
              .then((found) => found || cache.add(url.pathname).then(() => cache.match(url.pathname)))
              .then((kept) => (kept && COUNTER.test(url.pathname) ? cache.put(LAST, kept) : null))
              .catch(() => null),
          ),
      ),
    ),
  );
});

// Network first; the kept copy when the network fails. A fresh counter page replaces
// the kept one (never a redirect to the sign-in page).
self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin === self.location.origin && url.pathname === START) {
    event.respondWith(
      fetch(request).catch(() => caches.match(LAST).then((kept) => kept || Response.error())),
    );
    return;
  }
  if (!keepable(url)) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok && !response.redirected && response.type === "basic") {
          const copy = response.clone();
          const last = COUNTER.test(url.pathname) ? response.clone() : null;
          event.waitUntil(
            caches.open(CACHE).then((cache) =>
              Promise.all([cache.put(url.pathname, copy), last && cache.put(LAST, last)]),
            ),
          );
        }
        return response;
      })
      .catch(() =>
        caches.match(url.pathname).then((kept) => kept || Response.error()),
      ),
  );
});
