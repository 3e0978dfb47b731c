"""Icons are inline SVG: each page defines, once, exactly the symbols its icons use, and loads no icon font."""

import re

import pytest
from flask import Flask

from app.icons import icon, swatch
from tests.conftest import add_expense

USES = re.compile(r'<svg class="bi bi-([a-z0-9-]+)[^"]*" aria-hidden="true" focusable="false"><use href="#bi-\1">')
SYMBOLS = re.compile(r'<symbol id="bi-([a-z0-9-]+)" viewBox="0 0 16 16"><path ')


def test_the_expense_list_defines_each_icon_it_uses_once(client, app, user):
    for day in range(1, 4):
        add_expense(app, user.id, "Transport", 1000 + day, description=f"Bus {day}")
    html = client.get("/expenses").get_data(as_text=True)

    uses = USES.findall(html)
    assert uses.count("pencil") == 3 and uses.count("trash") == 3
    assert SYMBOLS.findall(html) == list(dict.fromkeys(uses))  # once each, in order of first use
    assert html.count('class="icon-symbols"') == 1
    assert "bootstrap-icons" not in html and "<i class=" not in html


def test_every_request_defines_the_symbols_of_its_icons(client, app, user):
    """An icon's markup is built once per process; the page's list of symbols is still per request."""
    add_expense(app, user.id, "Transport", 1000, description="Bus")
    for _ in range(2):
        html = client.get("/expenses").get_data(as_text=True)
        assert {"pencil", "trash"} <= set(SYMBOLS.findall(html))


def test_a_swatch_is_the_colour_as_an_attribute_escaped(app: Flask):
    assert swatch("#1565c0") == (
        '<svg class="swatch" width="12" height="12" aria-hidden="true" focusable="false">'
        '<rect width="12" height="12" rx="3" fill="#1565c0"/></svg>'
    )
    assert 'fill="&#34;&gt;&lt;script&gt;"' in swatch('"><script>')


def test_a_page_without_icons_has_no_symbols(app: Flask):
    @app.get("/plain")
    def plain():
        return app.jinja_env.from_string("{{ icon_symbols() }}").render()

    assert app.test_client().get("/plain").get_data(as_text=True) == ""


@pytest.mark.parametrize("name", ["../secret", "Pencil", "no-such-icon"])
def test_an_unknown_icon_name_fails_where_the_template_asks_for_it(app: Flask, name):
    with app.test_request_context(), pytest.raises((ValueError, FileNotFoundError)):
        icon(name)
