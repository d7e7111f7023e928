"""Counting rules and the Pabulib format: real published results, tie-breaking, edge cases."""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import pytest

from budget.tally.counting import (
    RULES,
    UnknownRuleError,
    compare_rules,
    outcome_figures,
    tally,
)
from budget.tally.election import Election, ElectionError, project_id_key
from budget.tally.pabulib import PabulibError, format_amount, parse_pb, read_pb, write_pb

PABULIB_DIR = Path(
    os.environ.get("PABULIB_DIR")
    or Path(__file__).resolve().parents[2].parent / "shared" / "pabulib"
)
PB_FILES = sorted(PABULIB_DIR.glob("*.pb"))


def _header(path: Path) -> tuple[str | None, bool]:
    """The META rule and whether PROJECTS has a selected column, without parsing the votes."""
    rule = None
    with path.open(encoding="utf-8-sig") as lines:
        for line in lines:
            if line.startswith("rule;"):
                rule = line.split(";", 1)[1].strip()
            if line.startswith("project_id;"):
                return rule, "selected" in line.strip().split(";")
    return rule, False


COUNTED_FILES = [path for path in PB_FILES if _header(path) in {(rule, True) for rule in RULES}]


@pytest.mark.skipif(not COUNTED_FILES, reason=f"no Pabulib files with a result in {PABULIB_DIR}")
@pytest.mark.parametrize("path", COUNTED_FILES, ids=lambda path: path.stem)
def test_reproduces_the_published_result(path):
    election = read_pb(path=path)
    funded = tally(election=election, rule=election.meta["rule"])
    assert len(funded) == len(set(funded))
    assert set(funded) == election.selected
    assert sum(election.projects[p] for p in funded) <= election.budget


@pytest.mark.skipif(not PB_FILES, reason=f"no Pabulib files in {PABULIB_DIR}")
@pytest.mark.parametrize("path", PB_FILES, ids=lambda path: path.stem)
def test_parses_every_file_and_counts_its_votes(path):
    election = read_pb(path=path)
    assert len(election.ballots) == int(election.meta["num_votes"])
    assert len(election.projects) == int(election.meta["num_projects"])
    counted = dict.fromkeys(election.projects, 0)
    for ballot in election.ballots:
        for project_id in ballot:
            counted[project_id] += 1
    assert {p: counted[p] for p in election.votes} == election.votes
    assert parse_pb(text=write_pb(election=election)) == election


def test_wieliczka_add1_runs_to_the_last_affordable_outcome():
    path = PABULIB_DIR / "Poland_Wieliczka_2023_Green_Budget.pb"
    if not path.exists():
        pytest.skip("Wieliczka file not available")
    election = read_pb(path=path)
    assert len(tally(election=election, rule="equalshares/add1")) == 30


# Tie-breaking


def test_greedy_breaks_ties_by_cost_then_id():
    election = Election(
        budget=100,
        projects={"10": 5, "9": 5, "b": 3, "a": 8},
        ballots=[frozenset({"10", "9", "b", "a"})],
    )
    # All have one vote: cheapest first, then "9" before "10" (numeric ids compare as numbers).
    assert tally(election=election, rule="greedy") == ["b", "9", "10", "a"]


def test_greedy_skips_what_does_not_fit_and_goes_on():
    election = Election(
        budget=10,
        projects={"1": 6, "2": 5, "3": 4},
        ballots=[frozenset({"1", "2", "3"}), frozenset({"1", "2"}), frozenset({"1"})],
    )
    assert tally(election=election, rule="greedy") == ["1", "3"]


def test_project_ids_sort_numbers_first_then_strings():
    ids = ["b", "10", "2", "1a", "007", "7"]
    assert sorted(ids, key=project_id_key) == ["2", "007", "7", "10", "1a", "b"]


def test_equal_shares_tie_goes_to_the_cheaper_project():
    election = Election(budget=30, projects={"1": 20, "2": 10}, ballots=[frozenset({"1", "2"})] * 2)
    # Both have 2 effective votes; the cheaper "2" comes first although its id is higher.
    assert tally(election=election, rule="equalshares") == ["2", "1"]


def test_equal_shares_tie_of_equal_cost_goes_to_more_votes():
    # Shares of 5. Project "3" (4 votes) is funded first and leaves voters p1 and p2 with 1 each.
    # Then "2" (voters r, p1, p2) and "1" (voters y1, y2), both costing 4, have 2 effective
    # votes each: r pays 2, p1 and p2 pay their 1, and y1, y2 pay 2 each. "2" has more votes.
    ballots = [
        frozenset({"2"}),  # r
        frozenset({"2", "3"}),  # p1
        frozenset({"2", "3"}),  # p2
        frozenset({"3"}),  # w1
        frozenset({"3"}),  # w2
        frozenset({"1"}),  # y1
        frozenset({"1"}),  # y2
    ]
    election = Election(budget=35, projects={"1": 4, "2": 4, "3": 16}, ballots=ballots)
    assert tally(election=election, rule="equalshares") == ["3", "2", "1"]


