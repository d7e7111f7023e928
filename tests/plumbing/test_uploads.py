"""Uploads are checked by content and size; images are re-encoded; nothing else gets in."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from plumbing.uploads import clean_document, clean_image


def _png(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_png_photo_is_accepted_and_re_encoded_under_a_random_name():
    upload = SimpleUploadedFile("mijn foto.png", _png() + b"<script>alert(1)</script>")

    cleaned = clean_image(upload)

    cleaned.seek(0)
    data = cleaned.read()
    assert b"<script>" not in data
    assert cleaned.name.endswith(".png") and "mijn" not in cleaned.name
    assert Image.open(io.BytesIO(data)).size == (40, 30)


def test_an_executable_renamed_to_pdf_is_refused():
    upload = SimpleUploadedFile("offerte.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100)

    with pytest.raises(ValidationError, match="PDF-, JPG- of PNG-bestand"):
        clean_document(upload)


def test_an_svg_is_not_a_photo():
    upload = SimpleUploadedFile("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>')

    with pytest.raises(ValidationError):
        clean_image(upload)


def test_a_50_mb_upload_is_refused_by_size():
    upload = SimpleUploadedFile("groot.pdf", b"%PDF-1.7\n" + b"0" * (50 * 1024 * 1024))

    with pytest.raises(ValidationError) as error:
        clean_document(upload)
    assert error.value.code == "file_too_large"


def test_a_real_pdf_is_accepted_and_renamed():
    upload = SimpleUploadedFile("offerte.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    cleaned = clean_document(upload)

    assert cleaned.name.endswith(".pdf") and cleaned.name != "offerte.pdf"


def test_a_truncated_pdf_is_refused():
    with pytest.raises(ValidationError):
        clean_document(SimpleUploadedFile("kapot.pdf", b"%PDF-1.4\n1 0 obj<<"))
