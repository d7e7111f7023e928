"""Counting a round, publishing its result (four eyes), and Pabulib .pb import."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from budget import selectors, tasks
from budget.locks import round_config_lock_exclusive
from budget.models import (
    Ballot,
    BallotStyle,
    Project,
    ProjectStatus,
    Result,
    Round,
    RoundStatus,
    Via,
)
from budget.tally import (
    RULES,
    Election,
    ElectionError,
    compare_rules,
    parse_pb,
    write_pb,
)
from budget.tally.pabulib import format_amount
from core.events import announce_decision
from core.models import User, Wijk
from core.services import save_audited
from plumbing import codes
from plumbing.formatting import euro

IMPORT_BATCH = 2000


def _amount(value: Decimal) -> Fraction:
    return Fraction(value)


def _cost(project_cost: Decimal | None) -> Decimal:
    """A counted project's cost: counted projects are eligible, and eligible ones have a cost."""
    if project_cost is None:
        raise ValueError("an eligible project has no cost (see project_eligible_has_cost)")
    return project_cost


def election_for(*, budget_round: Round, shuffle: bool = False) -> Election:
    """The round's counted ballots as a budget.tally Election (project ids are pks as text)."""
    projects = list(
        Project.objects.filter(round=budget_round, status=ProjectStatus.ELIGIBLE).order_by("pk")
    )
    ids = {str(project.pk) for project in projects}
    points = budget_round.ballot_style == BallotStyle.POINTS
    ballots = []
    for choices in Ballot.objects.filter(round=budget_round, counted=True).values_list(
        "choices", flat=True
    ):
        kept = {pk: value for pk, value in choices.items() if pk in ids and value}
        ballots.append(kept if points else frozenset(kept))
    if shuffle:
        secrets.SystemRandom().shuffle(ballots)
    return Election(
        budget=_amount(budget_round.budget),
        projects={str(project.pk): _amount(_cost(project.cost)) for project in projects},
        ballots=ballots,
        vote_type="cumulative" if points else "approval",
        names={str(project.pk): project.title for project in projects},
    )


def _votes(election: Election) -> dict[str, int]:
    votes = dict.fromkeys(election.projects, 0)
    for ballot in election.ballots:
        if isinstance(ballot, Mapping):  # points ballots; approval ballots are frozensets
            for project_id, points in ballot.items():
                votes[project_id] += points
        else:
            for project_id in ballot:
                votes[project_id] += 1
    return votes


def pb_export(*, budget_round: Round, funded: list[str], votes: dict[str, int]) -> str:
    """The anonymised ballots as Pabulib text: shuffled, with random voter ids."""
    election = election_for(budget_round=budget_round, shuffle=True)
    election = Election(
        budget=election.budget,
        projects=election.projects,
        ballots=election.ballots,
        vote_type=election.vote_type,
        names=election.names,
        votes=votes,
        selected=frozenset(funded),
        meta={
            "description": budget_round.name,
            "country": "Netherlands",
            "unit": budget_round.wijk.municipality.short_name,
            "subunit": budget_round.wijk.name,
            "instance": str(budget_round.voting_end.year),
            "rule": budget_round.rule,
            "currency": "EUR",
            "language": "nl",
            "date_begin": budget_round.voting_start.date().isoformat(),
            "date_end": budget_round.voting_end.date().isoformat(),
        },
    )
    voter_ids: set[str] = set()
    while len(voter_ids) < len(election.ballots):
        voter_ids.add(secrets.token_hex(6))
    return write_pb(election=election, voter_ids=sorted(voter_ids))


def _figures_json(figures) -> dict:
    return {
        rule: {
            "funded": [int(pk) for pk in figure.funded],
            "total_cost": format_amount(amount=figure.total_cost),
            "voters": figure.voters,
            "reached": figure.voters_with_funded_project,
        }
        for rule, figure in figures.items()
    }


