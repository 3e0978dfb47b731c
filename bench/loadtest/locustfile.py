"""The simulated people of `make loadtest` (Locust, in its own venv: nothing here imports the app).

Each person signs in to an account of their own (accounts.json, written by the seed), fetches the
static files once as a browser would, and then, with 1 to 5 seconds between steps, uses the site:
the dashboard, the list and its next page, a search, quick add and the full form, an edit, a
delete, reports, budgets, a filtered export, the JSON API with the account's token, and now and
then a 2,000-row CSV import through the four steps of the wizard. The first people share ledgers
four to a ledger (they switch to it after signing in), so their writes meet.

Every expense a person adds has a description of its own; what they added, deleted and what became
of each attempt goes to a log (LOADTEST_EXPENSE_LOG) that the run checks against the database.
Quick adds that fail on the way (a 502 from a killed server, a 503 while PostgreSQL restarts, a
dropped connection) are sent again with the same Idempotency-Key until they are answered.

Every request is also counted per phase (the run writes the current phase to LOADTEST_PHASE_FILE:
ramp, steady, each fault), and the figures per phase go to LOADTEST_RESULTS when Locust stops.
"""

import itertools
import json
import os
import random
import re
import time
import uuid
from collections import defaultdict
from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import urlencode

import gevent
import gevent.ssl
from locust import FastHttpUser, between, events, task

with open(os.environ["LOADTEST_ACCOUNTS"]) as accounts:
    ACCOUNTS = json.load(accounts)["people"]
PHASE_FILE = os.environ["LOADTEST_PHASE_FILE"]
RESULTS = os.environ["LOADTEST_RESULTS"]
EXPENSE_LOG = open(os.environ["LOADTEST_EXPENSE_LOG"], "a", buffering=1)  # noqa: SIM115
# Chances per step of the rare things: a CSV import, signing out and in again.
IMPORT_CHANCE = float(os.environ.get("LOADTEST_IMPORT_CHANCE", "0.001"))
RELOGIN_CHANCE = 0.01
IMPORT_ROWS = 2000
RETRY_LIMIT = 30

CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')
STATIC_LINK = re.compile(r'(?:href|src)="(/static/[^"]+\?v=[^"]+)"')
NEXT_PAGE = re.compile(r'href="(/expenses\?[^"]*after=[^"]+)"')
SEARCH_WORDS = ("coffee", "uber", "rent", "pharmacy", "grocer", "lunch", "amazon", "fuel")
DESCRIPTIONS = ("Coffee", "Groceries", "Lunch", "Taxi", "Pharmacy", "Books", "Fuel", "Dinner out")

_people = itertools.count()
_phase = {"name": "ramp", "since": time.monotonic()}
# phase -> request name -> [response times in ms]; phase -> name -> failures; reasons seen.
_times: dict = defaultdict(lambda: defaultdict(list))
_failures: dict = defaultdict(lambda: defaultdict(int))
_reasons: dict = defaultdict(lambda: defaultdict(int))
_phase_seconds: dict = defaultdict(float)


def _follow_phase():
    while True:
        try:
            with open(PHASE_FILE) as phase_file:
                name = phase_file.read().strip() or _phase["name"]
        except OSError:
            name = _phase["name"]
        now = time.monotonic()
        if name != _phase["name"]:
            _phase_seconds[_phase["name"]] += now - _phase["since"]
            _phase.update(name=name, since=now)
        gevent.sleep(0.25)


@events.init.add_listener
def _start_following(environment, **_kwargs):
    gevent.spawn(_follow_phase)


@events.request.add_listener
def _count(request_type, name, response_time, response_length, exception, **_kwargs):
    phase = _phase["name"]
    _times[phase][name].append(response_time)
    if exception is not None:
        _failures[phase][name] += 1
        _reasons[phase][f"{name}: {str(exception)[:120]}"] += 1


def _percentile(ordered: list[float], share: float) -> float:
    index = min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


