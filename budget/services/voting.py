"""Casting secret ballots: online, with a letter code, or on paper (four eyes).

A ballot is found by a keyed hash of its voter, so changing it needs no link
from the person to the row that a database administrator could read. The
act of voting is recorded apart, in an audited Participation without choices.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from budget.locks import round_config_lock_shared
from budget.models import (
    Ballot,
    BallotStyle,
    Participation,
    Project,
    ProjectStatus,
    Round,
    Via,
    VotingCode,
    VotingCodeBatch,
)
from core.models import User
from core.services import LetterAddress, letter_codes_issue, save_audited
from plumbing import codes
from plumbing.formatting import euro
from plumbing.mail import queue_email

Choices = Mapping[int, int]


class CodeRejected(ValidationError):
    """A letter voting code that cannot be used; the message says why."""


class BallotRefused(ValidationError):
    """The ballot breaks a rule of the round; nothing was counted."""


def voter_key_for_user(*, budget_round: Round, user: User) -> str:
    """The key of a user's ballot: a keyed hash, never the user id itself."""
    return codes.keyed_hash("ballot", budget_round.pk, user.pk)


def voter_key_for_code(*, budget_round: Round, code: VotingCode) -> str:
    """The key of a letter code's ballot (hashed: the code row holds an address)."""
    return codes.keyed_hash("ballot-code", budget_round.pk, code.pk)


def receipt_digest(*, budget_round: Round, receipt: str) -> str:
    """What is stored of a receipt code."""
    return codes.keyed_hash("receipt", budget_round.pk, codes.normalize_code(receipt))


def _eligible_costs(budget_round: Round) -> dict[int, Decimal]:
    """The eligible projects' costs (an eligible project has one: project_eligible_has_cost)."""
    rows = Project.objects.filter(round=budget_round, status=ProjectStatus.ELIGIBLE)
    return {pk: cost for pk, cost in rows.values_list("pk", "cost") if cost is not None}


def ballot_validate(
    *, budget_round: Round, choices: Choices, costs: Mapping[int, Decimal] | None = None
) -> dict[str, int]:
    """Check a ballot against the round's rules; the choices as stored, or a Dutch error.

    `costs` are the eligible projects' costs when the caller has read them already.
    """
    if costs is None:
        costs = _eligible_costs(budget_round)
    if any(pk not in costs for pk in choices):
        raise BallotRefused(
            _("Your ballot names a project that is not on this ballot. Please choose again."),
            code="unknown_project",
        )
    if any(isinstance(points, bool) or not isinstance(points, int) for points in choices.values()):
        raise BallotRefused(_("The ballot could not be read. Please fill it in again."))
    chosen = {pk: points for pk, points in choices.items() if points}
    style = budget_round.ballot_style
    if style == BallotStyle.POINTS:
        given = sum(chosen.values())
        if any(points < 0 for points in chosen.values()):
            raise BallotRefused(_("Points cannot be negative."), code="negative_points")
        if given > budget_round.points_total:
            raise BallotRefused(
                _("You gave %(given)d points; you have %(total)d points to distribute.")
                % {"given": given, "total": budget_round.points_total},
                code="too_many_points",
            )
        if given == 0:
            raise BallotRefused(_("Give at least one point to a project."), code="empty")
    elif any(points != 1 for points in chosen.values()):
        raise BallotRefused(_("The ballot could not be read. Please fill it in again."))
    if style == BallotStyle.APPROVAL:
        if len(chosen) > budget_round.max_choices:
            raise BallotRefused(
                _("Choose at most %(n)d projects; you chose %(chosen)d.")
                % {"n": budget_round.max_choices, "chosen": len(chosen)},
                code="too_many",
            )
        if len(chosen) < max(budget_round.min_choices, 1):
            raise BallotRefused(
                _("Choose at least %(n)d projects; you chose %(chosen)d.")
                % {"n": max(budget_round.min_choices, 1), "chosen": len(chosen)},
                code="too_few",
            )
    if style == BallotStyle.KNAPSACK:
        total = sum((costs[pk] for pk in chosen), Decimal(0))
        if not chosen:
            raise BallotRefused(_("Choose at least one project."), code="too_few")
        if total > budget_round.budget:
            raise BallotRefused(
                _(
                    "The projects you chose cost %(total)s together, more than the budget "
                    "of %(budget)s. Leave out a project."
                )
                % {"total": euro(total), "budget": euro(budget_round.budget)},
                code="over_budget",
            )
        minimum = budget_round.budget * budget_round.min_budget_share / 100
        if total < minimum:
            raise BallotRefused(
                _("Choose projects worth at least %(min)s together (%(share)d%% of the budget).")
                % {"min": euro(minimum), "share": budget_round.min_budget_share},
                code="under_minimum",
            )
    return {str(pk): points for pk, points in sorted(chosen.items())}


