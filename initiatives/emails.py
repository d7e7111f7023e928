"""E-mails about initiatives: rendered from templates/initiatives/email/ and queued after commit.

Each recipient gets their own message, so addresses are never shared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.models import NotificationKind, PanelMembership, User, Wijk, WijkCoordinator
from core.notifications import notify_message
from core.roles import FUNCTIONAL_ADMINS, WIJK_COORDINATORS
from initiatives.models import Initiative, InitiativeMember, ProgressUpdate, Support, Volunteer
from plumbing.mail import queue_email


def absolute(path: str) -> str:
    """A site path as a full URL for an e-mail."""
    return settings.SITE_URL.rstrip("/") + path


def initiative_url(initiative: Initiative) -> str:
    return absolute(reverse("initiatives:detail", kwargs={"pk": initiative.pk}))


# Which kind of notification each message is, so residents can switch kinds off
# (core.notifications); an invitation goes to an address that may have no account
# yet and is always sent.
TEMPLATE_KINDS = {
    "staff_notice": NotificationKind.SUBMISSION_RECEIVED,
    "panel_review": NotificationKind.PANEL_ASSIGNMENT,
    "status_followers": NotificationKind.INITIATIVE_UPDATE,
    "staff_advice": NotificationKind.ADVICE_GIVEN,
    "hidden": NotificationKind.DECISION,
    "volunteer": NotificationKind.INITIATIVE_UPDATE,
    "update_followers": NotificationKind.INITIATIVE_UPDATE,
    "invitation": None,
}


def _send(
    *,
    to: Iterable[str],
    subject: str,
    template: str,
    context: dict,
    kind: str | None = None,
) -> None:
    addresses = sorted({address for address in to if address})
    if not addresses:
        return
    kind = kind or TEMPLATE_KINDS.get(template)
    with translation.override(settings.LANGUAGE_CODE):
        full = {**context, "site_url": settings.SITE_URL, "subject": subject}
        body = render_to_string(f"initiatives/email/{template}.txt", full).strip()
        html = render_to_string("initiatives/email/message.html", {**full, "body": body})
    users = {user.email: user for user in User.objects.filter(email__in=addresses)}
    for address in addresses:
        user = users.get(address)
        if user is not None and not user.is_active:
            # A deleted (or blocked) account: its supports and roles stay, its mail stops.
            # Only addresses without an account (an invitation) get mail outside notify.
            continue
        message = EmailMultiAlternatives(subject=subject, body=body, to=[address])
        message.attach_alternative(html, "text/html")
        if kind and user is not None:
            notify_message(user=user, kind=kind, message=message, link=context.get("link", ""))
        else:
            queue_email(message)


def _in_site_language(send: Callable[..., None]) -> Callable[..., None]:
    """Render the whole message, its subject and status labels too, in the site's language
    (Dutch), not in the language of whoever's request sends it."""

    @wraps(send)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            send(*args, **kwargs)

    return wrapper


def initiator_addresses(initiative: Initiative) -> list[str]:
    """The e-mail addresses of the initiator and co-initiators."""
    return list(
        InitiativeMember.objects.filter(initiative=initiative).values_list("user__email", flat=True)
    )


def staff_addresses(wijk: Wijk) -> list[str]:
    """The wijk's coordinators (who act on its initiatives); with none, the functional
    administrators, who can name one. Other council staff have no right there."""
    coordinators = list(
        WijkCoordinator.objects.filter(
            wijk=wijk, user__is_active=True, user__groups__name=WIJK_COORDINATORS
        ).values_list("user__email", flat=True)
    )
    if coordinators:
        return coordinators
    return list(
        User.objects.filter(groups__name=FUNCTIONAL_ADMINS, is_active=True).values_list(
            "email", flat=True
        )
    )


def panel_addresses(wijk: Wijk) -> list[str]:
    """The members of the wijk's panel whose term includes today."""
    return list(
        PanelMembership.objects.active_on(timezone.localdate())
        .filter(wijk=wijk)
        .values_list("member__email", flat=True)
    )


def follower_addresses(initiative: Initiative) -> list[str]:
    """Supporters and volunteers."""
    supporters = Support.objects.filter(initiative=initiative).values_list("user__email", flat=True)
    volunteers = Volunteer.objects.filter(initiative=initiative).values_list(
        "user__email", flat=True
    )
    return list(supporters) + list(volunteers)


