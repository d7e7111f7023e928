"""Privacy (AVG): a resident's data export, account deletion and the retention periods.

Every app keeps personal data of its own. Rather than core importing the apps
(imports flow core <- initiatives <- budget <- cms), each app registers what it
contributes in its AppConfig.ready():

    privacy.register("budget", export=..., erase=..., retention=...)

- export(*, user) -> dict: the app's section of the download (JSON-serialisable;
  dates and decimals are fine). A "documents" list is merged into the shared list.
- erase(*, user) -> None: runs inside account_erase's transaction, before core
  anonymises the account itself (so the user's e-mail address is still readable).
- retention(*, now, dry_run) -> list[str]: anonymise what is past its period and
  say what was (or, with dry_run, would be) done; must be idempotent.

Why and what is kept is written down in docs/privacy.md.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, ProtectedError, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core.models import (
    ERASED_EMAIL_DOMAIN,
    MutedNotification,
    Notification,
    NotificationKind,
    PanelMembership,
    Profile,
    ResidencyCode,
    User,
)
from core.rules import is_council_staff
from plumbing.mail import send_private_email, unseal
from plumbing.tasks import send_email

# --- The registry ---------------------------------------------------------------------


@dataclass(frozen=True)
class Contributor:
    """What one app adds to the export, the erasure and the retention run."""

    name: str
    export: Callable[..., dict[str, Any]] | None = None
    erase: Callable[..., None] | None = None
    retention: Callable[..., list[str]] | None = None


_CONTRIBUTORS: dict[str, Contributor] = {}


def register(
    name: str,
    *,
    export: Callable[..., dict[str, Any]] | None = None,
    erase: Callable[..., None] | None = None,
    retention: Callable[..., list[str]] | None = None,
) -> None:
    """Declare an app's privacy contributions (registering the same name again replaces)."""
    _CONTRIBUTORS[name] = Contributor(name=name, export=export, erase=erase, retention=retention)


def contributors() -> list[Contributor]:
    """The registered contributions, in registration (INSTALLED_APPS) order."""
    return list(_CONTRIBUTORS.values())


def retention_days(kind: str) -> int:
    """The retention period of one kind of data, from settings.WIJKPLEIN_RETENTION_DAYS."""
    return int(settings.WIJKPLEIN_RETENTION_DAYS[kind])


def retention_cutoff(kind: str, *, now: datetime.datetime) -> datetime.datetime:
    """The moment before which data of this kind is past its retention period."""
    return now - datetime.timedelta(days=retention_days(kind))


def save_anonymised(instance, *, reason: str) -> None:
    """Save an anonymised row with a change reason and no actor.

    Unlike save_audited it skips full_clean: blanking required fields (an address on
    a used letter code) is the point here.
    """
    instance._history_user = None
    instance._change_reason = reason
    instance.save()


def delete_anonymised(instance, *, reason: str) -> None:
    """Delete an audited row with a change reason and no actor."""
    instance._history_user = None
    instance._change_reason = reason
    instance.delete()


# --- Export ---------------------------------------------------------------------------


def _core_export(*, user: User) -> dict[str, Any]:
    profile = Profile.objects.select_related("wijk").filter(user=user).first()
    muted = set(MutedNotification.objects.filter(user=user).values_list("kind", flat=True))
    return {
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "email_addresses": [
                {"email": row.email, "verified": row.verified, "primary": row.primary}
                for row in EmailAddress.objects.filter(user=user)
            ],
            "two_factor_methods": list(
                Authenticator.objects.filter(user=user).values_list("type", flat=True)
            ),
        },
        "profile": None
        if profile is None
        else {
            "display_name": profile.display_name,
            "postcode": profile.postcode,
            "house_number": profile.house_number,
            "birth_year": profile.birth_year,
            "wijk": profile.wijk.name if profile.wijk else None,
            "residency_status": profile.residency_status,
            "residency_status_label": str(profile.get_residency_status_display()),
            "verification_method": profile.verification_method,
            "verified_at": profile.verified_at,
        },
        "notification_preferences": [
            {"kind": kind, "label": str(label), "email": kind not in muted}
            for kind, label in NotificationKind.choices
        ],
        "notifications": [
            {
                "kind": row.kind,
                "subject": row.subject,
                "body": row.body,
                "link": row.link,
                "created_at": row.created_at,
                "status": row.status,
                "sent_at": row.sent_at,
            }
            for row in Notification.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "panel_memberships": [
            {
                "wijk": row.wijk.name,
                "term_start": row.term_start,
                "term_end": row.term_end,
                "chair": row.is_chair,
            }
            for row in PanelMembership.objects.filter(member=user).select_related("wijk")
        ],
        "residency_codes_used": [
            {"used_at": row.used_at}
            for row in ResidencyCode.objects.filter(used_by=user).order_by("used_at")
        ],
    }


