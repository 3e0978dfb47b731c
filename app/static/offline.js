// The offline page (kept by the service worker and shown in place of a page that could not be
// reached): "Try again" loads the address that failed, and so does the connection coming back.
// Shown while the browser counts itself online, it is the server (or the way to it) that is down:
// the page then tries again every few seconds by itself.
"use strict";

(function () {
  const RETRY_ONLINE_MS = 10000;
  const again = document.getElementById("offline-try-again");
  function reload() {
    window.location.reload();
  }
  if (again) {
    again.hidden = false;
    again.addEventListener("click", reload);
  }
  window.addEventListener("online", reload);
  if (navigator.onLine) {
    window.setTimeout(reload, RETRY_ONLINE_MS);
  }
})();
