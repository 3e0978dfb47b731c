"""How well and how fast the server reads receipts: `python -m bench.receipts` (or make bench-receipts).

It draws RECEIPT_BENCH_COUNT receipts (60 by default, tests/receipt_images.py: English and German
layouts, eight fonts, 22 to 34 px, tilts up to 2 degrees, specks, JPEG quality 50 to 90, some PNG
and PDF) with known totals, dates and merchants, and reads each the way an upload is read: kept
(re-encoded), Tesseract, then app.receipts.reading. It prints the share read exactly and the
median and slowest time per receipt, one receipt at a time. Targets: total >= 95%, date >= 90%,
merchant >= 80%, median < 2 s.

A merchant counts as read when it matches ignoring case, accents and punctuation ("Cafe" for
"Café"): the person confirms the description anyway.
"""

import os
import statistics
import sys
import time
import unicodedata

from app.receipts import ocr
from app.receipts.files import prepare
from app.receipts.reading import read_receipt
from tests.receipt_images import receipt_set

COUNT = int(os.environ.get("RECEIPT_BENCH_COUNT", "60"))
TARGETS = {"total": 0.95, "date": 0.90, "merchant": 0.80}
MEDIAN_TARGET_SECONDS = 2.0


def comparable(name: str | None) -> str:
    decomposed = unicodedata.normalize("NFKD", name or "")
    return "".join(character for character in decomposed.casefold() if character.isalnum())


def main() -> int:
    if not ocr.available():
        print("bench.receipts needs Tesseract: apt-get install -y tesseract-ocr tesseract-ocr-eng tesseract-ocr-deu")
        return 1
    samples = receipt_set(COUNT)
    hits = {"total": 0, "date": 0, "merchant": 0}
    seconds = []
    for sample in samples:
        expected = sample.receipt
        started = time.perf_counter()
        kept = prepare(sample.data, 2400, 320)
        text = ocr.read_text(kept.content, kept.content_type, ocr.languages_for(expected.locale))
        reading = read_receipt(text, expected.locale)
        seconds.append(time.perf_counter() - started)
        found = {
            "total": reading.total == expected.total,
            "date": reading.spent_on == expected.spent_on,
            "merchant": comparable(reading.merchant) == comparable(expected.merchant),
        }
        for key, right in found.items():
            hits[key] += right
        if not all(found.values()):
            missed = ", ".join(key for key, right in found.items() if not right)
            print(f"  missed {missed}: {sample.description}: read {reading}")
    print(f"{len(samples)} receipts")
    passed = True
    for key, target in TARGETS.items():
        share = hits[key] / len(samples)
        verdict = "PASS" if share >= target else "MISS"
        passed &= share >= target
        print(f"{key:9} {hits[key]:3}/{len(samples)} = {share:6.1%}  (target {target:.0%}) {verdict}")
    median = statistics.median(seconds)
    verdict = "PASS" if median < MEDIAN_TARGET_SECONDS else "MISS"
    passed &= median < MEDIAN_TARGET_SECONDS
    print(f"time      median {median:.2f} s, slowest {max(seconds):.2f} s (target median < 2 s) {verdict}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
