"""Pages of resident initiatives: overviews, detail, proposing, the workflow, taking part.

Views stay thin: check the permission on the object, validate a form, call
one service, render. Moderation pages are in views_moderation.py.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.models import Wijk
from core.refusals import Refusal, residency_refusal
from core.selectors import history_timeline, wijken_all
from initiatives import selectors, services
from initiatives.forms import (
    InitiativeForm,
    InvitationForm,
    OverviewFilterForm,
    ProgressUpdateForm,
    TransitionForm,
    VolunteerForm,
)
from initiatives.models import Initiative, InitiativeStatus
from initiatives.workflow import ACTION_LABELS, DECISIONS, TRANSITIONS
from plumbing.permissions import object_permission_required
from plumbing.views import form_view
from plumbing.workflow import actions_available
from review.models import Advice, ReviewStatus
from review.selectors import review_for

PAGE_SIZE = 12


def _wijk(request, slug: str, **kwargs) -> Wijk:
    return get_object_or_404(Wijk, slug=slug)


def _initiative(request, pk: int, **kwargs) -> Initiative:
    return get_object_or_404(Initiative.objects.select_related("wijk"), pk=pk)


def _detail_url(initiative: Initiative, anchor: str = "") -> str:
    url = reverse("initiatives:detail", kwargs={"pk": initiative.pk})
    return url + (f"#{anchor}" if anchor else "")


# --- Overviews --------------------------------------------------------------------


def _overview(request, *, wijk: Wijk | None):
    form = OverviewFilterForm(request.GET or None)
    initiatives = selectors.initiatives_overview(wijk=wijk, **form.filters())
    page = Paginator(initiatives, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "initiatives/initiative_list.html",
        {
            "wijk": wijk,
            "wijken": wijken_all(),
            "form": form,
            "page_obj": page,
            "querystring": params.urlencode(),
            "filtered": any(form.filters().values()),
            "propose_url": _propose_url(request, wijk),
        },
    )


def _propose_url(request, wijk: Wijk | None) -> str:
    """The list's "Propose an initiative" action: the form when the person may use it,
    else the page that says why not and what to do."""
    if wijk is not None and request.user.has_perm("initiatives.add_initiative", wijk):
        return reverse("initiatives:create", kwargs={"slug": wijk.slug})
    url = reverse("initiatives:propose")
    return f"{url}?wijk={wijk.slug}" if wijk is not None else url


def _refused(request, refusal: Refusal | None, *, wijk: Wijk | None):
    """The refusal page of proposing: why not, and what to do (403)."""
    return render(
        request,
        "initiatives/initiative_propose_refused.html",
        {"refusal": refusal, "wijk": wijk},
        status=403,
    )


@require_GET
def propose(request):
    """Everyone's way to propose: to the form in one's own wijk, or why one may not yet."""
    wijk = Wijk.objects.filter(slug=request.GET.get("wijk", "")).first()
    refusal = residency_refusal(user=request.user, wijk=wijk, next_url=request.get_full_path())
    if refusal is None:
        own = request.user.profile.wijk
        if request.user.has_perm("initiatives.add_initiative", own):
            return redirect("initiatives:create", slug=own.slug)
    return _refused(request, refusal, wijk=wijk)


def overview(request):
    """Public initiatives of all wijken, with filters and search."""
    return _overview(request, wijk=None)


def wijk_overview(request, slug: str):
    """Public initiatives of one wijk, with filters and search."""
    return _overview(request, wijk=_wijk(request, slug))


@login_required
def my_initiatives(request):
    """The initiatives the logged-in person runs, in every status."""
    profile = getattr(request.user, "profile", None)
    wijk = profile.wijk if profile is not None else None
    return render(
        request,
        "initiatives/initiative_mine.html",
        {
            "initiatives": selectors.initiatives_of_member(user=request.user),
            "wijk": wijk,
            "can_propose": wijk is not None
            and request.user.has_perm("initiatives.add_initiative", wijk),
        },
    )


# --- Proposing and editing --------------------------------------------------------


def create(request, slug: str):
    """A verified resident proposes an initiative in their wijk (saved as a concept)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    obj = _wijk(request, slug)
    if not request.user.has_perm("initiatives.add_initiative", obj):
        return _refused(request, residency_refusal(user=request.user, wijk=obj), wijk=obj)
    return form_view(
        request,
        InitiativeForm(request.POST or None, request.FILES or None),
        service=lambda form: services.initiative_create(
            actor=request.user,
            wijk=obj,
            data=form.service_data(),
            photo=form.cleaned_data.get("photo"),
        ),
        template="initiatives/initiative_form.html",
        context={"wijk": obj},
        success_url=_detail_url,
        success_message=_("Your initiative is saved as a concept. Submit it when it is ready."),
    )


