"""Casting secret ballots: online, with a letter code, or on paper (four eyes).

A ballot is found by a keyed hash of its voter, so changing it needs no link
from the person to the row that a database administrator could read. The
act of voting is recorded apart, in an audited Participation without choices.

One person, one vote, whatever the channel (see `voter_claim` for the rules per electorate):
every vote, online, with a letter code or on paper, claims its voter by writing the round's
Participation of that voter (account or letter code) and, in "one vote per address" rounds,
of that address. The database keeps each unique per round, so of concurrent votes for the
same voter or address exactly one is written; the others are refused and nothing of them
is kept (the ballot is written in the same transaction).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from budget.locks import round_config_lock_shared
from budget.models import (
    Ballot,
    BallotStyle,
    PaperEntry,
    PaperEntryStatus,
    Participation,
    Project,
    ProjectStatus,
    Round,
    Via,
    VotingCode,
    VotingCodeBatch,
    address_key,
)
from core.models import User
from core.services import (
    LetterAddress,
    letter_codes_issue,
    save_audited,
)
from plumbing import codes
from plumbing.formatting import euro
from plumbing.mail import queue_email

Choices = Mapping[int, int]


class CodeRejected(ValidationError):
    """A letter voting code that cannot be used; the message says why."""


class BallotRefused(ValidationError):
    """The ballot breaks a rule of the round; nothing was counted."""


class ClaimRefused(BallotRefused):
    """The voter has no (further) vote in the round this way: see `voter_claim`."""


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


def _voter_address(*, user: User | None, code: VotingCode | None) -> str:
    if code is not None:
        return address_key(postcode=code.postcode, house_number=code.house_number)
    profile = getattr(user, "profile", None)
    if profile is None or not profile.postcode:
        return ""
    return address_key(postcode=profile.postcode, house_number=profile.house_number)


ALREADY_ONLINE = "already_voted_online"
ALREADY_PAPER = "already_voted_on_paper"
ALREADY_CODE = "code_already_used"
ADDRESS_VOTED = "address_already_voted"
JUST_VOTED = "voted_just_now"


def _claim_error(code: str) -> ClaimRefused:
    messages = {
        ALREADY_ONLINE: _(
            "This voter has already voted online in this round; a second vote on paper is "
            "not possible."
        ),
        ALREADY_PAPER: _(
            "A paper ballot has already been handed in for this voter in this round, so "
            "voting again is not possible."
        ),
        ALREADY_CODE: _(
            "This letter code has already been used to vote in this round; it cannot be used "
            "again on paper."
        ),
        ADDRESS_VOTED: _(
            "Someone at this address has already voted in this round. This round has one vote "
            "per address, so this vote was not counted."
        ),
        JUST_VOTED: _(
            "This voter has just voted in this round in another way, so this vote was not counted."
        ),
    }
    return ClaimRefused(messages[code], code=code)


def voter_claim_refusal(
    *, budget_round: Round, user: User | None = None, code: VotingCode | None = None, via: str
) -> str:
    """Why this voter cannot vote through `via` now (empty when they can); a plain read.

    The services check again when they write: see `voter_claim`.
    """
    try:
        _claim_check(budget_round=budget_round, user=user, code=code, via=via)
    except BallotRefused as error:
        return error.messages[0]
    return ""


def _claim_check(
    *, budget_round: Round, user: User | None, code: VotingCode | None, via: str
) -> tuple[Participation | None, str]:
    """The voter's own participation (None before their first vote) and their address key,
    or BallotRefused when the round's electorate gives them no (further) vote this way."""
    lookup: dict[str, User | VotingCode | None] = (
        {"user": user} if user is not None else {"code": code}
    )
    own = Participation.objects.filter(round=budget_round, **lookup).first()
    if own is not None and (via == Via.PAPER or own.via != via):
        # Online and letter-code voters may change their ballot through the same channel;
        # a paper form is final, and no voter votes through a second channel.
        if own.via == Via.PAPER:
            raise _claim_error(ALREADY_PAPER)
        raise _claim_error(ALREADY_CODE if own.via == Via.CODE else ALREADY_ONLINE)
    key = ""
    if budget_round.is_per_address:
        key = own.address_key if own is not None else _voter_address(user=user, code=code)
        others = Participation.objects.filter(round=budget_round, address_key=key)
        if own is not None:
            others = others.exclude(pk=own.pk)
        if key and others.exists():
            raise _claim_error(ADDRESS_VOTED)
    return own, key


