// Quick add: the navbar button and the `n` key open a small dialog that saves an expense without
// leaving the page. The button is a plain link to the full form, which is what happens without
// scripts or when anything here cannot work.
"use strict";

(function () {
  const template = document.getElementById("quick-add-template");
  const button = document.getElementById("quick-add-button");
  if (!template || !button || !window.bootstrap || !window.fetch) {
    return;
  }
  const CATEGORY_KEY = "quickAdd.categoryId"; // localStorage: the category used last time
  const MESSAGE_KEY = "quickAdd.message"; // sessionStorage: the message to show after a reload
  // sessionStorage: the last categories fetched in this tab, for opening the dialog offline. Gone
  // when the tab closes, and per account.
  const OPTIONS_KEY = "quickAdd.options." + template.dataset.owner;
  const outbox = window.quickAddOutbox; // null where the browser cannot keep expenses offline
  const FIELDS = ["amount", "description", "category_id", "spent_on"];
  let options = null; // the categories, fetched when the dialog first opens
  let dialog = null; // {element, modal, form} while the dialog is open
  let opening = false;
  let returnFocus = null;

  function stored(storage, key) {
    try {
      return storage.getItem(key);
    } catch {
      return null; // storage can be switched off; quick add still works without memory
    }
  }

  function store(storage, key, value) {
    try {
      if (value === null) {
        storage.removeItem(key);
      } else {
        storage.setItem(key, value);
      }
    } catch {
      // As above: nothing to remember then.
    }
  }

  // Today in the account's time zone, as the server counts it (the full form's default date too),
  // as the yyyy-mm-dd a date input takes. The browser's own clock and zone may differ.
  function today() {
    return options.today;
  }

  function isJson(response) {
    return (response.headers.get("Content-Type") || "").startsWith("application/json");
  }

  function toast() {
    let element = document.getElementById("quick-add-toast");
    if (!element) {
      document.body.append(template.content.querySelector(".toast-container").cloneNode(true));
      element = document.getElementById("quick-add-toast");
    }
    return element;
  }

  function showToast(message) {
    const element = toast();
    // The live region exists before its text changes, so screen readers announce the text.
    window.setTimeout(function () {
      element.querySelector(".toast-body").textContent = message;
      window.bootstrap.Toast.getOrCreateInstance(element).show();
    }, 100);
  }

  function localDay(date) {
    const month = String(date.getMonth() + 1).padStart(2, "0");
    return date.getFullYear() + "-" + month + "-" + String(date.getDate()).padStart(2, "0");
  }

  function fetchOptions() {
    return fetch(template.dataset.optionsUrl, { headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok || !isJson(response)) {
        throw new Error("quick add options: HTTP " + response.status);
      }
      return response.json().then(function (data) {
        store(window.sessionStorage, OPTIONS_KEY, JSON.stringify({ data: data, fetchedOn: localDay(new Date()) }));
        return data;
      });
    });
  }

  // Offline: the categories this tab fetched last. The server's today stands if it was fetched
  // today by this device's clock; else the device's own date is the best there is.
  function keptOptions() {
    const kept = JSON.parse(stored(window.sessionStorage, OPTIONS_KEY) || "null");
    if (!kept) {
      return null;
    }
    const now = localDay(new Date());
    return kept.fetchedOn === now ? kept.data : { ...kept.data, today: now };
  }

  function loadOptions() {
    if (options) {
      return Promise.resolve(options);
    }
    return fetchOptions()
      .catch(function (error) {
        const kept = outbox && keptOptions();
        if (!kept) {
          throw error;
        }
        return kept;
      })
      .then(function (data) {
        options = data;
        return data;
      });
  }

  function fillCategories(select) {
    select.replaceChildren(
      ...options.categories.map(function (category) {
        return new Option(category.name, String(category.id));
      }),
    );
    const remembered = stored(window.localStorage, CATEGORY_KEY);
    if (options.categories.some((category) => String(category.id) === remembered)) {
      select.value = remembered;
    }
  }

  function setProblem(form, message) {
    const problem = form.querySelector("#quick-add-problem");
    problem.textContent = message || "";
    problem.hidden = !message;
  }

  function clearErrors(form) {
    setProblem(form, "");
    FIELDS.forEach(function (name) {
      const field = form.elements.namedItem(name);
      field.classList.remove("is-invalid");
      field.removeAttribute("aria-invalid");
      field.removeAttribute("aria-describedby");
      document.getElementById(field.id + "-error").textContent = "";
    });
  }

  // Each message next to its field, tied to it for screen readers; focus on the first one.
  function showErrors(form, errors) {
    let first = null;
    FIELDS.forEach(function (name) {
      if (!errors[name]) {
        return;
      }
      const field = form.elements.namedItem(name);
      const message = document.getElementById(field.id + "-error");
      message.textContent = errors[name].join(" ");
      field.classList.add("is-invalid");
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", message.id);
      first = first || field;
    });
    const others = Object.keys(errors).filter((name) => !FIELDS.includes(name));
    if (others.length) {
      setProblem(form, others.map((name) => errors[name].join(" ")).join(" "));
    }
    (first || form.elements.namedItem("amount")).focus();
  }

  function submit(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const save = form.querySelector('button[type="submit"]');
    if (save.disabled) {
      return;
    }
    clearErrors(form);
    save.disabled = true;
    // One key per try: if the answer is lost on the way back, the outbox sends the same key again.
    const key = outbox ? outbox.newKey() : null;
    const headers = key ? { Accept: "application/json", "Idempotency-Key": key } : { Accept: "application/json" };
    fetch(form.action, { method: "POST", body: new FormData(form), headers: headers })
      .then(function (response) {
        if (response.redirected) {
          // Signed out meanwhile: the full form goes through the login page and back.
          window.location.assign(button.href);
          return null;
        }
        const body = isJson(response) ? response.json() : Promise.resolve(null);
        return body.then(function (data) {
          if (response.status === 201 && data) {
            saved(form, data.message);
          } else if (response.status === 422 && data) {
            showErrors(form, data.errors);
          } else {
            setProblem(form, window.scriptMessage("not-saved"));
          }
        });
      })
      .catch(function () {
        if (!outbox) {
          setProblem(form, window.scriptMessage("unreachable"));
          return null;
        }
        return outbox.keep(form, key).then(
          function () {
            store(window.localStorage, CATEGORY_KEY, form.elements.namedItem("category_id").value);
            dialog.modal.hide();
            showToast(window.scriptMessage("kept-offline"));
          },
          function () {
            setProblem(form, window.scriptMessage("unreachable"));
          },
        );
      })
      .finally(function () {
        save.disabled = false;
      });
  }

  function saved(form, message) {
    store(window.localStorage, CATEGORY_KEY, form.elements.namedItem("category_id").value);
    if (!reloadFor(message)) {
      dialog.modal.hide();
      showToast(message);
    }
  }

  // This page shows figures a new expense changes: show them, then the message.
  function reloadFor(message) {
    if (template.dataset.reload !== "true") {
      return false;
    }
    store(window.sessionStorage, MESSAGE_KEY, message);
    window.location.reload();
    return true;
  }

  // One typed line ("coffee 4.50 yesterday") read by the server into the fields below it, and shown
  // as understood; nothing is saved until the person adds it.
  function readLine(form) {
    const line = form.querySelector("#quick-add-say");
    const box = form.querySelector("#quick-add-understood");
    clearErrors(form);
    box.hidden = true;
    if (!line.value.trim()) {
      return;
    }
    const url = template.dataset.understandUrl + "?say=" + encodeURIComponent(line.value);
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!isJson(response)) {
          throw new Error("understand: HTTP " + response.status);
        }
        return response.json().then(function (data) {
          if (response.status !== 200) {
            setProblem(form, data.error || window.scriptMessage("not-saved"));
            line.focus();
            return;
          }
          understood(form, data);
        });
      })
      .catch(function () {
        setProblem(form, window.scriptMessage("unreachable"));
      });
  }

  function understood(form, data) {
    form.elements.namedItem("amount").value = data.amount;
    form.elements.namedItem("description").value = data.description;
    form.elements.namedItem("spent_on").value = data.spent_on;
    const select = form.elements.namedItem("category_id");
    if (data.category_id !== null) {
      select.value = String(data.category_id);
    }
    const category = select.options[select.selectedIndex];
    form.querySelector("#understood-amount").textContent = data.amount_text;
    form.querySelector("#understood-date").textContent = data.date_text;
    form.querySelector("#understood-category").textContent = category ? category.text : "";
    form.querySelector("#understood-reason").textContent = data.reason;
    form.querySelector("#understood-description").textContent = data.description;
    form.querySelector("#quick-add-understood").hidden = false;
    form.querySelector('button[type="submit"]').focus();
  }

  function build() {
    const element = template.content.querySelector("#quick-add").cloneNode(true);
    document.body.append(element);
    toast(); // the live region, ready before anything is said in it
    const form = element.querySelector("form");
    fillCategories(form.elements.namedItem("category_id"));
    form.elements.namedItem("spent_on").value = today();
    form.addEventListener("submit", submit);
    form.querySelector("#quick-add-read").addEventListener("click", function () {
      readLine(form);
    });
    form.querySelector("#quick-add-say").addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.isComposing) {
        event.preventDefault(); // Enter reads the line; it does not add the expense yet
        readLine(form);
      }
    });
    const modal = new window.bootstrap.Modal(element);
    // Someone quick may be in a field before the dialog has finished opening (typing a line, or a
    // line already read has moved focus to "Add expense"): the opening keeps their place.
    let lastFocused = null;
    form.addEventListener("focusin", function (event) {
      lastFocused = event.target;
    });
    element.addEventListener("shown.bs.modal", function () {
      (lastFocused || form.elements.namedItem("amount")).focus();
    });
    // Closed (Esc, Cancel, saved): the dialog leaves the page, and focus goes back where it was.
    element.addEventListener("hidden.bs.modal", function () {
      modal.dispose();
      element.remove();
      dialog = null;
      const target = returnFocus && returnFocus !== document.body && document.contains(returnFocus) ? returnFocus : button;
      target.focus();
    });
    dialog = { element: element, modal: modal, form: form };
    modal.show();
  }

  function open() {
    if (dialog || opening) {
      return;
    }
    opening = true;
    returnFocus = document.activeElement;
    loadOptions()
      .then(function (data) {
        if (!data.categories.length) {
          window.location.assign(button.href); // the full form says to create a category first
          return;
        }
        build();
      })
      .catch(function () {
        window.location.assign(button.href);
      })
      .finally(function () {
        opening = false;
      });
  }

  function typingIn(target) {
    return (
      target instanceof Element &&
      (target.isContentEditable || target.closest("input, textarea, select, [contenteditable]") !== null)
    );
  }

  button.addEventListener("click", function (event) {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return; // a new tab or window: the full form
    }
    event.preventDefault();
    open();
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "n" || event.ctrlKey || event.metaKey || event.altKey || event.repeat || event.isComposing) {
      return;
    }
    if (event.defaultPrevented || typingIn(event.target) || document.querySelector(".modal.show")) {
      return;
    }
    event.preventDefault();
    open();
  });

  button.querySelector(".quick-add-kbd").hidden = false;

  // Expenses kept offline were sent (quick-add-outbox.js).
  document.addEventListener("quick-add:sent", function (event) {
    // Not while the dialog is open: a reload would lose what is being typed.
    if (dialog || !reloadFor(event.detail)) {
      showToast(event.detail);
    }
  });

  // The categories, ready for a dialog opened offline later in this tab.
  if (outbox && !stored(window.sessionStorage, OPTIONS_KEY)) {
    window.addEventListener("load", function () {
      fetchOptions().catch(function () {
        // Offline already: the dialog says so when it is opened.
      });
    });
  }

  const pending = stored(window.sessionStorage, MESSAGE_KEY);
  if (pending) {
    store(window.sessionStorage, MESSAGE_KEY, null);
    showToast(pending);
  }
})();