@events.quitting.add_listener
def _write_results(environment, **_kwargs):
    _phase_seconds[_phase["name"]] += time.monotonic() - _phase["since"]
    phases = {}
    for phase, names in _times.items():
        rows = {}
        for name, times in sorted(names.items()):
            ordered = sorted(times)
            rows[name] = {
                "requests": len(times),
                "failures": _failures[phase][name],
                "p50_ms": round(_percentile(ordered, 0.50), 1),
                "p95_ms": round(_percentile(ordered, 0.95), 1),
                "p99_ms": round(_percentile(ordered, 0.99), 1),
                "max_ms": round(ordered[-1], 1),
            }
        phases[phase] = {
            "seconds": round(_phase_seconds[phase], 1),
            "requests": rows,
            "failure_reasons": dict(sorted(_reasons[phase].items(), key=lambda item: -item[1])[:20]),
        }
    with open(RESULTS, "w") as out:
        json.dump(phases, out, indent=2)


def _log(**entry):
    entry["phase"] = _phase["name"]
    EXPENSE_LOG.write(json.dumps(entry) + "\n")


class FormReader(HTMLParser):
    """The fields of the page's forms, as a browser would send them without the person changing
    anything: hidden and text inputs, checked boxes, each select's chosen (else first) option."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select: tuple[str, bool] | None = None
        self._first_option: str | None = None
        self._chosen = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action"), "method": attrs.get("method", "get"), "fields": []})
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    fields.append((attrs["name"], attrs.get("value", "on")))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                fields.append((attrs["name"], attrs.get("value", "")))
        elif tag == "select" and attrs.get("name"):
            self._select = (attrs["name"], "multiple" in attrs)
            self._first_option, self._chosen = None, False
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in attrs:
                fields.append((self._select[0], value))
                self._chosen = True
        elif tag == "textarea" and attrs.get("name"):
            fields.append((attrs["name"], ""))

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            name, multiple = self._select
            if not self._chosen and not multiple and self._first_option is not None:
                self.forms[-1]["fields"].append((name, self._first_option))
            self._select = None


def post_form_fields(page: str) -> list[tuple[str, str]]:
    """The fields of the page's own POST form: the first that posts back to the page (no action),
    not the quick add dialog, the sign-out button or a wizard's cancel button."""
    reader = FormReader()
    reader.feed(page)
    for form in reader.forms:
        if form["method"].lower() == "post" and not form["action"]:
            return form["fields"]
    return []


def import_csv(person: int, batch: str, categories: list[str]) -> bytes:
    today = date.today()
    lines = ["Date,Description,Amount,Category"]
    for row in range(IMPORT_ROWS):
        spent = today - timedelta(days=row % 365)
        cents = 100 + (row * 7919) % 90000
        lines.append(
            f"{spent.isoformat()},Imported {person} {batch} {row},{cents // 100}.{cents % 100:02d},"
            f"{categories[row % len(categories)]}"
        )
    return ("\n".join(lines) + "\n").encode()


def trusting_nginx() -> gevent.ssl.SSLContext:
    """Certificates checked, against the run's own (nginx's self-signed one) only."""
    return gevent.ssl.create_default_context(cafile=os.environ["LOADTEST_CERTIFICATE"])


