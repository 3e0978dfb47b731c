"""Light, dark or automatic colours: the choice lives in a `theme` cookie, read without any query.

`POST /theme` sets the cookie and goes back where the visitor was; it works signed in or out and
without JavaScript (static/theme.js does the same in the page when scripts run). The server puts
`data-bs-theme` on <html> for light and dark, so the page is painted in the right colours at once;
for auto, static/theme.js picks from the system setting before the first paint.
"""

from datetime import timedelta
from typing import NamedTuple

from flask import Blueprint, redirect, request
from flask_babel import lazy_gettext as _l

from .routing import safe_next

bp = Blueprint("theme", __name__)

COOKIE_NAME = "theme"
COOKIE_MAX_AGE = timedelta(days=365)


class Theme(NamedTuple):
    value: str
    label: str
    icon: str  # Bootstrap Icons name
    next: str  # what the switch's button moves on to when scripts do not run


# In the order the menu shows them.
THEMES = {
    theme.value: theme
    for theme in (
        Theme("light", _l("Light"), "sun-fill", "dark"),
        Theme("dark", _l("Dark"), "moon-stars-fill", "auto"),
        Theme("auto", _l("Auto"), "circle-half", "light"),
    )
}


def current_theme() -> str:
    """The visitor's choice: light, dark or auto (no cookie, or one with an unknown value)."""
    value = request.cookies.get(COOKIE_NAME)
    return value if value in THEMES else "auto"


@bp.post("/theme")
def set_theme():
    # CSRFProtect has checked the token: another site cannot change how this one looks.
    response = redirect(safe_next(request.form.get("next")))
    choice = request.form.get("theme")
    if choice in THEMES:
        response.set_cookie(
            COOKIE_NAME,
            choice,
            max_age=COOKIE_MAX_AGE,
            path="/",
            samesite="Lax",
            secure=request.is_secure,
            # Not HttpOnly: static/theme.js rewrites it when the choice is made without a reload.
            httponly=False,
        )
    return response


@bp.app_context_processor
def theme_globals():
    return {"theme": THEMES[current_theme()], "THEMES": THEMES}