def test_equal_shares_full_tie_goes_to_the_lower_id():
    election = Election(budget=10, projects={"10": 5, "9": 5}, ballots=[frozenset({"10", "9"})] * 2)
    assert tally(election=election, rule="equalshares") == ["9", "10"]


# Add1


def test_add1_keeps_the_last_affordable_outcome_not_the_first_exhaustive_one():
    election = Election(
        budget=60,
        projects={"1": 10, "2": 60},
        ballots=[frozenset(), frozenset({"2"}), frozenset({"1", "2"})],
    )
    # With shares of 20 the voters of "2" hold 40 < 60, so only "1" is funded: an exhaustive
    # outcome (50 left, "2" does not fit), where pabutools' Add1 stops. From shares of 30 on, "2"
    # wins and costs exactly the budget; at 40 both are funded (70 > 60), so ["2"] is kept.
    assert tally(election=election, rule="equalshares") == ["1"]
    assert tally(election=election, rule="equalshares/add1") == ["2"]


def test_add1_stops_once_every_supported_project_is_funded():
    # "3" has no supporter, so no share ever funds it: without the stop this would loop forever.
    election = Election(
        budget=100,
        projects={"1": 10, "2": 10, "3": 10},
        ballots=[frozenset({"1"}), frozenset({"2"})],
    )
    assert tally(election=election, rule="equalshares/add1") == ["1", "2"]


def test_add1_never_keeps_an_outcome_over_budget():
    election = Election(
        budget=30,
        projects={"1": 12, "2": 12, "3": 12},
        ballots=[frozenset({"1"}), frozenset({"2"}), frozenset({"3"})],
    )
    # Shares of 10 and 11 fund nothing; 12 funds all three (36 > 30), so nothing is kept.
    assert tally(election=election, rule="equalshares/add1") == []
    richer = Election(budget=36, projects=election.projects, ballots=election.ballots)
    assert tally(election=richer, rule="equalshares") == ["1", "2", "3"]


def test_add1_comparison_keeps_equal_shares_when_more_voters_prefer_it():
    election = Election(
        budget=30,
        projects={"1": 10, "2": 10, "3": 30},
        ballots=[
            frozenset({"3"}),
            frozenset({"1", "3"}),
            frozenset({"2"}),
            frozenset({"1", "2", "3"}),
        ],
    )
    # Greedy funds "3"; Equal Shares "1" and "2", which 2 voters prefer against 1.
    assert tally(election=election, rule="greedy") == ["3"]
    assert tally(election=election, rule="equalshares/add1-comparison") == ["1", "2"]


def test_add1_comparison_switches_to_greedy_when_more_voters_prefer_it():
    election = Election(
        budget=80, projects={"1": 50, "2": 50}, ballots=[frozenset({"2"}), frozenset({"1"})]
    )
    # Shares of 40 to 49 fund nothing; 50 funds both (100 > 80). Greedy funds "1" (lower id).
    assert tally(election=election, rule="equalshares/add1") == []
    assert tally(election=election, rule="equalshares/add1-comparison") == ["1"]


def test_add1_comparison_tie_keeps_equal_shares():
    election = Election(
        budget=40, projects={"1": 10, "2": 30}, ballots=[frozenset({"2"}), frozenset({"2"})]
    )
    # Greedy adds "1", which nobody voted for: no voter prefers either outcome.
    assert tally(election=election, rule="greedy") == ["2", "1"]
    assert tally(election=election, rule="equalshares/add1-comparison") == ["2"]


# Projects nobody supports, no ballots


def test_project_nobody_supports():
    election = Election(
        budget=100, projects={"1": 10, "2": 10}, ballots=[frozenset({"1"}), frozenset()]
    )
    assert tally(election=election, rule="equalshares") == ["1"]
    assert tally(election=election, rule="equalshares/add1") == ["1"]
    # The README's greedy walks the whole list: a project without votes is funded if it fits.
    assert tally(election=election, rule="greedy") == ["1", "2"]


def test_no_ballots_at_all():
    election = Election(budget=100, projects={"1": 60, "2": 50}, ballots=[])
    for rule in ("equalshares", "equalshares/add1", "equalshares/add1-comparison"):
        assert tally(election=election, rule=rule) == []
    assert tally(election=election, rule="greedy") == ["2"]
    figures = outcome_figures(election=election, funded=[])
    assert figures.share_with_funded_project == 0


