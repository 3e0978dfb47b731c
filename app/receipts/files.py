"""Receipt files as uploaded: what they are (by their bytes, never their name or the browser's
word), and what is kept of them.

Images are decoded and encoded again: the stored file has no EXIF (so no GPS position), is turned
the way the camera was held, and its longest side is capped. A PDF cannot be re-encoded and is
kept as it came, only ever served as a download. Every kept file gets a JPEG thumbnail.
"""

import io
import shutil
import subprocess
import warnings
from dataclasses import dataclass

from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

try:  # HEIC (iPhone photos) when pillow-heif is installed; everything else works without it.
    from pillow_heif import register_heif_opener
except ImportError:  # pragma: no cover - pillow-heif is in requirements.txt
    register_heif_opener = None
if register_heif_opener is not None:
    register_heif_opener()

JPEG, PNG, WEBP, HEIC, PDF = "image/jpeg", "image/png", "image/webp", "image/heic", "application/pdf"
# What a stored file is served as, with the file name's extension.
EXTENSIONS = {JPEG: "jpg", PNG: "png", PDF: "pdf"}
# The Pillow format names each sniffed type must decode as.
_PILLOW_FORMATS = {JPEG: {"JPEG", "MPO"}, PNG: {"PNG"}, WEBP: {"WEBP"}, HEIC: {"HEIF"}}
# ISO base media brands of HEIC/HEIF still images.
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}

THUMBNAIL_QUALITY = 80
PHOTO_QUALITY = 85
PDF_RENDER_TIMEOUT = 15


class UnsupportedFile(ValueError):
    """Not a file we keep; the message says why in words for the person who chose it."""


@dataclass(frozen=True)
class PreparedFile:
    content: bytes
    content_type: str
    thumbnail: bytes | None

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def sniff(data: bytes) -> str | None:
    """The file's type by its first bytes: one of the kinds we accept, or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return HEIC if register_heif_opener is not None else None
    if data.startswith(b"%PDF-"):
        return PDF
    return None


def prepare(data: bytes, max_side: int, thumbnail_side: int) -> PreparedFile:
    """The file as it is kept: a re-encoded image or the PDF, with a thumbnail; UnsupportedFile
    when it is neither, or cannot be read."""
    kind = sniff(data)
    if kind is None:
        raise UnsupportedFile(_("is not a JPEG, PNG, HEIC or WebP image or a PDF"))
    if kind == PDF:
        return PreparedFile(data, PDF, pdf_thumbnail(data, thumbnail_side))
    image = _decode(data, kind)
    content_type = PNG if kind == PNG else JPEG
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    content = _encode(image, content_type, PHOTO_QUALITY)
    image.thumbnail((thumbnail_side, thumbnail_side), Image.Resampling.LANCZOS)
    return PreparedFile(content, content_type, _encode(image, JPEG, THUMBNAIL_QUALITY))


def kept_as_is(data: bytes, thumbnail_side: int) -> PreparedFile:
    """A file restored from a backup: one we kept before (a JPEG, PNG or PDF), checked to open as
    what its bytes say, kept byte for byte (its checksum still holds), with a new thumbnail."""
    kind = sniff(data)
    if kind not in EXTENSIONS:
        raise UnsupportedFile(_("is not a JPEG, PNG or PDF kept by this site"))
    if kind == PDF:
        return PreparedFile(data, PDF, pdf_thumbnail(data, thumbnail_side))
    image = _decode(data, kind)
    image.thumbnail((thumbnail_side, thumbnail_side), Image.Resampling.LANCZOS)
    return PreparedFile(data, kind, _encode(image, JPEG, THUMBNAIL_QUALITY))


def _decode(data: bytes, kind: str) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # Pillow only warns about an image of 90 to 180 megapixels; refuse those too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                if opened.format not in _PILLOW_FORMATS[kind]:
                    raise UnsupportedFile(_("is not the image its first bytes say it is"))
                opened.load()
                # Applies the camera's orientation and returns a copy without it.
                image = ImageOps.exif_transpose(opened)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise UnsupportedFile(_("has too many pixels to open safely")) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        if isinstance(error, UnsupportedFile):
            raise
        raise UnsupportedFile(_("is damaged or cut short and could not be opened")) from error
    if image.mode not in ("RGB", "L", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
    return image


def _encode(image: Image.Image, content_type: str, quality: int) -> bytes:
    """Encoded with nothing but pixels: no EXIF, XMP, ICC profile or text chunks are passed on."""
    out = io.BytesIO()
    if content_type == PNG:
        image.save(out, "PNG", optimize=True)
    else:
        if image.mode == "RGBA":
            flattened = Image.new("RGB", image.size, "white")
            flattened.paste(image, mask=image.getchannel("A"))
            image = flattened
        image.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def pdf_renderer_available() -> bool:
    return shutil.which("pdftoppm") is not None


def render_pdf_page(
    data: bytes, resolution: int | None = None, scale_to: int | None = None, timeout: float = 15
) -> bytes:
    """The PDF's first page as a grey PNG, by poppler's pdftoppm; UnsupportedFile when it cannot
    render it in time."""
    arguments = ["pdftoppm", "-f", "1", "-l", "1", "-singlefile", "-gray", "-png"]
    if resolution:
        arguments += ["-r", str(resolution)]
    if scale_to:
        arguments += ["-scale-to", str(scale_to)]
    try:
        finished = subprocess.run(  # noqa: S603 - fixed arguments, the PDF on stdin
            [shutil.which("pdftoppm") or "pdftoppm", *arguments[1:], "-"],
            input=data,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise UnsupportedFile(_("is a PDF that took too long to open")) from error
    if finished.returncode != 0 or not finished.stdout.startswith(b"\x89PNG"):
        raise UnsupportedFile(_("is a damaged PDF that could not be opened"))
    return finished.stdout


def pdf_thumbnail(data: bytes, thumbnail_side: int) -> bytes | None:
    """A JPEG of the first page, or None when poppler is not installed (the PDF is still kept)."""
    if not pdf_renderer_available():
        return None
    page = render_pdf_page(data, scale_to=thumbnail_side, timeout=PDF_RENDER_TIMEOUT)
    with Image.open(io.BytesIO(page)) as image:
        return _encode(image.convert("RGB"), JPEG, THUMBNAIL_QUALITY)
