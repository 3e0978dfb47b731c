"""How good are the category suggestions (issue 20)? Part of `make bench`; alone: `make bench-autocat`.

For each history (the demo account of `flask seed`, and 5,000 generated bank descriptions) it sorts
the expenses by date, learns from the older 80% and guesses the newer 20%, then prints:

- coverage: the share of the newer expenses that get a guess at all;
- accuracy: the share of the newer expenses whose guess is right (a row without a guess is not);
- the same for the baseline "most common category for this exact description";
- both at equal coverage: whichever answers fewer rows also guesses the older 80%'s most common
  category, in date order, until it answers as many rows as the other.

It also times learning from 50,000 generated expenses (median of 5), in memory and as a request
does it (app/category_guess.py: one query of the ledger's newest 50,000 expenses, then learning),
on a temporary SQLite database. Deterministic: fixed seeds.
"""

import json
import random
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date, timedelta

from app.autocat.classifier import THRESHOLD, Classifier

from .settings import ROOT

# (category, share of expenses, merchants as (template, weight), amount range in cents).
# {n} is a store number, {ref} a payment reference, {city} a town: what makes bank text unique.
MERCHANTS = {
    "Groceries": (0.30, [("TESCO STORES {n} {city}", 6), ("SAINSBURYS S/MKTS {city}", 4), ("ALDI {n} {city}", 3),
                         ("LIDL GB {city}", 3), ("CO-OP GROUP {n}", 2), ("WAITROSE {n}", 1),
                         ("M&S SIMPLY FOOD {city}", 1), ("ASDA SUPERSTORE {n}", 2)], (300, 12_000)),
    "Eating out": (0.22, [("PRET A MANGER {n}", 4), ("STARBUCKS {n} {city}", 3), ("COSTA COFFEE {n}", 3),
                          ("DELIVEROO {ref}", 2), ("UBER *EATS {ref}", 2), ("GREGGS {n}", 2), ("NANDOS {city}", 1),
                          ("WAGAMAMA {city}", 1), ("JUST EAT {ref}", 1)], (250, 6_000)),
    "Transport": (0.16, [("UBER *TRIP {ref}", 4), ("TFL TRAVEL CH", 5), ("TRAINLINE {ref}", 2),
                         ("SHELL {n} {city}", 2), ("BP {city} {n}", 1), ("NATIONAL RAIL {ref}", 1),
                         ("LIME*RIDE {ref}", 1), ("TESCO PETROL {n}", 1)], (150, 9_000)),
    "Shopping": (0.12, [("AMZN Mktp UK*{ref}", 5), ("AMAZON.CO.UK*{ref}", 2), ("IKEA {city}", 1), ("H&M {n}", 1),
                        ("ZARA {city}", 1), ("PRIMARK {city}", 1), ("ARGOS {n}", 1), ("EBAY O*{ref}", 1)],
                 (500, 30_000)),
    "Bills": (0.08, [("BRITISH GAS", 1), ("THAMES WATER DD {ref}", 1), ("EE LIMITED {ref}", 1),
                     ("OCTOPUS ENERGY {ref}", 1), ("COUNCIL TAX {city}", 1), ("VIRGIN MEDIA {ref}", 1)],
              (2_000, 20_000)),
    "Entertainment": (0.06, [("NETFLIX.COM", 2), ("SPOTIFY {ref}", 2), ("CINEWORLD {city}", 1), ("ODEON {city}", 1),
                             ("STEAM PURCHASE {ref}", 1), ("TICKETMASTER {ref}", 1)], (500, 6_000)),
    "Health": (0.04, [("BOOTS {n} {city}", 3), ("SUPERDRUG {n}", 1), ("PUREGYM {ref}", 2), ("DENTAL CARE {city}", 1),
                      ("LLOYDS PHARMACY {n}", 1)], (300, 8_000)),
    "Housing": (0.02, [("STANDING ORDER RENT {ref}", 3), ("B&Q {n}", 1), ("SCREWFIX {n}", 1)], (1_000, 150_000)),
}  # fmt: skip
CITIES = ("LONDON", "LEEDS", "BRISTOL", "MANCHESTER", "YORK", "BATH", "OXFORD", "GLASGOW", "CARDIFF", "BRIGHTON")
PREFIXES = ("", "", "", "CARD PAYMENT TO ", "CONTACTLESS ", "POS ", "VIS ")
# People file a few expenses inconsistently (Amazon groceries, a coffee at the cinema).
MISFILED = 0.05


def bank_history(n: int, seed: int = 20) -> list[tuple[date, str, int, str]]:
    """n realistic bank rows (date, description, amount_cents, category) over two years."""
    rng = random.Random(seed)
    categories = list(MERCHANTS)
    shares = [MERCHANTS[c][0] for c in categories]
    first = date(2024, 3, 1)
    rows = []
    for _ in range(n):
        category = rng.choices(categories, shares)[0]
        _, merchants, (low, high) = MERCHANTS[category]
        template = rng.choices([m for m, _ in merchants], [w for _, w in merchants])[0]
        description = rng.choice(PREFIXES) + template.format(
            n=rng.randrange(1000, 9999),
            ref=f"{rng.randrange(16**6):06X}",
            city=rng.choice(CITIES),
        )
        if rng.random() < MISFILED:
            category = rng.choice(categories)
        spent_on = first + timedelta(days=rng.randrange(730))
        rows.append((spent_on, description, rng.randrange(low, high), category))
    return rows