def _round_sharing_lock(budget_round: Round) -> tuple[Round, dict[int, Decimal]]:
    """Re-read the round and its eligible projects' costs holding the round's configuration
    lock shared (see budget/locks.py), so neither can change while this ballot is cast."""
    round_config_lock_shared(round_pk=budget_round.pk)
    locked = Round.objects.get(pk=budget_round.pk)
    if locked.wijk_id == budget_round.wijk_id:
        locked.wijk = budget_round.wijk  # a wijk never changes: reuse the caller's copy
    return locked, _eligible_costs(locked)


def _store_ballot(
    *, budget_round: Round, voter_key: str, choices: dict[str, int], via: str, receipt: str
) -> None:
    """Create the voter's ballot or replace its choices, in one statement.

    An upsert on the one-ballot-per-voter constraint (INSERT ... ON CONFLICT DO UPDATE):
    it takes the row lock a concurrent request of the same voter then waits for, so the
    voter's requests are serialised here and the last one to commit counts. Ballots have
    no history by design (their contents are secret), so bypassing save() loses no audit
    row; the act of voting is audited in the Participation.
    """
    Ballot.objects.bulk_create(
        [
            Ballot(
                round=budget_round,
                voter_key=voter_key,
                choices=choices,
                via=via,
                receipt_digest=receipt_digest(budget_round=budget_round, receipt=receipt),
            )
        ],
        update_conflicts=True,
        unique_fields=["round", "voter_key"],
        update_fields=["choices", "receipt_digest"],
    )


def _record_participation(
    *, budget_round: Round, user: User | None, code: VotingCode | None, via: str
) -> bool:
    """Record that (and when) the voter voted, with its history row and the voter as actor;
    True when they had voted before.

    The ballot upsert, done first in the same transaction, holds the row lock that
    serialises the voter's concurrent requests, so no second request can insert this
    participation between the read and the save below.
    """
    lookup: dict[str, User | VotingCode | None] = (
        {"user": user} if user is not None else {"code": code}
    )
    participation = Participation.objects.filter(round=budget_round, **lookup).first()
    changed = participation is not None
    if participation is None:
        participation = Participation(round=budget_round, via=via, **lookup)
    else:
        participation.changed_at = timezone.now()
    # The foreign keys come from rows this request already holds and uniqueness is the
    # database's constraint, so full_clean's extra queries (about six a vote) are skipped.
    participation.clean_fields(exclude=["round", "user", "code", "entered_by", "confirmed_by"])
    # django-simple-history reads who and why from these attributes; it has no type hints.
    participation._history_user = user  # type: ignore[attr-defined]
    participation._change_reason = _("Ballot changed") if changed else _("Voted")  # type: ignore[attr-defined]
    participation.save()
    return changed


