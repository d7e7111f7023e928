"""Changes to pages made by the system rather than by an editor in the Wagtail admin."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.documents.models import Document
from wagtail.models import BaseViewRestriction, Collection, CollectionViewRestriction, Page

from cms.models import DecisionIndexPage, DecisionKind, DecisionPage, HomePage
from core.roles import COUNCIL_STAFF

# Page titles may be 255 characters; slugs of decision pages stay readable.
_SLUG_LENGTH = 80
# Where decision PDFs live: staff only while the page is a draft, public once it is live.
# (Collection names are not translated: they are data, made by migration 0006 too.)
DRAFT_DECISIONS_COLLECTION = "Besluiten (concept)"
PUBLIC_DECISIONS_COLLECTION = "Besluiten"


def _collection(name: str) -> Collection:
    root = Collection.get_first_root_node()
    return root.get_children().filter(name=name).first() or root.add_child(name=name)


def decision_drafts_collection() -> Collection:
    """The collection of decision PDFs whose page is not published: council staff only.

    The view restriction is what /documents/<id>/<name> checks (Wagtail's serve view);
    it is made again when it is missing, so the drafts never become public by accident.
    """
    collection = _collection(DRAFT_DECISIONS_COLLECTION)
    restriction = CollectionViewRestriction.objects.filter(
        collection=collection, restriction_type=BaseViewRestriction.GROUPS
    ).first()
    if restriction is None:
        restriction = CollectionViewRestriction.objects.create(
            collection=collection, restriction_type=BaseViewRestriction.GROUPS
        )
    staff_group, _created = Group.objects.get_or_create(name=COUNCIL_STAFF)
    restriction.groups.add(staff_group)
    return collection


def decision_public_collection() -> Collection:
    """The collection of the PDFs of published decision pages (no restriction)."""
    return _collection(PUBLIC_DECISIONS_COLLECTION)


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
        # Staff only until the page is published (decision_document_sync).
        document = Document(title=title[:255], collection=decision_drafts_collection())
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


@transaction.atomic
def decision_document_sync(*, page: DecisionPage) -> None:
    """Make a decision page's PDF public when the page is live, staff-only again when it is not.

    Called when a decision page is published or unpublished (cms.receivers), however that
    happens: the editor's publish button, an approved workflow or scheduled publishing. No
    acting user: the editor's publishing was permission-checked by Wagtail. Only documents
    in the two decision collections move; a document an editor chose from elsewhere stays.
    """
    if page.document_id is None:
        return
    document = Document.objects.select_for_update().get(pk=page.document_id)
    drafts, public = decision_drafts_collection(), decision_public_collection()
    if page.live:
        target = public if document.collection_id == drafts.pk else None
    elif document.collection_id == public.pk:
        # Another live decision page may show the same PDF: then it stays public.
        still_shown = (
            DecisionPage.objects.live().filter(document=document).exclude(pk=page.pk).exists()
        )
        target = None if still_shown else drafts
    else:
        target = None
    if target is not None:
        document.collection = target
        document.save(update_fields=["collection"])
