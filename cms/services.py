"""Changes to pages made by the system rather than by an editor in the Wagtail admin."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.documents.models import Document
from wagtail.models import Page

from cms.models import DecisionIndexPage, DecisionKind, DecisionPage, HomePage

# Page titles may be 255 characters; slugs of decision pages stay readable.
_SLUG_LENGTH = 80


def decision_index_get_or_create() -> DecisionIndexPage:
    """The decisions overview, created live under the home page when it is missing."""
    index = DecisionIndexPage.objects.first()
    if index is not None:
        return index
    home = HomePage.objects.first()
    if home is None:
        raise RuntimeError("The home page is missing: run the migrations first.")
    index = DecisionIndexPage(
        title=_("Decisions"),
        slug="besluiten",
        intro="<p>"
        + _("What the council decided on subsidies, initiatives and the wijkbudget.")
        + "</p>",
    )
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def _unique_slug(parent: Page, title: str) -> str:
    base = slugify(title)[:_SLUG_LENGTH].strip("-") or "besluit"
    taken = set(parent.get_children().values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug = f"{base}-{number}"
        number += 1
    return slug


@transaction.atomic
def decision_page_prepare(
    *,
    kind: str,
    obj: models.Model,
    title: str,
    summary: str,
    decided_at: datetime.datetime | datetime.date,
    wijken: list,
    advice: str = "",
    pdf: bytes | None = None,
    url: str = "",
) -> DecisionPage:
    """Prepare an unpublished decision page for staff to check and publish.

    Called for `core.events.decision_taken`; no acting user: the decision itself
    was taken (and permission-checked) by the deciding service. The page stays a
    draft until an editor publishes it through the normal Wagtail workflow.
    """
    if kind not in DecisionKind.values:
        raise ValueError(f"Unknown decision kind {kind!r}")
    index = decision_index_get_or_create()
    decided_on = (
        timezone.localdate(decided_at) if isinstance(decided_at, datetime.datetime) else decided_at
    )
    document = None
    if pdf:
        slug = _unique_slug(index, title)
        document = Document(title=title[:255])
        document.file.save(f"{slug}.pdf", ContentFile(pdf), save=False)
        document._set_document_file_metadata()
        document.full_clean()
        document.save()
    page = DecisionPage(
        title=title[:255],
        slug=_unique_slug(index, title),
        kind=kind,
        decided_on=decided_on,
        summary=summary,
        panel_advice=advice,
        document=document,
        decided_url=url[:300],
        decided_content_type=ContentType.objects.get_for_model(obj),
        decided_object_id=str(obj.pk),
        wijken=list(wijken),
        live=False,
    )
    index.add_child(instance=page)
    page.save_revision(log_action=True)
    return page
