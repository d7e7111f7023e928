"""Reads of the wijkbudget worth a name."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from budget.models import (
    RULE_EXPLANATIONS,
    Ballot,
    CountingRule,
    PaperEntry,
    PaperEntryStatus,
    Participation,
    Project,
    ProjectStatus,
    Result,
    Round,
    Via,
    VotingCode,
    VotingCodeBatch,
    address_key,
)
from core.models import Profile, ResidencyStatus, User, Wijk
from core.roles import BUDGET_OFFICERS, COUNCIL_STAFF
from plumbing import codes
from review.registry import SubjectSummary, stored_file


def rounds_public() -> QuerySet[Round]:
    """Rounds residents see (drafts and rehearsals stay with staff), newest voting first.

    Every public list of rounds, their projects and results starts here (or at
    `Round.objects.public()`), so a draft shows up in none of them.
    """
    return Round.objects.public().select_related("wijk", "result")


def round_hidden_from(*, budget_round: Round, user: User) -> bool:
    """A draft round is not there for anyone but staff who manage rounds (404, not 403).

    Asks about the user only for drafts, so published rounds cost no query.
    """
    return budget_round.is_draft and not user.has_perm("budget.manage_round", budget_round)


def rounds_open(*, wijk: Wijk | None = None) -> list[Round]:
    """Public rounds between the start of proposals and the end of voting (for home pages)."""
    now = timezone.now()
    qs = rounds_public().filter(proposals_start__lte=now, voting_end__gt=now)
    if wijk is not None:
        qs = qs.filter(wijk=wijk)
    return list(qs.order_by("voting_end"))


def wijken_of_budget_officer(*, user: User) -> QuerySet[Wijk]:
    """The wijken whose rounds a budget officer runs (none without the role), by name.

    The reading counterpart of budget.rules.is_budget_officer.
    """
    if not user.is_authenticated:
        return Wijk.objects.none()
    roles = set(
        user.groups.filter(name__in=(COUNCIL_STAFF, BUDGET_OFFICERS)).values_list("name", flat=True)
    )
    if roles != {COUNCIL_STAFF, BUDGET_OFFICERS}:
        return Wijk.objects.none()
    return Wijk.objects.filter(budget_officers__user=user).distinct().order_by("name")


def rounds_for_staff(*, user: User) -> QuerySet[Round]:
    """The rounds of the budget officer's wijken, with counts for the staff list."""
    rounds = Round.objects.filter(wijk__in=wijken_of_budget_officer(user=user))
    return rounds.select_related("wijk", "result").annotate(
        project_count=Count("projects", distinct=True),
        participation_count=Count("participations", distinct=True),
    )


def round_detail(*, pk: int) -> Round:
    """One round with its wijk and result."""
    return Round.objects.select_related("wijk", "result").get(pk=pk)


def projects_on_ballot(*, budget_round: Round) -> QuerySet[Project]:
    """The eligible projects, as the ballot shows them."""
    return Project.objects.filter(round=budget_round, status=ProjectStatus.ELIGIBLE).order_by(
        "title", "pk"
    )


def projects_public(*, budget_round: Round) -> QuerySet[Project]:
    """Every proposal that residents may see, with its status and public reason."""
    return (
        Project.objects.filter(round=budget_round)
        .exclude(status=ProjectStatus.WITHDRAWN)
        .select_related("initiative")
        .order_by("title", "pk")
    )


def projects_for_staff(*, budget_round: Round) -> QuerySet[Project]:
    """All projects of a round for staff, with the proposer."""
    return (
        Project.objects.filter(round=budget_round)
        .select_related("proposed_by__profile", "initiative")
        .order_by("status", "title")
    )


def eligible_voter_count(*, budget_round: Round) -> int:
    """The voter register's size: verified residents of the wijk of age, plus live letter
    codes (one vote per resident), or the distinct addresses among them (one per address).

    Paper forms are entered against this register; only those entered before paper forms
    named their voter (migration 0005) are added on top.
    """
    profiles = Profile.objects.filter(
        wijk=budget_round.wijk, residency_status=ResidencyStatus.VERIFIED
    )
    if budget_round.min_age is not None:
        profiles = profiles.filter(
            birth_year__lte=budget_round.voting_end.year - budget_round.min_age
        )
    live_codes = VotingCode.objects.filter(batch__round=budget_round, batch__voided_at__isnull=True)
    if not budget_round.allow_letter_codes:
        live_codes = live_codes.none()
    if budget_round.is_per_address:
        addresses = {
            address_key(postcode=postcode, house_number=number)
            for postcode, number in [
                *profiles.values_list("postcode", "house_number"),
                *live_codes.values_list("postcode", "house_number"),
            ]
        }
        count = len(addresses)
    else:
        count = profiles.count() + live_codes.count()
    unregistered_paper = Participation.objects.filter(
        round=budget_round, via=Via.PAPER, user__isnull=True, code__isnull=True
    ).count()
    return count + unregistered_paper


