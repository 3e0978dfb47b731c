"""Quick add in plain words: one typed line ("coffee 4.50 yesterday") read into an expense to confirm,
for the quick-add dialog (JSON) and the full form's prefill alike. The line is read by
app/autocat/plain_words.py in the ledger's currency, the reader's locale and their today; the
category comes from a "#word", else the ledger's rules, else its history (app/category_guess.py).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from .. import clock, l10n, money
from ..autocat.plain_words import PlainWordsError, parse_plain_words
from ..category_guess import FROM_TAG, NO_GUESS, Guesser
from ..models import Category, Ledger


@dataclass(frozen=True)
class Reading:
    amount: Decimal
    spent_on: date
    description: str
    category: Category | None  # None: nothing suggested; the person chooses
    reason: str
    source: str


def _tagged(categories: list[Category], word: str) -> Category:
    """The category a "#word" names: its name, or the one category whose name starts with it."""
    key = word.casefold().replace("_", " ")
    exact = [c for c in categories if c.name_key == key]
    if exact:
        return exact[0]
    starting = [c for c in categories if c.name_key.startswith(key)]
    if len(starting) == 1:
        return starting[0]
    if starting:
        names = ", ".join(c.name for c in starting)
        raise PlainWordsError(_("“#%(word)s” could be %(names)s: write more of the name.", word=word, names=names))
    raise PlainWordsError(_("You have no category “%(word)s”.", word=word))


def read_line(ledger: Ledger, categories: list[Category], text: str) -> Reading:
    """The expense one line describes; raises PlainWordsError with a message to show."""
    words = parse_plain_words(
        text, currency_code=ledger.currency, locale=l10n.current_locale(), today=clock.user_today()
    )
    amount_cents = money.to_minor(words.amount, ledger.currency)
    guesser = Guesser(ledger, categories)
    if words.category:
        category = _tagged(categories, words.category)
        ruled = guesser.by_rule(words.description, amount_cents)
        reason = _("you wrote #%(word)s", word=words.category)
        return Reading(words.amount, words.spent_on, ruled.description, category, reason, FROM_TAG)
    guess = guesser.guess(words.description, amount_cents)
    by_id = {c.id: c for c in categories}
    category = by_id.get(guess.category_id)
    source = guess.source if category is not None else NO_GUESS
    return Reading(words.amount, words.spent_on, guess.description, category, guess.reason, source)


def as_json(reading: Reading, code: str) -> dict:
    return {
        "amount": money.format_plain(reading.amount, code),
        "amount_text": money.format_amount(reading.amount, code),
        "spent_on": reading.spent_on.isoformat(),
        "date_text": l10n.format_day(reading.spent_on),
        "description": reading.description,
        "category_id": reading.category.id if reading.category is not None else None,
        "category": reading.category.name if reading.category is not None else None,
        "reason": reading.reason,
        "source": reading.source,
    }
