{% autoescape off %}/* Daiban's service worker (issue 21). Keeps the offline shell and its files in a cache
   named after the user (?u=), serves the shell when a page cannot be reached, and keeps
   nothing else: no other page, no API answer, no other user's copy. */
"use strict";
const USER = new URL(self.location).searchParams.get("u") || "";
const PREFIX = "daiban-offline-";
const CACHE = PREFIX + "u" + USER + "-v" + {{ version }};
const ASSETS = {{ assets }};
const SHELL = "{{ shell }}";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      Promise.all(ASSETS.map((url) =>
        fetch(url, {credentials: "same-origin"}).then((r) => keep(cache, url, r))))
    ).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((names) => Promise.all(
      names.filter((n) => n.startsWith(PREFIX) && n !== CACHE).map((n) => caches.delete(n))
    )).then(() => self.clients.claim())
  );
});

// Only a good answer for this very user is kept (the shell names its user in a header).
function keep(cache, url, response) {
  const owner = response.headers.get("X-Daiban-User");
  if (!response.ok || response.redirected || (owner !== null && owner !== USER)) return;
  if (url === SHELL && owner !== USER) return;
  return cache.put(url, response.clone());
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || !USER) return;
  if (request.mode === "navigate") {
    // A page: the network first; with no network, the shell from the cache.
    event.respondWith(
      fetch(request).then((response) => {
        if (url.pathname === SHELL) caches.open(CACHE).then((c) => keep(c, SHELL, response.clone()));
        return response;
      }).catch(() => caches.open(CACHE).then((c) => c.match(SHELL)).then((r) => r || Response.error()))
    );
    return;
  }
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(
      fetch(request).then((response) => {
        caches.open(CACHE).then((c) => keep(c, url.pathname, response.clone()));
        return response;
      }).catch(() => caches.open(CACHE).then((c) => c.match(url.pathname)).then((r) => r || Response.error()))
    );
  }
});
{% endautoescape %}
