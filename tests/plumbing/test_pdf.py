"""Every PDF Wijkplein makes is tagged PDF/UA with its language and title, and letters carry a
QR code of the right address (plumbing/pdf.py, core/templatetags/letters.py)."""

from __future__ import annotations

import datetime
import io
import re
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import timezone
from pypdf import PdfReader

from core.models import Municipality
from core.services import LetterAddress
from plumbing.pdf import qr_data_url, render_pdf, site_url

pytestmark = pytest.mark.django_db

SITE = "https://wijkplein.brunssum.nl"


def assert_accessible_pdf(pdf: bytes, *, title: str) -> PdfReader:
    """A tagged PDF (structure tree, marked content) in Dutch with a title, PDF/UA-1."""
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root, "the PDF has no structure tree (not tagged)"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "nl"
    assert title in (reader.metadata.title or "")
    # PDF/UA: viewers show the title instead of the file name, and the XMP says PDF/UA-1.
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r'pdfuaid:part(="|>)1', xmp), "the XMP metadata does not claim PDF/UA-1"
    return reader


def _text(reader: PdfReader) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _compact(text: str) -> str:
    """The text without spaces, to find a web address that wraps at the end of a line."""
    return "".join(text.split())


# The municipality whose letter details the letters print (not saved: no database needed).
BRUNSSUM = Municipality(
    name="Gemeente Brunssum",
    slug="brunssum",
    signatory_name="J. Jansen",
    signatory_role="teamleider Wijken",
)


def _wijk(municipality: Municipality = BRUNSSUM):
    return SimpleNamespace(name="Brunssum-Noord", municipality=municipality, slug="brunssum-noord")


def _letters():
    return [(LetterAddress("Akerstraat", "12", "6441AB"), "ABCD-EFGH-JKMN")]


def _round(municipality: Municipality = BRUNSSUM):
    now = timezone.now()
    return SimpleNamespace(
        pk=7,
        name="Wijkbudget 2027",
        wijk=_wijk(municipality),
        voting_start=now,
        voting_end=now + datetime.timedelta(days=14),
        min_age=16,
    )


def _results_context():
    project = SimpleNamespace(title="Speeltuin", cost=1200)
    return {
        "round": SimpleNamespace(
            name="Wijkbudget 2027", wijk=_wijk(), budget=10000, ballot_style="approval"
        ),
        "result": SimpleNamespace(
            budget_used=1200,
            ballot_count=40,
            turnout=12.5,
            get_rule_display="Meeste stemmen",
            pb_sha256="0" * 64,
        ),
        "rows": [SimpleNamespace(project=project, votes=30, funded=True, order=1, share=75)],
    }


@pytest.fixture
def letter_settings():
    """The letters' municipality with a signing official (the wijk's, see `_wijk`)."""
    return BRUNSSUM


@override_settings(SITE_URL=SITE)
@pytest.mark.parametrize(
    ("template", "context", "title"),
    [
        (
            "pdf/residency_letters.html",
            lambda: {
                "batch": SimpleNamespace(pk=3, wijk=_wijk()),
                "letters": _letters(),
                "today": timezone.localdate(),
            },
            "bewonerscode",
        ),
        (
            "pdf/budget_voting_letters.html",
            lambda: {"round": _round(), "letters": _letters(), "today": timezone.localdate()},
            "stemcode",
        ),
        ("pdf/budget_results.html", _results_context, "Uitslag"),
    ],
)
def test_every_letter_and_report_is_tagged_dutch_and_titled(
    letter_settings, template, context, title
):
    reader = assert_accessible_pdf(render_pdf(template=template, context=context()), title=title)

    assert reader.pdf_header == "%PDF-1.7"


@override_settings(SITE_URL=SITE)
def test_the_voting_letter_prints_the_address_and_a_qr_code_with_the_code(letter_settings):
    context = {"round": _round(), "letters": _letters(), "today": timezone.localdate()}

    html = render_to_string("pdf/budget_voting_letters.html", context)
    text = _text(
        PdfReader(
            io.BytesIO(render_pdf(template="pdf/budget_voting_letters.html", context=context))
        )
    )

    entry = f"{SITE}/wijkbudget/7/stemcode/"
    assert qr_data_url(f"{entry}?code=ABCD-EFGH-JKMN") in html
    assert 'alt="QR-code: opent de stempagina' in html
    assert entry in _compact(text)
    assert "ABCD-EFGH-JKMN" in text
    assert "Gemeente Brunssum" in text and "J. Jansen, teamleider Wijken" in text
    assert "Met vriendelijke groet, Gemeente Brunssum" in text


@override_settings(SITE_URL=SITE)
def test_the_residency_letter_prints_the_address_and_a_qr_code_of_the_code_page(
    letter_settings,
):
    context = {
        "batch": SimpleNamespace(pk=3, wijk=_wijk()),
        "letters": _letters(),
        "today": timezone.localdate(),
    }

    html = render_to_string("pdf/residency_letters.html", context)
    reader = PdfReader(
        io.BytesIO(render_pdf(template="pdf/residency_letters.html", context=context))
    )
    text = _text(reader)

    assert qr_data_url(f"{SITE}/mijn-gegevens/briefcode/?code=ABCD-EFGH-JKMN") in html
    assert f"{SITE}/mijn-gegevens/briefcode/" in _compact(text)
    assert "Ga naar https://wijkplein.brunssum.nl" in text
    assert "Met vriendelijke groet, Gemeente Brunssum" in text


def test_a_municipality_without_a_signing_official_signs_with_its_name():
    groningen = Municipality(name="Gemeente Groningen", slug="groningen")
    context = {"round": _round(groningen), "letters": _letters(), "today": timezone.localdate()}

    html = render_to_string("pdf/budget_voting_letters.html", context)

    assert "Met vriendelijke groet,<br>Gemeente Groningen" in html
    # Not the bare place name, which is the address line's.
    assert "groet,<br>Groningen" not in html
    assert "6441 AB Groningen" in html
    assert "Brunssum" not in html.replace("Brunssum-Noord", "")


def test_a_qr_code_is_an_svg_data_url_that_differs_per_address():
    first = qr_data_url(f"{SITE}/a")

    assert first.startswith("data:image/svg+xml")
    assert first != qr_data_url(f"{SITE}/b")


@override_settings(SITE_URL="https://wijkplein.example.nl/")
def test_site_url_joins_without_a_double_slash():
    assert site_url("/wijkbudget/") == "https://wijkplein.example.nl/wijkbudget/"
