"""Every e-mail the platform sends, rendered with realistic data and read like a resident.

Each app's senders are called (review, subsidies, wijkbudget, initiatives, the ballot
receipt, the account e-mails) while the sender's request is in English, as a staff member's
may be; every e-mail template under templates/<app>/email/ must have been rendered. Then
every message must: link only to the configured site address (SITE_URL, absolute), never
to 127.0.0.1, localhost or example.com; be Dutch, subject and footer too; and a
notification must carry the Dutch opt-out footer whose link works.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import timezone, translation

from budget import notifications as budget_notifications
from budget.services import voting
from core import notifications as core_notifications
from core.models import MutedNotification, NotificationKind
from initiatives import emails as initiative_emails
from initiatives.models import InitiativeStatus, ProgressUpdate
from review import notifications as review_notifications
from subsidies import notifications as subsidy_notifications
from subsidies.models import Status
from tests.core.test_accounts import SIGNUP
from tests.factories import PanelMembershipFactory, VerifiedProfileFactory, WijkCoordinatorFactory
from tests.factories.budget import RoundFactory
from tests.factories.initiatives import SupportFactory, VolunteerFactory
from tests.factories.review import ReviewFactory
from tests.factories.subsidies import (
    ApplicationFactory,
    InitiativeMemberFactory,
    SchemeFactory,
    SubsidyInitiativeFactory,
)

pytestmark = pytest.mark.django_db

SITE = "https://wijkplein.brunssum.nl"
TEMPLATES = Path(settings.BASE_DIR) / "templates"
# E-mail templates whose messages go out without an opt-out: the invitation (to an address
# that may have no account yet), the ballot receipt (sealed, never stored) and allauth's.
WITHOUT_OPT_OUT = ("Uitnodiging", "Uw stem voor", "[Wijkplein]")
FORBIDDEN = ("127.0.0.1", "localhost", "example.com", "testserver")
ENGLISH = ("unsubscribe", "You receive", "Hello", "Dear ", "Kind regards", "No longer receive")
DUTCH_FOOTER_TEXT = "Wilt u deze e-mails niet meer ontvangen?"
DUTCH_FOOTER_HTML = "Deze e-mails niet meer ontvangen"
URL = re.compile(r"""https?://[^\s<>"')]+""")
HREF = re.compile(r"""href=["']([^"']*)["']""")


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE
    return SITE


@pytest.fixture
def rendered():
    """The names of the templates rendered while the test runs."""
    names: set[str] = set()

    def record(sender, template, context, **kwargs):
        names.add(template.name)

    template_rendered.connect(record)
    yield names
    template_rendered.disconnect(record)


def _send_everything(wijk, staff, capture):
    """Call every sender of the platform once, with factory data of one wijk."""
    initiator = VerifiedProfileFactory(wijk=wijk, postcode="6441AD").user
    member = PanelMembershipFactory(wijk=wijk).member
    VerifiedProfileFactory(user=member, wijk=wijk, postcode="6441AE")
    WijkCoordinatorFactory(wijk=wijk, user=staff)
    supporter = VerifiedProfileFactory(wijk=wijk, postcode="6441AF").user
    volunteer_user = VerifiedProfileFactory(wijk=wijk, postcode="6441AG").user

    initiative = SubsidyInitiativeFactory(wijk=wijk, created_by=initiator, title="Buurtfeest")
    InitiativeMemberFactory(initiative=initiative, user=initiator)
    SupportFactory(initiative=initiative, user=supporter)
    volunteer = VolunteerFactory(initiative=initiative, user=volunteer_user, message="Ik help!")

    with capture(execute=True):
        # The generic notification of core (its own subject, text and HTML).
        core_notifications.notify(
            user=initiator,
            kind=NotificationKind.SUBMISSION_RECEIVED,
            template="core/email/generic",
            context={"subject": "Uw melding is ontvangen", "text": "We kijken ernaar."},
            link=reverse("initiatives:mine"),
        )
        # The wijkpanel: assignment, reminder, cancellation.
        review = ReviewFactory(subject=initiative, wijk=wijk)
        review_notifications.send_assignment(review=review, member=member)
        review_notifications.send_reminder(review=review, member=member)
        review_notifications.send_cancelled(review=review, member=member)

        # Subsidy applications: every event.
        application = ApplicationFactory(
            scheme=SchemeFactory(wijk=wijk),
            initiative=initiative,
            status=Status.PARTLY_GRANTED,
            reference="SR-2026-0007",
            submitted_at=timezone.now(),
            decision_due=timezone.localdate() + datetime.timedelta(days=56),
            info_request="Stuur de offerte van het springkussen mee.",
            granted_amount=Decimal("450.00"),
            advance_amount=Decimal("360.00"),
            final_amount=Decimal("400.00"),
        )
        for event in subsidy_notifications.EVENTS:
            subsidy_notifications.notify_applicants(application=application, event=event)

        # The wijkbudget: voting opens and closes, the result, the ballot receipt.
        budget_round = RoundFactory(wijk=wijk, phase="voting", name="Wijkbudget Noord 2027")
        budget_notifications.send_voting_opens(budget_round=budget_round)
        budget_notifications.send_voting_closes(budget_round=budget_round)
        budget_notifications.send_results_published(budget_round=budget_round)
        # The receipt goes out in the voter's own request: Dutch, as the voter's page is.
        with translation.override("nl"):
            voting._send_receipt(user=supporter, budget_round=budget_round, receipt="K7QF-2M9X")

        # Initiatives: every status message, updates, advice, moderation, invitation, help.
        for action in ("submit", "start_review", "publish", "start", "withdraw"):
            initiative_emails.send_status_changed(
                initiative=initiative, action=action, reason="Past in het wijkplan."
            )
        initiative.status = InitiativeStatus.PUBLISHED
        initiative.save()
        update = ProgressUpdate.objects.create(
            initiative=initiative, author=initiator, title="De tent staat", text="Kom kijken!"
        )
        initiative_emails.send_update_posted(update=update)
        initiative_emails.send_advice_in(initiative=initiative, advice="Positief")
        initiative_emails.send_hidden(initiative=initiative, what="een update", reason="Reclame")
        initiative_emails.send_invitation(
            initiative=initiative, email="buurvrouw@example.org", token="abc123", inviter=initiator
        )
        initiative_emails.send_volunteer(volunteer=volunteer)
    return initiator


