"""Checks for uploaded files: type from content (not the name), size, no active content.

Images are re-encoded by Pillow, which drops anything hidden in them
(metadata, appended payloads); SVG is never accepted.
"""

from __future__ import annotations

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_IMAGE_BYTES = 8 * 1024 * 1024
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000

_SIGNATURES = {
    b"%PDF-": ("pdf", "application/pdf"),
    b"\x89PNG\r\n\x1a\n": ("png", "image/png"),
    b"\xff\xd8\xff": ("jpg", "image/jpeg"),
}


def sniff(upload: UploadedFile) -> tuple[str, str] | None:
    """(extension, content type) from the file's first bytes, or None when unknown."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, kind in _SIGNATURES.items():
        if head.startswith(signature):
            return kind
    return None


def _too_large(upload: UploadedFile, limit: int) -> ValidationError:
    return ValidationError(
        _("The file is too large (%(size)d MB); the maximum is %(max)d MB.")
        % {"size": round(upload.size / 1_048_576), "max": limit // 1_048_576},
        code="file_too_large",
    )


def clean_image(upload: UploadedFile) -> InMemoryUploadedFile:
    """Accept a JPEG or PNG photo and return it re-encoded under a random name."""
    if upload.size > MAX_IMAGE_BYTES:
        raise _too_large(upload, MAX_IMAGE_BYTES)
    kind = sniff(upload)
    if kind is None or kind[0] == "pdf":
        raise ValidationError(_("Upload a photo as JPG or PNG."), code="invalid_image")
    try:
        with Image.open(upload) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValidationError(_("The photo has too many pixels."), code="image_too_big")
            image.load()
            fmt = "PNG" if kind[0] == "png" else "JPEG"
            converted = image.convert("RGBA" if fmt == "PNG" else "RGB")
            converted.thumbnail((2400, 2400))
            buffer = io.BytesIO()
            converted.save(buffer, format=fmt, quality=85, optimize=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _("This file is not a readable photo."), code="invalid_image"
        ) from error
    ext = "png" if fmt == "PNG" else "jpg"
    return InMemoryUploadedFile(
        buffer, "file", f"{uuid.uuid4().hex}.{ext}", kind[1], buffer.tell(), None
    )


def clean_document(upload: UploadedFile) -> UploadedFile:
    """Accept a PDF, JPG or PNG (a quote, a receipt); checked by content, renamed randomly."""
    if upload.size > MAX_DOCUMENT_BYTES:
        raise _too_large(upload, MAX_DOCUMENT_BYTES)
    kind = sniff(upload)
    if kind is None:
        raise ValidationError(
            _("Upload a PDF, JPG or PNG file. This file is of another type."),
            code="invalid_document",
        )
    if kind[0] == "pdf":
        upload.seek(0)
        content = upload.read()
        upload.seek(0)
        if b"%%EOF" not in content[-2048:]:
            raise ValidationError(_("This PDF is damaged or incomplete."), code="invalid_pdf")
    else:
        return clean_image(upload)
    upload.name = f"{uuid.uuid4().hex}.pdf"
    upload.content_type = kind[1]
    return upload
