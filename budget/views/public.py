"""Public wijkbudget pages: rounds, proposals, the ballot, receipts and results."""

from __future__ import annotations

import json

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from budget import selectors, services
from budget.forms import BallotForm, ProjectProposalForm, ReceiptForm, VotingCodeForm
from budget.models import BallotStyle, Phase, ProjectStatus, VotingCode
from budget.services.voting import ClaimRefused, code_refusal, voter_refusal
from budget.views.common import chosen_total, project_by_pk, require, round_by_pk
from core.views import apply_errors
from plumbing import codes
from plumbing.pdf import render_pdf
from plumbing.permissions import object_permission_required
from plumbing.ratelimit import Limit, LimiterUnavailable, is_limited, over_limit

CODE_ATTEMPTS = 5
# Per address more: residents at a voting evening in the community centre share one
# connection, each typing their own code. A code has 31^12 values, so this allows no
# guessing worth the name.
CODE_ATTEMPTS_PER_IP = 120
# Per code selector (the code's first four characters, which find its row) and round,
# whatever the session or address: a new cookie per try, or many addresses, do not give
# more guesses at one letter's code. A resident who mistypes has room to spare.
CODE_ATTEMPTS_PER_SELECTOR = 10
CODE_WINDOW_SECONDS = 15 * 60
# Casting a ballot: generous for a voter who changes their mind a few times, but a
# script that keeps submitting is stopped. Per IP address it allows a whole voting
# evening at a community centre that shares one connection.
BALLOT_SUBMISSIONS_PER_VOTER = 10
BALLOT_SUBMISSIONS_PER_IP = 120
BALLOT_WINDOW_SECONDS = 15 * 60
SESSION_CODE = "budget_voting_code"
# The receipt travels to the thank-you page in a short-lived signed cookie on the voter's
# own browser, not in the session: the session table would otherwise keep the voter's
# account next to their receipt code for weeks, and casting a ballot needs no session write.
RECEIPT_COOKIE = "wijkplein_receipt"
RECEIPT_SALT = "budget.ballot_receipt"
RECEIPT_MAX_AGE = 10 * 60


@require_GET
def round_list(request):
    """Wijkbudget rounds, newest first."""
    return render(request, "budget/round_list.html", {"rounds": selectors.rounds_public()})


def round_detail(request, pk: int):
    """A round: its phase, dates, projects and what a resident can do now."""
    budget_round = round_by_pk(request, pk)
    require(request.user, "budget.view_round", budget_round)
    phase = budget_round.phase
    projects = (
        selectors.projects_on_ballot(budget_round=budget_round)
        if budget_round.phase_reached(Phase.VOTING)
        else selectors.projects_public(budget_round=budget_round)
    )
    return render(
        request,
        "budget/round_detail.html",
        {
            "round": budget_round,
            "phase": phase,
            "projects": projects,
            "has_voted": selectors.has_voted(budget_round=budget_round, user=request.user),
            "can_propose": request.user.has_perm("budget.propose_project", budget_round),
            "result_public": request.user.has_perm("budget.view_result", budget_round)
            and getattr(getattr(budget_round, "result", None), "is_published", False),
        },
    )


@object_permission_required("budget.propose_project", round_by_pk)
def project_propose(request, obj):
    """A resident proposes a project idea for the round."""
    form = ProjectProposalForm(request.POST or None, request.FILES or None, budget_round=obj)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_propose(
                actor=request.user, budget_round=obj, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Thank you: your proposal has been submitted for review."))
            return redirect("budget:project_detail", pk=project.pk)
    return render(request, "budget/project_form.html", {"form": form, "round": obj})


def project_detail(request, pk: int):
    """A project: what it is, its status and public reason, and progress once funded."""
    project = project_by_pk(request, pk)
    require(request.user, "budget.view_project", project)
    return render(
        request,
        "budget/project_detail.html",
        {
            "project": project,
            "round": project.round,
            "updates": project.updates.all(),
            "can_withdraw": request.user.has_perm("budget.withdraw_project", project)
            and project.status == ProjectStatus.SUBMITTED,
        },
    )


def project_withdraw(request, pk: int):
    """The proposer withdraws a submitted proposal."""
    project = project_by_pk(request, pk)
    if request.method != "POST":
        return redirect("budget:project_detail", pk=pk)
    try:
        services.project_transition(actor=request.user, project=project, action="withdraw")
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("Your proposal has been withdrawn."))
    return redirect("budget:round_detail", pk=project.round_id)


