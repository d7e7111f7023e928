"""cms reacts to events: a decision taken elsewhere gets a draft decision page, and a
decision page's PDF follows the page: public only while the page is published.

Publishing is a signal, not a Wagtail hook (`after_publish_page`), because the hook only
runs for the publish button: approval in the workflow and scheduled publishing would
leave the PDF hidden. The receivers only call a service.
"""

from __future__ import annotations

import logging

from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from cms.models import DecisionPage
from cms.services import decision_document_sync, decision_page_prepare
from core.events import decision_taken

logger = logging.getLogger(__name__)


@receiver(decision_taken, dispatch_uid="cms.prepare_decision_page")
def prepare_decision_page(sender, **event) -> None:
    """Prepare a draft decision page; never let a failure here undo or hide the decision."""
    event.pop("signal", None)
    try:
        decision_page_prepare(**event)
    except Exception:
        # The decision is committed and its e-mails are on their way; a missing
        # draft page is something staff can make by hand, an error page is not.
        logger.exception("Could not prepare a decision page for %r", event.get("obj"))


@receiver(page_published, sender=DecisionPage, dispatch_uid="cms.decision_document_published")
@receiver(page_unpublished, sender=DecisionPage, dispatch_uid="cms.decision_document_unpublished")
def sync_decision_document(sender, instance: DecisionPage, **kwargs) -> None:
    """The PDF of a decision page becomes public with the page, and hidden again without it."""
    decision_document_sync(page=instance)