class Person(FastHttpUser):
    """A FastHttpUser (geventhttpclient) rather than an HttpUser (requests): Locust shares the two
    cores with what it measures, and took 9% of them with requests against 5% with this, back to
    back at 80 requests/s (README, sixth run)."""

    wait_time = between(1, 5)
    insecure = False
    ssl_context_factory = staticmethod(trusting_nginx)

    def __init__(self, environment):
        # Flask-WTF checks that a form posted over HTTPS came from a page of the same site.
        self.default_headers = {"Referer": environment.host + "/"}
        super().__init__(environment)

    def on_start(self):
        self.number = next(_people)
        self.account = ACCOUNTS[self.number % len(ACCOUNTS)]
        self.added: list[int] = []  # ids of expenses this person added and has not deleted
        self.sequence = itertools.count(1)
        self.sign_in()
        for path in sorted(set(STATIC_LINK.findall(self.page))):
            self.client.get(path, name="static file (nginx)")

    # Helpers

    def sign_in(self):
        page = self.client.get("/login", name="login page").text
        token = CSRF_META.search(page).group(1)
        form = {"csrf_token": token, "email": self.account["email"], "password": self.account["password"]}
        with self.client.post("/login", data=form, name="login", allow_redirects=False, catch_response=True) as r:
            if r.status_code != 302:
                r.failure(f"login answered {r.status_code}")
                raise RuntimeError("could not sign in")
        if self.account.get("shared_ledger_id"):
            self.csrf = CSRF_META.search(self.client.get("/", name="dashboard").text).group(1)
            self.client.post(
                f"/ledgers/{self.account['shared_ledger_id']}/switch",
                data={"csrf_token": self.csrf},
                name="switch ledger",
                allow_redirects=False,
            )
        self.open("/", "dashboard")

    def open(self, path: str, name: str) -> str:
        """The page, or "" when it failed (a form that did not come is not sent)."""
        response = self.client.get(path, name=name)
        self.page = response.text if response.status_code == 200 else ""
        found = CSRF_META.search(self.page)
        if found:
            self.csrf = found.group(1)
        return self.page

    def post(self, path: str, data, name: str, **kwargs):
        """A form POST; its redirect is not followed (the next page is its own request). A form's
        fields as pairs (a name may repeat) are encoded here: geventhttpclient takes only a dict."""
        if isinstance(data, list):
            data = urlencode(data).encode()
            kwargs["headers"] = {**kwargs.get("headers", {}), "Content-Type": "application/x-www-form-urlencoded"}
        with self.client.post(path, data=data, name=name, allow_redirects=False, catch_response=True, **kwargs) as r:
            if r.status_code not in (200, 201, 302, 303):
                r.failure(f"{r.status_code}")
            return r

    def description(self) -> str:
        return f"{random.choice(DESCRIPTIONS)} lt{self.number}-{next(self.sequence)}-{uuid.uuid4().hex[:6]}"

    def categories(self) -> list[dict]:
        if not hasattr(self, "_categories"):
            self._categories = self.client.get("/expenses/quick-add.json", name="quick add categories").json()[
                "categories"
            ]
        return self._categories

    # What people do

    @task(10)
    def dashboard(self):
        self.maybe_rare()
        self.open("/", "dashboard")

    @task(8)
    def expense_list(self):
        page = self.open("/expenses", "expenses list")
        following = NEXT_PAGE.search(page)
        if following and random.random() < 0.4:
            self.open(following.group(1).replace("&amp;", "&"), "expenses list, next page")

    @task(3)
    def search(self):
        self.open(f"/expenses?q={random.choice(SEARCH_WORDS)}", "search")

    @task(2)
    def filtered_list(self):
        category = random.choice(self.categories())["id"]
        self.open(f"/expenses?range=this-year&category={category}&sort=amount", "expenses list, filtered")

    @task(5)
    def quick_add(self):
        category = random.choice(self.categories())
        description = self.description()
        key = str(uuid.uuid4())
        form = {
            "csrf_token": self.csrf,
            "amount": f"{random.randint(1, 4000)}.{random.randint(0, 99):02d}",
            "description": description,
            "category_id": str(category["id"]),
            "spent_on": date.today().isoformat(),
        }
        for attempt in range(RETRY_LIMIT):
            with self.client.post(
                "/expenses/quick-add",
                data=form,
                headers={"Idempotency-Key": key, "Accept": "application/json"},
                name="quick add" if attempt == 0 else "quick add, sent again",
                catch_response=True,
                allow_redirects=False,  # a redirect (to sign in) is an answer of its own, not a page
            ) as r:
                if r.status_code == 201:
                    expense_id = r.json()["expense"]["id"]
                    self.added.append(expense_id)
                    _log(
                        kind="quick",
                        description=description,
                        expense_id=expense_id,
                        outcome="saved",
                        attempts=attempt + 1,
                    )
                    return
                r.failure(f"{r.status_code} {r.headers.get('Location', '')}".strip())
                if r.status_code not in (0, 502, 503, 504):
                    outcome = f"refused {r.status_code} {r.headers.get('Location', '')}".strip()
                    _log(kind="quick", description=description, outcome=outcome)
                    return
            gevent.sleep(1)
        _log(kind="quick", description=description, outcome="unknown")

    @task(3)
    def full_form(self):
        fields = dict(post_form_fields(self.open("/expenses/new", "new expense form")))
        if "csrf_token" not in fields:
            return
        description = self.description()
        fields.update(
            description=description,
            amount=f"{random.randint(1, 9000)}.{random.randint(0, 99):02d}",
            category_id=str(random.choice(self.categories())["id"]),
        )
        r = self.post("/expenses/new", fields, "new expense, saved")
        # A form without an idempotency key is not sent again: whether a failed one landed is
        # unknown to the person (the check allows it at most once).
        # Saved is the redirect to the list; a redirect to sign in is a refusal like any other.
        location = r.headers.get("Location", "")
        saved = r.status_code == 302 and "/login" not in location
        refused = f"refused {r.status_code} {location}".strip()
        outcome = "saved" if saved else ("unknown" if r.status_code >= 500 else refused)
        _log(kind="form", description=description, outcome=outcome)

    @task(2)
    def edit(self):
        if not self.added:
            return
        expense_id = random.choice(self.added)
        page = self.open(f"/expenses/{expense_id}/edit", "edit form")
        fields = dict(post_form_fields(page))
        if "csrf_token" not in fields:
            return
        fields["amount"] = f"{random.randint(1, 900)}.{random.randint(0, 99):02d}"
        self.post(f"/expenses/{expense_id}/edit", fields, "edit, saved")

    @task(1)
    def delete(self):
        if not self.added:
            return
        expense_id = self.added.pop(random.randrange(len(self.added)))
        fields = post_form_fields(self.open(f"/expenses/{expense_id}/delete", "delete confirm"))
        if not fields:
            self.added.append(expense_id)  # another time
            return
        for attempt in range(RETRY_LIMIT):
            r = self.post(f"/expenses/{expense_id}/delete", fields, "delete" if attempt == 0 else "delete, sent again")
            if r.status_code == 302 or r.status_code == 404:
                _log(kind="delete", expense_id=expense_id, outcome="deleted")
                return
            if r.status_code not in (0, 502, 503, 504):
                break
            gevent.sleep(1)
        _log(kind="delete", expense_id=expense_id, outcome="unknown")

    @task(3)
    def reports(self):
        self.open("/reports", "reports")

    @task(2)
    def budgets(self):
        self.open("/budgets", "budgets")

    @task(1)
    def export(self):
        self.client.get("/expenses/export.csv?range=last-12-months&sort=date", name="export, filtered (CSV)")

    @task(3)
    def api(self):
        headers = {"Authorization": f"Bearer {self.account['token']}"}
        ledger_id = self.account.get("shared_ledger_id") or self.account["ledger_id"]
        self.client.get(f"/api/v1/ledgers/{ledger_id}", headers=headers, name="API ledger")

    # The rare ones

    def maybe_rare(self):
        if random.random() < IMPORT_CHANCE:
            self.csv_import()
        elif random.random() < RELOGIN_CHANCE:
            self.post("/logout", {"csrf_token": self.csrf}, "logout")
            self.sign_in()

    def csv_import(self):
        batch = uuid.uuid4().hex[:8]
        names = [category["name"] for category in self.categories()]
        found = CSRF_META.search(self.open("/import", "import: upload page"))
        if found is None:
            return
        token = found.group(1)
        files = {"csv_file": (f"bank-{batch}.csv", import_csv(self.number, batch, names), "text/csv")}
        r = self.post("/import", {"csrf_token": token}, "import: upload", files=files)
        if r.status_code != 302:
            return
        columns = r.headers["Location"]
        steps = (("columns", "import: columns"), ("formats", "import: formats"), ("preview", "import: preview"))
        location = columns
        for _step, name in steps:
            fields = post_form_fields(self.open(location, name + " page"))
            if not fields:
                _log(kind="import", batch=batch, outcome=f"stopped at {_step} (page failed)")
                return
            if _step == "preview":
                fields = [(n, v) for n, v in fields if n not in ("refresh", "submit")] + [("submit", "Import")]
            r = self.post(location, fields, name)
            if r.status_code != 302:
                _log(kind="import", batch=batch, outcome=f"stopped at {_step} ({r.status_code})")
                return
            location = r.headers["Location"]
        _log(kind="import", batch=batch, outcome="imported")
