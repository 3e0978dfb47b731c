"""Installing the app on a phone: the web app manifest, the service worker and the offline page.

The service worker (static/service-worker.js) is served from the site's root so that its scope is
every page. It keeps only static files, by their content-hashed address (app/assets.py), and the
offline page, which holds no one's data; pages with data always come from the network and stay
`no-store`. Its address carries a hash of every static file (itself included), so a deploy that
changes any of them installs a new worker, which keeps the offline page anew and drops the old cache.
"""

from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _

from . import assets
from .extensions import limiter

bp = Blueprint("pwa", __name__)

NAME = "Expense Tracker"
SHORT_NAME = "Expenses"
# The navbar's colour, in light and dark mode alike: the browser's bar above it continues it.
THEME_COLOR = "#212529"
# The light page's background (Bootstrap's body-tertiary), for the splash screen while it starts.
BACKGROUND_COLOR = "#f8f9fa"
WORKER_FILE = "service-worker.js"
ICONS = (
    ("icons/icon-192.png", "192x192", "any"),
    ("icons/icon-512.png", "512x512", "any"),
    ("icons/icon-maskable-512.png", "512x512", "maskable"),
)


@bp.app_template_global("service_worker_url")
def worker_url() -> str:
    return url_for("pwa.service_worker", v=assets.static_version())


@bp.app_template_global("theme_color")
def theme_color() -> str:
    return THEME_COLOR


@bp.get("/manifest.webmanifest")
@limiter.exempt
def manifest():
    response = jsonify(
        id="/",
        name=NAME,
        short_name=SHORT_NAME,
        description=_("Keep track of what you spend, on your own server."),
        start_url=url_for("expenses.dashboard"),
        scope="/",
        display="standalone",
        theme_color=THEME_COLOR,
        background_color=BACKGROUND_COLOR,
        icons=[
            {"src": url_for("static", filename=path), "sizes": sizes, "type": "image/png", "purpose": purpose}
            for path, sizes, purpose in ICONS
        ],
    )
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/service-worker.js")
@limiter.exempt
def service_worker():
    # Browsers check for a new worker on navigations; no-cache makes that a cheap 304 while unchanged.
    script = (Path(current_app.static_folder) / WORKER_FILE).read_bytes()
    response = Response(script, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/offline")
@limiter.exempt
def offline():
    """What the service worker shows when a page cannot be reached. It is fetched without cookies,
    so it is the same for everyone and may be kept on the device."""
    response = current_app.make_response(render_template("offline.html"))
    response.headers["Cache-Control"] = "no-cache"
    return response
