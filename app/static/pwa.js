// Installing the app: registers the service worker (served from the site's root, see app/pwa.py),
// which keeps the static files and an offline page. Pages work the same without it.
"use strict";

(function () {
  const script = document.currentScript;
  if (!("serviceWorker" in navigator) || !script || !script.dataset.worker) {
    return;
  }
  navigator.serviceWorker.register(script.dataset.worker, { scope: "/" }).catch(function () {
    // Not offered (a private window, an insecure address): the site works as it did without it.
  });
})();
