// Quick add without a connection: an expense that could not be sent is kept in IndexedDB with its
// idempotency key, listed at the top of the page as "waiting to send", and sent when the connection
// is back (on the `online` event, on every page load, and a minute after a failed try). The server
// keeps the first answer per key, so sending one twice (two tabs, a lost answer) saves it once.
// What the server refuses (the category was deleted meanwhile, the ledger changed) stays listed
// with the server's reason until the person discards it: nothing is dropped silently.
//
// Used by quick-add.js through window.quickAddOutbox; it says what was sent with a
// "quick-add:sent" event on document, whose detail is the server's message.
"use strict";

window.quickAddOutbox = (function () {
  const template = document.getElementById("quick-add-template");
  const listTemplate = document.getElementById("quick-add-outbox-template");
  if (!template || !listTemplate || !window.indexedDB || !window.fetch || !window.crypto || !crypto.randomUUID) {
    return null;
  }
  const DATABASE = "expense-tracker";
  const STORE = "quick-add-outbox";
  const RETRY_MS = 60000;
  const owner = template.dataset.owner; // an account's expenses are never sent as another's
  // The attribute: the form sits in an inert <template>, whose `action` property is not resolved.
  const sendUrl = template.content.querySelector("form").getAttribute("action");
  let sending = false;
  let retry = null;

  function request(idbRequest) {
    return new Promise(function (resolve, reject) {
      idbRequest.onsuccess = () => resolve(idbRequest.result);
      idbRequest.onerror = () => reject(idbRequest.error);
    });
  }

  let opened = null;
  function database() {
    if (!opened) {
      const opening = indexedDB.open(DATABASE, 1);
      opening.onupgradeneeded = function () {
        opening.result.createObjectStore(STORE, { keyPath: "key" });
      };
      opened = request(opening);
    }
    return opened;
  }

  function store(mode) {
    return database().then((db) => db.transaction(STORE, mode).objectStore(STORE));
  }

  function mine() {
    return store("readonly")
      .then((records) => request(records.getAll()))
      .then(function (all) {
        return all.filter((record) => record.owner === owner).sort((a, b) => a.createdAt - b.createdAt);
      });
  }

  function put(record) {
    return store("readwrite").then((records) => request(records.put(record)));
  }

  function remove(key) {
    return store("readwrite").then((records) => request(records.delete(key)));
  }

  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function problemOf(data, status) {
    const errors = data && data.errors ? Object.values(data.errors).flat() : [];
    return errors.length ? errors.join(" ") : window.scriptMessage("refused", { status: status });
  }

  // "sent" (with the server's message), "refused" (kept with the reason), or "later".
  async function send(record) {
    const body = new FormData();
    record.fields.forEach(([name, value]) => body.append(name, value));
    body.append("csrf_token", csrfToken());
    let response;
    try {
      response = await fetch(sendUrl, {
        method: "POST",
        body: body,
        headers: { Accept: "application/json", "Idempotency-Key": record.key },
      });
    } catch {
      return { outcome: "later" };
    }
    if (response.redirected || response.status === 429 || response.status >= 500) {
      return { outcome: "later" }; // signed out (the next page load after signing in sends it), or busy
    }
    const json = (response.headers.get("Content-Type") || "").startsWith("application/json");
    const data = json ? await response.json() : null;
    if (response.status === 201) {
      await remove(record.key);
      return { outcome: "sent", message: data.message };
    }
    await put({ ...record, state: "refused", problem: problemOf(data, response.status) });
    return { outcome: "refused" };
  }

  async function sendWaiting() {
    if (sending) {
      return;
    }
    sending = true;
    window.clearTimeout(retry);
    const messages = [];
    try {
      for (const record of await mine()) {
        if (record.state !== "waiting") {
          continue;
        }
        const result = await send(record);
        if (result.outcome === "later") {
          retry = window.setTimeout(sendWaiting, RETRY_MS);
          break;
        }
        if (result.outcome === "sent") {
          messages.push(result.message);
        }
      }
    } finally {
      sending = false;
    }
    await render();
    if (messages.length) {
      document.dispatchEvent(new CustomEvent("quick-add:sent", { detail: messages.join(" · ") }));
    }
  }

  // Kept from a quick add form whose POST did not reach the server, with the key it was sent with.
  async function keep(form, key) {
    const fields = Array.from(new FormData(form).entries()).filter(([name]) => name !== "csrf_token");
    const category = form.elements.namedItem("category_id");
    const currency = form.querySelector(".input-group-text");
    await put({
      key: key,
      owner: owner,
      fields: fields,
      summary: {
        amount: (currency ? currency.textContent.trim() + " " : "") + form.elements.namedItem("amount").value,
        description: form.elements.namedItem("description").value,
        category: category.selectedOptions.length ? category.selectedOptions[0].text : "",
        spentOn: form.elements.namedItem("spent_on").value,
      },
      state: "waiting",
      problem: "",
      createdAt: Date.now(),
    });
    await render();
    retry = window.setTimeout(sendWaiting, RETRY_MS);
  }

  function listItem(record, itemTemplate) {
    const item = itemTemplate.cloneNode(true);
    const summary = record.summary;
    item.querySelector(".outbox-description").textContent = summary.description;
    item.querySelector(".outbox-details").textContent = [summary.amount, summary.category, summary.spentOn].join(" · ");
    const refused = record.state === "refused";
    item.querySelector(".outbox-waiting").hidden = refused;
    item.querySelector(".outbox-refused").hidden = !refused;
    item.querySelector(".outbox-problem").textContent = refused ? record.problem : "";
    const discard = item.querySelector(".outbox-discard");
    discard.hidden = !refused;
    discard.setAttribute("aria-label", window.scriptMessage("discard", { description: summary.description }));
    discard.addEventListener("click", function () {
      remove(record.key).then(render);
    });
    return item;
  }

  async function render() {
    const records = await mine();
    let section = document.getElementById("quick-add-outbox");
    if (!records.length) {
      if (section) {
        section.remove();
      }
      return;
    }
    if (!section) {
      section = listTemplate.content.querySelector("section").cloneNode(true);
      document.getElementById("main").prepend(section);
    }
    const itemTemplate = listTemplate.content.querySelector("li");
    section.querySelector("ul").replaceChildren(...records.map((record) => listItem(record, itemTemplate)));
  }

  window.addEventListener("online", sendWaiting);
  database()
    .then(navigator.onLine ? sendWaiting : render)
    .catch(function () {
      // No IndexedDB here (a private window may refuse it): quick add then needs a connection.
    });

  return { keep: keep, newKey: () => crypto.randomUUID() };
})();
