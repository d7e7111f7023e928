"""Fixtures of the subsidy tests: a scheme, an applicant with an initiative, and helpers
that bring an application to a given status through the real services."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from review.models import Advice, ReviewStatus
from review.selectors import review_for
from subsidies import services
from subsidies.models import Application, AttachmentKind, Status
from tests.factories import PanelMembershipFactory, VerifiedProfileFactory
from tests.factories.subsidies import ApplicationFactory, SchemeFactory, make_initiator

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def scheme(wijk):
    return SchemeFactory(wijk=wijk)


@pytest.fixture
def applicant(wijk):
    """A verified resident who runs an initiative in `wijk` (initiative on `.initiative`)."""
    user, initiative = make_initiator(wijk=wijk)
    user.initiative = initiative
    return user


@pytest.fixture
def draft(scheme, applicant):
    """A complete draft of the applicant's initiative."""
    return ApplicationFactory(scheme=scheme, initiative=applicant.initiative, created_by=applicant)


@pytest.fixture
def panel_member(wijk):
    membership = PanelMembershipFactory(wijk=wijk)
    VerifiedProfileFactory(user=membership.member, wijk=wijk, postcode="6441AD")
    return membership.member


@pytest.fixture
def other_resident(other_wijk):
    return VerifiedProfileFactory(wijk=other_wijk).user


def conclude_review(application, *, actor, advice=Advice.POSITIVE, text="Veel steun in de buurt."):
    """What the review app does when the chair writes the advice (without its quorum rules)."""
    review = review_for(subject=application)
    review.advice = advice
    review.advice_text = text
    review.status = ReviewStatus.ADVISED
    review.advice_by = actor
    review.concluded_at = timezone.now()
    review.save()
    services.on_review_concluded(subject=application, review=review, actor=actor)
    return Application.objects.get(pk=application.pk)


def bring_to(application, status, *, staff, applicant, chair=None, amount=None):
    """Move an application through the real services up to `status`."""
    order = [
        Status.SUBMITTED,
        Status.IN_REVIEW,
        Status.ADVISED,
        Status.GRANTED,
        Status.ADVANCE_PAID,
        Status.REPORT_SUBMITTED,
    ]
    if status == Status.CONCEPT:
        return application
    done = order.index(application.status) if application.status in order else -1
    for step in order[done + 1 :]:
        if step == Status.SUBMITTED:
            application = services.application_submit(actor=applicant, application=application)
        elif step == Status.IN_REVIEW:
            application = services.application_start_review(actor=staff, application=application)
        elif step == Status.ADVISED:
            application = conclude_review(application, actor=chair or staff)
        elif step == Status.GRANTED:
            application = services.application_decide(
                actor=staff,
                application=application,
                action="grant",
                amount=None,
                grounds="Past binnen de regeling.",
            )
        elif step == Status.ADVANCE_PAID:
            application = services.application_pay_advance(actor=staff, application=application)
        elif step == Status.REPORT_SUBMITTED:
            services.report_update(
                actor=applicant,
                application=application,
                participants=75,
                story="Het was een mooi feest.",
                lines=[services.LineInput("Springkussen", "rent", Decimal("350.00"))],
            )
            services.attachment_add(
                actor=applicant,
                application=application,
                kind=AttachmentKind.RECEIPT,
                upload=pdf_upload(),
            )
            application = services.report_submit(actor=applicant, application=application)
        if step == status:
            return application
    raise AssertionError(f"cannot bring to {status}")


def pdf_upload(name="offerte.pdf"):
    upload = SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")
    upload.original_name = name
    return upload