def user_data_export(*, user: User) -> dict[str, Any]:
    """Everything Wijkplein holds about one person, for their own download (never ballots)."""
    data: dict[str, Any] = {
        "generated_at": timezone.now(),
        "site": settings.SITE_URL,
        **_core_export(user=user),
        "documents": [],
    }
    for contributor in contributors():
        if contributor.export is None:
            continue
        section = dict(contributor.export(user=user))
        data["documents"].extend(section.pop("documents", []))
        data[contributor.name] = section
    return data


# --- Account deletion -----------------------------------------------------------------


def erased_email(user: User) -> str:
    """The placeholder address of a deleted account (unique, and never deliverable)."""
    return f"verwijderd-{user.pk}@{ERASED_EMAIL_DOMAIN}"


def can_erase_own_account(user: User) -> bool:
    """Residents delete their own account; staff accounts are removed by the administrator."""
    return (
        user.is_authenticated
        and not user.is_erased
        and not (user.is_staff or user.is_superuser or is_council_staff(user))
    )


def _outbox_emails() -> QuerySet[DBTaskResult]:
    """The e-mail rows of the database task queue: plain ones hold the address and the whole
    message; private ones (a ballot receipt) the same sealed, and only until they are sent."""
    return DBTaskResult.objects.filter(
        task_path__in=[send_email.module_path, send_private_email.module_path]
    )


def _private_emails_to(addresses: set[str]) -> list[str]:
    """The ids of sealed e-mail rows (unsent or failed) addressed to one of `addresses`:
    their address is encrypted, so each is opened; one sealed with a retired key is skipped."""
    rows = DBTaskResult.objects.filter(task_path=send_private_email.module_path).exclude(
        status=TaskResultStatus.RUNNING
    )
    found = []
    for row in rows.only("id", "args_kwargs"):
        try:
            recipients = unseal(row.args_kwargs["kwargs"]["sealed"]).get("to", [])
        except (InvalidToken, KeyError, TypeError, ValueError):
            continue
        if addresses.intersection(recipients):
            found.append(row.pk)
    return found


def _core_erase(*, user: User) -> None:
    reason = _("Account deleted at the resident's request")
    # Queued and sent e-mails to the person (a ballot receipt, a password-reset link) keep
    # the address next to the message; one the worker is sending right now is left alone.
    addresses = {
        user.email,
        *EmailAddress.objects.filter(user=user).values_list("email", flat=True),
    }
    _outbox_emails().filter(args_kwargs__kwargs__to__0__in=addresses).exclude(
        status=TaskResultStatus.RUNNING
    ).delete()
    DBTaskResult.objects.filter(pk__in=_private_emails_to(addresses)).delete()
    Notification.objects.filter(user=user).delete()  # not audited: plain messages
    for muted in MutedNotification.objects.filter(user=user):
        delete_anonymised(muted, reason=reason)
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    # A deleted account holds no seat: current terms end today, future ones are dropped.
    today = timezone.localdate()
    for membership in PanelMembership.objects.filter(member=user).filter(
        Q(term_end__isnull=True) | Q(term_end__gt=today)
    ):
        if membership.term_start > today:
            delete_anonymised(membership, reason=reason)
        else:
            membership.term_end = today
            save_anonymised(membership, reason=reason)
    # A used letter code holds the address: no longer tied to this account, now or in history.
    for code in ResidencyCode.objects.filter(used_by=user):
        code.used_by = None
        save_anonymised(code, reason=reason)
    ResidencyCode.history.model.objects.filter(
        Q(used_by_id=user.pk) | Q(history_user_id=user.pk)
    ).update(used_by=None, history_user=None)
    profile = Profile.objects.filter(user=user).first()
    if profile is not None:
        delete_anonymised(profile, reason=reason)
    Profile.history.model.objects.filter(user_id=user.pk).update(
        display_name="",
        postcode="",
        house_number="",
        birth_year=None,
        history_change_reason="",
    )
    user.email = erased_email(user)
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    # A new (unusable) password hash also ends every session of this account.
    user.set_unusable_password()
    user.groups.clear()
    save_anonymised(user, reason=reason)
    User.history.model.objects.filter(id=user.pk).update(
        email=user.email, first_name="", last_name=""
    )


