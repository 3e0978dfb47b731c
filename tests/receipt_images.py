"""Receipts drawn with Pillow, with known totals, dates and merchants: English and German layouts,
several fonts from Debian's fonts-dejavu and fonts-liberation, sizes, a slight tilt, noise and JPEG
quality. The tests run Tesseract on a few; `python -m bench.receipts` reads the whole set.
"""

import io
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/liberation"))
FONTS = (
    "DejaVuSansMono.ttf",
    "DejaVuSans.ttf",
    "DejaVuSerif.ttf",
    "DejaVuSansCondensed.ttf",
    "LiberationMono-Regular.ttf",
    "LiberationSans-Regular.ttf",
    "LiberationSerif-Regular.ttf",
    "LiberationSansNarrow-Regular.ttf",
)

ENGLISH_MERCHANTS = (
    "Tesco Express",
    "Corner Cafe",
    "Green Grocer",
    "Harbour Books",
    "Blue Door Bakery",
    "Pret A Manger",
    "City Pharmacy",
    "Riverside Diner",
    "Maple Hardware",
    "Sunrise Market",
)
GERMAN_MERCHANTS = (
    "REWE Markt",
    "Bäckerei Schmidt",
    "EDEKA Müller",
    "Kiosk am Eck",
    "Drogerie Weber",
    "Café Sonnenschein",
    "Buchhandlung Lange",
    "Apotheke am Markt",
    "Metzgerei Huber",
    "Blumen Fischer",
)
ENGLISH_ITEMS = ("Milk 2L", "Bread", "Coffee", "Bananas", "Eggs 12", "Tea", "Pasta", "Soap", "Apples", "Juice")
GERMAN_ITEMS = ("Vollmilch", "Brötchen", "Kaffee", "Bananen", "Eier 10", "Butter", "Nudeln", "Käse", "Äpfel", "Saft")


@dataclass(frozen=True)
class Receipt:
    merchant: str
    total: Decimal
    spent_on: date
    locale: str
    lines: tuple[tuple[str, str], ...]  # (left, right) per printed line; the first is the merchant

    @property
    def text(self) -> str:
        return "\n".join(f"{left}  {right}".strip() for left, right in self.lines)


# One receipt the OCR tests and the receipt page tests both read.
HARBOUR_BOOKS = Receipt(
    "Harbour Books",
    Decimal("23.47"),
    date(2026, 3, 4),
    "en_US",
    (
        ("Harbour Books", ""),
        ("12 High Street", ""),
        ("Paperback", "12.99"),
        ("Notebook", "8.74"),
        ("Tax", "1.74"),
        ("TOTAL", "23.47"),
        ("03/04/2026", "14:02"),
    ),
)


def font_path(name: str) -> Path:
    for directory in FONT_DIRS:
        if (directory / name).exists():
            return directory / name
    raise FileNotFoundError(
        f"The receipt tests draw with {name}: install Debian's fonts-dejavu-core and fonts-liberation."
    )


def _money(amount: Decimal, german: bool) -> str:
    text = f"{amount:,.2f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".") if german else text