@_in_site_language
def send_status_changed(*, initiative: Initiative, action: str, reason: str) -> None:
    """Tell everyone concerned that an initiative moved to a new status."""
    context = {
        "initiative": initiative,
        "status": initiative.get_status_display(),
        "reason": reason,
        "link": initiative_url(initiative),
    }
    subject = _("Your initiative “%(title)s”: %(status)s") % {
        "title": initiative.title,
        "status": initiative.get_status_display(),
    }
    if action == "submit":
        initiator_kind = NotificationKind.SUBMISSION_RECEIVED
    elif action in {"publish", "reject"}:
        initiator_kind = NotificationKind.DECISION
    else:
        initiator_kind = NotificationKind.INITIATIVE_UPDATE
    _send(
        to=initiator_addresses(initiative),
        subject=subject,
        template="status_initiators",
        context=context,
        kind=initiator_kind,
    )
    if action in {"submit", "withdraw"}:
        _send(
            to=staff_addresses(initiative.wijk),
            subject=_("Initiative “%(title)s”: %(status)s")
            % {"title": initiative.title, "status": initiative.get_status_display()},
            template="staff_notice",
            context={
                **context,
                "staff_link": absolute(reverse("initiatives:staff_list")),
            },
        )
    if action == "start_review":
        _send(
            to=panel_addresses(initiative.wijk),
            subject=_("Wijkpanel: please advise on “%(title)s”") % {"title": initiative.title},
            template="panel_review",
            context=context,
        )
    if action in {"start", "complete", "withdraw"}:
        _send(
            to=follower_addresses(initiative),
            subject=_("News about “%(title)s”: %(status)s")
            % {"title": initiative.title, "status": initiative.get_status_display()},
            template="status_followers",
            context=context,
        )


@_in_site_language
def send_update_posted(*, update: ProgressUpdate) -> None:
    """Tell supporters and volunteers that the initiators posted a progress update."""
    initiative = update.initiative
    if not initiative.is_public:
        return  # hidden or not public: followers could not open the link
    # The initiators wrote it themselves; a supporter who also runs it needs no copy.
    own = set(initiator_addresses(initiative))
    _send(
        to=[address for address in follower_addresses(initiative) if address not in own],
        subject=_("News about “%(title)s”: %(update)s")
        % {"title": initiative.title, "update": update.title},
        template="update_followers",
        context={
            "initiative": initiative,
            "update": update,
            "link": initiative_url(initiative),
        },
    )


@_in_site_language
def send_advice_in(*, initiative: Initiative, advice: str) -> None:
    """Tell staff that the wijkpanel's review has ended and they can decide."""
    _send(
        to=staff_addresses(initiative.wijk),
        subject=_("Advice is in for “%(title)s”") % {"title": initiative.title},
        template="staff_advice",
        context={
            "initiative": initiative,
            "advice": advice,
            "link": initiative_url(initiative),
        },
    )


@_in_site_language
def send_hidden(*, initiative: Initiative, what: str, reason: str) -> None:
    """Tell the initiators that moderation hid their initiative or an update, and why."""
    _send(
        to=initiator_addresses(initiative),
        subject=_("Hidden by the moderators: %(what)s") % {"what": what},
        template="hidden",
        context={
            "initiative": initiative,
            "what": what,
            "reason": reason,
            "link": initiative_url(initiative),
        },
    )


@_in_site_language
def send_invitation(*, initiative: Initiative, email: str, token: str, inviter: User) -> None:
    """Invite someone by e-mail to become co-initiator."""
    _send(
        to=[email],
        subject=_("Invitation: run “%(title)s” together") % {"title": initiative.title},
        template="invitation",
        context={
            "initiative": initiative,
            "inviter": str(inviter),
            "link": absolute(reverse("initiatives:invitation_accept", kwargs={"token": token})),
        },
    )


@_in_site_language
def send_volunteer(*, volunteer: Volunteer) -> None:
    """Tell the initiators that someone signed up to help."""
    initiative = volunteer.initiative
    _send(
        to=initiator_addresses(initiative),
        subject=_("A new volunteer for “%(title)s”") % {"title": initiative.title},
        template="volunteer",
        context={
            "initiative": initiative,
            "volunteer": str(volunteer.user),
            "message": volunteer.message,
            "link": absolute(reverse("initiatives:volunteers", kwargs={"pk": initiative.pk})),
        },
    )