# --- The ballot -----------------------------------------------------------------------


def _session_code(request, budget_round) -> VotingCode | None:
    stored = request.session.get(SESSION_CODE) or {}
    if stored.get("round") != budget_round.pk:
        return None
    return VotingCode.objects.select_related("batch").filter(pk=stored.get("code")).first()


def _cards(form: BallotForm, projects) -> list[dict]:
    """Each project with what the voter chose, read from the (possibly invalid) form."""
    if form.uses_points:
        cards = []
        for project in projects:
            value = form[f"points_{project.pk}"].value()
            try:
                points = max(int(value or 0), 0)
            except (TypeError, ValueError):
                points = 0
            cards.append({"project": project, "value": value or "", "points": points})
        return cards
    selected = {str(value) for value in (form["projects"].value() or [])}
    return [
        {"project": project, "checked": str(project.pk) in selected, "points": 1}
        for project in projects
    ]


def _ballot_context(budget_round, form: BallotForm, projects) -> dict:
    cards = _cards(form, projects)
    choices = {
        card["project"].pk: card["points"]
        for card in cards
        if card.get("checked") or (form.uses_points and card["points"])
    }
    total = chosen_total(projects, choices)
    return {
        "round": budget_round,
        "form": form,
        "cards": cards,
        "chosen": [card for card in cards if card["project"].pk in choices],
        "choices": choices,
        "total": total,
        "left": budget_round.budget - total,
        "points_given": sum(choices.values()),
        "points_left": budget_round.points_total - sum(choices.values()),
        "is_points": form.uses_points,
        "is_knapsack": budget_round.ballot_style == BallotStyle.KNAPSACK,
    }


