"""Domain events other apps may react to, without the deciding app importing them.

Imports flow core <- initiatives <- budget <- cms, so a subsidy decision
cannot call cms to prepare a decision page. The deciding service instead
sends `decision_taken` after its transaction commits; cms listens and
prepares a draft page for staff to check. Receivers must not change the
domain object: the decision itself is complete before the event is sent.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

# Sent with: kind ("subsidy", "initiative", "budget_result", "policy"), obj (the decided
# object), title, summary (plain text), decided_at (datetime), wijken (list of Wijk),
# advice (plain text or ""), pdf (bytes or None: a public version without personal data),
# url (the public page of the decided object, or "").
decision_taken = Signal()


def announce_decision(
    *,
    kind: str,
    obj,
    title: str,
    summary: str,
    decided_at,
    wijken: list,
    advice: str = "",
    pdf: bytes | None = None,
    url: str = "",
) -> None:
    """Send `decision_taken` once the surrounding transaction has committed."""

    def send() -> None:
        decision_taken.send(
            sender=type(obj),
            kind=kind,
            obj=obj,
            title=title,
            summary=summary,
            decided_at=decided_at,
            wijken=wijken,
            advice=advice,
            pdf=pdf,
            url=url,
        )

    transaction.on_commit(send)
