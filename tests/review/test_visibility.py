"""Who sees the members' reviews and the advice: before and after one's own review, the decision."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse

from review import services
from review.models import Advice
from review.selectors import advice_is_public, public_advice_for

pytestmark = pytest.mark.django_db

CHAIR_REASONING = "De buurt heeft hier al jaren om gevraagd."
ADVICE_TEXT = "Het panel adviseert positief, mits de gemeente de grond beschikbaar stelt."


def _review_by(user, review, reasoning="Prima plan.", advice=Advice.POSITIVE):
    services.member_review_declare(actor=user, review=review, has_conflict=False)
    services.member_review_submit(
        actor=user,
        review=review,
        scores=dict.fromkeys(review.criteria, 5),
        advice=advice,
        reasoning=reasoning,
    )


def _page(login, user, review):
    response = login(user).get(reverse("review:detail", kwargs={"pk": review.pk}))
    assert response.status_code == 200
    return response.content.decode()


def _advise(review, people):
    _review_by(people.chair, review, reasoning=CHAIR_REASONING)
    _review_by(people.member, review)
    return services.review_write_advice(
        actor=people.chair, review=review, advice=Advice.CONDITIONAL, text=ADVICE_TEXT
    )


def test_a_member_sees_the_others_reviews_only_after_submitting_their_own(review, people, login):
    _review_by(people.chair, review, reasoning=CHAIR_REASONING)

    before = _page(login, people.member, review)
    assert CHAIR_REASONING not in before
    assert "nadat u uw eigen beoordeling heeft ingediend" in before

    _review_by(people.member, review)

    after = _page(login, people.member, review)
    assert CHAIR_REASONING in after
    assert "Gemiddelde score per criterium" in after


def test_declaring_no_conflict_is_not_enough_to_see_the_others(review, people, login):
    _review_by(people.chair, review, reasoning=CHAIR_REASONING)
    services.member_review_declare(actor=people.member, review=review, has_conflict=False)
    assert CHAIR_REASONING not in _page(login, people.member, review)


def test_the_recused_member_sees_neither_reviews_nor_advice_until_the_decision(
    review, people, login, initiative_kind
):
    advised = _advise(review, people)
    page = _page(login, people.recused, advised)
    assert CHAIR_REASONING not in page
    assert ADVICE_TEXT not in page
    assert "doet niet mee" in page

    initiative_kind.decided.add(advised.object_id)

    page = _page(login, people.recused, advised)
    assert ADVICE_TEXT in page


def test_panel_members_see_the_advice_before_it_is_public_and_are_told_so(review, people, login):
    advised = _advise(review, people)
    page = _page(login, people.member, advised)
    assert ADVICE_TEXT in page
    assert "Dit advies wordt samen met het besluit openbaar." in page


def test_staff_see_every_review_and_the_history_with_actors(review, people, login):
    _review_by(people.chair, review, reasoning=CHAIR_REASONING)
    page = _page(login, people.staff, review)
    assert CHAIR_REASONING in page
    assert "Beoordeling ingediend" in page
    assert "Belangenverstrengeling gemeld; doet niet mee" in page
    assert str(people.recused) in page
    assert "Mijn zus is een van de initiatiefnemers." in page  # the declared conflict


def test_the_history_is_not_shown_to_panel_members(review, people, login):
    _review_by(people.chair, review, reasoning=CHAIR_REASONING)
    _review_by(people.member, review)
    page = _page(login, people.member, review)
    assert "Belangenverstrengeling gemeld" not in page
    assert "Mijn zus is een van de initiatiefnemers." not in page


PUBLIC = Template("{% load review_tags %}{% public_advice subject %}")


def test_the_advice_becomes_public_with_the_decision(review, people, initiative, initiative_kind):
    advised = _advise(review, people)
    assert not advice_is_public(review=advised)
    assert public_advice_for(subject=initiative) is None
    assert ADVICE_TEXT not in PUBLIC.render(Context({"subject": initiative}))

    initiative_kind.decided.add(initiative.pk)

    assert advice_is_public(review=advised)
    rendered = PUBLIC.render(Context({"subject": initiative}))
    assert ADVICE_TEXT in rendered
    assert "Positief met voorwaarden" in rendered
    assert CHAIR_REASONING not in rendered  # individual reviews never go public


def test_recording_the_decision_also_makes_the_advice_public_with_the_deviation(
    review, people, initiative
):
    advised = _advise(review, people)
    services.review_record_decision(
        actor=people.staff, review=advised, approved=False, reason="De grond is verkocht."
    )
    rendered = PUBLIC.render(Context({"subject": initiative}))
    assert ADVICE_TEXT in rendered
    assert "De grond is verkocht." in rendered


def test_an_open_review_is_never_public(review, initiative, initiative_kind):
    initiative_kind.decided.add(initiative.pk)
    assert not advice_is_public(review=review)


@pytest.mark.parametrize("role", ["resident", "initiator", "other", "former"])
def test_outsiders_cannot_open_the_review_even_after_the_decision(
    role, review, people, login, initiative_kind
):
    advised = _advise(review, people)
    initiative_kind.decided.add(advised.object_id)
    response = login(getattr(people, role)).get(reverse("review:detail", kwargs={"pk": advised.pk}))
    assert response.status_code == 403
