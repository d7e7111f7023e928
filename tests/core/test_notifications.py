"""Notifications: stored, e-mailed after commit, switchable per kind, one-click unsubscribe."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from core import notifications
from core.models import DeliveryStatus, MutedNotification, Notification, NotificationKind

pytestmark = pytest.mark.django_db

GENERIC = {
    "subject": "Uw aanvraag is ontvangen",
    "text": "We hebben uw aanvraag & bijlagen ontvangen.",
}


def _notify(user, kind=NotificationKind.SUBMISSION_RECEIVED):
    return notifications.notify(
        user=user,
        kind=kind,
        template="core/email/generic",
        context=GENERIC,
        link="/initiatieven/1/",
    )


def test_a_notification_is_stored_and_mailed_after_commit_with_an_unsubscribe_header(
    resident, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(resident)
        assert mailoutbox == []

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.subject == "Uw aanvraag is ontvangen"
    assert "aanvraag & bijlagen" in mail.body
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/afmelden/" in mail.extra_headers["List-Unsubscribe"]
    assert "http://127.0.0.1:8000/initiatieven/1/" in mail.alternatives[0][0]
    notification.refresh_from_db()
    assert notification.status == DeliveryStatus.SENT


def test_a_switched_off_kind_is_neither_stored_nor_sent(
    resident, mailoutbox, django_capture_on_commit_callbacks
):
    notifications.notification_preferences_set(
        user=resident, muted_kinds={NotificationKind.SUBMISSION_RECEIVED}
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert _notify(resident) is None
        _notify(resident, kind=NotificationKind.DECISION)

    assert [m.subject for m in mailoutbox] == ["Uw aanvraag is ontvangen"]
    assert Notification.objects.get().kind == NotificationKind.DECISION


def test_one_click_unsubscribe_works_without_login_and_only_on_post(client, resident):
    token = notifications.unsubscribe_token(user=resident, kind=NotificationKind.VOTING_OPENS)
    url = reverse("core:unsubscribe", kwargs={"token": token})

    page = client.get(url)
    assert page.status_code == 200
    assert not MutedNotification.objects.exists()

    response = client.post(url)
    assert response.status_code == 200
    assert "U ontvangt geen e-mails meer over" in response.content.decode()
    assert MutedNotification.objects.filter(user=resident, kind="voting_opens").exists()
    assert MutedNotification.history.first().history_user == resident


def test_a_tampered_unsubscribe_token_changes_nothing(client, resident):
    token = notifications.unsubscribe_token(user=resident, kind=NotificationKind.VOTING_OPENS)

    response = client.post(reverse("core:unsubscribe", kwargs={"token": token[:-2] + "xx"}))

    assert response.status_code == 400
    assert not MutedNotification.objects.exists()


def test_a_failed_delivery_is_recorded_visible_to_staff_and_sent_again(
    resident, staff, staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    failing_send = mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("down")
    )
    with failing_send, django_capture_on_commit_callbacks(execute=True):
        notification = _notify(resident)
    notification.refresh_from_db()
    assert notification.status == DeliveryStatus.FAILED
    assert "down" in notification.last_error

    page = staff_client.get(reverse("core:staff_failed_notifications"))
    assert "Uw aanvraag is ontvangen" in page.content.decode()

    staff_client.post(reverse("core:staff_failed_notifications"), {"notification": notification.pk})
    notification.refresh_from_db()
    assert notification.status == DeliveryStatus.SENT
    assert notification.attempts == 2
    assert len(mailoutbox) == 1


def test_residents_cannot_see_failed_notifications(client, resident):
    client.force_login(resident)
    assert client.get(reverse("core:staff_failed_notifications")).status_code == 403


def test_the_preferences_page_switches_kinds_off_and_on(client, resident):
    client.force_login(resident)
    wanted = [k for k in NotificationKind.values if k != "voting_closes"]

    client.post(reverse("core:notification_preferences"), {"wanted": wanted})
    assert set(MutedNotification.objects.values_list("kind", flat=True)) == {"voting_closes"}

    client.post(reverse("core:notification_preferences"), {"wanted": NotificationKind.values})
    assert not MutedNotification.objects.exists()


def test_the_notification_list_shows_only_ones_own(client, resident, staff):
    _notify(resident)
    _notify(staff, kind=NotificationKind.DECISION)
    client.force_login(resident)

    content = client.get(reverse("core:notifications")).content.decode()

    assert content.count("Uw aanvraag is ontvangen") == 1


def test_a_message_rendered_by_an_app_is_stored_mailed_and_respects_the_choice(
    resident, mailoutbox, django_capture_on_commit_callbacks
):
    message = EmailMultiAlternatives(
        subject="Besluit over uw aanvraag", body="U krijgt € 500.", to=[resident.email]
    )
    message.attach_alternative("<p>U krijgt € 500.</p>", "text/html")
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_message(user=resident, kind="decision", message=message)
    assert [m.subject for m in mailoutbox] == ["Besluit over uw aanvraag"]
    assert "/afmelden/" in mailoutbox[0].extra_headers["List-Unsubscribe"]

    notifications.notification_preferences_set(user=resident, muted_kinds={"decision"})
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.notify_message(user=resident, kind="decision", message=message) is None
    assert len(mailoutbox) == 1