def demo_history() -> list[tuple[date, str, int, str]]:
    """The demo account of `flask seed` (sample_data/demo.json), dated as if seeded on 1 Dec 2026."""
    data = json.loads((ROOT / "sample_data" / "demo.json").read_text())
    rows = []
    for item in data["expenses"]:
        month_index = 2026 * 12 + 11 - item["months_ago"]
        spent_on = date(month_index // 12, month_index % 12 + 1, item["day"])
        cents = int(item["amount"].replace(".", ""))
        rows.append((spent_on, item["description"], cents, item["category"]))
    return rows


def evaluate(rows: list[tuple[date, str, int, str]]) -> dict:
    """Learn from the older 80%, guess the newer 20%: coverage and accuracy, classifier and baseline."""
    rows = sorted(rows, key=lambda row: row[0])
    cut = len(rows) * 4 // 5
    older, newer = rows[:cut], rows[cut:]
    classifier = Classifier.trained((d, a, c) for _, d, a, c in older)
    by_description: dict[str, Counter] = defaultdict(Counter)
    for _, description, _, category in older:
        by_description[description.strip().casefold()][category] += 1
    most_common = Counter(category for *_, category in older).most_common(1)[0][0]
    guesses = {"classifier": [], "baseline": []}
    for _, description, amount, _ in newer:
        suggestion = classifier.suggest(description, amount)
        guesses["classifier"].append(suggestion.label if suggestion else None)
        seen = by_description.get(description.strip().casefold())
        guesses["baseline"].append(seen.most_common(1)[0][0] if seen else None)
    truth = [category for *_, category in newer]
    result = {"rows": len(rows), "learned_from": len(older), "guessed": len(newer)}
    for name, guessed in guesses.items():
        result[name] = _scores(guessed, truth)
    answered = max(result[name]["answered"] for name in guesses)
    for name, guessed in guesses.items():
        result[name]["at_equal_coverage"] = _scores(_filled(guessed, most_common, answered), truth)
    return result


def _scores(guessed: list, truth: list) -> dict:
    answered = sum(guess is not None for guess in guessed)
    right = sum(guess == actual for guess, actual in zip(guessed, truth, strict=True))
    return {
        "answered": answered,
        "coverage": round(100 * answered / len(truth), 1),
        "accuracy": round(100 * right / len(truth), 1),
    }


def _filled(guessed: list, fallback: str, answered: int) -> list:
    """The guesses with `fallback` on unanswered rows, in order, until `answered` rows have one."""
    missing = answered - sum(guess is not None for guess in guessed)
    filled = []
    for guess in guessed:
        if guess is None and missing > 0:
            guess, missing = fallback, missing - 1
        filled.append(guess)
    return filled


def training_seconds(n: int = 50_000, runs: int = 5) -> float:
    history = [(d, a, c) for _, d, a, c in bank_history(n, seed=50)]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        Classifier.trained(history)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def request_training_seconds(n: int = 50_000, runs: int = 5) -> float:
    """Median time of what a request does to learn: read the history from the database, then learn."""
    from flask_migrate import upgrade

    from app import create_app
    from app.access import personal_ledger
    from app.auth.services import create_user
    from app.category_guess import history
    from app.extensions import db
    from app.models import Category, Expense

    with tempfile.TemporaryDirectory() as folder:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder}/autocat.sqlite")
        with app.app_context():
            upgrade()
            user = create_user("bench@example.com", "autocat bench password")
            db.session.flush()
            ledger = personal_ledger(user)
            rows = bank_history(n, seed=50)
            starters = {
                c.name_key: c for c in db.session.scalars(db.select(Category).where(Category.ledger_id == ledger.id))
            }
            categories = {}
            for name in sorted({category for *_, category in rows}):
                categories[name] = starters.get(name.casefold()) or Category(
                    ledger_id=ledger.id, name=name, name_key=name.casefold(), color="#546e7a"
                )
                db.session.add(categories[name])
            db.session.flush()
            db.session.execute(
                Expense.__table__.insert(),
                [
                    {
                        "ledger_id": ledger.id,
                        "category_id": categories[category].id,
                        "spent_on": spent_on,
                        "description": description,
                        "amount_cents": amount,
                    }
                    for spent_on, description, amount, category in rows
                ],
            )
            db.session.commit()
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                Classifier.trained(history(ledger))
                times.append(time.perf_counter() - started)
            db.session.remove()
            db.engine.dispose()
    return statistics.median(times)


def main() -> dict:
    results = {"threshold": THRESHOLD}
    for name, rows in (("demo", demo_history()), ("bank_5000", bank_history(5_000))):
        result = results[name] = evaluate(rows)
        clf, base = result["classifier"], result["baseline"]
        print(
            f"[autocat {name}] {result['rows']:,} expenses, learned from {result['learned_from']:,}, "
            f"guessed {result['guessed']:,}: classifier coverage {clf['coverage']}% accuracy {clf['accuracy']}%; "
            f"exact description coverage {base['coverage']}% accuracy {base['accuracy']}%; "
            f"at equal coverage ({clf['at_equal_coverage']['coverage']}%): classifier "
            f"{clf['at_equal_coverage']['accuracy']}%, exact description {base['at_equal_coverage']['accuracy']}%",
            flush=True,
        )
    results["training_seconds_50000"] = round(training_seconds(), 3)
    print(f"[autocat] learning from 50,000 expenses: {results['training_seconds_50000']:.3f} s (median of 5)")
    results["request_training_seconds_50000_sqlite"] = round(request_training_seconds(), 3)
    print(
        "[autocat] reading 50,000 expenses from SQLite and learning, as a request does: "
        f"{results['request_training_seconds_50000_sqlite']:.3f} s (median of 5)"
    )
    (ROOT / "bench" / "autocat_results.json").write_text(json.dumps(results, indent=2) + "\n")
    return results


if __name__ == "__main__":
    main()
