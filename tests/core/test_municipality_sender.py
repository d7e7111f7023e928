"""A notification of a wijk goes out from its municipality's sender address."""

from __future__ import annotations

import pytest

from review import notifications as review_notifications
from tests.factories import (
    MunicipalityFactory,
    PanelMembershipFactory,
    VerifiedProfileFactory,
    WijkFactory,
)
from tests.factories.review import ReviewFactory

pytestmark = pytest.mark.django_db


def test_a_notification_goes_out_from_the_municipalitys_sender(settings, mailoutbox, committed):
    groningen = MunicipalityFactory(
        name="Gemeente Groningen", email_sender="Gemeente Groningen <wijkplein@groningen.nl>"
    )
    brunssum = MunicipalityFactory(name="Gemeente Brunssum")
    for municipality in (groningen, brunssum):
        wijk = WijkFactory(municipality=municipality)
        member = PanelMembershipFactory(wijk=wijk).member
        VerifiedProfileFactory(user=member, wijk=wijk)
        with committed():
            review_notifications.send_assignment(
                review=ReviewFactory(subject__wijk=wijk, wijk=wijk), member=member
            )

    assert [mail.from_email for mail in mailoutbox] == [
        "Gemeente Groningen <wijkplein@groningen.nl>",
        settings.DEFAULT_FROM_EMAIL,
    ]