def has_voted(*, budget_round: Round, user: User) -> bool:
    """Whether this person has voted in the round (the audited participation says so)."""
    return (
        user.is_authenticated
        and Participation.objects.filter(round=budget_round, user=user).exists()
    )


def own_choices(
    *, budget_round: Round, user: User | None = None, code: VotingCode | None = None
) -> dict[int, int]:
    """The voter's own current choices, to change them; found by the keyed hash only."""
    if user is not None:
        key = codes.keyed_hash("ballot", budget_round.pk, user.pk)
    elif code is not None:
        key = codes.keyed_hash("ballot-code", budget_round.pk, code.pk)
    else:
        return {}
    choices = (
        Ballot.objects.filter(round=budget_round, voter_key=key)
        .values_list("choices", flat=True)
        .first()
    )
    return {int(pk): points for pk, points in (choices or {}).items()}


def participation_summary(*, budget_round: Round) -> dict[str, int]:
    """How many voted, by way of voting, and the paper forms' reconciliation (for staff)."""
    rows = Participation.objects.filter(round=budget_round).values("via").annotate(n=Count("id"))
    summary = {row["via"]: row["n"] for row in rows}
    summary["total"] = sum(summary.values())
    paper = paper_reconciliation(budget_round=budget_round)
    summary["pending_paper"] = paper.pending
    summary["paper_received"] = paper.received
    summary["paper_discarded"] = paper.discarded
    summary["paper_adds_up"] = paper.adds_up
    return summary


@dataclass(frozen=True)
class PaperReconciliation:
    """The paper forms of a round: received (as staff recorded), entered, discarded."""

    received: int
    entered: int  # a paper Participation each: confirmed or still pending
    pending: int
    discarded: int  # forms set aside as not valid (not entries retyped after a typing error)

    @property
    def adds_up(self) -> bool:
        return self.entered + self.discarded == self.received


def paper_reconciliation(*, budget_round: Round) -> PaperReconciliation:
    """Whether every paper form received has been entered or discarded (the count waits)."""
    entries = PaperEntry.objects.filter(round=budget_round).aggregate(
        pending=Count("id", filter=Q(status=PaperEntryStatus.PENDING)),
        set_aside=Count("id", filter=Q(status=PaperEntryStatus.DISCARDED, form_set_aside=True)),
    )
    return PaperReconciliation(
        received=budget_round.paper_forms_received,
        entered=Participation.objects.filter(round=budget_round, via=Via.PAPER).count(),
        pending=entries["pending"],
        discarded=entries["set_aside"],
    )


def ballots_by_channel(*, budget_round: Round) -> dict[str, int]:
    """Counted ballots per way of voting: {"web": n, "code": n, "paper": n, "import": n}."""
    rows = (
        Ballot.objects.filter(round=budget_round, counted=True)
        .order_by()
        .values("via")
        .annotate(n=Count("id"))
    )
    return dict.fromkeys(Via.values, 0) | {row["via"]: row["n"] for row in rows}


def pending_paper_entries(*, budget_round: Round) -> QuerySet[PaperEntry]:
    """Paper forms waiting for a second staff member, with their register entry."""
    return PaperEntry.objects.filter(
        round=budget_round, status=PaperEntryStatus.PENDING
    ).select_related("entered_by__profile", "participation__user__profile", "participation__code")


def decided_paper_entries(*, budget_round: Round) -> QuerySet[PaperEntry]:
    """Paper forms confirmed or discarded, newest decision first (no choices: they are gone)."""
    return (
        PaperEntry.objects.filter(round=budget_round)
        .exclude(status=PaperEntryStatus.PENDING)
        .select_related("entered_by__profile", "decided_by__profile")
        .order_by("-decided_at", "-pk")
    )


def resident_by_email(*, email: str) -> User | None:
    """The account with this e-mail address (staff pick the voter of a paper form)."""
    return (
        User.objects.filter(email__iexact=email.strip(), is_active=True)
        .select_related("profile")
        .first()
    )


def code_batches(*, budget_round: Round) -> QuerySet[VotingCodeBatch]:
    """The round's voting code batches with their sizes and use."""
    return VotingCodeBatch.objects.filter(round=budget_round).annotate(
        code_count=Count("codes", distinct=True),
    )


def codes_used_count(*, budget_round: Round) -> int:
    """How many letter codes have voted."""
    return Participation.objects.filter(round=budget_round, code__isnull=False).count()


@dataclass
class ResultRow:
    """One project on the results page."""

    project: Project
    votes: int
    funded: bool
    order: int | None
    share: float  # votes against the most voted project, for the chart


