// Colour theme: loaded synchronously in <head>, so "auto" is resolved before the first paint.
// The server has already set data-bs-theme for an explicit light or dark choice (the `theme`
// cookie); data-theme-choice says which of light, dark or auto was chosen.
"use strict";

(function () {
  const root = document.documentElement;
  const systemDark = window.matchMedia("(prefers-color-scheme: dark)");
  const choices = ["light", "dark", "auto"];
  const nextChoice = { light: "dark", dark: "auto", auto: "light" };

  function choice() {
    const value = root.dataset.themeChoice;
    return choices.includes(value) ? value : "auto";
  }

  function apply() {
    const value = choice();
    root.setAttribute("data-bs-theme", value === "auto" ? (systemDark.matches ? "dark" : "light") : value);
  }

  // The navbar switch shows the choice: icon and name on the button, aria-pressed in the menu.
  function showChoice(form) {
    const value = choice();
    const toggle = form.querySelector(".theme-toggle");
    const item = form.querySelector('.dropdown-item[value="' + value + '"]');
    // In the page's language: each menu item carries the button's name for its choice.
    toggle.setAttribute("aria-label", item.dataset.toggleLabel);
    toggle.value = nextChoice[value];
    toggle.querySelector(".theme-icon use").setAttribute("href", item.querySelector("use").getAttribute("href"));
    form.querySelectorAll(".dropdown-item").forEach(function (button) {
      const current = button.value === value;
      button.classList.toggle("active", current);
      button.setAttribute("aria-pressed", current ? "true" : "false");
    });
  }

  function remember(value) {
    const secure = window.location.protocol === "https:" ? "; Secure" : "";
    document.cookie = "theme=" + value + "; Max-Age=31536000; Path=/; SameSite=Lax" + secure;
  }

  apply();
  // With "auto", follow the system setting while the page is open.
  systemDark.addEventListener("change", apply);

  // The switch is a POST form that works without scripts; with them, the choice applies at once.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!form.classList || !form.classList.contains("theme-form")) {
      return;
    }
    const value = event.submitter ? event.submitter.value : "";
    if (!choices.includes(value)) {
      return;
    }
    event.preventDefault();
    remember(value);
    root.dataset.themeChoice = value;
    apply();
    showChoice(form);
    // The chosen item is about to be hidden: keep keyboard focus on the switch.
    const toggle = form.querySelector(".theme-toggle");
    if (window.bootstrap) {
      window.bootstrap.Dropdown.getOrCreateInstance(toggle).hide();
    }
    toggle.focus();
  });
})();
