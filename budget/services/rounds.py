"""State changes of rounds and their projects, up to the ballot."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budget.locks import round_config_lock_exclusive
from budget.models import (
    Ballot,
    PaperEntry,
    Participation,
    Project,
    ProjectStatus,
    ProjectUpdate,
    Result,
    Round,
    VotingCode,
    VotingCodeBatch,
)
from budget.services.notices import CLOSES_AHEAD
from budget.workflow import BALLOT_CHANGING, ROUND_TRANSITIONS, TRANSITIONS
from core.models import User, Wijk
from core.services import save_audited
from initiatives.models import Initiative, InitiativeStatus
from plumbing.workflow import transition_run
from review.models import Review
from review.services import review_open
from subsidies.services.funding import (
    granted_subsidies,
    initiative_lock,
    overlap_refusal,
    register_other_funding,
)

# What may still change once ballots exist: nothing that decides the outcome.
ALWAYS_EDITABLE = frozenset({"name", "description", "realisation_start", "review_due_days"})
PHASE_DATES = (
    "proposals_start",
    "review_start",
    "voting_start",
    "voting_end",
    "realisation_start",
)
ROUND_FIELDS = frozenset(
    {
        "name",
        "description",
        "budget",
        "proposals_start",
        "review_start",
        "voting_start",
        "voting_end",
        "realisation_start",
        "ballot_style",
        "rule",
        "min_choices",
        "max_choices",
        "min_budget_share",
        "points_total",
        "min_age",
        "allow_letter_codes",
        "electorate",
        "review_due_days",
    }
)


def round_is_locked(budget_round: Round) -> bool:
    """True once any ballot (counted or not) exists: the outcome's inputs are fixed."""
    return Ballot.objects.filter(round=budget_round).exists()


def _locked_error() -> ValidationError:
    return ValidationError(
        _(
            "Voting has started: the budget, ballot, counting rule, eligibility and projects "
            "can no longer change."
        ),
        code="round_locked",
    )


def _past_dates_error(fields: dict, *, now: datetime.datetime) -> ValidationError | None:
    """Phase dates of a new round that lie in the past, each with a message on its field.

    The start of the current minute counts as now: the form's date fields have minutes, so
    a phase that starts "now" is not refused for the seconds it took to send the form.
    """
    start_of_minute = now.replace(second=0, microsecond=0)
    errors = {
        name: _("This date is in the past. A new round's phases start from now on.")
        for name in PHASE_DATES
        if fields.get(name) is not None and fields[name] < start_of_minute
    }
    return ValidationError(errors, code="date_in_past") if errors else None


@transaction.atomic
def round_create(*, actor: User, wijk: Wijk, **fields) -> Round:
    """Staff open a wijkbudget round for a wijk, as a draft only staff see.

    Its phase dates may not lie in the past (a later change of an existing round may
    keep dates that have passed by then).
    """
    if not actor.has_perm("budget.manage_round", wijk):
        raise PermissionDenied(_("Only council staff can open a wijkbudget round."))
    unknown = set(fields) - ROUND_FIELDS
    if unknown:
        raise TypeError(f"unknown round fields: {sorted(unknown)}")
    past = _past_dates_error(fields, now=timezone.now())
    if past is not None:
        raise past
    budget_round = Round(wijk=wijk, created_by=actor, **fields)
    save_audited(budget_round, actor=actor, reason=_("Round opened"))
    return budget_round


def round_has_proposals_or_votes(budget_round: Round) -> bool:
    """Residents have taken part: a proposal, a ballot or a participation exists."""
    return (
        Project.objects.filter(round=budget_round).exists()
        or Ballot.objects.filter(round=budget_round).exists()
        or Participation.objects.filter(round=budget_round).exists()
    )


ROUND_STEP_REASONS = {
    "publish": gettext_lazy("Round published: residents see it"),
    "back_to_draft": gettext_lazy("Round back to draft"),
}


@transaction.atomic
def round_transition(*, actor: User, budget_round: Round, action: str, reason: str = "") -> Round:
    """Publish a draft round, or take a published one back to draft (budget/workflow.py).

    Back to draft only while residents have not taken part: no proposal and no ballot.
    """
    if not actor.has_perm("budget.publish_round", budget_round):
        raise PermissionDenied(_("Only council staff publish a wijkbudget round."))
    # Waits for ballots being cast (they hold the configuration lock shared).
    round_config_lock_exclusive(round_pk=budget_round.pk)
    if action == "back_to_draft" and round_has_proposals_or_votes(budget_round):
        raise ValidationError(
            _(
                "This round has proposals or ballots, so it stays published: residents have "
                "taken part in it."
            ),
            code="round_in_use",
        )
    step = str(ROUND_STEP_REASONS.get(action, action))
    return transition_run(
        obj=budget_round,
        action=action,
        actor=actor,
        transitions=ROUND_TRANSITIONS,
        reason=f"{step}: {reason.strip()}" if reason.strip() else step,
    )


