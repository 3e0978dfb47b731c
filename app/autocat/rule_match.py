"""A ledger's rules matched against one expense: pure functions over anything with a rule's
attributes (the Rule model, or a plain object in tests).

A rule's conditions all have to hold: its description condition (contains, starts with, equals,
or a regular expression), its amount range (equal when both ends are the same) and the category
the bank's file gave the row (`source_category`, the import's original category column). Rules are
tried in order and the first enabled one that matches wins.

Regular expressions run with the `regex` package's time limit: a catastrophic pattern such as
"(a+)+$" against a long description stops after REGEX_TIMEOUT seconds and counts as no match,
instead of holding a worker for minutes.
"""

from collections.abc import Iterable
from typing import Protocol, TypeVar

import regex
from flask_babel import gettext as _

DESCRIPTION_OPS = {
    "contains": "contains",
    "starts_with": "starts with",
    "equals": "equals",
    "regex": "matches the regular expression",
}
PATTERN_MAX = 200
REGEX_TIMEOUT = 0.05  # seconds per description


class RuleLike(Protocol):
    enabled: bool
    description_op: str | None
    description_value: str | None
    amount_min_cents: int | None
    amount_max_cents: int | None
    source_category: str | None


Rule = TypeVar("Rule", bound=RuleLike)


class PatternError(ValueError):
    """A regular expression that cannot be used; the message says why."""


def check_pattern(pattern: str) -> None:
    """Refuse a regular expression that does not compile or is too long, with a message to show."""
    if len(pattern) > PATTERN_MAX:
        raise PatternError(_("Keep the pattern under %(pattern_max)s characters.", pattern_max=PATTERN_MAX))
    try:
        regex.compile(pattern, regex.IGNORECASE)
    except regex.error as error:
        raise PatternError(_("That is not a regular expression this app can read: %(error)s.", error=error)) from None


def description_matches(op: str, value: str, description: str) -> bool:
    text, wanted = description.strip().casefold(), value.strip().casefold()
    if op == "contains":
        return wanted in text
    if op == "starts_with":
        return text.startswith(wanted)
    if op == "equals":
        return text == wanted
    if op == "regex":
        try:
            return regex.search(value, description, regex.IGNORECASE, timeout=REGEX_TIMEOUT) is not None
        except (TimeoutError, regex.error):
            return False
    raise ValueError(f"unknown description condition {op!r}")


def matches(rule: RuleLike, description: str, amount_cents: int, source_category: str | None = None) -> bool:
    """Whether every condition of the rule holds for this expense (a disabled rule never matches)."""
    if not rule.enabled:
        return False
    if rule.description_op and not description_matches(rule.description_op, rule.description_value or "", description):
        return False
    if rule.amount_min_cents is not None and amount_cents < rule.amount_min_cents:
        return False
    if rule.amount_max_cents is not None and amount_cents > rule.amount_max_cents:
        return False
    if rule.source_category:
        return (source_category or "").strip().casefold() == rule.source_category.strip().casefold()
    return True


def first_match(
    rules: Iterable[Rule], description: str, amount_cents: int, source_category: str | None = None
) -> Rule | None:
    """The first rule, in the given order, whose conditions all hold; None when none does."""
    return next((rule for rule in rules if matches(rule, description, amount_cents, source_category)), None)
