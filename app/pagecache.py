"""Repeat views of the busiest pages (dashboard, expense list, reports, budgets) without rendering.

Rendering a whole page in Jinja costs two to four times what its SQL does, and people look at the
same dashboard or list page again and again between changes. A page is kept, in the memory of the
worker that rendered it, under a key made of everything the page shows that can change:

- the user's `data_version`, which database triggers move on with every change to their expenses,
  categories and budgets (migrations 0006 and 0009), however the change is made;
- the settings on the user's row that pages show (email, currency, locale, budget, period start);
- the request's full URL, resolved locale (a browser's Accept-Language) and theme cookie;
- today's date (periods, "days left", quick date ranges);
- the session's CSRF secret (the page's forms carry a token signed from it).

A kept page is never needed: a miss renders as usual, so workers share nothing and a restart loses
nothing. Entries expire after TTL seconds (at most half the CSRF token's time limit), and the
whole cache is held under a size limit in bytes of UTF-8 (config PAGE_CACHE_BYTES; 0 turns it
off). A request with flashed messages to show is neither served from the cache nor kept.
"""

import threading
import time
from collections import OrderedDict
from datetime import date
from functools import wraps

from flask import current_app, get_flashed_messages, request, session
from flask_login import current_user

from . import l10n
from .theme import current_theme

TTL = 300  # seconds
KEY_BYTES = 512  # about what a key holds besides its URL


class PageCache:
    """A least-recently-used map of keys to rendered pages (UTF-8), limited in total size and age."""

    def __init__(self, max_bytes: int, ttl: float = TTL):
        self.max_bytes = max_bytes
        self.ttl = ttl
        self._pages: OrderedDict[tuple, tuple[float, bytes]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()  # the development server serves requests in threads

    def get(self, key: tuple) -> bytes | None:
        with self._lock:
            entry = self._pages.get(key)
            if entry is None:
                return None
            if entry[0] <= time.monotonic():
                self._remove(key)
                return None
            self._pages.move_to_end(key)
            return entry[1]

    def put(self, key: tuple, page: bytes) -> None:
        size = _size(key, page)
        if size > self.max_bytes // 4:
            return
        with self._lock:
            if key in self._pages:
                self._remove(key)
            self._pages[key] = (time.monotonic() + self.ttl, page)
            self._bytes += size
            while self._bytes > self.max_bytes:
                self._remove(next(iter(self._pages)))

    def __len__(self) -> int:
        return len(self._pages)

    def _remove(self, key: tuple) -> None:
        _, page = self._pages.pop(key)
        self._bytes -= _size(key, page)


def _size(key: tuple, page: bytes) -> int:
    return len(page) + len(key[0]) + KEY_BYTES


def _key() -> tuple | None:
    """What the page depends on beyond the view's code; None when it must not be kept."""
    csrf_secret = session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    if request.method != "GET" or "_flashes" in session or csrf_secret is None:
        # Without the secret in the session yet, rendering the page is what puts it there.
        return None
    user = current_user
    return (
        request.url,
        user.id,
        user.created_at,  # SQLite may give a deleted account's id to the next one
        user.data_version,
        user.email,
        user.currency,
        user.locale,
        user.monthly_budget_cents,
        user.period_start_day,
        str(l10n.current_locale()),
        current_theme(),
        date.today(),
        csrf_secret,
    )


def cached_page(view):
    """Serve the view's page from the cache when nothing it shows has changed; keep what it renders."""

    @wraps(view)
    def serve(*args, **kwargs):
        cache: PageCache | None = current_app.extensions.get("page_cache")
        key = _key() if cache is not None else None
        if key is None:
            return view(*args, **kwargs)
        page = cache.get(key)
        if page is not None:
            return page
        result = view(*args, **kwargs)
        # A page, or a page with its status: only a plain 200 page is kept (not a redirect, a 422
        # or a page with headers of its own). Messages flashed while rendering are shown once.
        page, status = result if isinstance(result, tuple) and len(result) == 2 else (result, 200)
        if isinstance(page, str) and status == 200 and not get_flashed_messages():
            cache.put(key, page.encode())
        return result

    return serve


def init_app(app) -> None:
    max_bytes = app.config["PAGE_CACHE_BYTES"]
    if max_bytes:
        # A kept page's CSRF token must have most of its life left when the page is served.
        csrf_limit = app.config.get("WTF_CSRF_TIME_LIMIT", 3600)
        app.extensions["page_cache"] = PageCache(max_bytes, min(TTL, csrf_limit / 2) if csrf_limit else TTL)
