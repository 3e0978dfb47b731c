"""Bootstrap Icons as inline SVG. A page carries the few icons it shows as <symbol>s at its end,
instead of loading the icon font (135 KB) and its render-blocking stylesheet."""

import re
from functools import cache
from pathlib import Path

from flask import g
from markupsafe import Markup

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
    _shapes(name)  # an unknown name fails here, where the template asks for it
    g.setdefault("icons", {})[name] = True
    return Markup('<svg class="{}" aria-hidden="true" focusable="false"><use href="#bi-{}"></use></svg>').format(
        f"bi bi-{name} {class_}".strip(), name
    )


def icon_symbols() -> Markup:
    """The symbols of every icon the page used; rendered last in <body>, after everything that uses them."""
    symbol = Markup('<symbol id="bi-{}" viewBox="0 0 16 16">{}</symbol>')
    symbols = Markup("").join(symbol.format(name, _shapes(name)) for name in g.get("icons", {}))
    if not symbols:
        return symbols
    return Markup('<svg class="icon-symbols" aria-hidden="true" focusable="false">{}</svg>').format(symbols)
