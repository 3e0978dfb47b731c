// Copy buttons: <button data-copy="ID"> copies the value of the input with that id. Shown only
// where the Clipboard API is there; without it the link can still be selected and copied by hand.
"use strict";

(function () {
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    const input = document.getElementById(button.dataset.copy);
    const status = document.getElementById(button.dataset.copy + "-status");
    if (!input || !navigator.clipboard) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(
        function () {
          if (status) {
            status.textContent = window.scriptMessage("copied");
          }
        },
        function () {
          input.select();
          if (status) {
            status.textContent = window.scriptMessage("copy-refused");
          }
        }
      );
    });
  });
})();
