"""Quick add in plain words: one line such as "coffee 4.50 yesterday", "4,50 € Kaffee gestern" or
"rent 1150 on the 1st" read into an amount, a date, an optional #category and a description.

A pure function of the line, the ledger's currency, the reader's locale and today. The amount is
read the way the reader writes numbers (app.money.parse_amount with the locale's decimal mark) and
may carry only the ledger currency's symbol or code. Date words are English and German, always both:
today, yesterday, N days/weeks ago, weekday names, "on the Nth" / "am N.", ISO dates and the locale's
short date. Whatever is left is the description. What cannot be read is a PlainWordsError whose
message is written for the person typing.

When two numbers could be the amount, one with a currency sign wins, then one with decimals
("5 coffees 12.50" is 12.50), then the last; two with decimals are a question, not a guess.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from babel import Locale
from babel import numbers as babel_numbers
from flask_babel import gettext as _

from .. import money
from ..l10n import decimal_mark
from ..models import DESCRIPTION_MAX
from ..validators import is_control

LINE_MAX = 300


@dataclass(frozen=True)
class PlainWords:
    amount: Decimal
    spent_on: date
    description: str
    category: str | None  # what followed "#", as typed; matched to a category by the caller
    date_words: str | None  # the words read as the date; None when there were none (today)


class PlainWordsError(ValueError):
    """A line that cannot be read; the message says why, for the person who typed it."""


_NUMBER_WORDS = {
    **dict.fromkeys(("a", "an", "one", "ein", "eine", "einem", "einen", "einer"), 1),
    **dict.fromkeys(("two", "zwei"), 2),
    **dict.fromkeys(("three", "drei"), 3),
    **dict.fromkeys(("four", "vier"), 4),
    **dict.fromkeys(("five", "fünf"), 5),
    **dict.fromkeys(("six", "sechs"), 6),
    **dict.fromkeys(("seven", "sieben"), 7),
    **dict.fromkeys(("eight", "acht"), 8),
    **dict.fromkeys(("nine", "neun"), 9),
    **dict.fromkeys(("ten", "zehn"), 10),
}
_WEEKDAYS = {
    **{name: number for number, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday"))},
    **{"saturday": 5, "sunday": 6},
    **{name: number for number, name in enumerate(("montag", "dienstag", "mittwoch", "donnerstag", "freitag"))},
    **{"samstag": 5, "sonnabend": 5, "sonntag": 6},
}
_COUNT = r"(?P<n>[0-9]{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"
_ON = r"(?:(?:on|am)\s+)?"
# Whole words only: a date phrase starts after a space (or at the start) and ends before one.
_START, _END = r"(?<!\S)", r"(?=[,;!?]?(?:\s|$))"


def _phrase(pattern: str) -> re.Pattern:
    return re.compile(_START + "(?:" + pattern + ")" + _END, re.IGNORECASE)


_RELATIVE = [
    (_phrase(r"(?:the\s+)?day\s+before\s+yesterday|vorgestern"), lambda m: -2),
    (_phrase(r"yesterday|gestern"), lambda m: -1),
    (_phrase(r"today|heute"), lambda m: 0),
    (_phrase(rf"{_COUNT}\s+days?\s+ago|vor\s+{_COUNT.replace('?P<n>', '?P<m>')}\s+tag(?:en)?"), lambda m: -_count(m)),
    (
        _phrase(rf"{_COUNT}\s+weeks?\s+ago|vor\s+{_COUNT.replace('?P<n>', '?P<m>')}\s+wochen?"),
        lambda m: -7 * _count(m),
    ),
]
_WEEKDAY = _phrase(
    r"(?:(?P<prefix>last|on|this|letzten|letzter|letztem|vergangenen|am|diesen)\s+)?(?P<day>"
    + "|".join(_WEEKDAYS)
    + ")"
)
_DAY_OF_MONTH = _phrase(
    r"(?:(?:on\s+the|on|the)\s+(?P<d>[0-9]{1,2})(?:st|nd|rd|th)|am\s+(?P<de>[0-9]{1,2})\.?|(?P<de2>[0-9]{1,2})\.?\s+des\s+monats)"
)
_ISO = _phrase(_ON + r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})")


def _count(match: re.Match) -> int:
    word = (match["n"] or match["m"]).lower()
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


def _short_date_patterns(locale: Locale) -> list[re.Pattern]:
    """The locale's short date ("3/14/26", "14.03.26", "14/03/2026"), and without the year where
    that cannot be an amount: "3/14", "14.03." (with its final dot)."""
    pattern = locale.date_formats["short"].pattern
    order = list(dict.fromkeys(re.findall(r"[dMy]", pattern)))  # "dd.MM.yy": d, M, y
    separator = re.search(r"[^dMy]", pattern)
    sep = separator.group(0) if separator else "/"
    groups = {"d": r"(?P<d>[0-9]{1,2})", "M": r"(?P<m>[0-9]{1,2})", "y": r"(?P<y>[0-9]{4}|[0-9]{2})"}
    full = re.escape(sep).join(groups[letter] for letter in order)
    patterns = [_phrase(_ON + full)]
    if order[-1] == "y" and sep in "/.":
        yearless = re.escape(sep).join(groups[letter] for letter in order[:2]) + (r"\." if sep == "." else "")
        patterns.append(_phrase(_ON + yearless))
    return patterns


def _most_recent_day(today: date, day: int) -> date | None:
    """The latest date on or before today falling on day `day` of its month."""
    year, month = today.year, today.month
    for _attempt in range(12):
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = None
        if candidate is not None and candidate <= today:
            return candidate
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return None


def _read_date(text: str, locale: Locale, today: date) -> tuple[str, date | None, str | None]:
    """(the text without its date phrase, the date, the phrase as typed)."""
    found: list[tuple[re.Match, date | None]] = []
    for pattern, days in _RELATIVE:
        found += [(m, today + timedelta(days=days(m))) for m in pattern.finditer(text)]
    for m in _WEEKDAY.finditer(text):
        back = (today.weekday() - _WEEKDAYS[m["day"].lower()]) % 7
        if back == 0 and (m["prefix"] or "").lower() in ("last", "letzten", "letzter", "letztem", "vergangenen"):
            back = 7
        found.append((m, today - timedelta(days=back)))
    for m in _DAY_OF_MONTH.finditer(text):
        day = int(m["d"] or m["de"] or m["de2"])
        found.append((m, _most_recent_day(today, day) if 1 <= day <= 31 else None))
    for pattern in (_ISO, *_short_date_patterns(locale)):
        for m in pattern.finditer(text):
            found.append((m, _calendar_date(m, today)))
    found = _outermost(found)
    if not found:
        return text, None, None
    if len(found) > 1:
        phrases = " and ".join(f"“{m.group(0).strip()}”" for m, _ in found)
        raise PlainWordsError(_("That line has two dates, %(phrases)s. Keep one.", phrases=phrases))
    match, day = found[0]
    words = match.group(0).strip()
    if day is None:
        raise PlainWordsError(_("“%(words)s” is not a date.", words=words))
    return text[: match.start()] + " " + text[match.end() :], day, words


def _calendar_date(match: re.Match, today: date) -> date | None:
    day, month = int(match["d"]), int(match["m"])
    year_text = match.groupdict().get("y")
    try:
        if year_text is None:
            this_year = date(today.year, month, day)
            return this_year if this_year <= today else date(today.year - 1, month, day)
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        return date(year, month, day)
    except ValueError:
        return None


def _outermost(found: list[tuple[re.Match, date | None]]) -> list[tuple[re.Match, date | None]]:
    """Drop matches inside a longer one ("day before yesterday" holds "yesterday")."""
    found.sort(key=lambda item: (item[0].start(), -item[0].end()))
    kept: list[tuple[re.Match, date | None]] = []
    for match, day in found:
        if kept and match.start() < kept[-1][0].end():
            continue
        kept.append((match, day))
    return kept


_FOREIGN_SIGNS = "$€£¥₹₩"
_NUMBER = re.compile(r"[0-9][0-9.,'’]*")
_DECIMALS = re.compile(r"[.,][0-9]{1,2}")


@dataclass
class _Candidate:
    position: int
    text: str
    marked: bool  # a currency sign or code was written with it


def _own_marks(code: str, locale: Locale) -> list[str]:
    cur = money.currency(code)
    marks = {code, cur.symbol.strip(), babel_numbers.get_currency_symbol(code, locale)}
    marks.add(babel_numbers.get_currency_symbol(code, "en"))
    return sorted(marks, key=len, reverse=True)


def _foreign_marks(code: str, own: list[str]) -> list[str]:
    marks = {other.code for other in money.CURRENCIES.values() if other.code != code}
    marks |= {other.symbol.strip() for other in money.CURRENCIES.values() if other.code != code}
    marks |= set(_FOREIGN_SIGNS)
    own_folded = {mark.casefold() for mark in own}
    return sorted((mark for mark in marks if mark.casefold() not in own_folded), key=len, reverse=True)


def _strip_mark(token: str, marks: list[str]) -> str | None:
    """The number in `token` when a mark is written before or after it ("€4.50", "4,50€", "EUR12")."""
    folded = token.casefold()
    for mark in marks:
        mark_folded = mark.casefold()
        for rest in (
            token[len(mark) :] if folded.startswith(mark_folded) else None,
            token[: -len(mark)] if folded.endswith(mark_folded) else None,
        ):
            if rest and _NUMBER.fullmatch(rest):
                return rest
    return None


def _read_amount(tokens: list[str], code: str, locale: Locale) -> tuple[Decimal, set[int]]:
    """The amount and the positions of the tokens it was read from."""
    own = _own_marks(code, locale)
    foreign = _foreign_marks(code, own)
    own_folded = {mark.casefold() for mark in own}
    foreign_folded = {mark.casefold() for mark in foreign}
    candidates: list[_Candidate] = []
    mark_positions: list[int] = []
    for position, token in enumerate(tokens):
        folded = token.casefold()
        if folded in own_folded:
            mark_positions.append(position)
        elif _NUMBER.fullmatch(token):
            candidates.append(_Candidate(position, token, marked=False))
        elif token[:1] in "-−" and _NUMBER.fullmatch(token[1:]):
            raise PlainWordsError(_("The amount must be more than zero."))
        elif (number := _strip_mark(token, own)) is not None:
            candidates.append(_Candidate(position, number, marked=True))
        elif _strip_mark(token, foreign) is not None or (
            folded in foreign_folded and _next_to_number(tokens, position)
        ):
            raise PlainWordsError(
                _(
                    "This ledger keeps its books in %(code)s; “%(token)s” is in another currency.",
                    code=code,
                    token=token,
                )
            )
    used = set(mark_positions)
    for position in mark_positions:
        neighbour = next((c for c in candidates if c.position in (position - 1, position + 1) and not c.marked), None)
        if neighbour is None:
            raise PlainWordsError(
                _(
                    "Write the amount next to “%(value)s”, like %(value2)s12.",
                    value=tokens[position],
                    value2=tokens[position],
                )
            )
        neighbour.marked = True
    if not candidates:
        example = money.format_plain(Decimal("4.5"), code).replace(".", decimal_mark(locale))
        raise PlainWordsError(
            _("There is no amount in that line. Add one, like “coffee %(example)s”.", example=example)
        )

    def rank(candidate: _Candidate) -> int:
        return 2 if candidate.marked else 1 if _DECIMALS.search(candidate.text[-3:]) else 0

    best = max(rank(c) for c in candidates)
    chosen = [c for c in candidates if rank(c) == best]
    if len(chosen) > 1 and best > 0:
        amounts = " and ".join(f"“{c.text}”" for c in chosen)
        raise PlainWordsError(_("That line has two amounts, %(amounts)s. Keep one.", amounts=amounts))
    amount_token = chosen[-1]
    try:
        amount = money.parse_amount(amount_token.text, code, decimal_mark=decimal_mark(locale))
    except money.AmountError as error:
        raise PlainWordsError(str(error)) from None
    used.add(amount_token.position)
    return amount, used


def _next_to_number(tokens: list[str], position: int) -> bool:
    return any(0 <= p < len(tokens) and _NUMBER.fullmatch(tokens[p]) for p in (position - 1, position + 1))


_CONNECTORS = {"for", "für"}


def parse_plain_words(text: str, *, currency_code: str, locale: Locale | str, today: date) -> PlainWords:
    """Read one typed line into an expense; raises PlainWordsError with a message to show."""
    locale = Locale.parse(locale) if isinstance(locale, str) else locale
    text = (text or "").strip()
    if not text:
        raise PlainWordsError(_("Type what you spent, like “coffee 4.50”."))
    if len(text) > LINE_MAX:
        raise PlainWordsError(_("That line is too long: keep it under %(line_max)s characters.", line_max=LINE_MAX))
    if any(is_control(char) for char in text):
        raise PlainWordsError(_("Use ordinary characters only: no tabs, line breaks or control codes."))
    rest, spent_on, date_words = _read_date(text, locale, today)
    tokens = [token for token in rest.split() if token.strip(",;!?")]
    tokens = [token.rstrip(",;!?") if not _NUMBER.fullmatch(token) else token for token in tokens]
    tags = [position for position, token in enumerate(tokens) if token.startswith("#") and len(token) > 1]
    if len(tags) > 1:
        raise PlainWordsError(_("Give one #category, not ") + " and ".join(tokens[p] for p in tags) + ".")
    category = tokens[tags[0]][1:] if tags else None
    amount, used = _read_amount(tokens, currency_code, locale)
    words = [token for position, token in enumerate(tokens) if position not in used and position not in tags]
    while words and words[0].casefold() in _CONNECTORS:
        words.pop(0)
    while words and words[-1].casefold() in _CONNECTORS:
        words.pop()
    description = " ".join(words)
    if not description:
        raise PlainWordsError(_("Say what it was for too, like “coffee 4.50”."))
    if len(description) > DESCRIPTION_MAX:
        raise PlainWordsError(
            _("Keep the description under %(description_max)s characters.", description_max=DESCRIPTION_MAX)
        )
    return PlainWords(amount, spent_on or today, description, category, date_words)
