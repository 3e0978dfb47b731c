"""Installing the app: the manifest, the service worker's script, the offline page, the icons, and
that pages with data still tell every cache to keep nothing."""

import hashlib
import re
import struct
from pathlib import Path

from app import assets, pwa
from app.security import CONTENT_SECURITY_POLICY

STATIC = Path(__file__).resolve().parents[1] / "app" / "static"


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_the_manifest_names_the_app_and_its_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json()
    icons = manifest.pop("icons")
    assert manifest == {
        "id": "/",
        "name": "Expense Tracker",
        "short_name": "Expenses",
        "description": "Keep track of what you spend, on your own server.",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": "#212529",
        "background_color": "#f8f9fa",
    }
    assert [(icon["sizes"], icon["purpose"], icon["type"]) for icon in icons] == [
        ("192x192", "any", "image/png"),
        ("512x512", "any", "image/png"),
        ("512x512", "maskable", "image/png"),
    ]
    for icon in icons:
        assert re.fullmatch(r"/static/icons/[a-z0-9-]+\.png\?v=[0-9a-f]{12}", icon["src"])
        served = client.get(icon["src"])
        served.close()
        assert served.status_code == 200
        assert served.mimetype == "image/png"
        side = int(icon["sizes"].split("x")[0])
        assert _png_size(STATIC / icon["src"].removeprefix("/static/").split("?")[0]) == (side, side)


def test_the_icons_were_drawn_from_the_svg_as_it_is_now():
    """`make icons` draws them and records the SVG's hash: an edited SVG needs a new run."""
    recorded = (STATIC / "icons" / "favicon.svg.sha256").read_text().strip()
    assert recorded == hashlib.sha256((STATIC / "favicon.svg").read_bytes()).hexdigest()
    assert _png_size(STATIC / "icons" / "apple-touch-icon.png") == (180, 180)


def test_every_page_links_the_manifest_theme_colours_and_the_worker(client, user):
    html = client.get("/").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<meta name="theme-color" media="(prefers-color-scheme: light)" content="#212529">' in html
    assert '<meta name="theme-color" media="(prefers-color-scheme: dark)" content="#212529">' in html
    worker = re.search(
        r'src="/static/pwa\.js\?v=[0-9a-f]{12}" data-worker="(/service-worker\.js\?v=[0-9a-f]{12})"', html
    )
    assert worker, "no service worker registration"
    signed_out = client.application.test_client().get("/login").get_data(as_text=True)
    assert f'data-worker="{worker.group(1)}"' in signed_out


def test_the_worker_is_served_from_the_root_as_javascript_and_checked_for_updates(client):
    response = client.get("/service-worker.js?v=abc")
    body = response.get_data()
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    # Its own fetches and the pages it serves fall under the site's policy: 'self' only.
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert body == (STATIC / "service-worker.js").read_bytes()
    unchanged = client.get("/service-worker.js?v=abc", headers={"If-None-Match": response.headers["ETag"]})
    assert unchanged.status_code == 304


def test_the_offline_page_is_the_same_for_everyone_and_may_be_kept(app, client, user):
    response = app.test_client().get("/offline")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    html = response.get_data(as_text=True)
    assert '<h1 class="h3">You are offline</h1>' in html
    assert "quick-add" not in html
    assert "alice@example.com" not in html


def test_pages_with_data_stay_no_store(client, user):
    for url in ("/", "/expenses", "/expenses/quick-add.json", "/reports"):
        assert client.get(url).headers["Cache-Control"] == "no-store", url


def test_the_worker_version_follows_every_static_file(app, tmp_path):
    (tmp_path / "app.css").write_text("body {}")
    (tmp_path / "app.css.map").write_text("{}")
    app.static_folder = str(tmp_path)
    with app.test_request_context():
        first = pwa.worker_url()
        (tmp_path / "app.css.map").write_text("{ }")  # source maps are not fetched by pages
        assert pwa.worker_url() == first
    (tmp_path / "app.css").write_text("body { margin: 0 }")
    assets._static_version.cache_clear()
    assets._hash_of.cache_clear()
    with app.test_request_context():
        assert pwa.worker_url() != first