def test_free_project_with_supporters_is_funded_first():
    election = Election(budget=10, projects={"1": 10, "2": 0}, ballots=[frozenset({"1", "2"})])
    assert tally(election=election, rule="equalshares") == ["2", "1"]


def test_unknown_rule():
    election = Election(budget=1, projects={"1": 1}, ballots=[])
    with pytest.raises(UnknownRuleError, match="greedy-threshold"):
        tally(election=election, rule="greedy-threshold")


# Points ballots


def test_points_ballots():
    election = Election(
        budget=100,
        projects={"1": 60, "2": 50, "3": 40},
        ballots=[{"1": 3, "2": 1}, {"2": 2, "3": 2}, {"1": 1, "3": 2}],
        vote_type="cumulative",
    )
    # Points: "1" 4, "3" 4, "2" 3. Greedy: "3" (cheaper of the two with 4), "1" (60 fits in 60).
    assert tally(election=election, rule="greedy") == ["3", "1"]
    assert tally(election=election, rule="equalshares") == ["3"]


# Comparison figures


def test_outcome_figures_and_compare_rules():
    election = Election(
        budget=10,
        projects={"1": 10, "2": 5, "3": 5},
        ballots=[frozenset({"1"})] * 3 + [frozenset({"2"}), frozenset({"3"}), frozenset()],
    )
    figures = outcome_figures(election=election, funded=["2", "3"])
    assert figures.total_cost == 10
    assert figures.voters_with_funded_project == 2
    assert figures.share_with_funded_project == Fraction(1, 3)
    by_rule = compare_rules(election=election)
    assert set(by_rule) == set(RULES)
    assert by_rule["greedy"].funded == ("1",)
    assert by_rule["greedy"].share_with_funded_project == Fraction(1, 2)


# The .pb format


def test_round_trip_with_awkward_text_and_amounts():
    election = Election(
        budget=Fraction(54371564, 100),
        projects={"p1": Fraction(1, 4), "p;2": 7},
        ballots=[frozenset({"p1", "p;2"}), frozenset(), frozenset({"p1"})],
        meta={"description": 'Wijk "Noord"; 2025\nsecond line', "currency": "EUR"},
        names={"p1": 'Bankjes; "groen"', "p;2": "Speeltuin"},
        votes={"p1": 2},
        selected=frozenset({"p1"}),
    )
    text = write_pb(election=election, voter_ids=["a", "b", "c"])
    again = parse_pb(text=text)
    assert again.budget == Fraction(54371564, 100)
    assert again.meta["budget"] == "543715.64"
    assert (again.projects, again.ballots, again.names) == (
        election.projects,
        election.ballots,
        election.names,
    )
    assert (again.votes, again.selected) == (election.votes, election.selected)
    assert parse_pb(text=write_pb(election=again)) == again


def test_round_trip_of_points_ballots():
    text = (
        "META\nkey;value\nbudget;100\nvote_type;cumulative\nrule;equalshares\n"
        "num_projects;2\nnum_votes;3\n"
        "PROJECTS\nproject_id;cost;name\n1;60;Een\n2;50;Twee\n"
        "VOTES\nvoter_id;vote;points;age\nv1;2,1;3,7;40\nv2;;;\nv3;1;10;33\n"
    )
    election = parse_pb(text=text)
    assert election.ballots == ({"2": 3, "1": 7}, {}, {"1": 10})
    assert parse_pb(text=write_pb(election=election)) == election


def test_amounts_without_an_exact_decimal_cannot_be_written():
    assert format_amount(amount=Fraction(1, 8)) == "0.125"
    with pytest.raises(PabulibError):
        format_amount(amount=Fraction(1, 3))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;5\n", "VOTES"),
        ("META\nkey;value\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\n", "budget"),
        (
            "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\n"
            "1;1,2\n",
            "unknown project",
        ),
        (
            "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;five\nVOTES\nvoter_id;vote\n",
            "not a number",
        ),
        (
            "META\nkey;value\nbudget;10\nvote_type;cumulative\nPROJECTS\nproject_id;cost\n1;5\n"
            "VOTES\nvoter_id;vote;points\n1;1;2,3\n",
            "do not match",
        ),
    ],
)
def test_unreadable_files_are_refused(text, message):
    with pytest.raises(PabulibError, match=message):
        parse_pb(text=text)


def test_election_refuses_floats_and_unknown_projects():
    with pytest.raises(ElectionError):
        Election(budget=10.5, projects={"1": 5}, ballots=[])
    with pytest.raises(ElectionError):
        Election(budget=10, projects={"1": 5}, ballots=[frozenset({"2"})])
