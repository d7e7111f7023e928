"""The demo rounds command: one voting round per wijk, created once."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from budget.models import Round

pytestmark = pytest.mark.django_db


def test_demo_rounds_are_created_once_and_open_for_voting(client, wijk, other_wijk, resident):
    call_command("budget_demo")
    call_command("budget_demo")

    assert Round.objects.count() == 2
    budget_round = Round.objects.get(wijk=wijk)
    assert budget_round.phase == "voting" and budget_round.projects.count() == 5
    client.force_login(resident)
    assert client.get(reverse("budget:ballot", args=[budget_round.pk])).status_code == 200
