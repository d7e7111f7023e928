"""Background work of the wijkbudget, run by Django's task framework (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from budget.services.notices import round_results_announce


@task()
def announce_results(*, round_id: int) -> int:
    """Tell the wijk's residents that a round's result is published (queued after commit)."""
    return round_results_announce(round_pk=round_id)