def ballot(request, pk: int):
    """The ballot: choose, check (the budget left is shown), confirm; the last one counts."""
    budget_round = round_by_pk(request, pk)
    require(request.user, "budget.view_round", budget_round)
    code = _session_code(request, budget_round)
    if code is None and not request.user.is_authenticated:
        if budget_round.allow_letter_codes and budget_round.phase == Phase.VOTING:
            return render(request, "budget/ballot_login.html", {"round": budget_round})
        return redirect_to_login(request.get_full_path())
    # Casting checks again, as it writes, whether the voter voted another way already
    # (ClaimRefused below); the pages before it say so up front.
    claim = not (request.method == "POST" and request.POST.get("step") == "confirm")
    if code is not None:
        refusal = code_refusal(budget_round=budget_round, code=code, claim=claim)
    else:
        refusal = voter_refusal(actor=request.user, budget_round=budget_round, claim=claim)
    if refusal:
        return render(
            request,
            "budget/ballot_refused.html",
            {"round": budget_round, "refusal": refusal},
            status=403,
        )
    projects = list(selectors.projects_on_ballot(budget_round=budget_round))
    if request.method != "POST":
        current = selectors.own_choices(
            budget_round=budget_round, user=None if code else request.user, code=code
        )
        initial = {"projects": list(current)} | {
            f"points_{pk}": points for pk, points in current.items()
        }
        form = BallotForm(initial=initial, budget_round=budget_round, projects=projects)
        context = _ballot_context(budget_round, form, projects)
        context["has_ballot"] = bool(current)
        return render(request, "budget/ballot_form.html", context)

    form = BallotForm(request.POST, budget_round=budget_round, projects=projects)
    step = request.POST.get("step")
    if not form.is_valid():
        context = _ballot_context(budget_round, form, projects)
        return render(request, "budget/ballot_form.html", context, status=400)
    choices = form.choices()
    context = _ballot_context(budget_round, form, projects)
    if step == "edit":
        return render(request, "budget/ballot_form.html", context)
    if step == "confirm" and _ballot_submissions_limited(request, budget_round, code):
        # Nothing is cast; the confirm page keeps the choices for a later try.
        form.add_error(
            None,
            _(
                "You have confirmed a vote many times in a short while, so this one was not "
                "saved. Your choice is kept below: wait a quarter of an hour and confirm again."
            ),
        )
        return render(request, "budget/ballot_confirm.html", context, status=429)
    try:
        if step != "confirm":
            services.ballot_validate(budget_round=budget_round, choices=choices)
            return render(request, "budget/ballot_confirm.html", context)
        if code is not None:
            cast = services.ballot_cast_with_code(
                code=code, budget_round=budget_round, choices=choices
            )
            # Letter codes are used on shared computers (a library, a voting evening at the
            # community centre): the next person must not see or change this ballot, so the
            # browser forgets the code; changing the vote takes the letter again.
            request.session.pop(SESSION_CODE, None)
        else:
            cast = services.ballot_cast(
                actor=request.user, budget_round=budget_round, choices=choices
            )
    except (PermissionDenied, ClaimRefused) as error:
        refusal = str(error)
        if isinstance(error, ClaimRefused):
            # The same words the ballot page would have shown (a refused cast reads again).
            if code is not None:
                refusal = code_refusal(budget_round=budget_round, code=code)
            else:
                refusal = voter_refusal(actor=request.user, budget_round=budget_round)
            refusal = refusal or error.messages[0]
        return render(
            request,
            "budget/ballot_refused.html",
            {"round": budget_round, "refusal": refusal},
            status=403,
        )
    except ValidationError as error:
        apply_errors(form, error)
        return render(request, "budget/ballot_form.html", context, status=400)
    response = redirect("budget:ballot_thanks", pk=budget_round.pk)
    response.set_signed_cookie(
        RECEIPT_COOKIE,
        json.dumps(
            {
                "round": budget_round.pk,
                "receipt": cast.receipt,
                "changed": cast.changed,
                "emailed": code is None,
            }
        ),
        salt=RECEIPT_SALT,
        max_age=RECEIPT_MAX_AGE,
        path=reverse("budget:ballot_thanks", kwargs={"pk": budget_round.pk}),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _ballot_submissions_limited(request, budget_round, code: VotingCode | None) -> bool:
    """Count one ballot submission against the voter (account or letter code) and the IP."""
    voter = f"code:{code.pk}" if code is not None else f"user:{request.user.pk}"
    return over_limit(
        Limit(
            scope=f"ballot:{budget_round.pk}",
            key=voter,
            limit=BALLOT_SUBMISSIONS_PER_VOTER,
            window_seconds=BALLOT_WINDOW_SECONDS,
        ),
        Limit(
            scope="ballot-ip",
            key=f"ip:{get_adapter(request).get_client_ip(request)}",
            limit=BALLOT_SUBMISSIONS_PER_IP,
            window_seconds=BALLOT_WINDOW_SECONDS,
        ),
    )


def ballot_thanks(request, pk: int):
    """After voting: the receipt code, shown once."""
    budget_round = round_by_pk(request, pk)
    signed = request.get_signed_cookie(
        RECEIPT_COOKIE, default=None, salt=RECEIPT_SALT, max_age=RECEIPT_MAX_AGE
    )
    stored = json.loads(signed) if signed else {}
    if stored.get("round") != budget_round.pk:
        return redirect("budget:round_detail", pk=pk)
    response = render(
        request,
        "budget/ballot_thanks.html",
        {
            "round": budget_round,
            "receipt": stored.get("receipt", ""),
            "changed": bool(stored.get("changed")),
            "emailed": bool(stored.get("emailed")),
        },
    )
    # Shown once: the browser forgets it now.
    response.delete_cookie(RECEIPT_COOKIE, path=request.path, samesite="Lax")
    return response


def code_enter(request, pk: int):
    """Enter the voting code from the letter; a few tries per quarter of an hour."""
    budget_round = round_by_pk(request, pk)
    require(request.user, "budget.view_round", budget_round)
    if not budget_round.allow_letter_codes:
        raise Http404
    # The QR code on the letter opens this page with the code filled in.
    form = VotingCodeForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    status = 200
    if request.method == "POST":
        if request.session.session_key is None:
            # Without a session of its own every first visitor would share one counter
            # ("session:None"), and five residents would lock out everyone else.
            request.session.create()
        refusal = _code_attempts_refusal(request, budget_round)
        if refusal is not None:
            form.is_valid()
            form.add_error(None, refusal[0])
            status = refusal[1]
        elif form.is_valid():
            try:
                code = services.voting_code_check(
                    budget_round=budget_round, code=form.cleaned_data["code"]
                )
            except ValidationError as error:
                apply_errors(form, error)
                status = 400
            else:
                request.session.cycle_key()
                request.session[SESSION_CODE] = {"round": budget_round.pk, "code": code.pk}
                return redirect("budget:ballot", pk=budget_round.pk)
        else:
            status = 400
    return render(
        request, "budget/code_form.html", {"form": form, "round": budget_round}, status=status
    )


def _code_attempts_refusal(request, budget_round) -> tuple[str, int] | None:
    """Count one code attempt per session, per address and per (round, code selector);
    the message and status when this attempt may not be checked, else None.

    Fails closed: when the counters cannot be reached no code is checked (guessing must
    never become unlimited), and the page says so.
    """
    limits = [
        Limit(
            scope="voting-code",
            key=f"session:{request.session.session_key}",
            limit=CODE_ATTEMPTS,
            window_seconds=CODE_WINDOW_SECONDS,
        ),
        Limit(
            scope="voting-code-ip",
            key=f"ip:{get_adapter(request).get_client_ip(request)}",
            limit=CODE_ATTEMPTS_PER_IP,
            window_seconds=CODE_WINDOW_SECONDS,
        ),
    ]
    parts = codes.split_selector(request.POST.get("code", ""))
    if parts is not None:
        limits.append(
            Limit(
                scope=f"voting-code-selector:{budget_round.pk}",
                key=f"selector:{parts[0]}",
                limit=CODE_ATTEMPTS_PER_SELECTOR,
                window_seconds=CODE_WINDOW_SECONDS,
            )
        )
    try:
        limited = over_limit(*limits, fail_closed=True)
    except LimiterUnavailable:
        return (
            _(
                "The check on the number of attempts cannot be reached just now; "
                "try again in a few minutes."
            ),
            503,
        )
    if limited:
        return _("Too many attempts. Wait a quarter of an hour before you try again."), 429
    return None


def receipt(request, pk: int):
    """Check with a receipt code that a ballot is in the count (it shows no choices)."""
    budget_round = round_by_pk(request, pk)
    require(request.user, "budget.view_round", budget_round)
    form = ReceiptForm(request.POST or None)
    found = None
    status = 200
    if request.method == "POST":
        if is_limited(
            scope="receipt",
            keys=[f"ip:{get_adapter(request).get_client_ip(request)}"],
            limit=20,
            window_seconds=CODE_WINDOW_SECONDS,
        ):
            form.is_valid()
            form.add_error(None, _("Too many attempts. Try again later."))
            status = 429
        elif form.is_valid():
            found = services.receipt_check(
                budget_round=budget_round, receipt=form.cleaned_data["receipt"]
            )
    return render(
        request,
        "budget/receipt_form.html",
        {"form": form, "round": budget_round, "found": found},
        status=status,
    )


# --- Results ----------------------------------------------------------------------------


def _results_not_yet(budget_round) -> str:
    """Why the results cannot be seen yet, and when they come (the 403 page shows it)."""
    if timezone.now() < budget_round.voting_end:
        return _(
            "The results are published after voting closes on %(date)s, once the votes are counted."
        ) % {"date": date_format(timezone.localtime(budget_round.voting_end), "j F Y, H:i")}
    return _(
        "Voting has closed and the votes are being counted. The results appear here once "
        "staff have published them."
    )


def _published_result(request, pk: int):
    budget_round = round_by_pk(request, pk)
    if not request.user.has_perm("budget.view_result", budget_round):
        raise PermissionDenied(_results_not_yet(budget_round))
    result = getattr(budget_round, "result", None)
    if result is None or not (result.is_published or request.user.has_perm("budget.manage_round")):
        raise Http404
    return budget_round, result


def result_detail(request, pk: int):
    """The public results: funded projects, votes, budget used, turnout, chart, downloads."""
    budget_round, result = _published_result(request, pk)
    return render(
        request,
        "budget/result_detail.html",
        {
            "round": budget_round,
            "result": result,
            "rows": selectors.result_rows(result=result),
            "funded": selectors.funded_projects(result=result),
        },
    )


def result_pdf(request, pk: int):
    """The results as a PDF."""
    budget_round, result = _published_result(request, pk)
    pdf = render_pdf(
        template="pdf/budget_results.html",
        context={
            "round": budget_round,
            "result": result,
            "rows": selectors.result_rows(result=result),
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="wijkbudget-{pk}-uitslag.pdf"'
    return response


def result_pb(request, pk: int):
    """The anonymised ballots as a Pabulib file, to recount with other software."""
    budget_round, result = _published_result(request, pk)
    response = HttpResponse(result.pb_text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="wijkbudget-{pk}.pb"'
    return response


def ballot_page_url(budget_round) -> str:
    return reverse("budget:ballot", args=[budget_round.pk])