@object_permission_required("initiatives.change_initiative", _initiative)
def edit(request, obj: Initiative):
    """The initiators change their concept."""

    def context() -> dict:
        obj.refresh_from_db()  # a failed form must not show unsaved values as stored ones
        return {"wijk": obj.wijk, "initiative": obj}

    return form_view(
        request,
        InitiativeForm(request.POST or None, request.FILES or None, instance=obj),
        service=lambda form: services.initiative_edit(
            actor=request.user,
            initiative=obj,
            data=form.service_data(),
            photo=form.cleaned_data.get("photo"),
        ),
        template="initiatives/initiative_form.html",
        context=context,
        success_url=_detail_url(obj),
        success_message=_("Your changes have been saved."),
    )


# --- Detail -----------------------------------------------------------------------


def _detail_object(request, pk: int, **kwargs) -> Initiative:
    initiative = selectors.initiative_for_detail(pk=pk)
    if initiative is None:
        raise Http404
    return initiative


def public_or_permission_required(perm: str, get_object):
    """Like core's object_permission_required, but anonymous visitors pass when the rule
    lets them (a public initiative); otherwise they are sent to log in."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, **kwargs):
            obj = get_object(request, **kwargs)
            if request.user.has_perm(perm, obj):
                return view(request, obj=obj)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied

        return wrapper

    return decorator


@public_or_permission_required("initiatives.view_initiative", _detail_object)
def detail(request, obj: Initiative):
    """An initiative: what, where, who, support, updates and the timeline of decisions."""
    user = request.user
    is_insider = user.has_perm("initiatives.view_full_history", obj)
    review = review_for(subject=obj)
    concluded = review is not None and review.status != ReviewStatus.OPEN
    show_advice = concluded and (
        obj.decided_at is not None or user.has_perm("initiatives.decide_initiative", obj)
    )
    actions = [
        (action, ACTION_LABELS[action])
        for action in actions_available(obj=obj, user=user, transitions=TRANSITIONS)
    ]
    return render(
        request,
        "initiatives/initiative_detail.html",
        {
            "initiative": obj,
            "members": obj.members.all(),
            "updates": selectors.initiative_updates(initiative=obj, include_hidden=is_insider),
            "support": selectors.support_of(initiative=obj, user=user),
            "volunteer": selectors.volunteer_of(initiative=obj, user=user),
            "actions": actions,
            "review": review,
            "show_advice": show_advice,
            "steps": selectors.decision_timeline(initiative=obj),
            "history": history_timeline(obj=obj) if is_insider else None,
            "is_insider": is_insider,
            # Why a logged-in person may not support or help, and what to do about it.
            "residency_refusal": residency_refusal(user=user, wijk=obj.wijk)
            if user.is_authenticated
            else None,
            "can": {
                name: user.has_perm(f"initiatives.{name}", obj)
                for name in (
                    "change_initiative",
                    "support_initiative",
                    "volunteer_initiative",
                    "view_volunteers",
                    "invite_co_initiator",
                    "post_update",
                    "report_content",
                    "moderate",
                )
            },
        },
    )


# --- The workflow -----------------------------------------------------------------


@object_permission_required("initiatives.view_initiative", _initiative)
def transition(request, obj: Initiative):
    """Confirm one step of the workflow, with a reason where needed."""
    action = request.resolver_match.kwargs["action"]
    if action not in ACTION_LABELS:
        raise Http404
    step = TRANSITIONS.get((obj.status, action))
    if step is None:
        messages.error(
            request,
            _("This step is not possible now (status: %(status)s).")
            % {"status": obj.get_status_display()},
        )
        return redirect(_detail_url(obj))
    if not request.user.has_perm(step.permission, obj):
        raise PermissionDenied
    review = review_for(subject=obj) if action in DECISIONS else None
    against_advice = (
        review is not None
        and obj.status == InitiativeStatus.IN_REVIEW
        and action == "publish"
        and review.advice == Advice.NEGATIVE
    )

    def done(_initiative) -> str:
        obj.refresh_from_db()
        return _("Done. The status is now: %(status)s.") % {"status": obj.get_status_display()}

    return form_view(
        request,
        TransitionForm(
            request.POST or None,
            reason_required=step.reason_required or against_advice,
            public=action in DECISIONS,
        ),
        service=lambda form: services.initiative_transition(
            actor=request.user, initiative=obj, action=action, reason=form.cleaned_data["reason"]
        ),
        template="initiatives/initiative_transition.html",
        context={
            "initiative": obj,
            "action": action,
            "label": ACTION_LABELS[action],
            "review": review,
            "against_advice": against_advice,
        },
        success_url=_detail_url(obj),
        success_message=done,
    )


# --- Support and volunteers -------------------------------------------------------


@require_POST
@object_permission_required("initiatives.view_initiative", _initiative)
def support(request, obj: Initiative):
    """Support the initiative (one support per resident)."""
    try:
        services.support_add(actor=request.user, initiative=obj)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you for your support."))
    return redirect(_detail_url(obj, "support"))


@require_POST
@object_permission_required("initiatives.view_initiative", _initiative)
def support_withdraw(request, obj: Initiative):
    """Take back one's support."""
    try:
        services.support_withdraw(actor=request.user, initiative=obj)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your support has been withdrawn."))
    return redirect(_detail_url(obj, "support"))


