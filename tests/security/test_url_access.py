"""Every URL of our apps, visited as every kind of visitor, answers as the rules say.

The table below holds, per URL name, what each role gets: the expectations are written
from the rules (initiatives/workflow.py, the apps' rules.py and the views' docstrings), not
copied from what the code returned. A URL pattern added without a row here fails
`test_every_url_pattern_has_a_row`, so no view goes unchecked.

Row notation, one entry per role in the order of `ROLES`
(anonymous, resident of wijk A, resident of wijk B, panel member of A, panel chair of A,
council staff with TOTP):

- a number: that status code;
- ``L``: a redirect to the login page;
- ``R``: a redirect elsewhere (a message explains: nothing is done);
- ``F``/``N``/``M``: 403, 404, 405;
- ``-`` (POST rows only): this role may do it, so the test does not post as them.

Every role refused on GET (L, F, N) is also refused when it POSTs empty data, and the
database does not change. POST-only views (405 on GET) give their POST row explicitly.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.models import ResidencyLetterRequest
from tests.security.conftest import ROLES, SCOPED_ROLES, db_fingerprint

pytestmark = pytest.mark.django_db

# Namespaces of our apps: every pattern in them needs a row.
OUR_NAMESPACES = {
    "core",
    "initiatives",
    "review",
    "subsidies",
    "budget",
    "stats",
    "cms",
    "opendata",
}

# What is not ours, by the module it comes from (or the pattern, for single routes),
# and why it is left out of the table.
EXCLUDED = {
    "wagtail.admin.urls": "Wagtail's admin: its own permission system, only staff get in "
    "(tests/core/test_wagtail_admin.py); its entry is checked in ENTRY_POINTS below",
    "wagtail.documents.urls": "Wagtail documents: served by Wagtail's own collection "
    "permissions; checked in ENTRY_POINTS below",
    "allauth.urls": "allauth's account, e-mail and two-factor pages (we override only their "
    "templates); the main ones are in ENTRY_POINTS below",
    "django.conf.urls.i18n": "the language switch (set_language): no data, POST only",
    "wagtail.urls": "Wagtail page serving: published pages are public, drafts are not "
    "served (tests/cms/test_publishing.py)",
    "cms-admin/login/": "a plain redirect to allauth's login page",
}

LOGIN = settings.LOGIN_URL


@dataclass(frozen=True)
class Case:
    """One URL (kwargs from the world) with what each role gets on GET and on POST."""

    kwargs: Callable
    get: str
    post: str | None = None


def _all(code) -> str:
    return " ".join([str(code)] * len(ROLES))


STAFF_ONLY = "L F F F F 200"
PUBLIC = _all(200)
LOGGED_IN = "L 200 200 200 200 200"
POST_ONLY = _all("M")
NOBODY_HERE = "L F F F F F"  # only the initiators/applicants themselves, who are none of us


def none(w) -> dict:
    return {}


def _letter_request(w):
    """An open request for a residency letter, of the resident of wijk A."""
    request, _created = ResidencyLetterRequest.objects.get_or_create(
        profile=w.people["resident"].profile, handled_at=None
    )
    return request


EXPECTED: dict[str, list[Case]] = {
    # --- core ---------------------------------------------------------------------------
    # Staff have no resident profile: there is no page of their own details.
    "core:my_profile": [Case(none, "L 200 200 200 200 N")],
    "core:profile_edit": [Case(none, "L 200 200 200 200 N")],
    "core:residency_code": [Case(none, "L 200 200 200 200 N")],
    "core:notifications": [Case(none, LOGGED_IN)],
    "core:notification_preferences": [Case(none, LOGGED_IN)],
    # One's own data, for oneself; deleting the account asks for confirmation first.
    "core:my_data_download": [Case(none, LOGGED_IN, post="M - - - - -")],
    # Staff accounts are closed by the council, not by self-service.
    "core:account_delete": [Case(none, "L 200 200 200 200 F")],
    # The signed token is the credential; a forged one is refused.
    "core:unsubscribe": [
        Case(lambda w: {"token": w.unsubscribe_token}, PUBLIC, post=_all("-")),
        Case(lambda w: {"token": "nep-token"}, _all(400), post=_all(400)),
    ],
    # The language switch: a link anyone may follow; only a cookie changes, never data.
    "core:language": [
        Case(lambda w: {"language": "en"}, _all("R"), post=_all("M")),
        Case(lambda w: {"language": "xx"}, _all("N"), post=_all("M")),
    ],
    "core:staff_home": [Case(none, STAFF_ONLY)],
    "core:staff_failed_notifications": [Case(none, STAFF_ONLY)],
    "core:staff_residents": [Case(none, STAFF_ONLY)],
    "core:staff_resident_detail": [
        Case(lambda w: {"pk": w.people["resident"].profile.pk}, STAFF_ONLY)
    ],
    "core:staff_code_batches": [Case(none, STAFF_ONLY)],
    # A resident asks for a letter on their own profile (the service refuses the verified).
    "core:residency_letter_request": [Case(none, POST_ONLY, post="L - - - - N")],
    "core:staff_letter_request_close": [
        Case(lambda w: {"pk": _letter_request(w).pk}, POST_ONLY, post="L F F F F -")
    ],
    "core:staff_code_batch_void": [
        Case(lambda w: {"pk": w.residency_batch.pk}, POST_ONLY, post="L F F F F -")
    ],
    # --- initiatives ----------------------------------------------------------------------
    "initiatives:overview": [Case(none, PUBLIC)],
    "initiatives:wijk_overview": [Case(lambda w: {"slug": w.wijk.slug}, PUBLIC)],
    # Everyone's way to propose: verified residents on to their own wijk's form, others
    # (visitors, staff without a resident's profile) the reason and what to do.
    "initiatives:propose": [Case(none, "F R R R R F", post=POST_ONLY)],
    # Verified residents propose in their own wijk only; staff are not residents.
    "initiatives:create": [
        Case(lambda w: {"slug": w.wijk.slug}, "L 200 F 200 200 F"),
        Case(lambda w: {"slug": w.other_wijk.slug}, "L F 200 F F F"),
    ],
    "initiatives:mine": [Case(none, LOGGED_IN)],
    # Concepts: initiators and staff; submitted/in review: also the wijk's panel.
    "initiatives:detail": [
        Case(lambda w: {"pk": w.draft.pk}, "L F F F F 200"),
        Case(lambda w: {"pk": w.public.pk}, PUBLIC),
        Case(lambda w: {"pk": w.in_review.pk}, "L F F 200 200 200"),
        Case(lambda w: {"pk": w.in_review_b.pk}, STAFF_ONLY),
        # Withdrawn: initiators and staff; rejected: everyone, with the reasoning.
        Case(lambda w: {"pk": w.withdrawn_initiative.pk}, STAFF_ONLY),
        Case(lambda w: {"pk": w.rejected.pk}, PUBLIC),
        # Hidden by moderation: gone for everyone but its initiators and staff.
        Case(lambda w: {"pk": w.hidden.pk}, STAFF_ONLY),
    ],
    "initiatives:edit": [Case(lambda w: {"pk": w.draft.pk}, NOBODY_HERE)],
    "initiatives:transition": [
        Case(lambda w: {"pk": w.draft.pk, "action": "submit"}, NOBODY_HERE),
        Case(lambda w: {"pk": w.public.pk, "action": "withdraw"}, NOBODY_HERE),
        # Only staff decide; the panel may read it but not publish it.
        Case(lambda w: {"pk": w.in_review.pk, "action": "publish"}, STAFF_ONLY),
    ],
    # Support and volunteering: verified residents of the initiative's wijk.
    "initiatives:support": [
        Case(lambda w: {"pk": w.public.pk}, POST_ONLY, post="L - F - - F"),
        Case(lambda w: {"pk": w.hidden.pk}, POST_ONLY, post="L F F F F F"),
    ],
    "initiatives:support_withdraw": [
        Case(lambda w: {"pk": w.draft.pk}, POST_ONLY, post="L F F F F R")
    ],
    "initiatives:volunteer": [
        Case(lambda w: {"pk": w.public.pk}, "L 200 F 200 200 F"),
        Case(lambda w: {"pk": w.hidden.pk}, NOBODY_HERE),
    ],
    "initiatives:volunteer_withdraw": [
        Case(lambda w: {"pk": w.draft.pk}, POST_ONLY, post="L F F F F R")
    ],
    "initiatives:volunteers": [Case(lambda w: {"pk": w.public.pk}, STAFF_ONLY)],
    "initiatives:invite": [Case(lambda w: {"pk": w.public.pk}, NOBODY_HERE)],
    "initiatives:invitation_accept": [
        Case(lambda w: {"token": "geen-uitnodiging"}, "L 400 400 400 400 400", post="L - - - - -")
    ],
    "initiatives:update_create": [Case(lambda w: {"pk": w.public.pk}, NOBODY_HERE)],
    # Anyone logged in may report what is public; nobody reports a concept they cannot see.
    "initiatives:report": [
        Case(lambda w: {"pk": w.public.pk}, LOGGED_IN),
        Case(lambda w: {"pk": w.draft.pk}, NOBODY_HERE),
    ],
    "initiatives:report_update": [
        Case(lambda w: {"pk": w.public.pk, "update_pk": w.update.pk}, LOGGED_IN),
        # An update addressed through another initiative does not exist.
        Case(lambda w: {"pk": w.draft.pk, "update_pk": w.update.pk}, "L N N N N N"),
    ],
    "initiatives:hide": [Case(lambda w: {"pk": w.public.pk}, STAFF_ONLY)],
    "initiatives:unhide": [Case(lambda w: {"pk": w.public.pk}, STAFF_ONLY)],
    "initiatives:hide_update": [
        Case(lambda w: {"pk": w.public.pk, "update_pk": w.update.pk}, STAFF_ONLY)
    ],
    "initiatives:staff_list": [Case(none, STAFF_ONLY)],
    "initiatives:report_dismiss": [
        Case(lambda w: {"pk": w.report.pk}, POST_ONLY, post="L F F F F -")
    ],
    # --- review (the wijkpanel) ------------------------------------------------------------
    "review:dashboard": [Case(none, "L F F 200 200 F")],
    "review:detail": [
        Case(lambda w: {"pk": w.review.pk}, "L F F 200 200 200"),
        Case(lambda w: {"pk": w.review_b.pk}, STAFF_ONLY),
    ],
    "review:declare": [
        Case(lambda w: {"pk": w.review.pk}, "L F F 200 200 F"),
        Case(lambda w: {"pk": w.review_b.pk}, NOBODY_HERE),
    ],
    # Members first declare (no) conflict of interest: they are sent there.
    "review:member_review": [Case(lambda w: {"pk": w.review.pk}, "L F F R R F")],
    # The chair declares (no) conflict of interest first: sent there.
    "review:advice": [
        Case(lambda w: {"pk": w.review.pk}, "L F F F R F"),
        Case(lambda w: {"pk": w.review_b.pk}, NOBODY_HERE),
    ],
    # Staff or whoever chairs the review assign it to some members.
    "review:assign": [
        Case(lambda w: {"pk": w.review.pk}, "L F F F 200 200"),
        Case(lambda w: {"pk": w.review_b.pk}, STAFF_ONLY),
    ],
    "review:staff_overview": [Case(none, STAFF_ONLY)],
    "review:staff_members": [Case(none, STAFF_ONLY)],
    "review:proceed_without_advice": [Case(lambda w: {"pk": w.review.pk}, STAFF_ONLY)],
    "review:name_substitute": [
        Case(lambda w: {"pk": w.review.pk}, STAFF_ONLY),
        Case(lambda w: {"pk": w.review_b.pk}, STAFF_ONLY),
    ],
    # --- review: the reviewed subject's files (issue #16) ------------------------------------
    # Members of the review's wijk who are not recused, and staff; the world's initiative has
    # no photo, so whoever passes the check finds no file (N); another wijk's members are
    # refused (F).
    "review:subject_file": [
        Case(lambda w: {"pk": w.review.pk, "key": "foto"}, "L F F N N N"),
        Case(lambda w: {"pk": w.review_b.pk, "key": "foto"}, "L F F F F N"),
    ],
    # --- subsidies -------------------------------------------------------------------------
    "subsidies:scheme_list": [Case(none, PUBLIC)],
    "subsidies:scheme_detail": [Case(lambda w: {"pk": w.scheme.pk}, PUBLIC)],
    # Starting needs one of one's own initiatives: none of the roles has one.
    "subsidies:application_start": [
        Case(lambda w: {"pk": w.scheme.pk}, "L M M M M M", post="L 400 400 400 400 400")
    ],
    "subsidies:my_applications": [Case(none, LOGGED_IN)],
    # The panel of the wijk sees submitted applications, never concepts.
    "subsidies:application_detail": [
        Case(lambda w: {"pk": w.application.pk}, "L F F 200 200 200"),
        Case(lambda w: {"pk": w.concept_application.pk}, STAFF_ONLY),
        Case(lambda w: {"pk": w.application_b.pk}, STAFF_ONLY),
    ],
    "subsidies:application_edit": [Case(lambda w: {"pk": w.concept_application.pk}, NOBODY_HERE)],
    "subsidies:report_edit": [Case(lambda w: {"pk": w.application.pk}, NOBODY_HERE)],
    # Files and the letter hold private details: applicants and staff only.
    "subsidies:attachment_download": [
        Case(
            lambda w: {"pk": w.application.pk, "attachment_pk": w.attachment.pk},
            STAFF_ONLY,
        ),
        Case(
            lambda w: {"pk": w.concept_application.pk, "attachment_pk": w.attachment.pk},
            "L N N N N N",
        ),
    ],
    "subsidies:attachment_delete": [
        Case(
            lambda w: {"pk": w.application.pk, "attachment_pk": w.attachment.pk},
            POST_ONLY,
            post="L F F F F F",
        )
    ],
    "subsidies:letter_download": [Case(lambda w: {"pk": w.application.pk}, STAFF_ONLY)],
    "subsidies:staff_overview": [Case(none, STAFF_ONLY)],
    "subsidies:staff_export": [Case(none, STAFF_ONLY)],
    "subsidies:staff_scheme_list": [Case(none, STAFF_ONLY)],
    "subsidies:staff_scheme_create": [Case(none, STAFF_ONLY)],
    "subsidies:staff_scheme_edit": [Case(lambda w: {"pk": w.scheme.pk}, STAFF_ONLY)],
    "subsidies:staff_step": [
        Case(
            lambda w: {"pk": w.application.pk, "action": "pay_advance"},
            POST_ONLY,
            post="L F F F F -",
        )
    ],
    "subsidies:staff_decide": [Case(lambda w: {"pk": w.application.pk}, STAFF_ONLY)],
    "subsidies:staff_settle": [Case(lambda w: {"pk": w.application.pk}, STAFF_ONLY)],
    "subsidies:staff_letter_reissue": [Case(lambda w: {"pk": w.application.pk}, STAFF_ONLY)],
    # --- budget (wijkbudget) ----------------------------------------------------------------
    "budget:round_list": [Case(none, PUBLIC)],
    # Rehearsal rounds (imported .pb files) are for staff; public pages refuse outright.
    "budget:round_detail": [
        Case(lambda w: {"pk": w.voting_round.pk}, PUBLIC),
        Case(lambda w: {"pk": w.rehearsal.pk}, "F F F F F 200"),
    ],
    # Residents of the wijk propose during the proposals phase.
    "budget:project_propose": [
        Case(lambda w: {"pk": w.proposals_round.pk}, "L 200 F 200 200 F"),
        Case(lambda w: {"pk": w.voting_round.pk}, "L F F F F F"),
    ],
    # Verified residents of the wijk vote; visitors without an account may use a letter
    # code (this round allows them), so they get the choice instead of the login page.
    "budget:ballot": [
        Case(lambda w: {"pk": w.voting_round.pk}, "200 200 F 200 200 F"),
        Case(lambda w: {"pk": w.voting_round_b.pk}, "L F 200 F F F"),
        Case(lambda w: {"pk": w.rehearsal.pk}, "F F F F F F"),
        Case(lambda w: {"pk": w.results_round.pk}, "L F F F F F"),
    ],
    "budget:ballot_thanks": [Case(lambda w: {"pk": w.voting_round.pk}, _all("R"))],
    "budget:code_enter": [Case(lambda w: {"pk": w.voting_round.pk}, PUBLIC)],
    "budget:receipt": [
        Case(lambda w: {"pk": w.voting_round.pk}, PUBLIC),
        Case(lambda w: {"pk": w.rehearsal.pk}, "F F F F F 200"),
    ],
    # Results are public once published; before that only staff, who find none yet.
    "budget:result": [
        Case(lambda w: {"pk": w.results_round.pk}, PUBLIC),
        Case(lambda w: {"pk": w.voting_round.pk}, "F F F F F N"),
    ],
    "budget:result_pdf": [
        Case(lambda w: {"pk": w.results_round.pk}, PUBLIC),
        Case(lambda w: {"pk": w.voting_round.pk}, "F F F F F N"),
    ],
    "budget:result_pb": [
        Case(lambda w: {"pk": w.results_round.pk}, PUBLIC),
        Case(lambda w: {"pk": w.voting_round.pk}, "F F F F F N"),
    ],
    "budget:project_detail": [
        Case(lambda w: {"pk": w.project.pk}, PUBLIC),
        Case(lambda w: {"pk": w.proposal.pk}, PUBLIC),
        Case(lambda w: {"pk": w.withdrawn.pk}, "F F F F F 200"),
        Case(lambda w: {"pk": w.rehearsal_project.pk}, "F F F F F 200"),
    ],
    # Only the proposer withdraws; everyone else is sent back with a message.
    "budget:project_withdraw": [Case(lambda w: {"pk": w.proposal.pk}, _all("R"), post=_all("R"))],
    "budget:staff_rounds": [Case(none, STAFF_ONLY)],
    "budget:staff_round_create": [Case(none, STAFF_ONLY)],
    "budget:staff_import": [Case(none, STAFF_ONLY)],
    "budget:staff_round": [Case(lambda w: {"pk": w.voting_round.pk}, STAFF_ONLY)],
    "budget:staff_round_edit": [Case(lambda w: {"pk": w.voting_round.pk}, STAFF_ONLY)],
    "budget:staff_codes": [Case(lambda w: {"pk": w.voting_round.pk}, STAFF_ONLY)],
    # These three refuse anonymous visitors outright instead of asking them to log in.
    "budget:staff_code_batch_void": [
        Case(lambda w: {"pk": w.voting_batch.pk}, POST_ONLY, post="F F F F F -")
    ],
    "budget:staff_paper": [
        Case(lambda w: {"pk": w.voting_round.pk}, STAFF_ONLY),
        Case(lambda w: {"pk": w.proposals_round.pk}, "L F F F F F"),
    ],
    "budget:staff_paper_confirm": [
        Case(lambda w: {"pk": w.paper_ballot.pk}, POST_ONLY, post="F F F F F -")
    ],
    "budget:staff_paper_discard": [
        Case(lambda w: {"pk": w.paper_ballot.pk}, POST_ONLY, post="F F F F F -")
    ],
    "budget:staff_count": [
        Case(lambda w: {"pk": w.voting_round.pk}, POST_ONLY, post="L F F F F -")
    ],
    "budget:staff_result": [
        Case(lambda w: {"pk": w.results_round.pk}, STAFF_ONLY),
        Case(lambda w: {"pk": w.voting_round.pk}, "L F F F F R"),
    ],
    "budget:staff_publish": [
        Case(lambda w: {"pk": w.results_round.pk}, POST_ONLY, post="L F F F F -")
    ],
    "budget:staff_project": [Case(lambda w: {"pk": w.project.pk}, STAFF_ONLY)],
    # --- stats (public figures; the detailed ones only for staff, on the same page) -----
    "stats:overview": [Case(none, PUBLIC)],
    "stats:overview_csv": [Case(none, PUBLIC)],
    "stats:wijk": [Case(lambda w: {"slug": w.wijk.slug}, PUBLIC)],
    "stats:wijk_csv": [Case(lambda w: {"slug": w.wijk.slug}, PUBLIC)],
    # --- cms ---------------------------------------------------------------------------------
    "cms:search": [Case(none, PUBLIC)],
    "cms:wijk_feed": [Case(lambda w: {"slug": w.wijk.slug}, PUBLIC)],
    "cms:sitemap": [Case(none, PUBLIC)],
    # --- opendata: the public read-only API (issue #21) -----------------------------------------
    # Everyone gets what an anonymous visitor gets (the API has no logins): what is public is
    # 200, what is not is 404 for everyone, staff included; writing is 405 for everyone.
    **{
        f"opendata:{name}": [Case(none, PUBLIC, post=_all("M"))]
        for name in (
            "index",
            "openapi",
            "docs",
            "wijken",
            "initiatives",
            "schemes",
            "subsidies",
            "rounds",
            "news",
            "decisions",
            "events",
            "statistics",
        )
    },
    "opendata:wijk": [Case(lambda w: {"slug": w.wijk.slug}, PUBLIC, post=_all("M"))],
    "opendata:initiative": [
        Case(lambda w: {"pk": w.public.pk}, PUBLIC, post=_all("M")),
        Case(lambda w: {"pk": w.draft.pk}, _all("N"), post=_all("M")),
        Case(lambda w: {"pk": w.hidden.pk}, _all("N"), post=_all("M")),
        Case(lambda w: {"pk": w.in_review.pk}, _all("N"), post=_all("M")),
        Case(lambda w: {"pk": w.withdrawn_initiative.pk}, _all("N"), post=_all("M")),
    ],
    "opendata:scheme": [Case(lambda w: {"pk": w.scheme.pk}, PUBLIC, post=_all("M"))],
    "opendata:subsidy": [
        Case(lambda w: {"pk": w.application.pk}, PUBLIC, post=_all("M")),
        Case(lambda w: {"pk": w.concept_application.pk}, _all("N"), post=_all("M")),
    ],
    "opendata:round": [
        Case(lambda w: {"pk": w.results_round.pk}, PUBLIC, post=_all("M")),
        Case(lambda w: {"pk": w.rehearsal.pk}, _all("N"), post=_all("M")),
    ],
    # Any other path under /api/, a trailing slash included.
    "opendata:not_found": [Case(lambda w: {"rest": "v1/nergens"}, _all("N"), post=_all("M"))],
}

# --- budget: draft rounds, deleting rounds, four-eyes publication of results (#16) -------
# A draft is not found but by staff (404, also on its public pages); staff confirm each step
# on a page of its own (GET), whose POST the service refuses when the step is not possible.
DRAFT_HIDDEN = "N N N N N 200"
for _name, _row in {
    "round_detail": DRAFT_HIDDEN,
    "receipt": DRAFT_HIDDEN,
    # The draft takes no letter codes and has no result: staff find nothing either.
    "code_enter": _all("N"),
    "result": _all("N"),
}.items():
    EXPECTED[f"budget:{_name}"] = [
        *EXPECTED[f"budget:{_name}"],
        Case(lambda w: {"pk": w.draft_round.pk}, _row),
    ]
EXPECTED["budget:ballot"] = [
    *EXPECTED["budget:ballot"],
    Case(lambda w: {"pk": w.draft_round.pk}, "N N N N N F"),
]
EXPECTED["budget:project_detail"] = [
    *EXPECTED["budget:project_detail"],
    Case(lambda w: {"pk": w.draft_project.pk}, DRAFT_HIDDEN),
]
EXPECTED["budget:staff_round"] = [
    *EXPECTED["budget:staff_round"],
    Case(lambda w: {"pk": w.draft_round.pk}, "L N N N N 200"),
]
EXPECTED.update(
    {
        "budget:staff_round_publish": [
            Case(lambda w: {"pk": w.draft_round.pk}, "L N N N N 200"),
            Case(lambda w: {"pk": w.voting_round.pk}, STAFF_ONLY),
        ],
        "budget:staff_round_back_to_draft": [
            Case(lambda w: {"pk": w.proposals_round.pk}, STAFF_ONLY),
            Case(lambda w: {"pk": w.draft_round.pk}, "L N N N N 200"),
        ],
        "budget:staff_round_delete": [
            Case(lambda w: {"pk": w.draft_round.pk}, "L N N N N 200"),
            Case(lambda w: {"pk": w.voting_round.pk}, STAFF_ONLY),
        ],
        # Asking to publish now has its confirmation page; without a count staff are sent
        # to the round.
        "budget:staff_publish": [
            Case(lambda w: {"pk": w.asked_round.pk}, STAFF_ONLY),
            Case(lambda w: {"pk": w.results_round.pk}, STAFF_ONLY),
            Case(lambda w: {"pk": w.voting_round.pk}, "L F F F F R"),
        ],
        "budget:staff_publish_confirm": [
            Case(lambda w: {"pk": w.asked_round.pk}, STAFF_ONLY, post="L F F F F -"),
            Case(lambda w: {"pk": w.voting_round.pk}, "L F F F F R"),
        ],
        "budget:staff_publish_send_back": [
            Case(lambda w: {"pk": w.asked_round.pk}, STAFF_ONLY, post="L F F F F -"),
        ],
    }
)

# Entry points of what EXCLUDED leaves out, checked by path.
ENTRY_POINTS: dict[str, str] = {
    # Wagtail sends whoever may not use the admin to the login page.
    # Logged in without admin access: the 403 page, not a redirect loop through the login.
    "/cms-admin/": "L F F F F 200",
    "/cms-admin/login/": "L F F F F L",
    "/accounts/login/": "200 R R R R R",
    "/accounts/signup/": "200 R R R R R",
    "/accounts/email/": LOGGED_IN,
    "/accounts/2fa/": LOGGED_IN,
}


def _walk(patterns, namespace=None, top=None):
    """(qualified name, origin key) of every pattern below `patterns`."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace or pattern.namespace
            origin = top
            if origin is None:
                module = pattern.urlconf_name
                origin = getattr(module, "__name__", str(module))
            yield from _walk(pattern.url_patterns, ns, origin)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, namespace, top or str(pattern.pattern)


