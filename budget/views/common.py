"""Helpers shared by the wijkbudget views."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from budget import selectors
from budget.models import Project, Round


def round_by_pk(request, pk: int, **kwargs) -> Round:
    """The round of the URL, with its wijk; a draft is not found but by staff."""
    budget_round = get_object_or_404(Round.objects.select_related("wijk"), pk=pk)
    if selectors.round_hidden_from(budget_round=budget_round, user=request.user):
        raise Http404
    return budget_round


def project_by_pk(request, pk: int, **kwargs) -> Project:
    """The project of the URL, with its round and wijk; not found in a draft but by staff."""
    project = get_object_or_404(Project.objects.select_related("round__wijk"), pk=pk)
    if selectors.round_hidden_from(budget_round=project.round, user=request.user):
        raise Http404
    return project


def require(user, perm: str, obj) -> None:
    """403 for anyone without the permission (public pages: no login redirect)."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def chosen_total(projects, choices: dict[int, int]) -> Decimal:
    """Cost of the chosen projects, for the budget-left line."""
    return sum((p.cost for p in projects if choices.get(p.pk)), Decimal(0))