@transaction.atomic
def account_erase(*, actor: User, user: User) -> User:
    """A resident deletes their account: personal data erased, contributions kept anonymously.

    Initiatives, reviews and decisions stay (shown as by a former resident); ballots stay
    counted, keyed by a hash that nothing links to a person any more.
    """
    if actor.pk != user.pk or not can_erase_own_account(user):
        raise PermissionDenied(_("You can only delete your own resident account."))
    user = User.objects.select_for_update().get(pk=user.pk)
    for contributor in contributors():
        if contributor.erase is not None:
            contributor.erase(user=user)
    _core_erase(user=user)
    return user


# --- Retention ------------------------------------------------------------------------


def _core_retention(*, now: datetime.datetime, dry_run: bool) -> list[str]:
    lines: list[str] = []
    reason = _("Retention period ended")

    # Addresses on residency codes that were used, or voided, longer ago than the period.
    cutoff = retention_cutoff("letter_codes", now=now)
    codes = ResidencyCode.objects.exclude(postcode="").filter(
        Q(used_at__lt=cutoff) | Q(batch__voided_at__lt=cutoff)
    )
    count = 0
    for code in codes:
        count += 1
        if dry_run:
            continue
        code.street = ""
        code.house_number = ""
        code.postcode = ""
        code.used_by = None
        save_anonymised(code, reason=reason)
        ResidencyCode.history.model.objects.filter(id=code.pk).update(
            street="", house_number="", postcode="", used_by=None
        )
    lines.append(f"residency codes: {count} address(es) removed")

    cutoff = retention_cutoff("notifications", now=now)
    old = Notification.objects.filter(created_at__lt=cutoff)
    count = old.count()
    if not dry_run:
        old.delete()  # not audited: plain messages
    lines.append(f"notifications: {count} deleted")

    # The outbox rows of sent e-mails hold the address and the whole message (a ballot
    # receipt code next to the voter's address, a password-reset link): kept briefly,
    # for questions about delivery. Unsent ones stay for the worker.
    cutoff = retention_cutoff("sent_emails", now=now)
    sent = _outbox_emails().filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED], finished_at__lt=cutoff
    )
    count = sent.count()
    if not dry_run:
        sent.delete()
    lines.append(f"sent e-mails: {count} deleted from the outbox")

    # Sign-ups that never confirmed their e-mail address: nothing else can hang on them.
    cutoff = retention_cutoff("unverified_accounts", now=now)
    # Only sign-ups with an unconfirmed address: accounts made by staff or a command
    # (no EmailAddress row) and role holders are never touched.
    addresses = EmailAddress.objects.filter(user=OuterRef("pk"))
    stale = (
        User.objects.filter(
            date_joined__lt=cutoff,
            last_login__isnull=True,
            is_staff=False,
            is_superuser=False,
            groups__isnull=True,
        )
        .filter(Exists(addresses.filter(verified=False)))
        .exclude(Exists(addresses.filter(verified=True)))
    )
    count = 0
    kept = 0
    for user in stale:
        if dry_run:
            count += 1
            continue
        pk = user.pk
        try:
            with transaction.atomic():
                user.delete()
        except ProtectedError:
            kept += 1
            continue
        count += 1
        User.history.model.objects.filter(id=pk).delete()
        Profile.history.model.objects.filter(user_id=pk).delete()
    line = f"unconfirmed accounts: {count} deleted"
    if kept:
        line += f", {kept} kept (other records refer to them)"
    lines.append(line)
    return lines


def retention_run(*, now: datetime.datetime | None = None, dry_run: bool = False) -> list[str]:
    """Anonymise or delete everything past its retention period; what was done, line by line."""
    now = now or timezone.now()
    lines: list[str] = []
    with transaction.atomic():
        lines.extend(f"core: {line}" for line in _core_retention(now=now, dry_run=dry_run))
        for contributor in contributors():
            if contributor.retention is not None:
                lines.extend(
                    f"{contributor.name}: {line}"
                    for line in contributor.retention(now=now, dry_run=dry_run)
                )
        if dry_run:
            transaction.set_rollback(True)
    return lines
