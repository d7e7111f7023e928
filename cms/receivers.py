"""cms reacts to domain events: a decision taken elsewhere gets a draft decision page."""

from __future__ import annotations

import logging

from django.dispatch import receiver

from cms.services import decision_page_prepare
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
