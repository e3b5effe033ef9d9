/* The kiosk's service worker (scope /kiosk/): the app shell and the current definition are
 * cached so the tablet starts and runs with no network. Responses are never sent from here:
 * the page queues them in IndexedDB and sends them itself. */
'use strict';

const CACHE = 'surveyapp-kiosk-v1';
const SHELL = ['./', 'app.js', 'styles.css', 'icon.svg', 'manifest.webmanifest', 'i18n.json'];
const DEFINITION = '/api/kiosk/definition';

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

// Network first: a fresh definition when online, the last one when not.
async function definition(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(DEFINITION, response.clone());
    return response;
  } catch (err) {
    return (await cache.match(DEFINITION)) || Response.error();
  }
}

// Stale while revalidate: start instantly from the cache, refresh it in the background.
async function shell(event) {
  const cache = await caches.open(CACHE);
  const url = new URL(event.request.url);
  const key = url.origin + url.pathname; // ?idle=… and friends share one cached page
  const cached = await cache.match(key);
  const refresh = fetch(event.request)
    .then((response) => {
      if (response.ok) return cache.put(key, response.clone()).then(() => response);
      return response;
    })
    .catch(() => null);
  if (cached) {
    event.waitUntil(refresh);
    return cached;
  }
  return (await refresh) || Response.error();
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === DEFINITION) event.respondWith(definition(request));
  else if (url.pathname.startsWith('/kiosk/')) event.respondWith(shell(event));
});
