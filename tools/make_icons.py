"""The app's icons for phones and the web app manifest, drawn from app/static/favicon.svg:
`make icons` (or `python -m tools.make_icons`).

The PNGs are committed, not built by `make run`: drawing an SVG with text in it needs a browser and
its fonts, and the same SVG would come out a little differently on every machine (or not at all on
a server without Chromium). They change only when the SVG does; tests/test_pwa.py fails when the
SVG's SHA-256 is not the one recorded here at the last run, so an edited SVG cannot go unnoticed.

Chromium (the one the browser tests use) draws each size:
- icon-192.png, icon-512.png: the SVG as it is, on a transparent background (purpose "any");
- icon-maskable-512.png: the SVG at 70% on a full square of its green, so that any mask a phone
  applies (a circle keeps the middle 80%) leaves the whole sign, which fills the middle half of the SVG;
- apple-touch-icon.png (180): the same full square, as iOS fills transparency with black.
"""

import hashlib
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.e2e.browser import LAUNCH_ARGS, find_browser, not_found_message

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "app" / "static" / "favicon.svg"
OUT = ROOT / "app" / "static" / "icons"
SOURCE_HASH = OUT / "favicon.svg.sha256"
BACKGROUND = "#198754"  # the SVG's own green

# (file name, size in pixels, fraction of the side the SVG takes, background or None)
ICONS = [
    ("icon-192.png", 192, 1.0, None),
    ("icon-512.png", 512, 1.0, None),
    ("icon-maskable-512.png", 512, 0.7, BACKGROUND),
    ("apple-touch-icon.png", 180, 0.7, BACKGROUND),
]


def source_sha256() -> str:
    return hashlib.sha256(SOURCE.read_bytes()).hexdigest()


def _page_html(svg: str, size: int, scale: float, background: str | None) -> str:
    side = round(size * scale)
    fill = background or "transparent"
    sized = svg.replace("<svg ", f'<svg width="{side}" height="{side}" ', 1)
    return (
        "<!doctype html><html><body style='margin:0'>"
        f"<div style='width:{size}px;height:{size}px;display:grid;place-items:center;background:{fill}'>"
        f"<div style='width:{side}px;height:{side}px'>{sized}"
        "</div></div></body></html>"
    )


def main() -> int:
    chromium = find_browser()
    if chromium is None:
        print(not_found_message(), file=sys.stderr)
        return 1
    svg = SOURCE.read_text()
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=LAUNCH_ARGS)
        for name, size, scale, background in ICONS:
            page = browser.new_page(viewport={"width": size, "height": size})
            page.set_content(_page_html(svg, size, scale, background))
            page.screenshot(path=str(OUT / name), omit_background=background is None)
            page.close()
            print(f"{name}: {size}x{size}")
        browser.close()
    SOURCE_HASH.write_text(source_sha256() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
