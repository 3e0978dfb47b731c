"""Issue 21's "done when", in Chromium: upload a generated receipt, see the form prefilled with its
total and date, save, see the thumbnail, download the original, and another account gets 404."""

import hashlib
import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.extensions import db
from app.models import Attachment
from tests.e2e.conftest import register
from tests.receipt_images import draw, encode
from tests.test_receipts import RECEIPT

pytestmark = pytest.mark.e2e


def test_a_receipt_is_read_saved_shown_downloaded_and_private(page: Page, app, browser, live_server, tmp_path):
    register(page, "receipts@example.com")
    photo = tmp_path / "receipt.jpg"
    photo.write_bytes(encode(draw(RECEIPT, "DejaVuSans.ttf", 28, tilt=0.8), "JPEG"))

    page.goto("/expenses")
    page.get_by_role("link", name="From a receipt").click()
    page.get_by_label("or choose a file").set_input_files(photo)
    page.get_by_role("button", name="Read the receipt").click()

    expect(page.get_by_role("heading", name="New expense from a receipt")).to_be_visible()
    expect(page.get_by_label("Amount")).to_have_value("23.47")
    expect(page.get_by_label("Date")).to_have_value("2026-03-04")
    expect(page.get_by_label("Description")).to_have_value("Harbour Books")
    expect(page.locator("label[for=amount] .read-mark")).to_have_text("read from the receipt")
    expect(page.locator("label[for=spent_on] .read-mark")).to_be_visible()
    page.get_by_label("Category").select_option(label="Shopping")
    page.get_by_role("button", name="Add expense").click()

    expect(page.get_by_role("status").first).to_contain_text("Added Harbour Books with its receipt")
    thumbnail = page.get_by_role("img", name="Receipt receipt.jpg")
    expect(thumbnail).to_be_visible()
    # Drawn once the (lazily loaded) thumbnail has arrived: waited for, not read at one instant.
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())

    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download receipt.jpg").click()
    download = downloading.value
    assert download.suggested_filename == "receipt.jpg"
    with app.app_context():
        kept = db.session.scalar(select(Attachment))
        sha256, receipt_url = kept.sha256, f"/receipts/{kept.id}"
    assert hashlib.sha256(download.path().read_bytes()).hexdigest() == sha256

    page.goto("/expenses")
    expect(page.locator(f'#expense-table a[href="{receipt_url}"]')).to_have_count(1)

    other = browser.new_context(base_url=live_server.url)
    try:
        mallory = other.new_page()
        register(mallory, "mallory@example.com")
        for url in (receipt_url, f"{receipt_url}/thumbnail.jpg", f"{receipt_url}?download=1"):
            assert mallory.request.get(url).status == 404, url
        assert re.search(r"/$", mallory.url)
    finally:
        other.close()