@transaction.atomic
def round_count(*, actor: User, budget_round: Round) -> Result:
    """Count the counted ballots with the round's rule, and with the others for comparison."""
    round_config_lock_exclusive(round_pk=budget_round.pk)  # no ballot in flight is missed
    budget_round = Round.objects.select_for_update().get(pk=budget_round.pk)
    if not actor.has_perm("budget.count_round", budget_round):
        raise PermissionDenied(_("Staff count a round once voting has closed."))
    result = Result.objects.filter(round=budget_round).first()
    if result is not None and result.is_published:
        raise ValidationError(_("The result has been published and can no longer be recounted."))
    paper = selectors.paper_reconciliation(budget_round=budget_round)
    if paper.pending:
        raise ValidationError(
            _("Confirm or discard the %(n)d paper ballots waiting for a second check first.")
            % {"n": paper.pending},
            code="paper_pending",
        )
    if not paper.adds_up:
        raise ValidationError(
            _(
                "The paper forms do not add up: %(received)d received, but %(entered)d entered "
                "and %(discarded)d set aside. Enter the missing forms, or correct the number "
                "received on the paper ballots page, before counting."
            )
            % {
                "received": paper.received,
                "entered": paper.entered,
                "discarded": paper.discarded,
            },
            code="paper_mismatch",
        )
    election = election_for(budget_round=budget_round)
    # compare_rules counts every rule once; the chosen rule's outcome is among them.
    figures = compare_rules(election=election)
    funded = list(figures[budget_round.rule].funded)
    votes = _votes(election)
    costs = dict(Project.objects.filter(round=budget_round).values_list("pk", "cost"))
    result = result or Result(round=budget_round)
    result.rule = budget_round.rule
    result.funded = [int(pk) for pk in funded]
    result.votes = votes
    result.figures = _figures_json(figures)
    result.ballot_count = len(election.ballots)
    result.channels = selectors.ballots_by_channel(budget_round=budget_round) | {
        "paper_received": paper.received,
        "paper_discarded": paper.discarded,
    }
    result.eligible_count = (
        len(election.ballots)
        if budget_round.is_rehearsal
        else selectors.eligible_voter_count(budget_round=budget_round)
    )
    result.budget_used = sum((_cost(costs[int(pk)]) for pk in funded), Decimal(0))
    result.pb_text = pb_export(budget_round=budget_round, funded=funded, votes=votes)
    result.pb_sha256 = hashlib.sha256(result.pb_text.encode()).hexdigest()
    result.counted_at = timezone.now()
    result.counted_by = actor
    reason = _("Counted with %(rule)s: %(n)d ballots") % {
        "rule": budget_round.get_rule_display(),
        "n": len(election.ballots),
    }
    if result.publication_requested_by_id is not None:
        # The colleague would confirm an outcome the one who asked has not seen: ask again.
        result.publication_requested_by = None
        result.publication_requested_at = None
        reason = f"{reason}. " + _("The request to publish was withdrawn: ask again.")
    save_audited(result, actor=actor, reason=reason)
    return result


def _result_for_publication(*, actor: User, budget_round: Round) -> Result:
    """The round's result, locked, once the actor may take a publication step on it."""
    result = Result.objects.select_for_update().filter(round=budget_round).first()
    if not actor.has_perm("budget.publish_result", budget_round):
        raise PermissionDenied(_("Only council staff publish results, after voting."))
    if result is None:
        raise ValidationError(_("Count the votes before you publish."), code="not_counted")
    if result.is_published:
        raise ValidationError(
            _("This result has already been published."), code="already_published"
        )
    return result


@transaction.atomic
def result_publication_request(*, actor: User, budget_round: Round) -> Result:
    """Staff ask to publish the counted result; a colleague confirms it (four eyes)."""
    result = _result_for_publication(actor=actor, budget_round=budget_round)
    if result.is_publication_requested:
        raise ValidationError(
            _("Publication has already been asked for: a colleague confirms it or sends it back."),
            code="already_requested",
        )
    result.publication_requested_by = actor
    result.publication_requested_at = timezone.now()
    result.sent_back_reason = ""
    save_audited(
        result, actor=actor, reason=_("Publication asked for; waiting for a second staff member")
    )
    return result


def _pending_request(*, actor: User, budget_round: Round) -> Result:
    """The result waiting for publication, locked, for a colleague of whoever asked."""
    result = _result_for_publication(actor=actor, budget_round=budget_round)
    if not result.is_publication_requested:
        raise ValidationError(
            _("Nobody has asked to publish this result yet."), code="not_requested"
        )
    if result.publication_requested_by_id == actor.pk:
        raise ValidationError(
            _(
                "You asked to publish this result yourself: a different staff member "
                "confirms it or sends it back (four eyes)."
            ),
            code="same_person",
        )
    return result


@transaction.atomic
def result_publication_confirm(*, actor: User, budget_round: Round) -> Result:
    """A second staff member confirms the publication: the results page, PDF and .pb file
    become public, a draft decision page is prepared and the residents are told."""
    result = _pending_request(actor=actor, budget_round=budget_round)
    result.published_at = timezone.now()
    result.published_by = actor
    save_audited(
        result,
        actor=actor,
        reason=_("Result published; asked for by %(asked)s, confirmed by %(confirmed)s")
        % {"asked": result.publication_requested_by, "confirmed": actor},
    )
    # A draft decision page for the public list (cms prepares it; staff check and publish).
    announce_decision(
        kind="budget_result",
        obj=result,
        title=budget_round.name,
        summary=_("%(n)d projects funded, %(used)s of %(budget)s; %(ballots)d ballots.")
        % {
            "n": len(result.funded),
            "used": euro(result.budget_used),
            "budget": euro(budget_round.budget),
            "ballots": result.ballot_count,
        },
        decided_at=result.published_at,
        wijken=[budget_round.wijk],
        url=reverse("budget:result", args=[budget_round.pk]),
    )
    # The residents hear of it once the publication is committed; a task fans out the
    # messages, so publishing does not wait for thousands of them.
    transaction.on_commit(partial(tasks.announce_results.enqueue, round_id=budget_round.pk))
    return result


