"""Notifications: kept on the site, e-mailed through the task queue, switchable per kind.

`notify` is what other apps call. It skips kinds the resident switched off,
stores the message (so it appears under "Meldingen" and failures are visible
to staff) and queues delivery after the transaction commits. Every e-mail
carries a one-click unsubscribe link for its kind (RFC 8058), which works
without logging in: delivery adds it, with why the person receives the e-mail, to the
text and the HTML (templates/partials/_email_footer.*), in the site's language (Dutch),
whoever's request or worker sends it.
"""

from __future__ import annotations

import datetime
from functools import partial

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from core.models import (
    DeliveryStatus,
    MutedNotification,
    Notification,
    NotificationKind,
    User,
)

MAX_ATTEMPTS = 5
_UNSUBSCRIBE_SALT = "wijkplein.unsubscribe"


def unsubscribe_token(*, user: User, kind: str) -> str:
    """A signed, non-expiring token naming one person and one kind of e-mail."""
    return signing.dumps({"u": user.pk, "k": kind}, salt=_UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[User, str] | None:
    """The person and kind a token names, or None when it was tampered with."""
    try:
        data = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if data.get("k") not in NotificationKind.values:
        return None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    return (user, data["k"]) if user else None


def unsubscribe_url(*, user: User, kind: str) -> str:
    """Absolute URL of the unsubscribe page for this person and kind."""
    path = reverse("core:unsubscribe", kwargs={"token": unsubscribe_token(user=user, kind=kind)})
    return settings.SITE_URL.rstrip("/") + path


def is_muted(*, user: User, kind: str) -> bool:
    """Whether the resident switched this kind of e-mail off."""
    return MutedNotification.objects.filter(user=user, kind=kind).exists()


@transaction.atomic
def notify(
    *, user: User, kind: str, template: str, context: dict, link: str = ""
) -> Notification | None:
    """Store a notification and e-mail it after commit; None when the kind is switched off.

    `template` names `<template>_subject.txt` and `<template>.txt` (Dutch, translatable);
    `link` is a site path the message is about.
    """
    if kind not in NotificationKind.values:
        raise ValueError(f"Unknown notification kind {kind!r}")
    if not user.is_active or not user.email or is_muted(user=user, kind=kind):
        return None
    absolute_link = settings.SITE_URL.rstrip("/") + link if link.startswith("/") else link
    with translation.override(settings.LANGUAGE_CODE):
        full_context = {
            **context,
            "user": user,
            "link": absolute_link,
            "site_url": settings.SITE_URL,
            "unsubscribe_url": unsubscribe_url(user=user, kind=kind),
            "kind_label": NotificationKind(kind).label,
        }
        subject = " ".join(render_to_string(f"{template}_subject.txt", full_context).split())
        body = render_to_string(f"{template}.txt", full_context).strip()
        html_body = render_to_string(
            "core/email/notification.html", {**full_context, "subject": subject, "body": body}
        )
    notification = Notification.objects.create(
        user=user,
        kind=kind,
        subject=subject[:200],
        body=body,
        html_body=html_body,
        link=link,
    )
    transaction.on_commit(partial(_enqueue, notification.pk))
    return notification


@task()
def deliver_notification(*, notification_id: int) -> str:
    """Background task: deliver one notification (see notification_deliver)."""
    return notification_deliver(notification_id=notification_id)


@transaction.atomic
def notify_message(
    *, user: User, kind: str, message: EmailMultiAlternatives, link: str = ""
) -> Notification | None:
    """Like `notify`, for a message an app rendered itself (subject, text and HTML)."""
    if kind not in NotificationKind.values:
        raise ValueError(f"Unknown notification kind {kind!r}")
    if not user.is_active or not user.email or is_muted(user=user, kind=kind):
        return None
    html_body = ""
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            html_body = content
    notification = Notification.objects.create(
        user=user,
        kind=kind,
        subject=" ".join(str(message.subject).split())[:200],
        body=message.body.strip(),
        html_body=html_body,
        link=link,
        # The municipality's From address (Municipality.sender), kept for the delivery.
        sender="" if message.from_email == settings.DEFAULT_FROM_EMAIL else message.from_email,
    )
    transaction.on_commit(partial(_enqueue, notification.pk))
    return notification


def _enqueue(notification_id: int, *, delay_seconds: int = 0) -> None:
    task = deliver_notification
    if delay_seconds:
        task = task.using(run_after=timezone.now() + datetime.timedelta(seconds=delay_seconds))
    task.enqueue(notification_id=notification_id)


def _with_footer(html: str, footer: str) -> str:
    """The HTML of a message with the footer at the end of its body."""
    head, found, tail = html.rpartition("</body>")
    return f"{head}{footer}{found}{tail}" if found else f"{html}\n{footer}"


def notification_deliver(*, notification_id: int) -> str:
    """Send one stored notification by e-mail; a failure is recorded and retried later."""
    notification = Notification.objects.select_related("user").get(pk=notification_id)
    if notification.status == DeliveryStatus.SENT:
        return DeliveryStatus.SENT
    url = unsubscribe_url(user=notification.user, kind=notification.kind)
    # In the site's language: a worker has no request, and a request (the immediate task
    # backend) may be a staff member's in English, not the recipient's.
    with translation.override(settings.LANGUAGE_CODE):
        context = {"unsubscribe_url": url, "kind_label": NotificationKind(notification.kind).label}
        footer = render_to_string("partials/_email_footer.txt", context).strip()
        html_footer = render_to_string("partials/_email_footer.html", context)
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=f"{notification.body}\n\n{footer}\n",
        to=[notification.user.email],
        from_email=notification.sender or None,
        headers={
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    if notification.html_body:
        message.attach_alternative(_with_footer(notification.html_body, html_footer), "text/html")
    notification.attempts += 1
    try:
        message.send()
    except Exception as error:  # noqa: BLE001 - any transport failure is recorded, not lost
        notification.status = DeliveryStatus.FAILED
        notification.last_error = f"{type(error).__name__}: {error}"[:2000]
        notification.save(update_fields=["status", "attempts", "last_error"])
        # With a worker, try again later with a growing pause; without one (tests, the dev
        # server) the scheduled `notifications_retry` command or staff pick it up.
        if (
            notification.attempts < MAX_ATTEMPTS
            and deliver_notification.get_backend().supports_defer
        ):
            _enqueue(notification.pk, delay_seconds=60 * 2**notification.attempts)
        return DeliveryStatus.FAILED
    notification.status = DeliveryStatus.SENT
    notification.sent_at = timezone.now()
    notification.last_error = ""
    notification.save(update_fields=["status", "attempts", "last_error", "sent_at"])
    return DeliveryStatus.SENT


def notification_retry(*, actor: User, notification: Notification) -> None:
    """Staff send a failed notification again."""
    if not actor.has_perm("core.view_failed_notifications"):
        raise PermissionDenied(_("Only council staff can retry notifications."))
    if notification.status != DeliveryStatus.FAILED:
        return
    _enqueue(notification.pk)


def notifications_retry_failed() -> int:
    """Queue every failed notification that has attempts left (a scheduled task)."""
    pending = Notification.objects.filter(
        status=DeliveryStatus.FAILED, attempts__lt=MAX_ATTEMPTS
    ).values_list("pk", flat=True)
    count = 0
    for pk in pending:
        _enqueue(pk)
        count += 1
    return count


@transaction.atomic
def notification_preferences_set(*, user: User, muted_kinds: set[str]) -> None:
    """Switch kinds of e-mail off (those in `muted_kinds`) and the others on."""
    for kind in NotificationKind.values:
        row = MutedNotification.objects.filter(user=user, kind=kind).first()
        if kind in muted_kinds and row is None:
            muted = MutedNotification(user=user, kind=kind)
            muted._history_user = user
            muted._change_reason = _("Switched off")
            muted.save()
        elif kind not in muted_kinds and row is not None:
            row._history_user = user
            row._change_reason = _("Switched on")
            row.delete()


def notification_unsubscribe(*, token: str) -> tuple[User, str] | None:
    """Switch one kind off from an e-mail link (no login); None for a bad token."""
    found = read_unsubscribe_token(token)
    if found is None:
        return None
    user, kind = found
    if not is_muted(user=user, kind=kind):
        muted = MutedNotification(user=user, kind=kind)
        muted._history_user = user
        muted._change_reason = _("Unsubscribed from an e-mail link")
        muted.save()
    return user, kind
