"""The reader's locale: which one a request uses, and dates written in it.

The locale sets the formatting (amounts, dates, percentages) and the interface's language: the
messages of its language in app/translations (German, French, Spanish and Hindi), English for the
others. Amounts are formatted in `app.money`, with the locale chosen here.
"""

import re
from datetime import date, datetime
from decimal import Decimal
from functools import cache

import flask_babel
from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask import Flask, has_request_context, request
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from .requester import asking_account

# Also what requests without an Accept-Language header, the CLI and exports use.
DEFAULT_LOCALE = "en_US"

# Offered in the settings and matched against Accept-Language. The first locale of each language
# is the one a browser asking only for the language ("de", "en-AU") gets.
OFFERED_LOCALES = (
    "en_US",
    "en_GB",
    "en_AU",
    "en_CA",
    "en_IN",
    "de_DE",
    "de_CH",
    "es_ES",
    "es_MX",
    "fr_FR",
    "fr_CA",
    "hi_IN",
    "it_IT",
    "ja_JP",
    "nl_NL",
    "pl_PL",
    "pt_BR",
    "pt_PT",
    "sv_SE",
)
_BY_TAG = {locale_id.lower(): locale_id for locale_id in OFFERED_LOCALES}
_BY_LANGUAGE: dict[str, str] = {}
for _locale_id in OFFERED_LOCALES:
    _BY_LANGUAGE.setdefault(_locale_id.split("_")[0], _locale_id)

# Languages with a catalogue in app/translations; the interface is in English for the other locales.
TRANSLATED_LANGUAGES: tuple[str, ...] = ("de", "es", "fr", "hi")

# configure_jinja=False: gettext and the filters are installed in app.templating.
_babel = flask_babel.Babel(configure_jinja=False)


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    _babel.init_app(app, locale_selector=select_locale)


def select_locale() -> Locale | None:
    """The locale of this request: the user's setting, else the browser's best match, else en_US.

    Flask-Babel calls this once per request, the first time something is formatted. A Locale
    object, not its id: Flask-Babel would parse an id on every request (about 150 µs).
    """
    if not has_request_context():
        return None  # the CLI: Flask-Babel's default, en_US
    user = asking_account()
    if user is not None and user.locale in _BY_ID:
        return parse_locale(user.locale)
    return parse_locale(browser_locale())


def browser_locale() -> str:
    """The offered locale that best matches the request's Accept-Language header."""
    return _match_accept_language(request.headers.get("Accept-Language", "")[:500])


def _match_accept_language(header: str) -> str:
    # In the browser's order of preference: an exact match ("en-GB"), else the same language
    # ("fr-BE" gets fr_FR) before any less preferred language.
    for value, quality in parse_accept_header(header, LanguageAccept):
        if quality <= 0:
            continue
        if value == "*":
            break
        tag = value.replace("-", "_").lower()
        locale_id = _BY_TAG.get(tag) or _BY_LANGUAGE.get(tag.split("_")[0])
        if locale_id:
            return locale_id
    return DEFAULT_LOCALE


def current_locale() -> Locale:
    """The Babel Locale of this request (chosen once by select_locale), en_US outside any app context."""
    # Flask-Babel keeps the locale it chose on `g` for the rest of the request.
    return flask_babel.get_locale() or _DEFAULT


@cache
def parse_locale(locale_id: str) -> Locale:
    """The Babel Locale for one of the offered ids (parsed once)."""
    return Locale.parse(locale_id)


_DEFAULT = parse_locale(DEFAULT_LOCALE)
_BY_ID = frozenset(OFFERED_LOCALES)


def is_offered(locale_id: str | None) -> bool:
    return locale_id in _BY_ID


def display_name(locale_id: str) -> str:
    """The locale's name in its own language: "Deutsch (Deutschland)", "English (India)"."""
    name = parse_locale(locale_id).display_name or locale_id
    return name[:1].upper() + name[1:]  # "français (France)" starts a list item


def html_lang(locale_id: str) -> str:
    """The BCP 47 tag for a lang attribute: "de-DE"."""
    return locale_id.replace("_", "-")


def current_language_tag() -> str:
    """The BCP 47 tag of this request's locale ("de-DE"), for the browser's own number formatting."""
    return html_lang(str(current_locale()))


def interface_language_tag() -> str:
    """The lang attribute of a page: the locale's tag when its language is translated ("de-CH"),
    else "en" (an it_IT reader sees Italian dates in English text)."""
    locale = current_locale()
    if locale.language == "en" or locale.language in TRANSLATED_LANGUAGES:
        return html_lang(str(locale))
    return "en"


def decimal_mark(locale: Locale | None = None) -> str:
    """The decimal mark people type in this locale: "." or ","."""
    return "," if babel_numbers.get_decimal_symbol(locale or current_locale()) == "," else "."


def format_day(value: date | None, style: str = "medium", locale: Locale | None = None) -> str:
    """A date as the reader writes it: "Nov 25, 2026", "25 Nov 2026", "25.11.2026" (style medium),
    or "November 25, 2026" (long). Empty for no date."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return babel_dates.format_date(value, style, locale=locale or current_locale())


def format_moment(value: datetime | None) -> str:
    """A stored (naive UTC) time with the date: "Nov 25, 2026, 3:04 PM", "25.11.2026, 15:04"."""
    if value is None:
        return ""
    locale = current_locale()
    pattern = locale.datetime_formats["medium"]  # "{1}, {0}": date, then time
    return pattern.format(babel_dates.format_time(value, "short", locale=locale), format_day(value, "medium", locale))


def format_month(day: date, *, short: bool = False) -> str:
    """The month and year of `day`: "November 2026" (or "Nov 2026"), "novembre 2026"."""
    return babel_dates.format_skeleton("yMMM" if short else "yMMMM", day, locale=current_locale())


def format_date_range(first: date, last: date) -> str:
    """Two dates as one range, sharing what they share: "Nov 15 – Dec 14, 2026"."""
    return babel_dates.format_interval(first, last, "yMMMd", locale=current_locale())


def format_count(value: int | None) -> str:
    """A whole number as the reader groups it: "1,234", "1.234", "1,234" (hi_IN)."""
    if value is None:
        return ""
    return babel_numbers.format_decimal(value, locale=current_locale())


def format_percent(value: Decimal | int | None) -> str:
    """A percentage (already times 100) with the decimal places it has: "12.5%", "12,5\xa0%"."""
    if value is None:
        return ""
    number = Decimal(value)
    places = max(0, -number.as_tuple().exponent)
    locale = current_locale()
    return babel_numbers.format_percent(number.scaleb(-2), _percent_pattern(locale, places), locale=locale)


def _percent_pattern(locale: Locale, places: int) -> str:
    """The locale's percent pattern ("#,##0\xa0%" in de_DE) showing `places` decimal places."""
    pattern = locale.percent_formats[None].pattern
    if not places:
        return pattern
    # After the last digit of each subpattern (positive;negative): "#,##0%" -> "#,##0.0%".
    return ";".join(re.sub(r"0(?=[^0#,]*$)", "0." + "0" * places, part, count=1) for part in pattern.split(";"))
