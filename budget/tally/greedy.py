"""Greedy counting: most votes first, skipping projects that no longer fit in the budget."""

from __future__ import annotations

from budget.tally.profile import Profile


def greedy(*, profile: Profile) -> list[int]:
    """Fund projects by votes (points), most first, each one that still fits; in that order."""
    # Ties go to the cheaper project, then the lower id. A project without votes is still funded
    # when it fits, as the README defines (and pabutools' greedy does).
    order = sorted(
        range(len(profile.ids)),
        key=lambda p: (-profile.support[p], profile.costs[p], profile.tie_keys[p][2]),
    )
    left = profile.budget
    funded = []
    for project in order:
        if profile.costs[project] <= left:
            funded.append(project)
            left -= profile.costs[project]
    return funded