def round_delete_refusal(budget_round: Round) -> str | None:
    """Why this round can no longer be deleted, or None when it can."""
    if PaperEntry.objects.filter(round=budget_round).exists():
        return _("Paper ballots have been entered in this round, so it can no longer be deleted.")
    if Ballot.objects.filter(round=budget_round).exists() or (
        Participation.objects.filter(round=budget_round).exists()
    ):
        return _("Ballots have been cast in this round, so it can no longer be deleted.")
    if Result.objects.filter(round=budget_round).exists():
        return _("This round has been counted, so it can no longer be deleted.")
    projects = Project.objects.filter(round=budget_round).values_list("pk", flat=True)
    if Review.objects.filter(
        content_type=ContentType.objects.get_for_model(Project), object_id__in=list(projects)
    ).exists():
        return _(
            "The wijkpanel has reviewed projects of this round, so it can no longer be deleted."
        )
    return None


@transaction.atomic
def round_delete(*, actor: User, budget_round: Round, reason: str = "") -> None:
    """Staff delete a round nobody has voted in yet (no ballot, paper ballot or count).

    Its projects and unused letter codes go with it; the history of each keeps who
    deleted it and why.
    """
    if not actor.has_perm("budget.delete_round", budget_round):
        raise PermissionDenied(_("Only council staff can delete a wijkbudget round."))
    round_config_lock_exclusive(round_pk=budget_round.pk)
    budget_round = Round.objects.select_for_update().get(pk=budget_round.pk)
    refusal = round_delete_refusal(budget_round)
    if refusal is not None:
        raise ValidationError(refusal, code="round_in_use")
    why = _("Round deleted")
    if reason.strip():
        why = f"{why}: {reason.strip()}"
    # One by one, so each history row names the actor (a cascade would not).
    dependants = [
        *VotingCode.objects.filter(batch__round=budget_round),
        *VotingCodeBatch.objects.filter(round=budget_round),
        *ProjectUpdate.objects.filter(project__round=budget_round),
        *Project.objects.filter(round=budget_round),
    ]
    for row in [*dependants, budget_round]:
        # django-simple-history reads who and why from these attributes; it has no type hints.
        row._history_user = actor  # type: ignore[attr-defined]
        row._change_reason = why  # type: ignore[attr-defined]
        row.delete()


@transaction.atomic
def round_update(*, actor: User, budget_round: Round, **fields) -> Round:
    """Change a round; once a ballot exists only its name, text and realisation date change."""
    if not actor.has_perm("budget.manage_round", budget_round):
        raise PermissionDenied(_("Only council staff can change a wijkbudget round."))
    unknown = set(fields) - ROUND_FIELDS
    if unknown:
        raise TypeError(f"unknown round fields: {sorted(unknown)}")
    # Waits for ballots being cast (they hold the configuration lock shared).
    round_config_lock_exclusive(round_pk=budget_round.pk)
    budget_round = Round.objects.select_for_update().get(pk=budget_round.pk)
    changed = [name for name, value in fields.items() if getattr(budget_round, name) != value]
    if set(changed) - ALWAYS_EDITABLE and round_is_locked(budget_round):
        raise _locked_error()
    for name, value in fields.items():
        setattr(budget_round, name, value)
    # A voting period moved into the future is announced again when its time comes.
    now = timezone.now()
    if "voting_start" in changed and budget_round.voting_start > now:
        budget_round.voting_opens_notified_at = None
    if "voting_end" in changed and budget_round.voting_end - CLOSES_AHEAD > now:
        budget_round.voting_closes_notified_at = None
    save_audited(budget_round, actor=actor, reason=_("Round changed"))
    return budget_round


@transaction.atomic
def project_propose(
    *,
    actor: User,
    budget_round: Round,
    title: str,
    summary: str,
    description: str = "",
    photo=None,
    initiative: Initiative | None = None,
) -> Project:
    """A resident proposes a project idea (or puts forward an existing initiative)."""
    if not actor.has_perm("budget.propose_project", budget_round):
        raise PermissionDenied(
            _("Only residents of this wijk can propose projects, during the proposal phase.")
        )
    if initiative is not None and (
        initiative.wijk_id != budget_round.wijk_id
        or initiative.status not in (InitiativeStatus.PUBLISHED, InitiativeStatus.IN_PROGRESS)
    ):
        raise ValidationError(
            {"initiative": _("Choose a published initiative from this wijk.")},
            code="initiative_elsewhere",
        )
    project = Project(
        round=budget_round,
        title=title.strip(),
        summary=summary.strip(),
        description=description.strip(),
        initiative=initiative,
        proposed_by=actor,
    )
    if photo:
        project.photo = photo
    save_audited(project, actor=actor, reason=_("Project proposed"))
    return project