@object_permission_required("initiatives.volunteer_initiative", _initiative)
def volunteer(request, obj: Initiative):
    """Sign up as a volunteer with a short message for the initiators."""
    return form_view(
        request,
        VolunteerForm(request.POST or None),
        service=lambda form: services.volunteer_signup(
            actor=request.user, initiative=obj, message=form.cleaned_data["message"]
        ),
        template="initiatives/volunteer_form.html",
        context={"initiative": obj},
        success_url=_detail_url(obj, "support"),
        success_message=_("Thank you: the initiators will contact you."),
    )


@require_POST
@object_permission_required("initiatives.view_initiative", _initiative)
def volunteer_withdraw(request, obj: Initiative):
    """Take back one's volunteer sign-up."""
    try:
        services.volunteer_withdraw(actor=request.user, initiative=obj)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You are no longer signed up as a volunteer."))
    return redirect(_detail_url(obj, "support"))


@object_permission_required("initiatives.view_volunteers", _initiative)
def volunteers(request, obj: Initiative):
    """The volunteers and their messages, for the initiators."""
    return render(
        request,
        "initiatives/volunteer_list.html",
        {"initiative": obj, "volunteers": selectors.initiative_volunteers(initiative=obj)},
    )


# --- Co-initiators and progress updates -------------------------------------------


@object_permission_required("initiatives.invite_co_initiator", _initiative)
def invite(request, obj: Initiative):
    """Invite a co-initiator by e-mail."""
    form = InvitationForm(request.POST or None)
    return form_view(
        request,
        form,
        service=lambda form: services.invitation_create(
            actor=request.user, initiative=obj, email=form.cleaned_data["email"]
        ),
        template="initiatives/invitation_form.html",
        context=lambda: {
            "initiative": obj,
            "members": obj.members.select_related("user__profile"),
            "invitations": selectors.pending_invitations(initiative=obj),
        },
        success_url=reverse("initiatives:invite", kwargs={"pk": obj.pk}),
        success_message=lambda _invitation: (
            _("The invitation has been sent to %(email)s.") % {"email": form.cleaned_data["email"]}
        ),
    )


@login_required
def invitation_accept(request, token: str):
    """The invitee, logged in, accepts the invitation and becomes co-initiator."""
    invitation = services.invitation_by_token(token=token)
    error = None
    if request.method == "POST":
        try:
            member = services.invitation_accept(user=request.user, token=token)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("You are now a co-initiator of this initiative."))
            return redirect(_detail_url(member.initiative))
    elif invitation is None:
        error = _("This invitation link is not valid.")
    return render(
        request,
        "initiatives/invitation_accept.html",
        {"invitation": invitation, "error": error},
        status=200 if error is None else 400,
    )


@object_permission_required("initiatives.post_update", _initiative)
def update_create(request, obj: Initiative):
    """An initiator posts a progress update."""
    return form_view(
        request,
        ProgressUpdateForm(request.POST or None),
        service=lambda form: services.update_post(
            actor=request.user, initiative=obj, **form.cleaned_data
        ),
        template="initiatives/progressupdate_form.html",
        context={"initiative": obj},
        success_url=_detail_url(obj, "updates"),
        success_message=_("Your update has been posted."),
    )