def result_rows(*, result: Result) -> list[ResultRow]:
    """Projects with their votes, funded first in the order they were selected."""
    projects = {
        p.pk: p for p in Project.objects.filter(round_id=result.round_id, status="eligible")
    }
    top = max([int(v) for v in result.votes.values()] or [0]) or 1
    order = {pk: n for n, pk in enumerate(result.funded, start=1)}
    rows = [
        ResultRow(
            project=project,
            votes=int(result.votes.get(str(pk), 0)),
            funded=pk in order,
            order=order.get(pk),
            share=round(100 * int(result.votes.get(str(pk), 0)) / top, 1),
        )
        for pk, project in projects.items()
    ]
    rows.sort(key=lambda row: (not row.funded, row.order or 0, -row.votes, row.project.title))
    return rows


def result_comparison(*, result: Result) -> list[dict]:
    """What each rule would have funded and the share of voters it reaches."""
    titles = dict(Project.objects.filter(round_id=result.round_id).values_list("pk", "title"))
    rows = []
    for rule, figure in result.figures.items():
        voters = figure["voters"] or 0
        known = rule in CountingRule.values
        rows.append(
            {
                "rule": CountingRule(rule).label if known else rule,
                "explanation": RULE_EXPLANATIONS.get(rule, "") if known else "",
                "chosen": rule == result.rule,
                "funded": [titles.get(pk, pk) for pk in figure["funded"]],
                "total_cost": Decimal(figure["total_cost"]),
                "reached": figure["reached"],
                "share": round(100 * figure["reached"] / voters, 1) if voters else 0,
            }
        )
    return rows


def funded_projects(*, result: Result) -> QuerySet[Project]:
    """The funded projects of a result, with their progress updates."""
    return Project.objects.filter(pk__in=result.funded).prefetch_related("updates")


def rounds_with_published_results() -> QuerySet[Round]:
    """Public rounds whose result is out."""
    return rounds_public().filter(Q(result__published_at__isnull=False))


def residents_of_round_wijk(*, budget_round: Round) -> QuerySet[User]:
    """Everyone whose profile places them in the round's wijk and who can receive e-mail."""
    return (
        User.objects.filter(is_active=True, profile__wijk_id=budget_round.wijk_id)
        .exclude(email="")
        .select_related("profile")
        .order_by("pk")
    )


def residents_to_call_to_vote(*, budget_round: Round, skip_voters: bool = False) -> QuerySet[User]:
    """Residents told that voting opens (or closes): the wijk's residents, minus the too young.

    Unverified residents are included on purpose: they can still verify their address
    before voting closes, and the message tells them how. Those known to be under the
    round's minimum age cannot become eligible during the round and are left out.
    With `skip_voters`, those with a Participation in the round are left out too (only
    that they voted is looked at, never a ballot).
    """
    users = residents_of_round_wijk(budget_round=budget_round)
    if budget_round.min_age is not None:
        users = users.exclude(
            profile__birth_year__gt=budget_round.voting_end.year - budget_round.min_age
        )
    if skip_voters:
        users = users.exclude(budget_participations__round=budget_round)
    return users


def rounds_due_voting_opens(*, now) -> QuerySet[Round]:
    """Public rounds in their voting phase whose residents have not been told yet."""
    return rounds_public().filter(
        voting_start__lte=now, voting_end__gt=now, voting_opens_notified_at__isnull=True
    )


def rounds_due_voting_closes(*, now, ahead) -> QuerySet[Round]:
    """Public rounds whose voting closes within `ahead` and whose reminder has not gone out."""
    return rounds_public().filter(
        voting_start__lte=now,
        voting_end__gt=now,
        voting_end__lte=now + ahead,
        voting_closes_notified_at__isnull=True,
    )


def rounds_due_ballot_mixing(*, now, after_close) -> QuerySet[Round]:
    """Rounds whose voting has opened and closed less than `after_close` ago (rehearsals too)."""
    return Round.objects.filter(voting_start__lte=now, voting_end__gt=now - after_close).order_by(
        "pk"
    )


def project_review_summary(project: Project) -> SubjectSummary:
    """What the wijkpanel reads of a project proposal it reviews (the proposer stays unnamed)."""
    facts = [(_("Round"), project.round.name)]
    if project.initiative is not None:
        facts.append((_("Initiative"), project.initiative.title))
    return SubjectSummary(
        summary=project.summary,
        description=project.description,
        amount_label=_("Cost estimate"),
        amount=project.cost,
        facts=tuple(facts),
        files=stored_file(project.photo, key="foto", label=_("Photo")),
        url=reverse("budget:project_detail", kwargs={"pk": project.pk}),
        url_label=_("Open the full project proposal"),
        url_permission="budget.view_project",
    )
