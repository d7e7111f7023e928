"""The initiatives list's "Propose an initiative" action for everyone, and the refusal
pages that say why someone may not propose and what to do; the 403 page's reason."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import permission_denied

from initiatives.models import InitiativeStatus
from tests.factories import ProfileFactory, UserFactory, VerifiedProfileFactory
from tests.factories.initiatives import InitiativeFactory

pytestmark = pytest.mark.django_db

PROPOSE = "/initiatieven/voorstellen/"


def _action(content: str) -> str:
    """The href of the list's "Propose an initiative" button."""
    marker = '">Initiatief voorstellen</a>'
    assert marker in content
    return content.split(marker)[0].rsplit('href="', 1)[1]


def test_the_main_list_offers_everyone_the_action(client, resident):
    assert _action(client.get("/initiatieven/").content.decode()) == PROPOSE
    client.force_login(resident)
    assert _action(client.get("/initiatieven/").content.decode()) == PROPOSE


def test_the_wijk_list_leads_its_residents_to_the_form_and_others_to_the_reason(
    client, resident, wijk, other_wijk
):
    assert _action(client.get("/wijken/brunssum-noord/initiatieven/").content.decode()) == (
        f"{PROPOSE}?wijk=brunssum-noord"
    )
    client.force_login(resident)
    assert _action(client.get("/wijken/brunssum-noord/initiatieven/").content.decode()) == (
        "/wijken/brunssum-noord/initiatieven/nieuw/"
    )
    assert _action(client.get("/wijken/beijum/initiatieven/").content.decode()) == (
        f"{PROPOSE}?wijk=beijum"
    )


def test_a_verified_resident_goes_on_to_the_form_of_their_wijk(client, resident, wijk):
    client.force_login(resident)

    response = client.get(PROPOSE)

    assert response.status_code == 302
    assert response["Location"] == reverse("initiatives:create", kwargs={"slug": wijk.slug})


def test_a_visitor_is_told_to_log_in_or_sign_up(client, wijk):
    response = client.get(PROPOSE)

    content = response.content.decode()
    assert response.status_code == 403
    assert "U kunt nog geen initiatief voorstellen" in content
    assert "U bent niet ingelogd." in content
    assert "Nog geen account? Registreer u met uw postcode en huisnummer" in content
    assert 'href="/accounts/login/?next=%2Finitiatieven%2Fvoorstellen%2F"' in content
    assert 'href="/accounts/signup/?next=%2Finitiatieven%2Fvoorstellen%2F"' in content
    assert "Geen toegang" not in content


def test_an_unverified_resident_is_told_how_to_get_verified(client, wijk):
    unverified = ProfileFactory(wijk=wijk).user
    client.force_login(unverified)

    for url in (PROPOSE, reverse("initiatives:create", kwargs={"slug": wijk.slug})):
        response = client.get(url)

        content = response.content.decode()
        assert response.status_code == 403
        assert "Uw adres is nog niet geverifieerd." in content
        assert "Vul de code uit de brief" in content
        assert "kom met uw identiteitsbewijs langs bij het wijkbedrijf" in content
        assert 'href="/mijn-gegevens/#verify-heading">Mijn adres verifiëren</a>' in content


def test_a_resident_of_another_wijk_is_sent_to_their_own(client, resident, other_wijk):
    client.force_login(resident)

    response = client.get(reverse("initiatives:create", kwargs={"slug": other_wijk.slug}))

    content = response.content.decode()
    assert response.status_code == 403
    assert "U woont in Brunssum-Noord, niet in Beijum." in content
    assert 'href="/wijken/brunssum-noord/initiatieven/nieuw/"' in content
    assert "Een initiatief voorstellen in Brunssum-Noord" in content


def test_an_address_outside_every_wijk_is_told_to_check_it(client, db):
    outsider = ProfileFactory(wijk=None, postcode="1011AB").user
    client.force_login(outsider)

    content = client.get(PROPOSE).content.decode()

    assert "Uw postcode ligt niet in een wijk van Wijkplein." in content
    assert 'href="/mijn-gegevens/wijzigen/"' in content


def test_an_account_without_resident_details_is_told_so(staff_client, wijk):
    # Council staff have no resident's profile.
    response = staff_client.get(PROPOSE)

    assert response.status_code == 403
    assert "het is geen account van een bewoner" in response.content.decode()


def test_anonymous_visitors_of_the_form_itself_still_log_in_first(client, wijk):
    response = client.get(reverse("initiatives:create", kwargs={"slug": wijk.slug}))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def _forbidden(user, exception: PermissionDenied) -> str:
    """The page Django's 403 handler renders from templates/403.html."""
    request = RequestFactory().get("/wijkbudget/1/uitslag/")
    request.user = user
    request.session = {}
    with translation.override("nl"):
        response = permission_denied(request, exception)
    assert response.status_code == 403
    return response.content.decode()


def test_the_403_page_shows_the_reason_a_view_gives(db):
    reason = "De uitslag wordt bekendgemaakt na het tellen, uiterlijk 1 maart."

    content = _forbidden(UserFactory(), PermissionDenied(reason))

    assert reason in content
    assert "U hebt geen toestemming" not in content


def test_the_403_page_without_a_reason_says_so_and_offers_to_log_in(db):
    content = _forbidden(AnonymousUser(), PermissionDenied())

    assert "U hebt geen toestemming om deze pagina te bekijken" in content
    assert "U bent niet ingelogd." in content
    assert 'href="/accounts/login/?next=/wijkbudget/1/uitslag/"' in content


def test_a_verified_resident_with_a_profile_elsewhere_passes(client, other_wijk):
    beijum = VerifiedProfileFactory(wijk=other_wijk).user
    client.force_login(beijum)

    response = client.get(PROPOSE)

    assert response["Location"] == "/wijken/beijum/initiatieven/nieuw/"


def test_an_initiative_tells_an_unverified_resident_how_to_support_it(client, wijk, other_wijk):
    initiative = InitiativeFactory(wijk=wijk, status=InitiativeStatus.PUBLISHED)
    url = reverse("initiatives:detail", kwargs={"pk": initiative.pk})

    client.force_login(ProfileFactory(wijk=wijk).user)
    content = client.get(url).content.decode()
    assert "Uw adres is nog niet geverifieerd." in content
    assert 'href="/mijn-gegevens/#verify-heading">Mijn adres verifiëren</a>' in content

    client.force_login(VerifiedProfileFactory(wijk=other_wijk).user)
    content = client.get(url).content.decode()
    assert "U woont in Beijum, niet in Brunssum-Noord." in content
