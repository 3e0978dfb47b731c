"""The rule matcher: each condition, rule order, switched-off rules and regular expressions that
would run for ever."""

from dataclasses import dataclass

import pytest

from app.autocat.rule_match import PatternError, check_pattern, first_match, matches


@dataclass
class Rule:
    name: str = "rule"
    enabled: bool = True
    description_op: str | None = None
    description_value: str | None = None
    amount_min_cents: int | None = None
    amount_max_cents: int | None = None
    source_category: str | None = None


@pytest.mark.parametrize(
    ("op", "value", "description", "expected"),
    [
        ("contains", "tesco", "CARD PAYMENT TESCO STORES 2345", True),
        ("contains", "TESCO", "tesco express", True),
        ("contains", "tesco", "Sainsbury's", False),
        ("starts_with", "amzn mktp", "AMZN Mktp DE*2X4K81", True),
        ("starts_with", "mktp", "AMZN Mktp DE*2X4K81", False),
        ("equals", "rent", "  RENT ", True),
        ("equals", "rent", "Rent March", False),
        ("regex", r"^AMZN\s+Mktp\b", "amzn mktp DE*1", True),
        ("regex", r"uber\s*\*?\s*trip", "UBER *TRIP 1234", True),
        ("regex", r"^uber$", "UBER EATS", False),
        ("regex", "[", "anything", False),  # a broken pattern never matches (check_pattern refuses it)
    ],
)
def test_description_conditions(op, value, description, expected):
    assert matches(Rule(description_op=op, description_value=value), description, 100) is expected


@pytest.mark.parametrize(
    ("low", "high", "amount", "expected"),
    [
        (1999, 1999, 1999, True),
        (1999, 1999, 2000, False),
        (1000, 5000, 1000, True),
        (1000, 5000, 5000, True),
        (1000, 5000, 999, False),
        (1000, 5000, 5001, False),
        (1000, None, 10**9, True),
        (None, 1000, 1, True),
    ],
)
def test_amount_equal_and_range(low, high, amount, expected):
    assert matches(Rule(amount_min_cents=low, amount_max_cents=high), "x", amount) is expected


def test_the_files_own_category_column():
    rule = Rule(source_category="Lebensmittel")
    assert matches(rule, "REWE", 100, "lebensmittel ")
    assert not matches(rule, "REWE", 100, "Tanken")
    assert not matches(rule, "REWE", 100, None)


def test_every_condition_has_to_hold():
    rule = Rule(description_op="contains", description_value="shell", amount_min_cents=2000)
    assert matches(rule, "SHELL 1234", 4500)
    assert not matches(rule, "SHELL 1234", 350)
    assert not matches(rule, "BP 1234", 4500)


def test_first_enabled_match_wins_in_order():
    rules = [
        Rule("off", enabled=False, description_op="contains", description_value="tesco"),
        Rule("fuel", description_op="contains", description_value="tesco petrol"),
        Rule("groceries", description_op="contains", description_value="tesco"),
        Rule("also groceries", description_op="starts_with", description_value="tesco"),
    ]
    assert first_match(rules, "TESCO PETROL 12", 6000).name == "fuel"
    assert first_match(rules, "TESCO STORES 12", 6000).name == "groceries"
    assert first_match(rules, "ALDI", 6000) is None
    assert first_match([], "TESCO", 1) is None


def test_a_catastrophic_pattern_stops_and_counts_as_no_match():
    rule = Rule(description_op="regex", description_value=r"^(a+)+$")
    assert not matches(rule, "a" * 40 + "!", 100)
    assert matches(rule, "aaaa", 100)


def test_check_pattern_refuses_what_cannot_compile_or_is_too_long():
    check_pattern(r"^AMZN\s+Mktp")
    with pytest.raises(PatternError, match="not a regular expression this app can read"):
        check_pattern("(unclosed")
    with pytest.raises(PatternError, match="Keep the pattern under 200 characters."):
        check_pattern("a" * 201)
