"""docs/api.md's walk-through, run for real: scripts/recount_from_api.py recounts a published
round from the API alone (round, .pb download, SHA-256, pabutools) and agrees with it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories.budget import RoundFactory

pytestmark = pytest.mark.django_db


def _script():
    path = Path(settings.BASE_DIR) / "scripts" / "recount_from_api.py"
    spec = importlib.util.spec_from_file_location("recount_from_api", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def _through(client):
    """The script's HTTP GET, answered by the test client (as the live site would answer)."""

    def get(url: str) -> bytes:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response.content

    return get


@pytest.mark.parametrize(
    "rule", ["greedy", "equalshares", "equalshares/add1", "equalshares/add1-comparison"]
)
def test_the_recount_from_the_api_agrees_with_the_published_result(client, published_round, rule):
    budget_round, _projects = published_round
    budget_round.result.rule = rule
    # The published result as the count with that rule gave it (the figures hold every rule).
    budget_round.result.funded = budget_round.result.figures[rule]["funded"]
    budget_round.result.save()

    report = _script().recount(
        base_url="http://testserver", round_id=budget_round.pk, get=_through(client)
    )

    assert report.hash_matches
    assert report.recounted == budget_round.result.funded
    assert report.agrees


def test_a_changed_pb_file_is_caught_by_its_hash(client, published_round):
    budget_round, _projects = published_round
    result = budget_round.result
    result.pb_text = result.pb_text.replace("vote_type", "vote_type ", 1)
    result.save()

    report = _script().recount(
        base_url="http://testserver", round_id=budget_round.pk, get=_through(client)
    )

    assert not report.hash_matches and not report.agrees


def test_a_round_without_a_published_result_cannot_be_recounted(client, wijk):
    budget_round = RoundFactory(wijk=wijk)

    with pytest.raises(SystemExit, match="no published result"):
        _script().recount(
            base_url="http://testserver", round_id=budget_round.pk, get=_through(client)
        )
