"""Static files are linked with their content's hash and may be cached for a year; pages never."""

import hashlib
import re
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "app" / "static"


def _static_links(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/static/[^"]+)"', html)


def test_every_static_link_carries_its_files_hash(client):
    links = _static_links(client.get("/login").get_data(as_text=True))
    assert "/static/app.css?v=" + hashlib.sha256((STATIC / "app.css").read_bytes()).hexdigest()[:12] in links
    assert len(links) >= 5
    for link in links:
        path, _, version = link.partition("?v=")
        content = (STATIC / path.removeprefix("/static/")).read_bytes()
        assert version == hashlib.sha256(content).hexdigest()[:12], link


def test_static_files_are_cached_for_a_year_and_pages_not_at_all(client):
    link = next(link for link in _static_links(client.get("/login").get_data(as_text=True)) if "app.js" in link)
    response = client.get(link)
    response.close()
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000"
    assert client.get("/login").headers["Cache-Control"] == "no-store"
