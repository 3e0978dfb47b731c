"""The focused check beside the load: each page for the account with 1,000,000 expenses against the
same page for an account with 1,000, through nginx, one request at a time, before the load starts.

Taken in turn (small, big, small, big ...) so that anything else the machine does falls on both;
the figure per page and account is the median of ROUNDS requests after WARMUP.
"""

import re
import statistics
import time

import requests

from .seed import FOCUSED_SEARCH_TERM
from .topology import BASE_URL, CERTIFICATE

ROUNDS, WARMUP = 15, 3
TARGET_RATIO = 1.25
CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')
NEXT_PAGE = re.compile(r'href="(/expenses\?[^"]*after=[^"]+)"')
EDIT_LINK = re.compile(r'href="(/expenses/\d+/edit)"')


def signed_in(account: dict) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # the environment's CA bundle would replace our certificate
    session.verify = str(CERTIFICATE)
    session.headers["Referer"] = BASE_URL + "/"
    token = CSRF_META.search(session.get(f"{BASE_URL}/login").text).group(1)
    answer = session.post(
        f"{BASE_URL}/login",
        data={"csrf_token": token, "email": account["email"], "password": account["password"]},
        allow_redirects=False,
    )
    if answer.status_code != 302:
        raise SystemExit(f"loadtest: signing in as {account['email']} answered {answer.status_code}")
    return session


def pages_of(session: requests.Session, account: dict) -> dict[str, tuple[str, dict]]:
    """(page name) -> (path, headers), the addresses read off the account's own pages."""
    listing = session.get(f"{BASE_URL}/expenses").text
    category = session.get(f"{BASE_URL}/expenses/quick-add.json").json()["categories"][0]["id"]
    api = {"Authorization": f"Bearer {account['token']}"}
    return {
        "dashboard": ("/", {}),
        "expenses list": ("/expenses", {}),
        "expenses list, next page": (NEXT_PAGE.search(listing).group(1).replace("&amp;", "&"), {}),
        "expenses list, by amount": ("/expenses?sort=amount", {}),
        "expenses list, filtered": (f"/expenses?range=this-year&category={category}&sort=amount", {}),
        # A word both accounts have on the same number of expenses (seed.mark_focused_search): what
        # is compared is the other data's weight, not a thousand times as many matches to add up.
        "search": (f"/expenses?q={FOCUSED_SEARCH_TERM}", {}),
        "reports": ("/reports", {}),
        "budgets": ("/budgets", {}),
        "categories": ("/categories", {}),
        "imports": ("/imports", {}),
        "new expense form": ("/expenses/new", {}),
        "edit form": (EDIT_LINK.search(listing).group(1), {}),
        "quick add categories": ("/expenses/quick-add.json", {}),
        "API ledger": (f"/api/v1/ledgers/{account['ledger_id']}", api),
    }


def compare(small_account: dict, big_account: dict) -> dict:
    sessions = {"small": signed_in(small_account), "big": signed_in(big_account)}
    pages = {"small": pages_of(sessions["small"], small_account), "big": pages_of(sessions["big"], big_account)}
    results = {}
    for name in pages["small"]:
        times: dict[str, list[float]] = {"small": [], "big": []}
        for round_number in range(WARMUP + ROUNDS):
            for size in ("small", "big"):
                path, headers = pages[size][name]
                started = time.perf_counter()
                answer = sessions[size].get(BASE_URL + path, headers=headers)
                elapsed = (time.perf_counter() - started) * 1000
                if answer.status_code != 200:
                    raise SystemExit(f"loadtest: {name} for the {size} account answered {answer.status_code}")
                if round_number >= WARMUP:
                    times[size].append(elapsed)
        small, big = statistics.median(times["small"]), statistics.median(times["big"])
        results[name] = {
            "small_ms": round(small, 1),
            "big_ms": round(big, 1),
            "ratio": round(big / small, 2),
            "pass": big <= TARGET_RATIO * small,
        }
    return results
