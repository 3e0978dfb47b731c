"""Reading a receipt's text with Tesseract, on this machine: nothing leaves it.

Tesseract runs as a subprocess with a deadline (killed when it passes), one thread (the machine's
other cores serve pages), on a grey, despeckled, upscaled copy of the kept image, reading it as one
block of text (--psm 6 keeps a price on its item's line, where --psm 4 read prices as a separate
column); a PDF's first page is rendered by poppler's pdftoppm first.
"""

import io
import os
import shutil
import subprocess
import time

from PIL import Image, ImageFilter, ImageOps

from .files import PDF, UnsupportedFile, render_pdf_page

# Tesseract reads best when capital letters are 20 to 30 pixels tall; phone photos are, small
# scans and screenshots are scaled up to this longest side first. On the generated receipts
# (bench/receipts.py) 1400 read as well as 2000 in two thirds of the time.
_MIN_SIDE = 1400
# pdftoppm's resolution for a PDF page: an A4 page at 200 dpi is 2339 pixels tall.
_PDF_DPI = 200


class OcrUnavailable(RuntimeError):
    """Tesseract (or, for a PDF, pdftoppm) is not installed."""


class OcrFailed(RuntimeError):
    """Tesseract did not finish in time or failed on this file."""


def available() -> bool:
    return shutil.which("tesseract") is not None


def languages_for(locale: str) -> str:
    """Tesseract's languages, the locale's first: it breaks ties between similar words that way."""
    return "deu+eng" if locale.startswith("de") else "eng+deu"


def read_text(content: bytes, content_type: str, languages: str = "eng+deu", timeout: float = 20) -> str:
    """The text Tesseract reads on the file (a kept image or PDF), within `timeout` seconds."""
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        raise OcrUnavailable("Tesseract is not installed")
    deadline = time.monotonic() + timeout
    if content_type == PDF:
        if shutil.which("pdftoppm") is None:
            raise OcrUnavailable("pdftoppm (poppler-utils) is not installed")
        try:
            content = render_pdf_page(content, resolution=_PDF_DPI, timeout=timeout)
        except UnsupportedFile as error:
            raise OcrFailed(str(error)) from error
    image = _for_ocr(content)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise OcrFailed("ran out of time")
    try:
        finished = subprocess.run(  # noqa: S603 - fixed arguments, the image on stdin
            [tesseract, "stdin", "stdout", "-l", languages, "--psm", "6"],
            input=image,
            capture_output=True,
            timeout=remaining,
            check=False,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )
    except subprocess.TimeoutExpired as error:
        raise OcrFailed(f"took longer than {timeout:g} seconds") from error
    if finished.returncode != 0:
        raise OcrFailed(finished.stderr.decode("utf-8", "replace").strip()[-300:] or "failed")
    return finished.stdout.decode("utf-8", "replace")


def _for_ocr(content: bytes) -> bytes:
    """A grey PNG of the image without specks (a 3x3 median), scaled up when it is small."""
    with Image.open(io.BytesIO(content)) as opened:
        image = ImageOps.grayscale(opened).filter(ImageFilter.MedianFilter(3))
    longest = max(image.size)
    if longest < _MIN_SIDE:
        factor = _MIN_SIDE / longest
        image = image.resize((round(image.width * factor), round(image.height * factor)), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
