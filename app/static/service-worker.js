// The service worker (registered by pwa.js, served at /service-worker.js?v=<version> by app/pwa.py).
//
// What it keeps: static files, by their content-hashed address (/static/app.css?v=<hash>: the
// address changes with the file, so a kept copy is never stale), and the offline page, which holds
// no one's data. What it never keeps: pages and anything else with data. A page is always asked of
// the network; only when the network cannot be reached at all is the offline page shown instead of
// the browser's error. Every other request (JSON, CSV, POSTs) goes to the network as if there were
// no worker.
"use strict";

const VERSION = new URL(self.location.href).searchParams.get("v") || "unversioned";
const CACHE_PREFIX = "static-";
const CACHE = CACHE_PREFIX + VERSION;
const OFFLINE_URL = "/offline";

// The offline page is fetched without cookies (the same for everyone), then the files it is drawn
// with, read from its own HTML, so that it still looks right with no connection at all.
async function keepOfflinePage() {
  const cache = await caches.open(CACHE);
  const response = await fetch(OFFLINE_URL, { credentials: "omit", cache: "no-store" });
  if (!response.ok) {
    throw new Error("offline page: HTTP " + response.status);
  }
  const html = await response.clone().text();
  const files = Array.from(html.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g), function (match) {
    return match[1].replaceAll("&amp;", "&");
  });
  await cache.addAll(Array.from(new Set(files)));
  await cache.put(OFFLINE_URL, response);
}

self.addEventListener("install", function (event) {
  event.waitUntil(keepOfflinePage().then(() => self.skipWaiting()));
});

// A new version takes over at once and drops the files the old one kept.
self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches
      .keys()
      .then(function (names) {
        return Promise.all(
          names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE).map((name) => caches.delete(name)),
        );
      })
      .then(() => self.clients.claim()),
  );
});

async function cachedOrFetched(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request);
  if (kept) {
    return kept;
  }
  const response = await fetch(request);
  if (response.ok) {
    await cache.put(request, response.clone());
  }
  return response;
}

async function pageOrOffline(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const offline = await caches.match(OFFLINE_URL);
    if (offline) {
      return offline;
    }
    throw error;
  }
}

self.addEventListener("fetch", function (event) {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(pageOrOffline(request));
  } else if (url.pathname.startsWith("/static/") && url.searchParams.has("v")) {
    event.respondWith(cachedOrFetched(request));
  }
});
