"""Tesseract reading generated receipts on this machine, its deadline, and a clear word when it is
not installed. These tests need Tesseract with English and German data and poppler's pdftoppm."""

import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest

from app.receipts import ocr
from app.receipts.files import prepare
from app.receipts.reading import read_receipt
from tests.receipt_images import HARBOUR_BOOKS as ENGLISH
from tests.receipt_images import Receipt, draw, encode, receipt_set

INSTALL = "apt-get install -y tesseract-ocr tesseract-ocr-eng tesseract-ocr-deu poppler-utils"


@pytest.fixture(scope="module", autouse=True)
def tesseract():
    """Fails with what to install rather than skipping: the feature would go untested."""
    missing = [tool for tool in ("tesseract", "pdftoppm") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"{' and '.join(missing)} not found; the receipt tests need them. On Debian: {INSTALL}")
    languages = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=True).stdout
    if not {"eng", "deu"} <= set(languages.split()):
        pytest.fail(f"Tesseract lacks English or German data. On Debian: {INSTALL}")


GERMAN = Receipt(
    "Bäckerei Schmidt",
    Decimal("7.85"),
    date(2026, 3, 4),
    "de_DE",
    (
        ("Bäckerei Schmidt", ""),
        ("Hauptstraße 5", ""),
        ("Brötchen", "2,40 A"),
        ("Apfelkuchen", "5,45 A"),
        ("SUMME EUR", "7,85"),
        ("Geg. Bar", "10,00"),
        ("Rückgeld", "2,15"),
        ("Datum: 04.03.2026", "09:12"),
    ),
)


@pytest.mark.parametrize(
    ("receipt", "kind", "font"),
    [
        (ENGLISH, "JPEG", "DejaVuSans.ttf"),
        (GERMAN, "PNG", "LiberationSerif-Regular.ttf"),
        (GERMAN, "PDF", "LiberationMono-Regular.ttf"),
    ],
)
def test_reads_total_date_and_merchant_of_a_generated_receipt(receipt, kind, font):
    kept = prepare(encode(draw(receipt, font, 28, tilt=1.2), kind), max_side=2400, thumbnail_side=320)
    text = ocr.read_text(kept.content, kept.content_type, ocr.languages_for(receipt.locale), timeout=30)
    reading = read_receipt(text, receipt.locale)
    assert (reading.total, reading.spent_on, reading.merchant) == (receipt.total, receipt.spent_on, receipt.merchant)


def test_a_reading_past_its_deadline_fails_in_words():
    kept = prepare(encode(draw(ENGLISH), "JPEG"), max_side=2400, thumbnail_side=320)
    with pytest.raises(ocr.OcrFailed) as failed:
        ocr.read_text(kept.content, kept.content_type, timeout=0.001)
    assert str(failed.value) in ("took longer than 0.001 seconds", "ran out of time")


def test_without_tesseract_it_says_so(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert not ocr.available()
    with pytest.raises(ocr.OcrUnavailable) as unavailable:
        ocr.read_text(b"", "image/jpeg")
    assert str(unavailable.value) == "Tesseract is not installed"


def test_the_benchmark_set_has_sixty_different_receipts_in_both_languages():
    samples = receipt_set(60)
    assert len(samples) == 60
    assert {sample.receipt.locale[:2] for sample in samples} == {"en", "de"}
    assert {sample.kind for sample in samples} == {"JPEG", "PNG", "PDF"}
    assert len({(sample.receipt.total, sample.receipt.spent_on) for sample in samples}) == 60
