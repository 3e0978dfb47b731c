// Registration: the account starts in the browser's time zone (an IANA name like "Asia/Kolkata"),
// so its dates and budget periods begin at the person's midnight. The server checks the name and
// falls back to UTC without it; Settings can change it later.
"use strict";

(function () {
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch {
    return; // no Intl: the server's default (UTC) applies
  }
  document.querySelectorAll("input[data-browser-time-zone]").forEach(function (input) {
    input.value = zone;
  });
})();