def voter_claim(
    *,
    budget_round: Round,
    user: User | None,
    code: VotingCode | None,
    via: str,
    actor: User | None,
    reason: str,
    entered_by: User | None = None,
) -> tuple[Participation, bool]:
    """Claim the voter's one vote in the round: their Participation, saved with its history;
    with True when they had voted before (and change their ballot).

    The electorate of the round (`Round.electorate`) decides who has a vote:

    - one vote per eligible resident (the default): each verified resident of the wijk of
      age votes once with their account, online or on paper; each letter code is one vote
      for its address, online or on paper. An account holder and a letter code of the same
      household may both vote: the code stands for a resident without an account (the
      letter says so), and the platform cannot tell who of the household typed it in.
    - one vote per address: the first vote from an address counts, whichever channel it
      used (an account with that postcode and house number in its profile, the letter code
      of that address, or a paper form entered against either); every later one from that
      address is refused.

    In both, a voter (account or code) votes through one channel only: who voted online or
    with the code cannot hand in a paper form, and the reverse. Online and code voters may
    change their own ballot; a paper form is final once entered.

    Under concurrency the database decides: the Participation is unique per round and
    account, per round and code, and (per address) per round and address key. The check
    below gives the clear message; a concurrent vote that passed it waits for the other
    one's commit on the constraint and is then refused (a Dutch message too), and the
    caller's transaction keeps nothing.
    """
    own, key = _claim_check(budget_round=budget_round, user=user, code=code, via=via)
    changed = own is not None
    if own is None:
        participation = Participation(
            round=budget_round, user=user, code=code, via=via, address_key=key
        )
        if entered_by is not None:
            participation.entered_by = entered_by
    else:
        participation = own
        participation.changed_at = timezone.now()
    # The foreign keys come from rows this request already holds and uniqueness is the
    # database's constraint, so full_clean's extra queries (about six a vote) are skipped.
    participation.clean_fields(exclude=["round", "user", "code", "entered_by", "confirmed_by"])
    # django-simple-history reads who and why from these attributes; it has no type hints.
    participation._history_user = actor  # type: ignore[attr-defined]
    participation._change_reason = _("Ballot changed") if changed else reason  # type: ignore[attr-defined]
    try:
        # No savepoint around this save: on PostgreSQL a savepoint gives the row a
        # subtransaction id of its own, and the mixing's check for ballots written beside
        # a participation (budget/services/mixing.py) looks for the same transaction id.
        participation.save()
    except IntegrityError as error:
        # A concurrent vote for the same voter or address was committed first. The
        # transaction cannot be read from any more; the caller's rolls back entirely.
        raise _claim_error(ADDRESS_VOTED if "address" in str(error) else JUST_VOTED) from error
    return participation, changed


def _record_participation(
    *, budget_round: Round, user: User | None, code: VotingCode | None, via: str
) -> bool:
    """Record that (and when) the voter voted, with its history row and the voter as actor;
    True when they had voted before.

    The ballot upsert, done first in the same transaction, holds the row lock that
    serialises the voter's concurrent requests, so no second request of the same voter can
    insert this participation between the read and the save; another channel's vote for
    the same voter meets the unique constraints (see `voter_claim`).
    """
    _participation, changed = voter_claim(
        budget_round=budget_round, user=user, code=code, via=via, actor=user, reason=_("Voted")
    )
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
    if budget_round.is_draft:
        return _("This round has not been published yet, so nobody can vote in it.")
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


def _claim_refusal_for_voter(*, budget_round: Round, user: User) -> str:
    """Why an eligible resident has no (further) online vote: they voted on paper, or
    someone at their address voted in a one-vote-per-address round."""
    refusal = voter_claim_refusal(budget_round=budget_round, user=user, via=Via.WEB)
    if (
        refusal
        and Participation.objects.filter(round=budget_round, user=user, via=Via.PAPER).exists()
    ):
        return _("Your paper ballot for this round has been received, so you cannot vote online.")
    return refusal


def voter_refusal(*, actor: User, budget_round: Round, claim: bool = True) -> str:
    """Public wrapper for the ballot page: empty when the person may vote.

    With `claim=False` only the person's rights are checked, not whether they voted another
    way already: for a caller about to cast, whose service checks that as it writes (and
    raises ClaimRefused), so the ballot does not read the voter's participation twice.
    """
    refusal = _refusal(actor=actor, budget_round=budget_round)
    if refusal or not claim:
        return refusal
    return _claim_refusal_for_voter(budget_round=budget_round, user=actor)