def _our_patterns() -> tuple[set[str], set[str]]:
    ours, others = set(), set()
    for name, namespace, origin in _walk(get_resolver().url_patterns):
        if namespace in OUR_NAMESPACES:
            ours.add(name)
        else:
            others.add(origin)
    return ours, others


def test_every_url_pattern_has_a_row():
    """A new view cannot go unchecked: its name must be added to EXPECTED (or EXCLUDED)."""
    ours, others = _our_patterns()
    assert ours == set(EXPECTED), (
        f"URL names without a row in EXPECTED: {sorted(ours - set(EXPECTED))}; "
        f"rows for URLs that no longer exist: {sorted(set(EXPECTED) - ours)}"
    )
    assert others == set(EXCLUDED), (
        f"URL includes that are neither ours nor excluded with a reason: "
        f"{sorted(others - set(EXCLUDED))}; stale exclusions: {sorted(set(EXCLUDED) - others)}"
    )


def _outcome(response) -> str:
    """A response in the notation of the table."""
    if response.status_code == 302:
        login = resolve_url(LOGIN)
        return "L" if response.url.startswith(login) else "R"
    return {403: "F", 404: "N", 405: "M"}.get(response.status_code, str(response.status_code))


def _row(text: str) -> dict[str, str]:
    entries = text.split()
    assert len(entries) == len(ROLES), text
    return dict(zip(ROLES, entries, strict=True))


