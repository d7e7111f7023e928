"""The budget_tally management command, a thin layer over budget.tally (needs Django settings)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

PB = (
    "META\nkey;value\nbudget;30\nvote_type;approval\nrule;equalshares\n"
    "PROJECTS\nproject_id;cost\n1;20\n2;10\n3;50\n"
    "VOTES\nvoter_id;vote\na;1,2\nb;1\n"
)


@pytest.fixture
def pb_file(tmp_path):
    path = tmp_path / "vote.pb"
    path.write_text(PB, encoding="utf-8")
    return path


def run(*args: str) -> str:
    out = StringIO()
    call_command("budget_tally", *args, stdout=out)
    return out.getvalue()


def test_counts_with_the_files_rule(pb_file):
    assert run(str(pb_file)) == "1\n"


def test_counts_with_another_rule(pb_file):
    assert run(str(pb_file), "--rule", "greedy") == "1\n2\n"


def test_unknown_rule_is_a_command_error(pb_file):
    with pytest.raises(CommandError, match="unknown rule 'greedy-threshold'"):
        run(str(pb_file), "--rule", "greedy-threshold")


def test_unreadable_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run(str(tmp_path / "missing.pb"))
    broken = tmp_path / "broken.pb"
    broken.write_text(PB.replace("budget;30", "budget;ten"), encoding="utf-8")
    with pytest.raises(CommandError, match="not a number"):
        run(str(broken))