def make_receipt(rng: random.Random, german: bool) -> Receipt:
    merchant = rng.choice(GERMAN_MERCHANTS if german else ENGLISH_MERCHANTS)
    locale = "de_DE" if german else rng.choice(("en_US", "en_GB"))
    spent_on = date(2025, 1, 1) + timedelta(days=rng.randrange(500))
    items = [
        (rng.choice(GERMAN_ITEMS if german else ENGLISH_ITEMS), Decimal(rng.randrange(49, 2999)) / 100)
        for _ in range(rng.randrange(2, 7))
    ]
    total = sum((price for _, price in items), Decimal("0.00"))
    lines = [(merchant, "")]
    if german:
        lines += [(f"Hauptstraße {rng.randrange(1, 99)}", ""), (f"{rng.randrange(10000, 99999)} Köln", "")]
        lines += [(name, f"{_money(price, True)} A") for name, price in items]
        lines.append(("-" * 24, ""))
        lines.append((rng.choice(("SUMME EUR", "Gesamt", "zu zahlen", "Summe")), _money(total, True)))
        paid = Decimal(((int(total) // 10) + 1) * 10)
        lines += [("Geg. Bar", _money(paid, True)), ("Rückgeld", _money(paid - total, True))]
        stamp = rng.choice((spent_on.strftime("%d.%m.%Y"), spent_on.strftime("%d.%m.%y")))
        lines.append((f"Datum: {stamp}", f"{rng.randrange(8, 20)}:{rng.randrange(10, 59)}"))
    else:
        lines += [(f"{rng.randrange(1, 400)} High Street", ""), (f"Tel {rng.randrange(2000000, 9999999)}", "")]
        lines += [(name, _money(price, False)) for name, price in items]
        tax = (total * Decimal("0.08")).quantize(Decimal("0.01"))
        lines.append(("Subtotal", _money(total, False)))
        lines.append(("Tax", _money(tax, False)))
        total += tax
        lines.append((rng.choice(("TOTAL", "Total", "AMOUNT DUE", "Balance due")), _money(total, False)))
        lines.append(("VISA ****4242", _money(total, False)))
        if locale == "en_US":
            stamp = rng.choice((spent_on.strftime("%m/%d/%Y"), spent_on.strftime("%b %d, %Y"), spent_on.isoformat()))
        else:
            stamp = rng.choice((spent_on.strftime("%d/%m/%Y"), spent_on.strftime("%d %b %Y")))
        lines.append((stamp, f"{rng.randrange(8, 20)}:{rng.randrange(10, 59)}"))
        lines.append(("Thank you!", ""))
    return Receipt(merchant, total, spent_on, locale, tuple(lines))


def draw(
    receipt: Receipt, font_name: str = "DejaVuSansMono.ttf", size: int = 28, tilt: float = 0.0, noise: float = 0.0
) -> Image.Image:
    """The receipt as a grey photo: the merchant larger, prices right-aligned, then tilted and
    speckled."""
    font = ImageFont.truetype(str(font_path(font_name)), size)
    heading = ImageFont.truetype(str(font_path(font_name)), round(size * 1.4))
    width = size * 24
    line_height = round(size * 1.5)
    image = Image.new("L", (width, line_height * (len(receipt.lines) + 3)), 255)
    canvas = ImageDraw.Draw(image)
    y = line_height
    for index, (left, right) in enumerate(receipt.lines):
        if index == 0:
            canvas.text((width // 2, y), left, font=heading, fill=20, anchor="mt")
            y += round(line_height * 1.4)
            continue
        canvas.text((size, y), left, font=font, fill=25)
        if right:
            canvas.text((width - size, y), right, font=font, fill=25, anchor="ra")
        y += line_height
    if noise:
        speckle = Image.effect_noise(image.size, 60).point(lambda value: 0 if value < 128 - 60 * (2.6 - noise) else 255)
        image = Image.composite(image, speckle, speckle)
    if tilt:
        image = image.rotate(tilt, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    return image


def encode(image: Image.Image, kind: str, quality: int = 85) -> bytes:
    out = io.BytesIO()
    if kind == "PDF":
        image.convert("RGB").save(out, "PDF", resolution=150)
    elif kind == "PNG":
        image.save(out, "PNG")
    else:
        image.convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


@dataclass(frozen=True)
class Sample:
    receipt: Receipt
    data: bytes
    kind: str  # JPEG, PNG or PDF
    description: str


def receipt_set(count: int = 60, seed: int = 21) -> list[Sample]:
    """`count` receipts, half German, in every font, sizes 22 to 34 px, tilts up to 2 degrees,
    some speckled, mostly JPEG at quality 50 to 90, some PNG and PDF; the same set for the same seed."""
    rng = random.Random(seed)
    samples = []
    for number in range(count):
        receipt = make_receipt(rng, german=number % 2 == 1)
        font_name = FONTS[number % len(FONTS)]
        size = rng.randrange(22, 35)
        tilt = round(rng.uniform(-2, 2), 1)
        noise = rng.choice((0, 0, 0.15, 0.3))
        kind = "PDF" if number % 10 == 4 else "PNG" if number % 10 == 7 else "JPEG"
        quality = rng.randrange(50, 91)
        data = encode(draw(receipt, font_name, size, tilt, noise), kind, quality)
        described = f"{font_name} {size}px tilt {tilt} noise {noise} {kind}" + (
            f" q{quality}" if kind == "JPEG" else ""
        )
        samples.append(Sample(receipt, data, kind, described))
    return samples