def _account_mails(client, wijk, resident, capture):
    """allauth's e-mails: sign-up confirmation, password reset, unknown address."""
    with translation.override("nl"), capture(execute=True):
        client.post(reverse("account_signup"), SIGNUP)
        client.post(reverse("account_reset_password"), {"email": resident.email})
        client.post(reverse("account_reset_password"), {"email": "niemand@example.org"})


def _parts(mail) -> tuple[str, str]:
    html = "".join(content for content, mimetype in mail.alternatives if mimetype == "text/html")
    return mail.body, html


def test_every_e_mail_links_to_the_site_and_is_dutch_with_a_working_opt_out(
    site, wijk, staff, resident, client, mailoutbox, rendered, django_capture_on_commit_callbacks
):
    # The sender is a staff member browsing in English: the residents still read Dutch.
    with translation.override("en"):
        _send_everything(wijk, staff, django_capture_on_commit_callbacks)
    _account_mails(client, wijk, resident, django_capture_on_commit_callbacks)

    # Every notification template the platform has was rendered (a new one joins here).
    templates = {
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.glob("*/email/*")
        if path.parts[-3] != "account"
    }
    assert templates - rendered == set()
    assert len(mailoutbox) > 30

    unsubscribe_links = []
    for mail in mailoutbox:
        text, html = _parts(mail)
        where = f"{mail.subject!r} to {mail.to}"
        for part in (mail.subject, text, html):
            for word in FORBIDDEN:
                assert word not in part, f"{word} in {where}"
            for word in ENGLISH:
                assert word.lower() not in part.lower(), f"{word!r} in {where}"
        for url in URL.findall(text) + URL.findall(html):
            assert url.startswith(SITE + "/"), f"{url} in {where}"
        for href in HREF.findall(html):
            assert href.startswith(SITE + "/"), f"href {href} in {where}"
        if html:
            assert '<html lang="en"' not in html, where
        if mail.subject.startswith(WITHOUT_OPT_OUT):
            continue
        assert DUTCH_FOOTER_TEXT in text, where
        assert "U ontvangt deze e-mail vanwege:" in text, where
        if html:
            assert DUTCH_FOOTER_HTML in html, where
            assert "U ontvangt deze e-mail vanwege:" in html, where
        unsubscribe_links.append(text.split(DUTCH_FOOTER_TEXT, 1)[1].split()[0])

    assert len(unsubscribe_links) > 20
    # The opt-out link works: its page asks in Dutch, one click switches that kind off.
    link = unsubscribe_links[0]
    assert link.startswith(SITE + "/")
    path = link.removeprefix(SITE)
    page = client.get(path)
    assert page.status_code == 200
    assert "afmelden" in page.content.decode().lower()
    done = client.post(path)
    assert "U ontvangt geen e-mails meer over" in done.content.decode()
    user, kind = core_notifications.read_unsubscribe_token(path.rstrip("/").rsplit("/", 1)[1])
    assert MutedNotification.objects.filter(user=user, kind=kind).exists()


def test_the_subject_of_an_initiative_e_mail_is_dutch_when_staff_browse_in_english(
    site, wijk, staff, mailoutbox, django_capture_on_commit_callbacks
):
    initiator = VerifiedProfileFactory(wijk=wijk).user
    initiative = SubsidyInitiativeFactory(wijk=wijk, created_by=initiator, title="Buurtfeest")
    InitiativeMemberFactory(initiative=initiative, user=initiator)
    initiative.status = InitiativeStatus.PUBLISHED

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        initiative_emails.send_status_changed(initiative=initiative, action="publish", reason="")

    (mail,) = mailoutbox
    assert mail.subject == "Uw initiatief “Buurtfeest”: Gepubliceerd"
    assert "is nu: Gepubliceerd" in mail.body


def test_the_account_e_mails_link_to_the_configured_site_not_the_request_host(
    site, wijk, resident, client, mailoutbox, django_capture_on_commit_callbacks
):
    _account_mails(client, wijk, resident, django_capture_on_commit_callbacks)

    assert len(mailoutbox) == 3
    for mail in mailoutbox:
        links = URL.findall(mail.body)
        assert links, mail.subject
        assert all(link.startswith(SITE + "/") for link in links), links
