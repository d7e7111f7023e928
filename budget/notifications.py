"""E-mail to the residents of a wijk about its wijkbudget round.

Three messages (core.models.NotificationKind): voting opens, voting closes
tomorrow, results published. Each resident gets their own message, rendered in
the site's language (Dutch) from templates/budget/email/, and stored and queued
with core.notifications.notify_message, so residents can switch each kind off,
every e-mail has an unsubscribe link, and failed deliveries are retried and
listed for staff.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from budget import selectors
from budget.models import Round
from core.models import NotificationKind, User
from core.municipalities import municipality_of
from core.notifications import notify_message, unsubscribe_url

TEMPLATE_KINDS = {
    "voting_opens": NotificationKind.VOTING_OPENS,
    "voting_closes": NotificationKind.VOTING_CLOSES,
    "results_published": NotificationKind.RESULTS_PUBLISHED,
}


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _send(*, template: str, budget_round: Round, user: User, link: str) -> bool:
    kind = TEMPLATE_KINDS[template]
    municipality = municipality_of(budget_round)
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "round": budget_round,
            "wijk": budget_round.wijk,
            "user": user,
            "link": _absolute(link),
            # The same rule the ballot applies, so the message never promises a vote
            # the ballot would refuse.
            "can_vote": user.has_perm("budget.vote", budget_round),
            "is_verified": user.profile.is_verified,
            "birth_year_missing": budget_round.min_age is not None
            and user.profile.birth_year is None,
            "verify_url": _absolute(reverse("core:residency_code")),
            "profile_url": _absolute(reverse("core:profile_edit")),
            "unsubscribe_url": unsubscribe_url(user=user, kind=kind),
            "municipality": municipality.name,
        }
        subject = render_to_string(f"budget/email/{template}_subject.txt", context)
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=render_to_string(f"budget/email/{template}.txt", context),
            to=[user.email],
            from_email=municipality.sender or None,
        )
        message.attach_alternative(
            render_to_string(f"budget/email/{template}.html", context), "text/html"
        )
    return notify_message(user=user, kind=kind, message=message, link=link) is not None


def send_voting_opens(*, budget_round: Round) -> int:
    """Tell the wijk's residents that voting has opened; returns how many were told."""
    link = reverse("budget:round_detail", kwargs={"pk": budget_round.pk})
    return sum(
        _send(template="voting_opens", budget_round=budget_round, user=user, link=link)
        for user in selectors.residents_to_call_to_vote(budget_round=budget_round)
    )


def send_voting_closes(*, budget_round: Round) -> int:
    """Remind the wijk's residents who have not voted that voting closes tomorrow."""
    link = reverse("budget:round_detail", kwargs={"pk": budget_round.pk})
    return sum(
        _send(template="voting_closes", budget_round=budget_round, user=user, link=link)
        for user in selectors.residents_to_call_to_vote(budget_round=budget_round, skip_voters=True)
    )


def send_results_published(*, budget_round: Round) -> int:
    """Tell every resident of the wijk that the result of the round is out."""
    link = reverse("budget:result", kwargs={"pk": budget_round.pk})
    return sum(
        _send(template="results_published", budget_round=budget_round, user=user, link=link)
        for user in selectors.residents_of_round_wijk(budget_round=budget_round)
    )