def code_refusal(*, budget_round: Round, code: VotingCode, claim: bool = True) -> str:
    """Why a letter code cannot vote (now): empty when it can (the ballot page's check).
    `claim` as in `voter_refusal`."""
    if budget_round.is_draft:
        return _("This round has not been published yet, so nobody can vote in it.")
    if budget_round.phase != "voting":
        return voter_refusal_closed(budget_round)
    if not claim:
        return ""
    return voter_claim_refusal(budget_round=budget_round, code=code, via=Via.CODE)


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
    refusal = voter_claim_refusal(budget_round=budget_round, code=row, via=Via.CODE)
    if refusal:
        raise CodeRejected(refusal, code="code_claimed")
    return row


@transaction.atomic
def ballot_cast_with_code(*, code: VotingCode, budget_round: Round, choices: Choices) -> CastResult:
    """A resident without an account votes (or changes the vote) with the letter code."""
    budget_round, costs = _round_sharing_lock(budget_round)
    code = VotingCode.objects.select_related("batch").get(pk=code.pk)
    if budget_round.is_draft or budget_round.phase != "voting":
        raise PermissionDenied(code_refusal(budget_round=budget_round, code=code, claim=False))
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
#
# A paper form is handed in at the desk with the letter code or by a resident with an account.
# One staff member types it in against that entry of the voter register: this claims the
# voter's vote at once (their Participation, via paper) and keeps the typed choices on a
# PaperEntry, which records who entered it and when. A colleague compares it with the form
# and confirms it (the choices become an unlinked Ballot with a random key, and leave the
# entry) or discards it with a reason (the choices leave the entry and the voter's claim is
# withdrawn). The one who entered a form decides neither; the database checks it too.


def _paper_code(*, budget_round: Round, code: str) -> VotingCode:
    """The letter code handed in with a paper form, or why it is not on the register."""
    unknown = BallotRefused(
        {"code": _("This voting code is not valid. Check the letter and try again.")},
        code="invalid_code",
    )
    parts = codes.split_selector(code)
    if parts is None:
        raise unknown
    selector, verifier = parts
    row = VotingCode.objects.select_related("batch").filter(selector=selector).first()
    if row is None or not codes.verify(salt=row.salt, digest=row.digest, verifier=verifier):
        raise unknown
    if row.batch.round_id != budget_round.pk:
        raise BallotRefused(
            {"code": _("This code belongs to another wijkbudget round and cannot be used here.")},
            code="other_round",
        )
    if row.batch.voided_at is not None or not budget_round.allow_letter_codes:
        raise BallotRefused(
            {"code": _("This code is no longer valid. Ask the municipality for a new letter.")},
            code="voided_code",
        )
    return row


@transaction.atomic
def paper_ballot_enter(
    *,
    actor: User,
    budget_round: Round,
    choices: Choices,
    resident: User | None = None,
    code: str = "",
) -> PaperEntry:
    """A staff member types in a paper form against the voter register (a resident's account
    or the letter code handed in); it counts only once a colleague confirms it."""
    budget_round, costs = _round_sharing_lock(budget_round)
    if not actor.has_perm("budget.enter_paper_ballot", budget_round):
        raise PermissionDenied(_("Paper ballots are entered by staff, from the start of voting."))
    if hasattr(budget_round, "result"):
        raise ValidationError(_("This round has been counted; no more paper ballots."))
    if (resident is None) == (not code.strip()):
        raise BallotRefused(
            _(
                "Enter the paper ballot against the voter register: the resident's account or "
                "the letter code handed in with the form (one of the two)."
            ),
            code="no_register_entry",
        )
    voting_code = None
    if resident is not None:
        if not resident.has_perm("budget.vote_on_paper", budget_round):
            raise BallotRefused(
                {
                    "resident": _(
                        "%(name)s is not on the voter register of this round: only verified "
                        "residents of %(wijk)s of the minimum age vote."
                    )
                    % {"name": resident.email, "wijk": budget_round.wijk.name}
                },
                code="not_on_register",
            )
    else:
        voting_code = _paper_code(budget_round=budget_round, code=code)
    stored = ballot_validate(budget_round=budget_round, choices=choices, costs=costs)
    participation, _changed = voter_claim(
        budget_round=budget_round,
        user=resident,
        code=voting_code,
        via=Via.PAPER,
        actor=actor,
        reason=_("Paper ballot entered; waiting for a colleague"),
        entered_by=actor,
    )
    entry = PaperEntry(
        round=budget_round, participation=participation, choices=stored, entered_by=actor
    )
    save_audited(entry, actor=actor, reason=_("Paper ballot entered"))
    return entry


