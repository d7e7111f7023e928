"""The permission of every kind of user on every page.

200: the page opens; 302: anonymous users are sent to the login page;
403: logged in without the right.
"""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from initiatives.models import InitiativeStatus as S
from tests.factories import ProfileFactory
from tests.factories.initiatives import ProgressUpdateFactory

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "initiator", "resident", "outsider", "panel_member", "panel_chair", "staff")


def _row(*codes: int) -> dict[str, int]:
    return dict(zip(ROLES, codes, strict=True))


#                    anon init  res  out  pmem chair staff
PUBLIC = _row(200, 200, 200, 200, 200, 200, 200)
RESIDENTS_OF_WIJK = _row(302, 200, 200, 403, 200, 200, 403)
INITIATORS = _row(302, 200, 403, 403, 403, 403, 403)
INITIATORS_AND_STAFF = _row(302, 200, 403, 403, 403, 403, 200)
INSIDERS_AND_PANEL = _row(302, 200, 403, 403, 200, 200, 200)
STAFF = _row(302, 403, 403, 403, 403, 403, 200)
LOGGED_IN = _row(302, 200, 200, 200, 200, 200, 200)

# (page, status of the initiative, expected per role)
PAGES = [
    ("overview", S.PUBLISHED, PUBLIC),
    ("wijk_overview", S.PUBLISHED, PUBLIC),
    ("create", S.PUBLISHED, RESIDENTS_OF_WIJK),
    ("mine", S.PUBLISHED, LOGGED_IN),
    ("detail", S.PUBLISHED, PUBLIC),
    ("detail", S.REJECTED, PUBLIC),
    ("detail", S.CONCEPT, INITIATORS_AND_STAFF),
    ("detail", S.WITHDRAWN, INITIATORS_AND_STAFF),
    ("detail", S.IN_REVIEW, INSIDERS_AND_PANEL),
    ("edit", S.CONCEPT, INITIATORS),
    ("edit", S.SUBMITTED, _row(302, 403, 403, 403, 403, 403, 403)),
    ("transition:submit", S.CONCEPT, INITIATORS),
    ("transition:publish", S.SUBMITTED, _row(302, 403, 403, 403, 403, 403, 200)),
    ("transition:start", S.PUBLISHED, INITIATORS),
    ("transition:withdraw", S.PUBLISHED, INITIATORS),
    ("volunteer", S.PUBLISHED, RESIDENTS_OF_WIJK),
    ("volunteers", S.PUBLISHED, INITIATORS_AND_STAFF),
    ("invite", S.PUBLISHED, INITIATORS),
    ("update_create", S.IN_PROGRESS, INITIATORS),
    ("update_create", S.SUBMITTED, _row(302, 403, 403, 403, 403, 403, 403)),
    ("report", S.PUBLISHED, LOGGED_IN),
    ("report_update", S.PUBLISHED, LOGGED_IN),
    ("hide", S.PUBLISHED, STAFF),
    ("hide_update", S.PUBLISHED, STAFF),
    ("staff_list", S.PUBLISHED, STAFF),
]


@pytest.fixture
def users(wijk, staff, panel_chair, panel_member, outsider, resident, make_initiative):
    return {
        "resident": resident,
        "outsider": outsider,
        "panel_member": panel_member,
        "panel_chair": panel_chair,
        "staff": staff,
    }


def _url(name: str, initiative, update) -> str:
    if name.startswith("transition:"):
        return reverse(
            "initiatives:transition", kwargs={"pk": initiative.pk, "action": name.split(":")[1]}
        )
    if name in {"overview", "mine", "staff_list"}:
        return reverse(f"initiatives:{name}")
    if name in {"wijk_overview", "create"}:
        return reverse(f"initiatives:{name}", kwargs={"slug": initiative.wijk.slug})
    if name in {"report_update", "hide_update"}:
        return reverse(f"initiatives:{name}", kwargs={"pk": initiative.pk, "update_pk": update.pk})
    return reverse(f"initiatives:{name}", kwargs={"pk": initiative.pk})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("page", "status", "expected"), PAGES, ids=[f"{p}-{s}" for p, s, _ in PAGES]
)
def test_page_permission(client, users, make_initiative, role, page, status, expected):
    initiative = make_initiative(status)
    update = ProgressUpdateFactory(initiative=initiative)
    if role == "initiator":
        client.force_login(initiative.created_by)
    elif role == "staff":
        TOTP.activate(users["staff"], generate_totp_secret())
        client.force_login(users["staff"])
    elif role != "anonymous":
        client.force_login(users[role])

    response = client.get(_url(page, initiative, update))

    assert response.status_code == expected[role], (page, status, role)
    if expected[role] == 302:
        assert response.url.startswith(reverse("account_login"))


def test_a_hidden_initiative_is_only_for_its_initiators_and_staff(
    client, staff, make_initiative, resident
):
    initiative = make_initiative(S.PUBLISHED, hidden=True, hidden_reason="Scheldwoorden")
    url = reverse("initiatives:detail", kwargs={"pk": initiative.pk})

    assert client.get(url).status_code == 302
    client.force_login(resident)
    assert client.get(url).status_code == 403
    client.force_login(initiative.created_by)
    response = client.get(url)
    assert response.status_code == 200
    assert "verborgen door de moderatoren" in response.content.decode()
    assert "Scheldwoorden" in response.content.decode()
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)
    assert client.get(url).status_code == 200


def test_an_unverified_resident_of_the_wijk_cannot_propose_or_support(
    client, wijk, make_initiative
):
    unverified = ProfileFactory(wijk=wijk, postcode="6441AB").user
    initiative = make_initiative(S.PUBLISHED)
    client.force_login(unverified)

    assert client.get(reverse("initiatives:create", kwargs={"slug": wijk.slug})).status_code == 403
    client.post(reverse("initiatives:support", kwargs={"pk": initiative.pk}))
    assert initiative.supports.count() == 0
