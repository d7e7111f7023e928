"""Review pages: forms keep what was typed and explain errors in Dutch; dashboards show state."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from review import services
from review.models import Advice, MemberReview, ReviewStatus

pytestmark = pytest.mark.django_db


def _url(name, review):
    return reverse(name, kwargs={"pk": review.pk})


def _scores(review, value=4):
    return {f"score_{index}": value for index in range(len(review.criteria))}


def _review_by(user, review):
    services.member_review_declare(actor=user, review=review, has_conflict=False)
    services.member_review_submit(
        actor=user,
        review=review,
        scores=dict.fromkeys(review.criteria, 4),
        advice=Advice.POSITIVE,
        reasoning="Goed.",
    )


def test_a_conflict_without_explanation_is_refused_in_dutch(review, people, login):
    response = login(people.member).post(_url("review:declare", review), {"has_conflict": "yes"})

    assert response.status_code == 200
    assert "Leg uit wat uw belangenverstrengeling is." in response.content.decode()
    assert not MemberReview.objects.filter(member=people.member).exists()


def test_declaring_a_conflict_recuses_the_member(review, people, login):
    client = login(people.member)
    response = client.post(
        _url("review:declare", review),
        {"has_conflict": "yes", "conflict_explanation": "Mijn buurman is initiatiefnemer."},
        follow=True,
    )
    assert "u doet niet mee aan deze beoordeling" in response.content.decode()
    assert MemberReview.objects.get(member=people.member).has_conflict
    assert client.get(_url("review:member_review", review)).status_code == 403


def test_a_member_declares_then_reviews_then_revises(review, people, login):
    client = login(people.member)
    response = client.post(_url("review:declare", review), {"has_conflict": "no"})
    assert response.url == _url("review:member_review", review)

    page = client.get(response.url).content.decode()
    assert "Draagvlak in de wijk" in page and "Redelijke kosten" in page
    assert "<legend" in page  # radio groups are labelled fieldsets

    data = {**_scores(review, 2), "advice": Advice.NEGATIVE, "reasoning": "Te duur voor dit."}
    response = client.post(_url("review:member_review", review), data, follow=True)
    assert "Uw beoordeling is ingediend." in response.content.decode()
    own = MemberReview.objects.get(member=people.member)
    assert own.scores == dict.fromkeys(review.criteria, 2) and own.advice == Advice.NEGATIVE

    form = client.get(_url("review:member_review", review)).content.decode()
    assert "Te duur voor dit." in form  # the revision form starts from the review
    data["advice"] = Advice.CONDITIONAL
    response = client.post(_url("review:member_review", review), data, follow=True)
    assert "Uw beoordeling is herzien." in response.content.decode()


def test_a_missing_score_is_explained_and_the_rest_is_kept(review, people, login):
    client = login(people.member)
    client.post(_url("review:declare", review), {"has_conflict": "no"})
    data = {**_scores(review), "advice": Advice.POSITIVE, "reasoning": "Mooi initiatief."}
    del data["score_2"]

    response = client.post(_url("review:member_review", review), data)

    page = response.content.decode()
    assert "Geef een score van 1 tot en met 5." in page
    assert "Mooi initiatief." in page
    assert not MemberReview.objects.get(member=people.member).is_submitted


def test_the_chair_sees_the_aggregate_and_writes_the_advice_only_with_quorum(review, people, login):
    client = login(people.chair)
    _review_by(people.member, review)
    services.member_review_declare(actor=people.chair, review=review, has_conflict=False)
    page = client.get(_url("review:advice", review)).content.decode()
    assert "Nog geen quorum" in page
    assert "Send the advice" not in page and "Advies versturen" not in page
    # Blind until the chair's own review is in: no scores, no reviews of the members.
    assert "4,0" not in page and "member-review" not in page

    # Posting anyway is refused with the reason, nothing changes.
    response = client.post(_url("review:advice", review), {"advice": "positive", "text": "Ja."})
    assert "nog geen quorum" in response.content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.OPEN

    _review_by(people.chair, review)
    page = client.get(_url("review:advice", review)).content.decode()
    assert "Quorum bereikt" in page and "Advies versturen" in page
    assert "4,0" in page  # the mean score per criterion

    response = client.post(
        _url("review:advice", review), {"advice": "positive", "text": "Doen."}, follow=True
    )
    assert "Het advies van het panel is naar de gemeente gestuurd." in response.content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.ADVISED


def test_staff_proceed_without_advice_after_the_due_date(review, people, login, time_machine):
    client = login(people.staff)
    response = client.post(_url("review:proceed_without_advice", review), {"reason": "Stil."})
    assert "heeft tot en met" in response.content.decode()

    time_machine.move_to(review.due_date + datetime.timedelta(days=2))
    client = login(people.staff)  # the session would have expired meanwhile
    detail = client.get(_url("review:detail", review)).content.decode()
    assert "Verder zonder advies" in detail
    response = client.post(_url("review:proceed_without_advice", review), {"reason": ""})
    assert "Geef aan waarom u verdergaat zonder advies." in response.content.decode()
    response = client.post(
        _url("review:proceed_without_advice", review), {"reason": "Geen quorum."}, follow=True
    )
    assert "Vastgelegd: de gemeente gaat verder zonder advies." in response.content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.WITHOUT_ADVICE


def test_the_dashboard_shows_open_reviews_own_reviews_and_the_advice_history(review, people, login):
    client = login(people.member)
    page = client.get(reverse("review:dashboard")).content.decode()
    assert "Moestuin Noord" in page and "Nog te doen" in page
    assert "U heeft nog geen beoordelingen ingediend." in page

    _review_by(people.member, review)
    _review_by(people.chair, review)
    services.review_write_advice(
        actor=people.chair, review=review, advice=Advice.NEGATIVE, text="Nee."
    )

    page = client.get(reverse("review:dashboard")).content.decode()
    assert "Er is op dit moment niets te beoordelen." in page
    assert "Negatief" in page  # the advice history
    recused_page = login(people.recused).get(reverse("review:dashboard")).content.decode()
    assert "Nog niet openbaar (u doet niet mee)" in recused_page


def test_the_dashboard_of_another_wijk_does_not_list_this_review(review, people, login):
    page = login(people.other).get(reverse("review:dashboard")).content.decode()
    assert "Moestuin Noord" not in page


def test_the_staff_overview_shows_quorum_and_overdue_reviews(review, people, login, time_machine):
    client = login(people.staff)
    page = client.get(reverse("review:staff_overview")).content.decode()
    assert "Moestuin Noord" in page and "Nog geen quorum" in page
    assert "0 van de 2 leden hebben beoordeeld (2 nodig)" in page
    assert "1 lid doet niet mee" in page
    assert (
        "Moestuin Noord"
        not in client.get(reverse("review:staff_overview") + "?status=overdue").content.decode()
    )

    time_machine.move_to(review.due_date + datetime.timedelta(days=1))
    client = login(people.staff)  # the session would have expired meanwhile
    page = client.get(reverse("review:staff_overview") + "?status=overdue").content.decode()
    assert "Moestuin Noord" in page and "Over de uiterste datum" in page


def test_the_staff_member_list_shows_terms_and_chairs(review, people, login):
    page = login(people.staff).get(reverse("review:staff_members")).content.decode()
    assert str(people.chair) in page and "Voorzitter" in page
    assert str(people.former) in page and "Niet actief" in page