def _pending_entry(*, actor: User, entry: PaperEntry, decision: str) -> PaperEntry:
    """The entry locked for a decision by a second staff member, or why not.

    The round's configuration lock comes first, as when a ballot is cast (the confirmed
    ballot is validated against that configuration), then the entry's row.
    """
    round_config_lock_shared(round_pk=entry.round_id)
    entry = (
        PaperEntry.objects.select_for_update(of=("self",))
        .select_related("round__wijk", "participation")
        .get(pk=entry.pk)
    )
    if not actor.has_perm("budget.enter_paper_ballot", entry.round):
        raise PermissionDenied(_("Only council staff handle paper ballots."))
    if entry.status != PaperEntryStatus.PENDING:
        raise ValidationError(
            _("This paper ballot has already been confirmed or discarded."), code="decided"
        )
    if entry.entered_by_id == actor.pk:
        message = (
            _("A colleague must confirm this paper ballot: you entered it yourself.")
            if decision == "confirm"
            else _("A colleague must discard this paper ballot: you entered it yourself.")
        )
        raise ValidationError(message, code="same_person")
    if hasattr(entry.round, "result"):
        raise ValidationError(_("This round has been counted; no more paper ballots."))
    return entry


@transaction.atomic
def paper_ballot_confirm(*, actor: User, entry: PaperEntry) -> PaperEntry:
    """A second staff member confirms a paper form: it counts from then on, as an unlinked
    ballot; the entry keeps who entered and confirmed it, and when, not the choices."""
    entry = _pending_entry(actor=actor, entry=entry, decision="confirm")
    budget_round = entry.round
    costs = _eligible_costs(budget_round)
    stored = ballot_validate(
        budget_round=budget_round,
        choices={int(pk): points for pk, points in entry.choices.items()},
        costs=costs,
    )
    Ballot.objects.create(
        round=budget_round,
        voter_key=codes.keyed_hash("paper", budget_round.pk, uuid.uuid4().hex),
        choices=stored,
        via=Via.PAPER,
    )
    participation = entry.participation
    if participation is None:  # entered before paper forms named their voter (migration 0005)
        participation = Participation(round=budget_round, via=Via.PAPER)
        participation.entered_by = entry.entered_by
    participation.confirmed_by = actor
    save_audited(participation, actor=actor, reason=_("Paper ballot entered and confirmed"))
    entry.participation = participation
    entry.status = PaperEntryStatus.CONFIRMED
    entry.decided_by = actor
    entry.decided_at = timezone.now()
    entry.choices = {}
    save_audited(entry, actor=actor, reason=_("Paper ballot confirmed"))
    return entry


@transaction.atomic
def paper_ballot_discard(
    *, actor: User, entry: PaperEntry, reason: str, set_aside: bool = False
) -> PaperEntry:
    """A second staff member discards a paper entry, with the reason: typed in wrongly (the
    same form is entered again), or, `set_aside`, the form is not valid (it never counts and
    is a discarded form in the reconciliation). Either way the voter's claim is withdrawn."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say why this paper ballot is discarded.")}, code="reason_required"
        )
    entry = _pending_entry(actor=actor, entry=entry, decision="discard")
    participation = entry.participation
    entry.participation = None
    entry.status = PaperEntryStatus.DISCARDED
    entry.decided_by = actor
    entry.decided_at = timezone.now()
    entry.discard_reason = reason
    entry.form_set_aside = set_aside
    entry.choices = {}
    save_audited(
        entry, actor=actor, reason=_("Paper ballot discarded: %(reason)s") % {"reason": reason}
    )
    if participation is not None:
        # The deletion is recorded in the participation's history, with who and why.
        participation._history_user = actor  # type: ignore[attr-defined]
        participation._change_reason = _("Paper ballot discarded: %(reason)s") % {  # type: ignore[attr-defined]
            "reason": reason
        }
        participation.delete()
    return entry


@transaction.atomic
def paper_forms_received_set(*, actor: User, budget_round: Round, received: int) -> Round:
    """Staff record how many paper forms the round received; counting waits until the forms
    entered and discarded add up to it."""
    if not actor.has_perm("budget.enter_paper_ballot", budget_round):
        raise PermissionDenied(_("Only council staff handle paper ballots."))
    budget_round = Round.objects.select_for_update().get(pk=budget_round.pk)
    result = getattr(budget_round, "result", None)
    if result is not None and result.is_published:
        raise ValidationError(
            _("The result has been published; the number of paper forms can no longer change.")
        )
    if received < 0:
        raise ValidationError({"received": _("Enter a number of 0 or more.")})
    before = budget_round.paper_forms_received
    budget_round.paper_forms_received = received
    save_audited(
        budget_round,
        actor=actor,
        reason=_("Paper forms received: %(n)d (was %(before)d)")
        % {"n": received, "before": before},
    )
    return budget_round


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
