"""The classifier learned from a ledger's history: what it suggests, how sure it is, why, and
when it keeps quiet."""

import pytest

from app.autocat.classifier import Classifier, amount_band, words

GROCERIES, TRANSPORT, EATING_OUT = 1, 2, 3
NAMES = {GROCERIES: "Groceries", TRANSPORT: "Transport", EATING_OUT: "Eating out"}


def _history():
    rows = [(f"TESCO STORES {1000 + n} LONDON", 4250 + n, GROCERIES) for n in range(14)]
    rows.append(("TESCO PETROL STATION", 6000, TRANSPORT))  # fuel at a supermarket
    rows += [(f"UBER *TRIP {n:04d}", 1890, TRANSPORT) for n in range(10)]
    rows += [(f"PRET A MANGER {n}", 690, EATING_OUT) for n in range(8)]
    return rows


def test_words_are_distinct_case_folded_letters_without_reference_numbers():
    assert words("AMZN Mktp DE*2X4K81 amzn") == ["amzn", "mktp", "de"]
    assert words("12/03 4.50") == []
    assert words("Bäckerei Müller") == ["bäckerei", "müller"]


@pytest.mark.parametrize(
    ("amount_cents", "band"),
    [
        (1, "amount:1a"),
        (199, "amount:3a"),
        (200, "amount:3b"),
        (499, "amount:3b"),
        (500, "amount:3c"),
        (123456, "amount:6a"),
    ],
)
def test_amount_bands_are_integer_and_about_three_per_power_of_ten(amount_cents, band):
    assert amount_band(amount_cents) == band


def test_suggests_the_category_a_word_was_filed_under_and_says_why():
    suggestion = Classifier.trained(_history()).suggest("TESCO STORES 9999 LEEDS", 3120)
    assert suggestion.label == GROCERIES
    assert suggestion.confidence > 0.99
    assert (suggestion.word, suggestion.word_hits, suggestion.word_total) == ("stores", 14, 14)
    assert suggestion.reason(NAMES[GROCERIES]) == "“stores” was Groceries 14 of 14 times"


def test_the_reason_counts_every_expense_with_the_word():
    suggestion = Classifier.trained(_history()).suggest("tesco", 4300)
    assert suggestion.label == GROCERIES
    assert suggestion.reason(NAMES[GROCERIES]) == "“tesco” was Groceries 14 of 15 times"


def test_one_time_is_singular():
    suggestion = Classifier.trained([("Dentist", 9000, 7), ("Bus", 250, 2)]).suggest("dentist", 9000)
    assert suggestion.reason("Health") == "“dentist” was Health 1 of 1 time"


def test_nothing_is_suggested_for_words_never_seen():
    assert Classifier.trained(_history()).suggest("Hairdresser", 4250) is None
    assert Classifier.trained(_history()).suggest("1234 5678", 690) is None


def test_nothing_is_suggested_below_the_threshold():
    history = [("Amazon order", 2000, GROCERIES), ("Amazon order", 2100, TRANSPORT)]
    classifier = Classifier.trained(history)
    label, confidence = classifier.probabilities("Amazon", 2050)[0]
    assert confidence < 0.6
    assert classifier.suggest("Amazon", 2050) is None
    assert Classifier.trained(history, threshold=0.4).suggest("Amazon", 2050) is not None


def test_an_empty_history_suggests_nothing():
    assert Classifier().suggest("TESCO", 100) is None
    assert Classifier().probabilities("TESCO", 100) == []


def test_probabilities_sum_to_one_most_likely_first():
    probabilities = Classifier.trained(_history()).probabilities("UBER TRIP", 1890)
    assert probabilities[0][0] == TRANSPORT
    assert sum(p for _, p in probabilities) == pytest.approx(1.0)


def test_the_amount_band_decides_between_equally_worded_categories():
    history = [("Shell", 6000, TRANSPORT)] * 5 + [("Shell", 350, EATING_OUT)] * 5
    classifier = Classifier.trained(history, threshold=0.5)
    assert classifier.suggest("SHELL 1234", 5800).label == TRANSPORT
    assert classifier.suggest("SHELL 1234", 300).label == EATING_OUT


def test_learning_more_shifts_the_suggestion():
    classifier = Classifier.trained([("Aldi", 3000, GROCERIES)] * 3)
    assert classifier.suggest("ALDI", 3000).label == GROCERIES
    for _ in range(10):
        classifier.learn("Aldi", 3000, EATING_OUT)
    assert classifier.suggest("ALDI", 3000).label == EATING_OUT