@transaction.atomic
def result_publication_send_back(*, actor: User, budget_round: Round, reason: str) -> Result:
    """A second staff member sends the request back, saying why; nothing is published."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say why you send the publication back.")}, code="reason_required"
        )
    result = _pending_request(actor=actor, budget_round=budget_round)
    result.publication_requested_by = None
    result.publication_requested_at = None
    result.sent_back_reason = reason
    save_audited(result, actor=actor, reason=_("Publication sent back: %(why)s") % {"why": reason})
    return result


def _decimal(value: Fraction, *, what: str) -> Decimal:
    try:
        amount = Decimal(value.numerator) / Decimal(value.denominator)
    except (InvalidOperation, ZeroDivisionError) as error:  # pragma: no cover - defensive
        raise ValidationError(what) from error
    if amount != amount.quantize(Decimal("0.01")) or Fraction(amount) != value:
        raise ValidationError(
            _("%(what)s has more than two decimals; the file cannot be loaded.") % {"what": what}
        )
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def round_import_pb(
    *, actor: User, wijk: Wijk, name: str, text: str, rule: str | None = None
) -> Round:
    """Load a Pabulib file as a rehearsal round: its projects and ballots, ready to count."""
    if not actor.has_perm("budget.import_pb", wijk):
        raise PermissionDenied(_("Only council staff can import a .pb file."))
    try:
        election = parse_pb(text=text)
    except ElectionError as error:
        raise ValidationError(
            {"file": _("This is not a readable Pabulib file: %(error)s") % {"error": error}},
            code="invalid_pb",
        ) from error
    rule = rule or election.meta.get("rule", "")
    if rule not in RULES:
        raise ValidationError(
            {"rule": _("Choose the counting rule; the file names none that Wijkplein offers.")},
            code="unknown_rule",
        )
    if election.vote_type not in ("approval", "cumulative"):
        raise ValidationError(
            {"file": _("Only approval and cumulative ballots can be imported.")}, code="vote_type"
        )
    points = election.uses_points
    sizes = [len(ballot) for ballot in election.ballots] or [1]
    now = timezone.now()
    budget_round = Round(
        wijk=wijk,
        name=name.strip(),
        description=election.meta.get("description", ""),
        budget=_decimal(Fraction(election.budget), what=_("The budget")),
        proposals_start=now - datetime.timedelta(days=3),
        review_start=now - datetime.timedelta(days=2),
        voting_start=now - datetime.timedelta(days=1),
        voting_end=now - datetime.timedelta(seconds=1),
        realisation_start=now + datetime.timedelta(days=365),
        ballot_style=BallotStyle.POINTS if points else BallotStyle.APPROVAL,
        rule=rule,
        min_choices=max(min(sizes), 1),
        max_choices=max(max(sizes), 1),
        points_total=max(
            [sum(ballot.values()) for ballot in election.ballots if isinstance(ballot, Mapping)]
            or [1]
        )
        if points
        else 10,
        is_rehearsal=True,
        # Not a draft: a rehearsal is never public anyway (is_rehearsal), and it is counted
        # and its result published as a real round's would be.
        status=RoundStatus.PUBLISHED,
        created_by=actor,
    )
    save_audited(
        budget_round,
        actor=actor,
        reason=_("Imported from a .pb file (%(n)d ballots)") % {"n": len(election.ballots)},
    )
    pks: dict[str, int] = {}
    for project_id, cost in election.projects.items():
        title = election.names.get(project_id) or _("Project %(id)s") % {"id": project_id}
        project = Project(
            round=budget_round,
            title=title[:120],
            summary=_("Imported project %(id)s") % {"id": project_id},
            cost=_decimal(Fraction(cost), what=_("A project's cost")),
            status=ProjectStatus.ELIGIBLE,
            decision_reason=_("Imported from a .pb file"),
        )
        save_audited(project, actor=actor, reason=_("Imported from a .pb file"))
        pks[project_id] = project.pk
    # Ballots carry no history (secret) and no voter: bulk creation skips nothing we need.
    rows = []
    for number, ballot in enumerate(election.ballots):
        if isinstance(ballot, Mapping):  # a points ballot (points is True)
            choices = {str(pks[p]): value for p, value in ballot.items() if value}
        else:
            choices = {str(pks[p]): 1 for p in ballot}
        rows.append(
            Ballot(
                round=budget_round,
                voter_key=codes.keyed_hash("import", budget_round.pk, number),
                choices=choices,
                via=Via.IMPORT,
            )
        )
    Ballot.objects.bulk_create(rows, batch_size=IMPORT_BATCH)
    return budget_round
