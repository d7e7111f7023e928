"""Opening a review, members' reviews, quorum, the advice, proceeding without it, decisions."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.selectors import history_timeline
from review import services
from review.models import Advice, ReviewStatus
from review.selectors import review_for, review_quorum
from tests.factories import PanelMembershipFactory
from tests.factories.review import MemberReviewFactory, ReviewFactory, ReviewInitiativeFactory

pytestmark = pytest.mark.django_db


def _declare(user, review, conflict=False):
    return services.member_review_declare(
        actor=user, review=review, has_conflict=conflict, explanation="Buren." if conflict else ""
    )


def _submit(user, review, advice=Advice.POSITIVE, score=4, reasoning="Goed plan."):
    return services.member_review_submit(
        actor=user,
        review=review,
        scores=dict.fromkeys(review.criteria, score),
        advice=advice,
        reasoning=reasoning,
    )


def _review_by(user, review, **kwargs):
    _declare(user, review)
    return _submit(user, review, **kwargs)


# --- Opening -------------------------------------------------------------------------


def test_opening_a_review_sets_due_date_and_default_criteria_and_mails_the_active_panel(
    initiative, wijk, people, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        review = services.review_open(subject=initiative, wijk=wijk, actor=people.staff)

    assert review.status == ReviewStatus.OPEN
    assert review.due_date == timezone.localdate() + datetime.timedelta(days=14)
    assert review.criteria == ["support", "liveability", "feasibility", "cost"]
    assert review_for(subject=initiative) == review
    recipients = sorted(address for mail in mailoutbox for address in mail.to)
    assert recipients == sorted(u.email for u in (people.chair, people.member, people.recused))
    mail = mailoutbox[0]
    assert "Moestuin Noord" in mail.subject
    assert f"/wijkpanel/beoordelingen/{review.pk}/" in mail.body
    assert "belangenverstrengeling" in mail.body  # Dutch: declare a conflict of interest first
    assert mail.alternatives and mail.alternatives[0][1] == "text/html"


def test_a_scheme_or_round_sets_its_own_due_date_and_criteria(initiative, wijk, people):
    review = services.review_open(
        subject=initiative,
        wijk=wijk,
        actor=people.staff,
        due_days=21,
        criteria=["Past bij de regeling", "Begroting"],
    )
    assert review.due_date == timezone.localdate() + datetime.timedelta(days=21)
    assert review.criteria == ["Past bij de regeling", "Begroting"]


def test_a_submission_has_one_open_review_at_a_time(review, initiative, wijk, people):
    with pytest.raises(ValidationError):
        services.review_open(subject=initiative, wijk=wijk, actor=people.staff)


def test_an_unregistered_model_cannot_be_reviewed(wijk, people):
    with pytest.raises(ValueError, match="not registered"):
        services.review_open(subject=people.resident.profile, wijk=wijk, actor=people.staff)


# --- Members' reviews ------------------------------------------------------------------


def test_a_conflict_needs_an_explanation(review, people):
    with pytest.raises(ValidationError) as error:
        services.member_review_declare(
            actor=people.member, review=review, has_conflict=True, explanation=" "
        )
    assert "conflict_explanation" in error.value.error_dict
    assert not review.member_reviews.filter(member=people.member).exists()


def test_a_review_needs_every_score_from_1_to_5_an_advice_and_reasons(review, people):
    _declare(people.member, review)
    for scores, advice, reasoning, field in [
        ({"support": 4}, Advice.POSITIVE, "Ok", "scores"),
        (dict.fromkeys(review.criteria, 6), Advice.POSITIVE, "Ok", "scores"),
        (dict.fromkeys(review.criteria, 0), Advice.POSITIVE, "Ok", "scores"),
        (dict.fromkeys(review.criteria, 3), "", "Ok", "advice"),
        (dict.fromkeys(review.criteria, 3), Advice.NEGATIVE, "  ", "reasoning"),
    ]:
        with pytest.raises(ValidationError) as error:
            services.member_review_submit(
                actor=people.member,
                review=review,
                scores=scores,
                advice=advice,
                reasoning=reasoning,
            )
        assert field in error.value.error_dict
    assert not review.member_reviews.get(member=people.member).is_submitted


def test_a_member_revises_their_review_and_the_history_keeps_both(review, people):
    _review_by(people.member, review, advice=Advice.POSITIVE, reasoning="Eerste indruk.")
    own = _submit(
        people.member, review, advice=Advice.CONDITIONAL, reasoning="Alleen met vergunning."
    )

    assert own.advice == Advice.CONDITIONAL
    entries = history_timeline(obj=own)
    assert [e.reason for e in entries] == [
        "Beoordeling herzien",
        "Beoordeling ingediend",
        "Verklaard geen belangenverstrengeling te hebben",
    ]
    assert all(e.actor == str(people.member) for e in entries)
    assert ("advies", "Positief", "Positief met voorwaarden") in entries[0].changes


def test_declaring_a_conflict_after_reviewing_withdraws_the_review(review, people):
    _review_by(people.member, review)

    own = _declare(people.member, review, conflict=True)

    assert own.has_conflict and not own.is_submitted and own.scores == {}
    assert review_quorum(review=review).submitted == 0


# --- Quorum -------------------------------------------------------------------------------


def test_quorum_is_a_strict_majority_of_the_non_recused_active_members(review, people):
    # Active: chair, member, recused (who declared a conflict) -> 2 count, 2 needed.
    assert review_quorum(review=review).eligible == 2
    assert review_quorum(review=review).needed == 2
    _review_by(people.member, review)
    assert not review_quorum(review=review).met
    _review_by(people.chair, review)
    assert review_quorum(review=review).met


def test_half_is_not_a_majority(wijk):
    review = ReviewFactory(subject=ReviewInitiativeFactory(wijk=wijk))
    members = [PanelMembershipFactory(wijk=wijk).member for _ in range(4)]
    for member in members[:2]:
        MemberReviewFactory(review=review, member=member)
    quorum = review_quorum(review=review)
    assert (quorum.eligible, quorum.submitted, quorum.needed, quorum.met) == (4, 2, 3, False)
    MemberReviewFactory(review=review, member=members[2])
    assert review_quorum(review=review).met


def test_former_members_and_declarations_without_scores_do_not_count(review, people):
    MemberReviewFactory(review=review, member=people.former)
    _declare(people.member, review)
    quorum = review_quorum(review=review)
    assert (quorum.eligible, quorum.submitted) == (2, 0)


def test_a_panel_without_active_members_never_has_quorum(other_wijk):
    review = ReviewFactory(subject=ReviewInitiativeFactory(wijk=other_wijk))
    assert not review_quorum(review=review).met


# --- The advice ---------------------------------------------------------------------------


def test_the_chair_cannot_advise_without_quorum(review, people, initiative_kind):
    _review_by(people.member, review)
    services.member_review_declare(actor=people.chair, review=review, has_conflict=False)
    with pytest.raises(ValidationError, match="quorum"):
        services.review_write_advice(
            actor=people.chair, review=review, advice=Advice.POSITIVE, text="Doen."
        )
    review.refresh_from_db()
    assert review.status == ReviewStatus.OPEN
    assert initiative_kind.calls == []


def test_the_chair_writes_the_advice_and_the_subject_kind_is_told(
    review, people, initiative, initiative_kind
):
    _review_by(people.member, review)
    _review_by(people.chair, review, advice=Advice.CONDITIONAL)

    advised = services.review_write_advice(
        actor=people.chair, review=review, advice=Advice.CONDITIONAL, text="  Met vergunning.  "
    )

    assert advised.status == ReviewStatus.ADVISED
    assert (advised.advice, advised.advice_text) == (Advice.CONDITIONAL, "Met vergunning.")
    assert advised.advice_by == people.chair and advised.concluded_at is not None
    assert len(initiative_kind.calls) == 1
    call = initiative_kind.calls[0]
    assert call["subject"] == initiative and call["review"] == advised
    assert call["actor"] == people.chair
    entry = history_timeline(obj=advised)[0]
    assert entry.actor == str(people.chair)
    assert entry.reason == "Paneladvies geschreven: Positief met voorwaarden"


def test_after_the_advice_member_reviews_are_frozen(review, people):
    _review_by(people.member, review)
    _review_by(people.chair, review)
    services.review_write_advice(
        actor=people.chair, review=review, advice=Advice.POSITIVE, text="Doen."
    )
    with pytest.raises(ValidationError) as error:
        _submit(people.member, review, advice=Advice.NEGATIVE)
    assert error.value.code == "review_concluded"
    assert review.member_reviews.get(member=people.member).advice == Advice.POSITIVE
    review.refresh_from_db()
    assert not people.member.has_perm("review.declare", review)


def test_the_advice_needs_a_choice_and_reasoning(review, people):
    _review_by(people.member, review)
    _review_by(people.chair, review)
    with pytest.raises(ValidationError) as error:
        services.review_write_advice(actor=people.chair, review=review, advice="", text="")
    assert "advice" in error.value.error_dict


# --- Without advice -------------------------------------------------------------------------


def test_staff_proceed_without_advice_only_after_the_due_date(
    review, people, time_machine, initiative_kind
):
    with pytest.raises(ValidationError, match="heeft tot en met"):
        services.review_proceed_without_advice(actor=people.staff, review=review, reason="Stil.")
    time_machine.move_to(review.due_date + datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.review_proceed_without_advice(actor=people.staff, review=review, reason=" ")

    done = services.review_proceed_without_advice(
        actor=people.staff, review=review, reason="Geen quorum gehaald."
    )

    assert done.status == ReviewStatus.WITHOUT_ADVICE
    assert done.without_advice_reason == "Geen quorum gehaald."
    assert done.advice == ""
    assert len(initiative_kind.calls) == 1
    entry = history_timeline(obj=done)[0]
    assert entry.actor == str(people.staff)
    assert entry.reason == "Doorgegaan zonder advies van het panel: Geen quorum gehaald."
    with pytest.raises(ValidationError):
        services.review_proceed_without_advice(actor=people.staff, review=done, reason="Nog eens.")


# --- The decision ---------------------------------------------------------------------------


def _advised(review, people, advice):
    _review_by(people.member, review)
    _review_by(people.chair, review)
    return services.review_write_advice(actor=people.chair, review=review, advice=advice, text="X")


@pytest.mark.parametrize(
    ("advice", "approved", "deviates"),
    [
        (Advice.POSITIVE, True, False),
        (Advice.CONDITIONAL, True, False),
        (Advice.NEGATIVE, False, False),
        (Advice.POSITIVE, False, True),
        (Advice.CONDITIONAL, False, True),
        (Advice.NEGATIVE, True, True),
    ],
)
def test_a_decision_against_the_advice_states_why(review, people, advice, approved, deviates):
    review = _advised(review, people, advice)
    if deviates:
        with pytest.raises(ValidationError) as error:
            services.review_record_decision(actor=people.staff, review=review, approved=approved)
        assert "reason" in error.value.error_dict

    decided = services.review_record_decision(
        actor=people.staff, review=review, approved=approved, reason="Budget is op."
    )

    assert decided.decided_at is not None and decided.deviates is deviates
    assert decided.deviation_reason == ("Budget is op." if deviates else "")
    entry = history_timeline(obj=decided)[0]
    assert entry.actor == str(people.staff)
    assert ("afwijkend van het advies" in entry.reason) is deviates


def test_no_decision_is_recorded_while_the_panel_reviews_or_twice(review, people):
    with pytest.raises(ValidationError, match="beoordeelt nog"):
        services.review_record_decision(actor=people.staff, review=review, approved=True)
    review = _advised(review, people, Advice.POSITIVE)
    services.review_record_decision(actor=people.staff, review=review, approved=True)
    with pytest.raises(ValidationError):
        services.review_record_decision(actor=people.staff, review=review, approved=True)
