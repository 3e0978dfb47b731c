"""Suggestions learned from a ledger's own history: a naive Bayes classifier over the words of
descriptions (multinomial) and the amount's band (one categorical feature, smoothed over the bands
on its own, so that an amount never seen with a category does not outweigh the words), written
here (under 150 lines) rather than pulling in a numerical library for a few dictionaries of counts.

It learns one expense at a time, so training is one pass over the history (50,000 expenses in well
under a second, measured by `make bench`), and explains itself: a suggestion names the word that
speaks most for it ("“tesco” was Groceries 14 of 15 times"). Below the confidence threshold, or
when no word of the description was ever seen, it suggests nothing rather than guess.
"""

import math
import re
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

# A suggestion needs at least this probability; the bench (bench/autocat_bench.py) shows what it
# buys: how often a suggestion is made (coverage) and how often it is right (accuracy).
THRESHOLD = 0.6
# Additive smoothing: a word never seen with a category still leaves it possible.
ALPHA = 0.1
# Amount bands there can be: three per digit of the amount in minor units, up to 12 digits.
BANDS = 36

# Letters only, two or more: reference numbers and dates in bank text ("2X4K81", "12/03") say
# nothing about what was bought.
_WORD = re.compile(r"[^\W\d_]{2,}")


def words(description: str) -> list[str]:
    """The distinct words of a description, case-folded, in order."""
    return list(dict.fromkeys(_WORD.findall(description.casefold())))


def amount_band(amount_cents: int) -> str:
    """About three bands per power of ten of the amount in minor units (1-1.99, 2-4.99, 5-9.99,
    ...), an integer computation: similar amounts share a band whatever the currency's size."""
    digits = str(abs(int(amount_cents)))
    lead = int(digits[0])
    return f"amount:{len(digits)}{'a' if lead < 2 else 'b' if lead < 5 else 'c'}"


@dataclass(frozen=True)
class Suggestion:
    label: Hashable  # a category id
    confidence: float  # the model's probability for it, 0 to 1 (not money: a float is fine)
    word: str  # the description's word that speaks most for it
    word_hits: int  # expenses with that word filed under the label
    word_total: int  # expenses with that word

    def reason(self, name: str) -> str:
        times = "time" if self.word_total == 1 else "times"
        return f"“{self.word}” was {name} {self.word_hits} of {self.word_total} {times}"


class Classifier:
    """Learn with `learn`; ask with `suggest`. Labels are any hashable values (category ids)."""

    def __init__(self, threshold: float = THRESHOLD, alpha: float = ALPHA):
        self.threshold = threshold
        self.alpha = alpha
        self.documents: Counter = Counter()  # label -> expenses learned
        self.features: dict[Hashable, Counter] = defaultdict(Counter)  # label -> word -> count
        self.feature_totals: Counter = Counter()  # label -> words learned
        self.bands: dict[Hashable, Counter] = defaultdict(Counter)  # label -> amount band -> count
        self.word_totals: Counter = Counter()  # word -> expenses with it, any label

    @classmethod
    def trained(cls, history: Iterable[tuple[str, int, Hashable]], **options) -> "Classifier":
        """A classifier learned from (description, amount_cents, label) rows."""
        classifier = cls(**options)
        for description, amount_cents, label in history:
            classifier.learn(description, amount_cents, label)
        return classifier

    def learn(self, description: str, amount_cents: int, label: Hashable) -> None:
        description_words = words(description)
        self.documents[label] += 1
        self.features[label].update(description_words)
        self.feature_totals[label] += len(description_words)
        self.bands[label][amount_band(amount_cents)] += 1
        self.word_totals.update(description_words)

    def probabilities(self, description: str, amount_cents: int) -> list[tuple[Hashable, float]]:
        """Every label with its probability for this expense, most likely first."""
        if not self.documents:
            return []
        description_words, band = words(description), amount_band(amount_cents)
        total_documents = sum(self.documents.values())
        size = len(self.word_totals)
        scores = {}
        for label, count in self.documents.items():
            counts, denominator = self.features[label], self.feature_totals[label] + self.alpha * size
            scores[label] = (
                math.log(count / total_documents)
                + math.log((self.bands[label][band] + self.alpha) / (count + self.alpha * BANDS))
                + sum(math.log((counts[word] + self.alpha) / denominator) for word in description_words)
            )
        top = max(scores.values())
        weights = {label: math.exp(score - top) for label, score in scores.items()}
        total = sum(weights.values())
        return sorted(((label, weight / total) for label, weight in weights.items()), key=lambda p: -p[1])

    def suggest(self, description: str, amount_cents: int) -> Suggestion | None:
        """The likeliest category with its evidence, or None when unsure or nothing is known."""
        known = [word for word in words(description) if self.word_totals[word]]
        if not known:
            return None
        label, confidence = self.probabilities(description, amount_cents)[0]
        if confidence < self.threshold:
            return None
        counts = self.features[label]
        # The word most often filed under the label, as a share that doubts words seen once.
        word = max(known, key=lambda w: (counts[w] / (self.word_totals[w] + 1), counts[w]))
        return Suggestion(label, confidence, word, counts[word], self.word_totals[word])
