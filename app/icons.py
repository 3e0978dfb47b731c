"""Bootstrap Icons as inline SVG. A page carries the few icons it shows as <symbol>s at its end,
instead of loading the icon font (135 KB) and its render-blocking stylesheet."""

import re
from functools import cache, lru_cache
from pathlib import Path

from flask import g
from markupsafe import Markup, escape

# Filled by `make assets` from the bootstrap-icons npm package.
ICONS = Path(__file__).resolve().parent / "static" / "vendor" / "bootstrap-icons" / "icons"
NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


@cache
def _shapes(name: str) -> Markup:
    """What is inside the icon's <svg> element (all Bootstrap Icons are drawn on a 16x16 box)."""
    if not NAME.fullmatch(name):
        raise ValueError(f"not an icon name: {name!r}")
    svg = (ICONS / f"{name}.svg").read_text(encoding="utf-8")
    # The package's own files, not anyone's input: they go into the page as they are.
    return Markup(svg[svg.index(">") + 1 : svg.rindex("</svg>")].strip())  # noqa: S704


def icon(name: str, class_: str = "") -> Markup:
    """A decorative icon (hidden from screen readers: the text next to it says what it means)."""
    g.setdefault("icons", {})[name] = True
    return _use(name, class_)


@lru_cache(maxsize=512)
def _use(name: str, class_: str) -> Markup:
    # Built once per name and class: Markup.format is slow, and a page of 25 rows shows 60 icons.
    _shapes(name)  # an unknown name fails here, where the template asks for it
    classes = escape(f"bi bi-{name} {class_}".strip())
    return Markup(f'<svg class="{classes}" aria-hidden="true" focusable="false"><use href="#bi-{name}"></use></svg>')  # noqa: S704


@lru_cache(maxsize=512)
def swatch(color: str) -> Markup:
    """A category's colour as a small square. An SVG fill is an attribute, not an inline style, so
    the CSP allows it."""
    return Markup(  # noqa: S704
        '<svg class="swatch" width="12" height="12" aria-hidden="true" focusable="false">'
        f'<rect width="12" height="12" rx="3" fill="{escape(color)}"/></svg>'
    )


def icon_symbols() -> Markup:
    """The symbols of every icon the page used; rendered last in <body>, after everything that uses them."""
    symbol = Markup('<symbol id="bi-{}" viewBox="0 0 16 16">{}</symbol>')
    symbols = Markup("").join(symbol.format(name, _shapes(name)) for name in g.get("icons", {}))
    if not symbols:
        return symbols
    return Markup('<svg class="icon-symbols" aria-hidden="true" focusable="false">{}</svg>').format(symbols)