def budget_funding_of(initiative: Initiative) -> list[str]:
    """The initiative's projects a round funds, or has on a ballot still to be counted.

    Registered with subsidies (one initiative, one source of money): a subsidy for such an
    initiative is granted only with a reason. A project counted but not funded is no source.
    """
    lines = []
    projects = Project.objects.filter(
        initiative=initiative, status=ProjectStatus.ELIGIBLE
    ).select_related("round")
    for project in projects:
        result = Result.objects.filter(round_id=project.round_id).first()
        if result is None:
            state = _("on the ballot")
        elif project.pk in result.funded:
            state = _("funded")
        else:
            continue
        lines.append(
            _("wijkbudget project “%(project)s” in %(round)s (%(state)s)")
            % {"project": project.title, "round": project.round.name, "state": state}
        )
    return lines


# Subsidies cannot import budget; budget tells subsidies about itself when it is imported
# (budget's AppConfig.ready imports budget.services, so this runs at start-up).
register_other_funding("budget", budget_funding_of)


def subsidy_overlap(project: Project) -> list[str]:
    """The granted subsidies of the project's initiative, as lines staff can read."""
    initiative = project.initiative
    if initiative is None:
        return []
    return [
        _("subsidy %(reference)s (%(status)s)")
        % {
            "reference": application.reference or application.pk,
            "status": application.get_status_display(),
        }
        for application in granted_subsidies(initiative=initiative)
    ]


@transaction.atomic
def project_transition(
    *,
    actor: User,
    project: Project,
    action: str,
    reason: str = "",
    cost: Decimal | None = None,
    funding_overlap_reason: str = "",
) -> Project:
    """Take one step in a project's life (see budget/workflow.py).

    Putting on the ballot a project whose initiative already has a granted subsidy needs
    `funding_overlap_reason` (one initiative, one source of money); it is kept on the
    project, whose history names who stated it.
    """
    changes: dict[str, object] = {}
    change_reason = reason
    if action in BALLOT_CHANGING:
        # Take the round's lock first, so no ballot is cast while the ballot changes.
        round_config_lock_exclusive(round_pk=project.round_id)
        budget_round = Round.objects.select_for_update().get(pk=project.round_id)
        if round_is_locked(budget_round):
            raise _locked_error()
        changes["decision_reason"] = reason.strip()
        if action == "mark_eligible":
            cost = cost if cost is not None else project.cost
            if cost is None or cost < 0:
                raise ValidationError(
                    {"cost": _("Set the cost estimate before the project goes on the ballot.")},
                    code="cost_required",
                )
            changes["cost"] = cost
            if not actor.has_perm("budget.decide_project", project):
                raise PermissionDenied(_("You are not allowed to do this."))
            if project.initiative_id is not None:
                # A subsidy being granted at the same time waits here (or we wait for it).
                initiative_lock(initiative_id=project.initiative_id)
            subsidies = subsidy_overlap(project)
            overlap_reason = funding_overlap_reason.strip()
            if subsidies and not overlap_reason:
                raise overlap_refusal(field="funding_overlap_reason", sources=subsidies)
            if subsidies and reason.strip():
                changes["funding_overlap_reason"] = overlap_reason
                change_reason = f"{reason.strip()} " + _(
                    "Also funded by %(sources)s, because: %(why)s"
                ) % {"sources": "; ".join(subsidies), "why": overlap_reason}
    elif cost is not None:
        changes["cost"] = cost
    project = transition_run(
        obj=project,
        action=action,
        actor=actor,
        transitions=TRANSITIONS,
        reason=change_reason,
        changes=changes,
    )
    if action == "send_to_review":
        review_open(
            subject=project,
            wijk=project.round.wijk,
            actor=actor,
            due_days=project.round.review_due_days,
        )
    return project


def project_review_concluded(*, subject: Project, review, actor: User) -> None:
    """Called by the review app when the wijkpanel's review of a project ends."""
    advice = review.get_advice_display() if review.advice else _("no advice")
    transition_run(
        obj=subject,
        action="conclude",
        actor=actor,
        transitions=TRANSITIONS,
        reason=_("Wijkpanel review concluded: %(advice)s") % {"advice": advice},
    )


@transaction.atomic
def project_progress_add(*, actor: User, project: Project, stage: str, text: str) -> ProjectUpdate:
    """Staff post a progress update on a funded project until it is realised."""
    if not actor.has_perm("budget.update_project_progress", project):
        raise PermissionDenied(_("Only council staff can post progress updates."))
    result = getattr(project.round, "result", None)
    if result is None or not result.is_published or project.pk not in result.funded:
        raise ValidationError(
            _("Progress updates are for funded projects of a published result."),
            code="not_funded",
        )
    update = ProjectUpdate(project=project, stage=stage, text=text.strip(), created_by=actor)
    save_audited(update, actor=actor, reason=_("Progress update"))
    return update