REFUSED = {"L", "F", "N"}


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_the_rules_say(role, world, clients):
    """GET every URL as `role`; POST empty data wherever `role` must be refused."""
    client = clients[role]
    wrong = []
    for name, cases in EXPECTED.items():
        for case in cases:
            url = reverse(name, kwargs=case.kwargs(world))
            expected = _row(case.get)[role]
            got = _outcome(client.get(url))
            if got != expected:
                wrong.append(f"GET {name} {url}: expected {expected}, got {got}")
            post_row = _row(case.post) if case.post else None
            if post_row is None:
                if expected not in REFUSED:
                    continue
                expected_post = expected
            else:
                expected_post = post_row[role]
                if expected_post == "-":
                    continue
            before = db_fingerprint()
            got = _outcome(client.post(url, {}))
            if got != expected_post:
                wrong.append(f"POST {name} {url}: expected {expected_post}, got {got}")
            after = db_fingerprint()
            changed = {key for key in before if before[key] != after.get(key)}
            if changed:
                wrong.append(f"POST {name} {url} as {role} changed {sorted(changed)}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_entry_points_of_excluded_parts_answer_each_role(role, people, clients):
    """The admin, login, sign-up and account pages let in whom they should."""
    client = clients[role]
    wrong = []
    for path, row in ENTRY_POINTS.items():
        expected = _row(row)[role]
        got = _outcome(client.get(path))
        if got != expected:
            wrong.append(f"GET {path}: expected {expected}, got {got}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


def test_unknown_objects_are_not_found(world, clients):
    """Staff asking for an object that does not exist get 404 from every URL, not an error."""
    client = clients["staff"]
    wrong = []
    for name, cases in EXPECTED.items():
        kwargs = cases[0].kwargs(world)
        if "pk" not in kwargs:
            continue
        kwargs["pk"] = uuid.uuid4() if isinstance(kwargs["pk"], uuid.UUID) else 999999
        url = reverse(name, kwargs=kwargs)
        before = db_fingerprint()
        post_only = _row(cases[0].get)["staff"] == "M"
        response = client.post(url, {}) if post_only else client.get(url)
        if response.status_code != 404:
            wrong.append(f"{name} {url}: {response.status_code}")
        if db_fingerprint() != before:
            wrong.append(f"{name} {url} changed the database")
    assert not wrong, "\n".join(wrong)


# --- The scoped council roles (#17) ------------------------------------------------------
# Each URL belongs to one kind of role (the app's staff role, below). That role in wijk A
# (where the world's objects are; the subsidy officer of the world's scheme) gets there
# what the all-round "staff" of the table above get; in wijk C it gets the same only on
# pages without an object (lists, forms that start something: they list only its own
# wijken or schemes). Everyone else (the role outside its scope, a role of another task,
# the base group alone, the functional administrator) gets what a logged-in resident of
# wijk B without a panel seat gets ("other_resident"), except where that is a resident's
# own right (a profile, a ballot): there they are refused as staff are. Objects of wijk B
# (the world's `*_b`) are outside every scope.
KIND_BY_NAME = {
    "core:staff_home": {"base_staff", "coordinator", "budget_officer", "subsidy_officer"}
    | {"functional_admin"},
    "core:staff_failed_notifications": {"functional_admin"},
}
KIND_BY_APP = {
    "core": {"coordinator"},
    "initiatives": {"coordinator"},
    "review": {"coordinator"},
    "subsidies": {"subsidy_officer"},
    "budget": {"budget_officer"},
}


class _Recorder:
    """Stands in for the world and notes which of its objects a Case points at."""

    def __init__(self, world):
        self._world = world
        self.names: set[str] = set()

    def __getattr__(self, name):
        self.names.add(name)
        return getattr(self._world, name)


def _scoped_expectation(name: str, case: Case, world, role: str) -> tuple[str, str | None]:
    """What `role` gets on GET, and on an empty POST (None: not posted)."""
    recorder = _Recorder(world)
    case.kwargs(recorder)
    kind, _sep, scope = role.rpartition("_") if role[-2:] in ("_a", "_c") else (role, "", "")
    owners = KIND_BY_NAME.get(name, KIND_BY_APP.get(name.split(":")[0], set()))
    in_scope = not recorder.names or (
        scope != "c" and not any(attr.endswith("_b") for attr in recorder.names)
    )
    if kind in owners and in_scope:
        staff_post = _row(case.post)["staff"] if case.post else None
        return _row(case.get)["staff"], staff_post
    column = "other_resident"
    if _row(case.get)["other_resident"] not in REFUSED | {"M"}:
        column = "staff" if _row(case.get)["staff"] in REFUSED | {"M"} else column
    expected_get = _row(case.get)[column]
    expected_post = _row(case.post)[column] if case.post else None
    if expected_post is None and expected_get in REFUSED:
        expected_post = expected_get
    return expected_get, expected_post


@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_scoped_roles_reach_only_their_own_wijk_or_scheme(role, world, scoped_clients):
    """A coordinator, budget or subsidy officer of wijk C, or of another task, is refused
    on the staff pages of wijk A's and B's objects and changes nothing by posting there;
    the same role in wijk A gets what all-round staff get."""
    client = scoped_clients[role]
    wrong = []
    for name, cases in EXPECTED.items():
        if name.startswith("opendata:"):
            continue
        for case in cases:
            url = reverse(name, kwargs=case.kwargs(world))
            expected_get, expected_post = _scoped_expectation(name, case, world, role)
            got = _outcome(client.get(url))
            if got != expected_get:
                wrong.append(f"GET {name} {url}: expected {expected_get}, got {got}")
            if expected_post not in REFUSED:
                continue
            before = db_fingerprint()
            got = _outcome(client.post(url, {}))
            if got != expected_post:
                wrong.append(f"POST {name} {url}: expected {expected_post}, got {got}")
            changed = {key for key, count in db_fingerprint().items() if before[key] != count}
            if changed:
                wrong.append(f"POST {name} {url} as {role} changed {sorted(changed)}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)
