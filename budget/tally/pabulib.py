"""Read and write the Pabulib .pb format (META, PROJECTS and VOTES sections, `;`-separated).

Only what counting needs is kept: the META rows, each project's cost (and name, votes and selected
where the file has them) and the ballots. Voter ids and voter columns such as age are dropped, so
ballots written back out are anonymised; `parse_pb(text=write_pb(election=e)) == e` holds for any
election whose META already agrees with its budget, vote type and counts (every parsed file).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from fractions import Fraction
from pathlib import Path

from budget.tally.election import (
    Amount,
    Election,
    ElectionError,
    as_amount,
    project_id_key,
)

SECTIONS = ("META", "PROJECTS", "VOTES")


class PabulibError(ElectionError):
    """The text is not a readable Pabulib file."""


def read_pb(*, path: Path | str) -> Election:
    """Parse the .pb file at `path` (UTF-8)."""
    return parse_pb(text=Path(path).read_text(encoding="utf-8-sig"))


def parse_pb(*, text: str) -> Election:
    """Parse the text of a .pb file into an Election."""
    sections = _split_sections(text.removeprefix("\ufeff"))
    rows = sections["META"]
    if rows and [cell.strip() for cell in rows[0]] == ["key", "value"]:
        rows = rows[1:]
    # A value may hold unquoted ";" (some files' comments do): everything after the key is value.
    meta = {row[0].strip(): ";".join(row[1:]).strip() for row in rows}
    if "budget" not in meta:
        raise PabulibError("META has no budget")
    budget = _amount(meta["budget"], what="budget")
    vote_type = meta.get("vote_type", "approval").strip() or "approval"

    costs: dict[str, Amount] = {}
    names: dict[str, str] = {}
    votes: dict[str, int] = {}
    selected: set[str] | None = None
    header, *rows = sections["PROJECTS"] or [[]]
    columns = _columns(header, required=("project_id", "cost"), section="PROJECTS")
    if "selected" in columns:
        selected = set()
    for row in rows:
        project_id = _field(row, columns, "project_id")
        if not project_id:
            raise PabulibError(f"PROJECTS row without a project_id: {row}")
        if project_id in costs:
            raise PabulibError(f"project {project_id!r} appears twice")
        costs[project_id] = _amount(_field(row, columns, "cost"), what=f"cost of {project_id}")
        if name := _field(row, columns, "name"):
            names[project_id] = name
        if count := _field(row, columns, "votes"):
            votes[project_id] = _integer(count, what=f"votes of {project_id}")
        if selected is not None and _field(row, columns, "selected") not in ("", "0"):
            selected.add(project_id)

    header, *rows = sections["VOTES"] or [["vote"]]
    columns = _columns(header, required=("vote",), section="VOTES")
    election_type = Election(budget=budget, projects=costs, ballots=(), vote_type=vote_type)
    if election_type.uses_points and "points" not in columns:
        raise PabulibError(f"vote_type {vote_type} needs a points column in VOTES")
    # Reusing the project id strings from PROJECTS keeps 100,000 ballots small in memory.
    canonical = {project_id: project_id for project_id in costs}
    ballots = [
        _ballot(row, columns, canonical, points=election_type.uses_points)
        for row in rows
        if any(cell.strip() for cell in row)
    ]
    return Election(
        budget=budget,
        projects=costs,
        ballots=ballots,
        vote_type=vote_type,
        meta=meta,
        names=names,
        votes=votes,
        selected=None if selected is None else frozenset(selected),
    )


def write_pb(*, election: Election, voter_ids: Sequence[str] | None = None) -> str:
    """Write an Election as .pb text; voters are numbered 1, 2, ... unless ids are given."""
    if voter_ids is None:
        voter_ids = [str(number) for number in range(1, len(election.ballots) + 1)]
    if len(voter_ids) != len(election.ballots) or len(set(voter_ids)) != len(voter_ids):
        raise PabulibError("voter_ids must be unique and as many as the ballots")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    for key, value in _meta_rows(election):
        writer.writerow([key, value])

    writer.writerow(["PROJECTS"])
    header = ["project_id", "cost"]
    header += ["votes"] * bool(election.votes) + ["name"] * bool(election.names)
    header += ["selected"] * (election.selected is not None)
    writer.writerow(header)
    for project_id, cost in election.projects.items():
        row = [project_id, format_amount(amount=cost)]
        if election.votes:
            row.append(str(election.votes.get(project_id, "")))
        if election.names:
            row.append(election.names.get(project_id, ""))
        if election.selected is not None:
            row.append("1" if project_id in election.selected else "0")
        writer.writerow(row)

    writer.writerow(["VOTES"])
    writer.writerow(
        ["voter_id", "vote", "points"] if election.uses_points else ["voter_id", "vote"]
    )
    for voter_id, ballot in zip(voter_ids, election.ballots, strict=True):
        if election.uses_points:
            writer.writerow([voter_id, ",".join(ballot), ",".join(map(str, ballot.values()))])
        else:
            writer.writerow([voter_id, ",".join(sorted(ballot, key=project_id_key))])
    return out.getvalue()


def format_amount(*, amount: Amount) -> str:
    """Write an amount as an exact decimal ("543715.64"); amounts like 1/3 cannot be written."""
    if isinstance(amount, int):
        return str(amount)
    digits = 0
    scaled = amount
    while scaled.denominator != 1:
        if digits > 30:
            raise PabulibError(f"{amount} has no exact decimal form")
        scaled *= 10
        digits += 1
    whole, part = divmod(int(scaled), 10**digits)
    return f"{whole}.{part:0{digits}d}"


def _meta_rows(election: Election) -> list[tuple[str, str]]:
    # The four rows that describe the data are rewritten from it, unless the stored text already
    # says the same thing ("1070000.00" stays as it was).
    structural = {
        "budget": (election.budget, format_amount(amount=election.budget)),
        "vote_type": (election.vote_type, election.vote_type),
        "num_projects": (len(election.projects), str(len(election.projects))),
        "num_votes": (len(election.ballots), str(len(election.ballots))),
    }
    rows = dict(election.meta)
    for key, (value, text) in structural.items():
        current = rows.get(key)
        if current is None or not _says(current, value):
            rows[key] = text
    return list(rows.items())


def _says(text: str, value: object) -> bool:
    if isinstance(value, str):
        return text.strip() == value
    try:
        return _amount(text, what="META value") == value
    except PabulibError:
        return False


def _split_sections(text: str) -> dict[str, list[list[str]]]:
    sections: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for row in csv.reader(io.StringIO(text), delimiter=";"):
        if len(row) == 1 and row[0].strip() in SECTIONS:
            name = row[0].strip()
            if name in sections:
                raise PabulibError(f"section {name} appears twice")
            current = sections[name] = []
        elif current is None:
            if any(cell.strip() for cell in row):
                raise PabulibError("the file does not start with META")
        elif any(cell.strip() for cell in row):
            current.append(row)
    missing = [name for name in SECTIONS if name not in sections]
    if missing:
        raise PabulibError(f"missing section(s): {', '.join(missing)}")
    return sections


def _columns(header: list[str], *, required: tuple[str, ...], section: str) -> dict[str, int]:
    columns = {name.strip(): index for index, name in enumerate(header)}
    for name in required:
        if name not in columns:
            raise PabulibError(f"{section} has no {name} column")
    return columns


def _field(row: list[str], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    if index is None or index >= len(row):
        return ""
    return row[index].strip()


def _amount(text: str, *, what: str) -> Amount:
    try:
        return as_amount(Fraction(text.strip()), what=what)
    except (ValueError, ZeroDivisionError) as error:
        raise PabulibError(f"{what} is not a number: {text!r}") from error


def _integer(text: str, *, what: str) -> int:
    value = _amount(text, what=what)
    if not isinstance(value, int):
        raise PabulibError(f"{what} is not a whole number: {text!r}")
    return value


def _ids(text: str, canonical: dict[str, str]) -> Iterator[str]:
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            yield canonical[part]
        except KeyError:
            raise PabulibError(f"a vote names unknown project {part!r}") from None


def _ballot(
    row: list[str], columns: dict[str, int], canonical: dict[str, str], *, points: bool
) -> frozenset[str] | dict[str, int]:
    voted = list(_ids(_field(row, columns, "vote"), canonical))
    if not points:
        return frozenset(voted)
    scores = [p for p in _field(row, columns, "points").split(",") if p.strip()]
    if len(scores) != len(voted) or len(set(voted)) != len(voted):
        raise PabulibError(f"vote and points do not match in row {row}")
    return {
        project_id: _integer(s, what="points") for project_id, s in zip(voted, scores, strict=True)
    }