def _send_receipt(*, user: User, budget_round: Round, receipt: str) -> None:
    context = {"round": budget_round, "receipt": receipt, "site_url": settings.SITE_URL}
    message = EmailMultiAlternatives(
        subject=_("Your vote for %(round)s has been received") % {"round": budget_round.name},
        body=render_to_string("budget/email/ballot_receipt.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("budget/email/ballot_receipt.html", context), "text/html"
    )
    queue_email(message, private=True)  # the receipt code must not stay next to the address


@dataclass(frozen=True)
class CastResult:
    """What the voter gets back: the receipt code (shown once, e-mailed to account holders)."""

    receipt: str
    changed: bool


@transaction.atomic
def ballot_cast(*, actor: User, budget_round: Round, choices: Choices) -> CastResult:
    """An eligible resident casts (or changes) their ballot; the last one counts."""
    budget_round, costs = _round_sharing_lock(budget_round)
    if not actor.has_perm("budget.vote", budget_round):
        raise PermissionDenied(_refusal(actor=actor, budget_round=budget_round))
    stored = ballot_validate(budget_round=budget_round, choices=choices, costs=costs)
    receipt = codes.generate_code()
    _store_ballot(
        budget_round=budget_round,
        voter_key=voter_key_for_user(budget_round=budget_round, user=actor),
        choices=stored,
        via=Via.WEB,
        receipt=receipt,
    )
    changed = _record_participation(budget_round=budget_round, user=actor, code=None, via=Via.WEB)
    _send_receipt(user=actor, budget_round=budget_round, receipt=receipt)
    return CastResult(receipt=receipt, changed=changed)


def _refusal(*, actor: User, budget_round: Round) -> str:
    """Why this person cannot vote now, in plain words."""
    if budget_round.phase != "voting":
        return voter_refusal_closed(budget_round)
    if actor.has_perm("budget.vote", budget_round):
        return ""
    profile = getattr(actor, "profile", None)
    if profile is None or profile.wijk_id != budget_round.wijk_id:
        return _("Only residents of %(wijk)s can vote in this round.") % {
            "wijk": budget_round.wijk.name
        }
    if not profile.is_verified:
        return _("Verify your address first under My details (with the letter code) to vote.")
    return _(
        "This round has a minimum age of %(age)d. Fill in your birth year under My details."
    ) % {"age": budget_round.min_age}


def voter_refusal(*, actor: User, budget_round: Round) -> str:
    """Public wrapper for the ballot page: empty when the person may vote."""
    return _refusal(actor=actor, budget_round=budget_round)


def voting_code_check(*, budget_round: Round, code: str) -> VotingCode:
    """Find the letter code a voter typed, or say in plain words why it does not work."""
    unknown = CodeRejected(
        _("This voting code is not valid. Check the letter and try again."), code="invalid_code"
    )
    parts = codes.split_selector(code)
    if parts is None:
        raise unknown
    selector, verifier = parts
    row = VotingCode.objects.select_related("batch__round").filter(selector=selector).first()
    if row is None or not codes.verify(salt=row.salt, digest=row.digest, verifier=verifier):
        raise unknown
    if row.batch.round_id != budget_round.pk:
        raise CodeRejected(
            _("This code belongs to another wijkbudget round and cannot be used here."),
            code="other_round",
        )
    if row.batch.voided_at is not None or not budget_round.allow_letter_codes:
        raise CodeRejected(
            _("This code is no longer valid. Ask the municipality for a new letter."),
            code="voided_code",
        )
    if budget_round.phase != "voting":
        raise CodeRejected(_("Voting is not open now."), code="not_open")
    return row


@transaction.atomic
def ballot_cast_with_code(*, code: VotingCode, budget_round: Round, choices: Choices) -> CastResult:
    """A resident without an account votes (or changes the vote) with the letter code."""
    budget_round, costs = _round_sharing_lock(budget_round)
    code = VotingCode.objects.select_related("batch").get(pk=code.pk)
    if budget_round.phase != "voting":
        raise PermissionDenied(voter_refusal_closed(budget_round))
    if (
        code.batch.round_id != budget_round.pk
        or code.batch.voided_at is not None
        or not budget_round.allow_letter_codes
    ):
        raise CodeRejected(
            _("This code is no longer valid. Ask the municipality for a new letter."),
            code="voided_code",
        )
    stored = ballot_validate(budget_round=budget_round, choices=choices, costs=costs)
    receipt = codes.generate_code()
    _store_ballot(
        budget_round=budget_round,
        voter_key=voter_key_for_code(budget_round=budget_round, code=code),
        choices=stored,
        via=Via.CODE,
        receipt=receipt,
    )
    changed = _record_participation(budget_round=budget_round, user=None, code=code, via=Via.CODE)
    return CastResult(receipt=receipt, changed=changed)


def voter_refusal_closed(budget_round: Round) -> str:
    """Why nobody can vote in this round now (before or after the voting phase)."""
    if budget_round.voting_closed:
        return _("Voting has closed; your vote was not counted.")
    return _("Voting has not opened yet.")


def receipt_check(*, budget_round: Round, receipt: str) -> bool:
    """True when a receipt belongs to a ballot that counts (reveals nothing about choices)."""
    if codes.split_selector(receipt) is None:
        return False
    return Ballot.objects.filter(
        round=budget_round,
        counted=True,
        receipt_digest=receipt_digest(budget_round=budget_round, receipt=receipt),
    ).exists()


# --- Paper ballots (four eyes) --------------------------------------------------------


@transaction.atomic
def paper_ballot_enter(*, actor: User, budget_round: Round, choices: Choices) -> Ballot:
    """A staff member types in a paper ballot; it counts only once a colleague confirms it."""
    budget_round, costs = _round_sharing_lock(budget_round)
    if not actor.has_perm("budget.enter_paper_ballot", budget_round):
        raise PermissionDenied(_("Paper ballots are entered by staff, from the start of voting."))
    if hasattr(budget_round, "result"):
        raise ValidationError(_("This round has been counted; no more paper ballots."))
    stored = ballot_validate(budget_round=budget_round, choices=choices, costs=costs)
    return Ballot.objects.create(
        round=budget_round,
        voter_key=codes.keyed_hash("paper", budget_round.pk, uuid.uuid4().hex),
        choices=stored,
        via=Via.PAPER,
        counted=False,
        entered_by=actor,
    )


@transaction.atomic
def paper_ballot_confirm(*, actor: User, ballot: Ballot) -> Ballot:
    """A second staff member confirms a paper ballot; it counts from then on."""
    ballot = Ballot.objects.select_for_update().select_related("round").get(pk=ballot.pk)
    if not actor.has_perm("budget.enter_paper_ballot", ballot.round):
        raise PermissionDenied(_("Only council staff confirm paper ballots."))
    if ballot.via != Via.PAPER or ballot.counted:
        raise ValidationError(_("This paper ballot has already been confirmed."))
    if ballot.entered_by_id == actor.pk:
        raise ValidationError(
            _("A colleague must confirm this paper ballot: you entered it yourself."),
            code="same_person",
        )
    if hasattr(ballot.round, "result"):
        raise ValidationError(_("This round has been counted; no more paper ballots."))
    ballot.counted = True
    ballot.confirmed_by = actor
    ballot.save(update_fields=["counted", "confirmed_by"])
    participation = Participation(
        round=ballot.round, via=Via.PAPER, entered_by=ballot.entered_by, confirmed_by=actor
    )
    save_audited(participation, actor=actor, reason=_("Paper ballot entered and confirmed"))
    return ballot


@transaction.atomic
def paper_ballot_discard(*, actor: User, ballot: Ballot) -> None:
    """Throw away a paper ballot that was typed in wrongly, before it is confirmed."""
    ballot = Ballot.objects.select_for_update().select_related("round").get(pk=ballot.pk)
    if not actor.has_perm("budget.enter_paper_ballot", ballot.round):
        raise PermissionDenied(_("Only council staff handle paper ballots."))
    if ballot.via != Via.PAPER or ballot.counted:
        raise ValidationError(_("A confirmed paper ballot cannot be discarded."))
    ballot.delete()


# --- Letter voting codes --------------------------------------------------------------


@transaction.atomic
def voting_code_batch_create(
    *, actor: User, budget_round: Round, addresses: list[LetterAddress]
) -> tuple[VotingCodeBatch, list[tuple[LetterAddress, str]]]:
    """One voting code per address; the plain codes are returned once and never stored."""
    if not actor.has_perm("budget.manage_round", budget_round):
        raise PermissionDenied(_("Only council staff can generate voting codes."))
    if not budget_round.allow_letter_codes:
        raise ValidationError(_("This round does not allow voting with a letter code."))
    if budget_round.voting_closed:
        raise ValidationError(_("Voting has closed; no new codes."))
    batch = VotingCodeBatch(round=budget_round, created_by=actor)
    save_audited(
        batch, actor=actor, reason=_("%(n)d voting codes generated") % {"n": len(addresses)}
    )

    def build_row(address: LetterAddress, hashed: codes.HashedCode) -> VotingCode:
        return VotingCode(
            batch=batch,
            selector=hashed.selector,
            salt=hashed.salt,
            digest=hashed.digest,
            street=address.street,
            house_number=address.house_number,
            postcode=address.postcode,
        )

    letters = letter_codes_issue(addresses=addresses, actor=actor, build_row=build_row)
    return batch, letters


@transaction.atomic
def voting_code_batch_void(*, actor: User, batch: VotingCodeBatch) -> None:
    """Make a batch's codes unusable (lost letters, a failed download)."""
    if not actor.has_perm("budget.manage_round", batch.round):
        raise PermissionDenied(_("Only council staff can void voting codes."))
    batch = VotingCodeBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.voided_at:
        raise ValidationError(_("This batch was already voided."))
    batch.voided_at = timezone.now()
    save_audited(batch, actor=actor, reason=_("Voting codes voided"))
