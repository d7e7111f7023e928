"""Fair review: automatic recusal, blind until one's own review is in, the vice-chair and a
substitute chair, and the assignment of a review to some members.

Every rule for every kind of person: a member, a member recused automatically (initiator,
co-initiator, applicant, supporter, volunteer, proposer), one recused by declaration, the
chair, the vice-chair, staff and a resident; and every refusal with its Dutch message.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core import services as core_services
from core.models import PanelMembership
from initiatives.models import InitiatorRole
from review import services
from review.models import Advice, ReviewAssignment, ReviewStatus
from review.rules import forget_cached
from review.selectors import (
    member_reviews_submitted,
    panel_dashboard,
    review_interests,
    review_panel,
    review_quorum,
)
from tests.factories import PanelMembershipFactory, VerifiedProfileFactory
from tests.factories.budget import ProjectFactory, RoundFactory
from tests.factories.initiatives import InitiativeMemberFactory, SupportFactory, VolunteerFactory
from tests.factories.subsidies import ApplicationFactory, SchemeFactory, SubsidyInitiativeFactory

pytestmark = pytest.mark.django_db


def _declare(user, review, conflict=False):
    services.member_review_declare(
        actor=user, review=review, has_conflict=conflict, explanation="Buurman." if conflict else ""
    )


def _submit(user, review, advice=Advice.POSITIVE):
    services.member_review_submit(
        actor=user,
        review=review,
        scores=dict.fromkeys(review.criteria, 4),
        advice=advice,
        reasoning="Goed plan voor de straat.",
    )


def _review_by(user, review):
    _declare(user, review)
    _submit(user, review)


def _advise(user, review):
    return services.review_write_advice(
        actor=user, review=review, advice=Advice.POSITIVE, text="Het panel steunt dit."
    )


def _url(name, review):
    return reverse(name, kwargs={"pk": review.pk})


@pytest.fixture
def vice_chair(wijk):
    membership = PanelMembershipFactory(wijk=wijk, is_vice_chair=True)
    VerifiedProfileFactory(user=membership.member, wijk=wijk, postcode="6441AH")
    return membership.member


# --- Automatic recusal ------------------------------------------------------------------------


def _stake(kind, initiative, user):
    """Give `user` the stake `kind` in the initiative."""
    if kind == "co_initiator":
        InitiativeMemberFactory(initiative=initiative, user=user, role=InitiatorRole.CO_INITIATOR)
    elif kind == "initiator":
        InitiativeMemberFactory(initiative=initiative, user=user, role=InitiatorRole.INITIATOR)
    elif kind == "supporter":
        SupportFactory(initiative=initiative, user=user)
    elif kind == "volunteer":
        VolunteerFactory(initiative=initiative, user=user)


STAKES = {
    "initiator": "de initiatiefnemer van het initiatief",
    "co_initiator": "een mede-initiatiefnemer van het initiatief",
    "supporter": "iemand die het initiatief steunt",
    "volunteer": "vrijwilliger bij het initiatief",
}


@pytest.mark.parametrize("kind", list(STAKES))
def test_a_member_with_a_stake_is_recused_automatically_and_refused(
    kind, review, initiative, people
):
    _stake(kind, initiative, people.member)

    assert people.member.has_perm("review.view_review", review)
    for perm in ("declare", "submit_member_review", "view_member_reviews", "view_advice"):
        assert not people.member.has_perm(f"review.{perm}", review), perm
    with pytest.raises(PermissionDenied) as refused:
        _declare(people.member, review)
    assert STAKES[kind] in str(refused.value)
    assert "U doet niet mee aan deze beoordeling" in str(refused.value)
    with pytest.raises(PermissionDenied, match="U doet niet mee"):
        _submit(people.member, review)
    assert not review.member_reviews.filter(member=people.member).exists()


def test_the_initiator_who_created_the_initiative_is_recused_without_a_membership_row(
    review, initiative, people
):
    # The review fixture's initiative was created by people.initiator; make them a member.
    PanelMembershipFactory(wijk=review.wijk, member=initiative.created_by)
    seat = review_panel(review=review).seat_of(initiative.created_by.pk)
    assert seat.automatically_recused
    assert seat.interest_labels == ["de initiatiefnemer van het initiatief"]


def test_the_quorum_counts_only_members_who_are_not_recused(review, initiative, people):
    # Chair and member are eligible (the declared recused and the former member are not).
    assert review_quorum(review=review).eligible == 2
    SupportFactory(initiative=initiative, user=people.member)
    quorum = review_quorum(review=review)
    assert (quorum.eligible, quorum.recused, quorum.needed) == (1, 2, 1)


def test_a_review_submitted_before_supporting_no_longer_counts(review, initiative, people):
    _review_by(people.member, review)
    assert review_quorum(review=review).submitted == 1

    SupportFactory(initiative=initiative, user=people.member)

    assert review_quorum(review=review).submitted == 0
    assert list(member_reviews_submitted(review=review)) == []
    forget_cached(review)  # the rules cache their answer on the object
    assert not people.member.has_perm("review.view_member_reviews", review)


def test_the_recused_member_sees_why_on_the_review_and_the_dashboard(
    review, initiative, people, login
):
    VolunteerFactory(initiative=initiative, user=people.member)

    page = login(people.member).get(_url("review:detail", review)).content.decode()
    assert "U doet niet mee aan deze beoordeling, omdat u vrijwilliger bij het initiatief" in page
    assert "Verklaring afleggen" not in page
    assert "Beoordelingen van de leden" not in page
    row = panel_dashboard(user=people.member).open[0]
    assert row.interests == ["vrijwilliger bij het initiatief"]
    dashboard = login(people.member).get(reverse("review:dashboard")).content.decode()
    assert "Doet niet mee: u bent vrijwilliger bij het initiatief" in dashboard


@pytest.mark.parametrize(("role", "sees"), [("chair", True), ("staff", True), ("member", False)])
def test_the_chair_and_staff_see_who_is_recused_and_why(
    role, sees, review, initiative, people, login
):
    SupportFactory(initiative=initiative, user=people.member)

    page = login(getattr(people, role)).get(_url("review:detail", review)).content.decode()

    assert ("Doet automatisch niet mee: iemand die het initiatief steunt" in page) is sees
    # The declared conflict with its explanation too.
    assert ("Mijn zus is een van de initiatiefnemers." in page) is sees


def test_a_recused_member_sees_the_advice_only_once_public(
    review, initiative, people, initiative_kind
):
    _review_by(people.chair, review)
    _review_by(people.member, review)
    SupportFactory(initiative=initiative, user=people.member)
    # The member's review no longer counts: the chair alone is the quorum now.
    _advise(people.chair, review)

    history = panel_dashboard(user=people.member).history
    assert [row.advice_visible for row in history] == [False]
    initiative_kind.decided.add(initiative.pk)
    assert [row.advice_visible for row in panel_dashboard(user=people.member).history] == [True]


def test_an_applicant_and_a_supporter_are_recused_from_a_subsidy_application(wijk, people):
    initiative = SubsidyInitiativeFactory(wijk=wijk, created_by=people.initiator)
    application = ApplicationFactory(
        scheme=SchemeFactory(wijk=wijk), initiative=initiative, created_by=people.member
    )
    SupportFactory(initiative=initiative, user=people.chair)
    review = services.review_open(subject=application, wijk=wijk, actor=people.staff)

    interests = review_interests(
        review=review, user_ids=[people.member.pk, people.chair.pk, people.recused.pk]
    )

    assert interests == {people.member.pk: ["applicant"], people.chair.pk: ["supporter"]}
    with pytest.raises(PermissionDenied, match="de aanvrager"):
        _declare(people.member, review)
    with pytest.raises(PermissionDenied, match="iemand die het initiatief steunt"):
        _declare(people.chair, review)


def test_the_proposer_and_a_volunteer_are_recused_from_a_budget_project(wijk, people):
    initiative = SubsidyInitiativeFactory(wijk=wijk, created_by=people.initiator)
    project = ProjectFactory(
        round=RoundFactory(wijk=wijk), initiative=initiative, proposed_by=people.member
    )
    VolunteerFactory(initiative=initiative, user=people.chair)
    review = services.review_open(subject=project, wijk=wijk, actor=people.staff)

    panel = review_panel(review=review)

    assert panel.seat_of(people.member.pk).interests == ["proposer"]
    assert panel.seat_of(people.chair.pk).interests == ["volunteer"]
    assert not panel.seat_of(people.recused.pk).interests
    with pytest.raises(PermissionDenied, match="de indiener van het project"):
        _declare(people.member, review)


def test_members_with_a_stake_are_not_asked_to_review(
    wijk, people, mailoutbox, django_capture_on_commit_callbacks
):
    initiative = SubsidyInitiativeFactory(wijk=wijk, created_by=people.initiator)
    SupportFactory(initiative=initiative, user=people.member)
    with django_capture_on_commit_callbacks(execute=True):
        services.review_open(subject=initiative, wijk=wijk, actor=people.staff)
    recipients = {address for mail in mailoutbox for address in mail.to}
    assert people.chair.email in recipients
    assert people.member.email not in recipients


# --- Blind until one's own review is in ------------------------------------------------------


def test_the_chair_cannot_write_the_advice_without_a_declaration(review, people):
    _review_by(people.member, review)
    with pytest.raises(PermissionDenied, match="Geef eerst aan of u belangenverstrengeling"):
        _advise(people.chair, review)


def test_the_chair_is_sent_to_the_declaration_from_the_advice_page(review, people, login):
    response = login(people.chair).get(_url("review:advice", review), follow=True)
    assert response.redirect_chain[-1][0] == _url("review:declare", review)
    assert "Geef eerst aan of u belangenverstrengeling" in response.content.decode()


def test_the_chair_sees_the_reviews_on_the_advice_page_only_after_their_own(review, people, login):
    _review_by(people.member, review)
    _declare(people.chair, review)
    client = login(people.chair)

    page = client.get(_url("review:advice", review)).content.decode()
    assert "Goed plan voor de straat." not in page
    assert "U ziet de beoordelingen van de leden nadat u uw eigen beoordeling" in page
    assert not people.chair.has_perm("review.view_member_reviews", review)
    # With a quorum the chair could advise after declaring, but still blind: the page says so.

    _submit(people.chair, review)
    page = client.get(_url("review:advice", review)).content.decode()
    assert "Goed plan voor de straat." in page


def test_staff_who_sit_on_the_panel_are_blind_like_every_member(review, people, wijk):
    _review_by(people.member, review)
    PanelMembershipFactory(wijk=wijk, member=people.staff)
    assert not people.staff.has_perm("review.view_member_reviews", review)
    _review_by(people.staff, review)
    forget_cached(review)
    assert people.staff.has_perm("review.view_member_reviews", review)


def test_staff_outside_the_panel_see_the_reviews(review, people):
    _review_by(people.member, review)
    assert people.staff.has_perm("review.view_member_reviews", review)


# --- The vice-chair and a substitute ---------------------------------------------------------


def test_the_vice_chair_takes_over_from_a_chair_who_declared_a_conflict(review, people, vice_chair):
    forget_cached(review)
    assert review_panel(review=review).chair.member == people.chair
    _declare(people.chair, review, conflict=True)
    _review_by(people.member, review)
    _review_by(vice_chair, review)

    panel = review_panel(review=review)
    assert (panel.chair.member, panel.chair_role) == (vice_chair, "vice_chair")
    assert not people.chair.has_perm("review.write_advice", review)
    with pytest.raises(PermissionDenied, match="de vicevoorzitter"):
        _advise(people.chair, review)
    advised = _advise(vice_chair, review)
    assert advised.status == ReviewStatus.ADVISED
    assert advised.advice_by == vice_chair


def test_the_vice_chair_takes_over_from_a_chair_recused_automatically(
    review, initiative, people, vice_chair
):
    SupportFactory(initiative=initiative, user=people.chair)
    _review_by(vice_chair, review)
    _review_by(people.member, review)

    with pytest.raises(PermissionDenied, match="U doet niet mee"):
        _declare(people.chair, review)
    assert _advise(vice_chair, review).advice_by == vice_chair


def test_the_vice_chair_is_a_member_while_the_chair_can_chair(review, people, vice_chair):
    _review_by(vice_chair, review)
    _review_by(people.member, review)
    assert not vice_chair.has_perm("review.write_advice", review)
    with pytest.raises(PermissionDenied, match="Alleen de voorzitter"):
        _advise(vice_chair, review)


def test_nobody_chairs_when_chair_and_vice_chair_are_recused_until_staff_name_a_substitute(
    review, initiative, people, vice_chair
):
    SupportFactory(initiative=initiative, user=people.chair)
    VolunteerFactory(initiative=initiative, user=vice_chair)
    assert review_panel(review=review).chair is None

    services.review_name_substitute(
        actor=people.staff, review=review, member=people.member, reason="Beiden betrokken."
    )

    review.refresh_from_db()
    panel = review_panel(review=review)
    assert (panel.chair.member, panel.chair_role) == (people.member, "substitute")
    _review_by(people.member, review)
    assert _advise(people.member, review).advice_by == people.member
    record = review.history.filter(history_change_reason__startswith="Vervangend").first()
    assert record is not None and record.history_user == people.staff


@pytest.mark.parametrize("role", ["member", "chair", "resident", "recused"])
def test_only_staff_name_a_substitute(role, review, people):
    with pytest.raises(PermissionDenied, match="Alleen medewerkers van de gemeente"):
        services.review_name_substitute(
            actor=getattr(people, role), review=review, member=people.member, reason="Afwezig."
        )


def test_a_substitute_must_be_a_member_who_is_not_recused_and_have_a_reason(review, people):
    with pytest.raises(ValidationError, match="doet niet mee"):
        services.review_name_substitute(
            actor=people.staff, review=review, member=people.recused, reason="Afwezig."
        )
    with pytest.raises(ValidationError, match="zitting"):
        services.review_name_substitute(
            actor=people.staff, review=review, member=people.resident, reason="Afwezig."
        )
    with pytest.raises(ValidationError, match="waarom"):
        services.review_name_substitute(
            actor=people.staff, review=review, member=people.member, reason=" "
        )
    review.refresh_from_db()
    assert review.substitute_chair is None


def test_staff_name_a_substitute_on_its_page(review, people, login):
    client = login(people.staff)
    page = client.get(_url("review:name_substitute", review)).content.decode()
    assert "Vervangend voorzitter" in page
    response = client.post(
        _url("review:name_substitute", review),
        {"member": people.member.pk, "reason": "Voorzitter op vakantie."},
        follow=True,
    )
    assert "De vervangend voorzitter is opgeslagen." in response.content.decode()
    review.refresh_from_db()
    assert review.substitute_chair == people.member


def test_staff_set_a_vice_chair_with_history_and_one_at_a_time(wijk, people):
    today = timezone.localdate()
    membership = PanelMembership.objects.get(wijk=wijk, member=people.member)

    core_services.panel_membership_update(
        actor=people.staff, membership=membership, is_vice_chair=True
    )

    membership.refresh_from_db()
    assert membership.is_vice_chair
    latest = membership.history.first()
    assert latest.history_user == people.staff and latest.is_vice_chair
    other = VerifiedProfileFactory(wijk=wijk, postcode="6441AK").user
    with pytest.raises(ValidationError, match="al een vicevoorzitter"):
        core_services.panel_membership_create(
            actor=people.staff, wijk=wijk, member=other, term_start=today, is_vice_chair=True
        )
    with pytest.raises(ValidationError, match="niet ook vicevoorzitter"):
        core_services.panel_membership_update(
            actor=people.staff,
            membership=PanelMembership.objects.get(member=people.chair),
            is_vice_chair=True,
        )
    with pytest.raises(PermissionDenied):
        core_services.panel_membership_update(
            actor=people.chair, membership=membership, is_vice_chair=False
        )


def test_the_staff_admin_form_edits_the_vice_chair():
    from core.wagtail_hooks import PanelMembershipForm

    assert "is_vice_chair" in PanelMembershipForm._meta.fields


# --- Assignment to some members ------------------------------------------------------------


@pytest.fixture
def third(wijk):
    membership = PanelMembershipFactory(wijk=wijk)
    VerifiedProfileFactory(user=membership.member, wijk=wijk, postcode="6441AJ")
    return membership.member


def test_staff_assign_a_review_and_the_quorum_follows(review, people, third):
    assert review_quorum(review=review).eligible == 3  # chair, member, third

    services.review_assign(actor=people.staff, review=review, members=[people.member])

    panel = review_panel(review=review)
    assert panel.assigned_only
    # The chair always reviews too; the third member is not assigned.
    assert {seat.member for seat in panel.reviewers} == {people.chair, people.member}
    assert panel.quorum.eligible == 2 and panel.quorum.needed == 2
    assert not third.has_perm("review.declare", review)
    with pytest.raises(PermissionDenied, match="toegewezen aan andere leden"):
        _declare(third, review)
    _review_by(people.member, review)
    _review_by(people.chair, review)
    assert _advise(people.chair, review).status == ReviewStatus.ADVISED


def test_an_assignment_is_recorded_with_its_actor(review, people, third):
    services.review_assign(actor=people.chair, review=review, members=[people.member, third])
    services.review_assign(actor=people.staff, review=review, members=[people.member])

    assigned = ReviewAssignment.objects.filter(review=review).values_list("member", flat=True)
    assert list(assigned) == [people.member.pk]
    removed = ReviewAssignment.history.filter(member=third, history_type="-").get()
    assert removed.history_user == people.staff
    reasons = [
        (record.history_user, record.history_change_reason)
        for record in review.history.order_by("history_date")
    ]
    assert (people.chair, f"Beoordeling toegewezen aan: {_names(people.member, third)}") in reasons
    assert (people.staff, f"Beoordeling toegewezen aan: {people.member}") in reasons

    services.review_assign(actor=people.staff, review=review, members=[])
    assert not review_panel(review=review).assigned_only
    latest = review.history.first()
    assert latest.history_change_reason == "Beoordeling toegewezen aan het hele panel"


def _names(*users):
    return ", ".join(sorted(str(user) for user in users))


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("staff", True),
        ("chair", True),
        ("member", False),
        ("recused", False),
        ("resident", False),
        ("initiator", False),
    ],
)
def test_who_may_assign(role, allowed, review, people):
    user = getattr(people, role)
    if allowed:
        services.review_assign(actor=user, review=review, members=[people.member])
    else:
        with pytest.raises(PermissionDenied, match="Alleen medewerkers van de gemeente of"):
            services.review_assign(actor=user, review=review, members=[people.member])


def test_a_recused_chair_cannot_assign_but_the_vice_chair_can(review, people, vice_chair):
    _declare(people.chair, review, conflict=True)
    with pytest.raises(PermissionDenied):
        services.review_assign(actor=people.chair, review=review, members=[people.member])
    services.review_assign(actor=vice_chair, review=review, members=[people.member])


def test_assignment_refusals(review, people, third):
    _review_by(third, review)
    with pytest.raises(ValidationError, match="heeft vandaag geen zitting"):
        services.review_assign(actor=people.staff, review=review, members=[people.resident])
    with pytest.raises(ValidationError, match="al een beoordeling ingediend"):
        services.review_assign(actor=people.staff, review=review, members=[people.member])
    services.review_assign(actor=people.staff, review=review, members=[people.recused, third])
    assert ReviewAssignment.objects.filter(review=review).count() == 2


def test_assignment_refusals_when_all_chosen_are_recused(review, people):
    with pytest.raises(ValidationError, match="minstens één lid"):
        services.review_assign(actor=people.staff, review=review, members=[people.recused])
    assert not ReviewAssignment.objects.exists()


def test_reminders_go_only_to_the_assigned_members(
    review, people, third, mailoutbox, time_machine, django_capture_on_commit_callbacks
):
    services.review_assign(actor=people.staff, review=review, members=[third])
    mailoutbox.clear()
    time_machine.move_to(review.due_date - datetime.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("review_reminders")
    assert sorted(address for mail in mailoutbox for address in mail.to) == sorted(
        [third.email, people.chair.email]
    )


def test_staff_and_the_chair_assign_on_the_page(review, people, third, login):
    for user in (people.staff, people.chair):
        client = login(user)
        page = client.get(_url("review:assign", review)).content.decode()
        assert "Beoordeling toewijzen" in page
        response = client.post(
            _url("review:assign", review), {"members": [people.member.pk]}, follow=True
        )
        assert "De toewijzing van de beoordeling is opgeslagen." in response.content.decode()
    assert list(ReviewAssignment.objects.values_list("member", flat=True)) == [people.member.pk]
    response = login(people.staff).post(
        _url("review:assign", review), {"members": [people.resident.pk]}
    )
    assert "Selecteer een geldige keuze" in response.content.decode()


def test_an_unassigned_member_is_told_on_the_review(review, people, third, login):
    services.review_assign(actor=people.staff, review=review, members=[people.member])
    page = login(third).get(_url("review:detail", review)).content.decode()
    assert "Deze beoordeling is toegewezen aan andere leden van het panel" in page
    assert login(third).get(_url("review:declare", review)).status_code == 403
    dashboard = login(third).get(reverse("review:dashboard")).content.decode()
    assert "Toegewezen aan andere leden" in dashboard


def test_the_assign_and_substitute_pages_refuse_a_concluded_review(review, people, login):
    _review_by(people.member, review)
    _review_by(people.chair, review)
    _advise(people.chair, review)
    response = login(people.chair).get(_url("review:assign", review))
    assert response.status_code == 302
    assert login(people.staff).get(_url("review:name_substitute", review)).status_code == 403
    with pytest.raises(ValidationError):
        services.review_assign(actor=people.staff, review=review, members=[])
