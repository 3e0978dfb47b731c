"""Which category a new expense gets, and why (issue 20): the ledger's rules first, then what its own
history suggests (app/autocat/classifier.py), each with a reason to show ("rule 3: contains
“TESCO”", "“tesco” was Groceries 14 of 15 times · 93% sure"), or no guess at all.

Used by the CSV import's preview, quick add and the full form's one-line prefill. The classifier is
learned afresh for each request that needs one, from the ledger's newest HISTORY_MAX categorised
expenses in one query of three columns: 50,000 expenses take about 0.35 s on SQLite and on
PostgreSQL (bench/autocat.py, `make bench-autocat`), a few hundred a few milliseconds, so nothing
is cached. A 10,000-row import preview in such a ledger, every row guessed, took 1.4 s on SQLite.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from . import l10n
from .autocat.classifier import Classifier
from .autocat.rule_match import first_match
from .category_rules import conditions, rules_of
from .extensions import db
from .models import Category, CategoryRule, Expense, Ledger

HISTORY_MAX = 50_000

# Where a category came from, for the page to mark it.
FROM_FILE, FROM_RULE, FROM_HISTORY, FROM_TAG, FROM_PERSON, NO_GUESS = "file", "rule", "history", "tag", "person", "none"


@dataclass(frozen=True)
class Guess:
    category_id: int | None  # None: no guess (the caller's default applies)
    description: str  # as a rule may have rewritten it
    source: str
    reason: str
    rule_id: int | None = None


def history(ledger: Ledger, limit: int = HISTORY_MAX) -> list[tuple[str, int, int]]:
    """(description, amount_cents, category_id) of the ledger's newest `limit` expenses."""
    return list(
        db.session.execute(
            select(Expense.description, Expense.amount_cents, Expense.category_id)
            .where(Expense.ledger_id == ledger.id)
            .order_by(Expense.spent_on.desc(), Expense.id.desc())
            .limit(limit)
        )
    )


def history_reason(suggestion, category_name: str) -> str:
    said = ngettext(
        "“%(word)s” was %(category)s %(hits)s of %(num)s time",
        "“%(word)s” was %(category)s %(hits)s of %(num)s times",
        suggestion.word_total,
        word=suggestion.word,
        category=category_name,
        hits=l10n.format_count(suggestion.word_hits),
    )
    # Rounded down, so that a suggestion at 99.6 % never reads "100% sure".
    sure = int(suggestion.confidence * 100)
    return _("%(evidence)s · %(percent)s%% sure", evidence=said, percent=sure)


class Guesser:
    """Guesses for one ledger, with its rules and categories read once; the classifier is learned on
    the first guess that needs it."""

    def __init__(self, ledger: Ledger, categories: list[Category]):
        self.ledger = ledger
        self.rules: list[CategoryRule] = rules_of(ledger)
        self.enabled = [rule for rule in self.rules if rule.enabled]
        self.numbers = {rule.id: number for number, rule in enumerate(self.rules, start=1)}  # as the page shows
        self.names = {category.id: category.name for category in categories}
        self._classifier: Classifier | None = None

    @property
    def classifier(self) -> Classifier:
        if self._classifier is None:
            self._classifier = Classifier.trained(history(self.ledger))
        return self._classifier

    def rule_for(self, description: str, amount_cents: int, source_category: str | None = None) -> CategoryRule | None:
        return first_match(self.enabled, description, amount_cents, source_category)

    def rule_reason(self, rule: CategoryRule) -> str:
        number = self.numbers[rule.id]
        return _("rule %(number)s: %(conditions)s", number=number, conditions=conditions(rule, self.ledger.currency))

    def by_rule(self, description: str, amount_cents: int, source_category: str | None = None) -> Guess:
        """The first matching rule's category (None when it only rewrites) and description."""
        rule = self.rule_for(description, amount_cents, source_category)
        if rule is None:
            return Guess(None, description, NO_GUESS, _("no guess"))
        category_id = rule.category_id if rule.category_id in self.names else None
        return Guess(category_id, rule.rewrite_description or description, FROM_RULE, self.rule_reason(rule), rule.id)

    def by_history(self, description: str, amount_cents: int) -> Guess:
        suggestion = self.classifier.suggest(description, amount_cents)
        if suggestion is None or suggestion.label not in self.names:
            return Guess(None, description, NO_GUESS, _("no guess"))
        reason = history_reason(suggestion, self.names[suggestion.label])
        return Guess(suggestion.label, description, FROM_HISTORY, reason)

    def guess(self, description: str, amount_cents: int, source_category: str | None = None) -> Guess:
        """Rules, then history; a rule that only rewrites leaves the category to history."""
        ruled = self.by_rule(description, amount_cents, source_category)
        if ruled.category_id is not None:
            return ruled
        learned = self.by_history(ruled.description, amount_cents)
        if learned.category_id is not None:
            return Guess(learned.category_id, ruled.description, learned.source, learned.reason, ruled.rule_id)
        return ruled
