"""Pages of the wijkpanel review: the members' dashboard and reviews, the chair's advice, staff.

Every view checks its permission on the review itself (see rules.py) and calls one service.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.models import Wijk
from core.selectors import history_timeline, wijken_coordinated_by
from plumbing.permissions import object_permission_required
from plumbing.views import form_view
from review import selectors, services
from review.forms import (
    AdviceForm,
    AssignForm,
    DeclarationForm,
    MemberReviewForm,
    ProceedWithoutAdviceForm,
    SubstituteForm,
)
from review.models import Review, ReviewStatus
from review.rules import chairs_review, panel_of


def _no_object(request, **kwargs):
    return None


def _review(request, pk: int) -> Review:
    try:
        return selectors.review_get(pk=pk)
    except Review.DoesNotExist as error:
        raise Http404 from error


def _refuse_when_ended(request, review: Review) -> HttpResponse | None:
    """A review that ended takes no more declarations, reviews or advice: say why on its page."""
    if review.is_open:
        return None
    if review.is_cancelled:
        text = _(
            "The submission has been withdrawn and the panel's review is cancelled: "
            "reviews and advice can no longer be given."
        )
    else:
        text = _("The panel's review has ended; reviews can no longer be changed.")
    messages.error(request, text)
    return redirect("review:detail", pk=review.pk)


def _subject(request, review: Review) -> dict:
    """What is reviewed, for those who may read it: the description, its link and files."""
    user = request.user
    summary = None
    if user.has_perm("review.view_subject", review):
        summary = selectors.subject_summary(review=review)
    link = ""
    # The link only when the visitor may open that page (the subject's own rules).
    if (
        summary is not None
        and summary.url
        and (not summary.url_permission or user.has_perm(summary.url_permission, review.subject))
    ):
        link = summary.url
    return {
        "summary": summary,
        "subject_link": link,
        "files_open": summary is not None and user.has_perm("review.view_subject_files", review),
    }


@object_permission_required("review.view_dashboard", _no_object)
def dashboard(request, obj=None):
    """A member's open reviews with due dates, what they reviewed, and their wijk's advice."""
    return render(
        request,
        "review/review_dashboard.html",
        {"dashboard": selectors.panel_dashboard(user=request.user)},
    )


@object_permission_required("review.view_review", _review)
def detail(request, obj: Review):
    """One review for the panel and staff; what shows depends on the visitor's part in it."""
    user = request.user
    can_see_reviews = user.has_perm("review.view_member_reviews", obj)
    timeline, declarations = [], []
    # Staff with a right on this review: its wijk's coordinator or the subject's officer.
    staff_view = user.has_perm("review.view_history", obj)
    if staff_view:
        declarations = selectors.conflicts_declared(review=obj)
        timeline = history_timeline(obj=obj)
        for member_review in obj.member_reviews.select_related("member__profile"):
            timeline += history_timeline(obj=member_review)
        timeline.sort(key=lambda entry: entry.when, reverse=True)
    panel = panel_of(obj)
    return render(
        request,
        "review/review_detail.html",
        {
            "review": obj,
            "own": selectors.member_review_of(review=obj, user=user),
            # The visitor's own seat: why they are recused, or that others review it.
            "seat": panel.seat_of(user.pk),
            # Who reviews, who is recused and why, who chairs: for staff and the chair.
            "panel": panel if user.has_perm("review.view_panel", obj) else None,
            "quorum": panel.quorum,
            "member_reviews": selectors.member_reviews_submitted(review=obj)
            if can_see_reviews
            else None,
            "aggregate": selectors.review_aggregate(review=obj) if can_see_reviews else None,
            "show_advice": user.has_perm("review.view_advice", obj),
            "advice_public": selectors.advice_is_public(review=obj),
            "can_declare": user.has_perm("review.declare", obj),
            "can_submit": user.has_perm("review.submit_member_review", obj),
            "can_write_advice": user.has_perm("review.write_advice", obj),
            "can_proceed": user.has_perm("review.proceed_without_advice", obj) and obj.is_overdue,
            "can_assign": user.has_perm("review.assign", obj),
            "can_name_substitute": user.has_perm("review.name_substitute", obj),
            "timeline": timeline,
            "declarations": declarations,
            "staff_view": staff_view,
            **_subject(request, obj),
        },
    )


def subject_file(request, pk: int, key: str):
    """Stream a file of the reviewed subject (a quote, a photo) to who may read it; no
    address of the storage reaches the page. Checked like object_permission_required."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    obj = _review(request, pk)
    if not request.user.has_perm("review.view_subject_files", obj):
        raise PermissionDenied
    summary = selectors.subject_summary(review=obj)
    found = summary.file(key) if summary is not None else None
    if found is None:
        raise Http404
    response = FileResponse(
        found.open(), as_attachment=True, filename=found.name, content_type=found.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


@object_permission_required("review.view_review", _review)
def declare(request, obj: Review):
    """A member's declaration of a conflict of interest: the first step of their review."""
    if (refused := _refuse_when_ended(request, obj)) is not None:
        return refused
    if not request.user.has_perm("review.declare", obj):
        raise PermissionDenied
    own = selectors.member_review_of(review=obj, user=request.user)
    initial = {}
    if own is not None:
        initial = {"has_conflict": "yes" if own.has_conflict else "no"}

    def save(form) -> bool:
        has_conflict = form.cleaned_data["has_conflict"] == "yes"
        services.member_review_declare(
            actor=request.user,
            review=obj,
            has_conflict=has_conflict,
            explanation=form.cleaned_data["conflict_explanation"],
        )
        return has_conflict

    # With a conflict the member is recused and goes back; without, on to the review.
    return form_view(
        request,
        DeclarationForm(request.POST or None, initial=initial),
        service=save,
        template="review/memberreview_declare.html",
        context={"review": obj, "own": own, **_subject(request, obj)},
        success_url=lambda has_conflict: reverse(
            "review:detail" if has_conflict else "review:member_review", kwargs={"pk": obj.pk}
        ),
        success_message=lambda has_conflict: (
            _("Your conflict of interest is recorded; you are recused.") if has_conflict else None
        ),
    )


@object_permission_required("review.view_review", _review)
def member_review(request, obj: Review):
    """A member's scores, advice and reasoning; can be revised until the advice is written."""
    if (refused := _refuse_when_ended(request, obj)) is not None:
        return refused
    if not request.user.has_perm("review.submit_member_review", obj):
        if request.user.has_perm("review.declare", obj):
            return redirect("review:declare", pk=obj.pk)
        raise PermissionDenied
    own = selectors.member_review_of(review=obj, user=request.user)
    initial = MemberReviewForm.initial_for(
        review=obj, scores=own.scores, advice=own.advice, reasoning=own.reasoning
    )
    return form_view(
        request,
        MemberReviewForm(request.POST or None, review=obj, initial=initial),
        service=lambda form: services.member_review_submit(
            actor=request.user,
            review=obj,
            scores=form.scores,
            advice=form.cleaned_data["advice"],
            reasoning=form.cleaned_data["reasoning"],
        ),
        template="review/memberreview_form.html",
        context={"review": obj, "own": own, **_subject(request, obj)},
        success_url=reverse("review:detail", kwargs={"pk": obj.pk}),
        success_message=(
            _("Your review has been revised.")
            if own.is_submitted
            else _("Your review has been submitted. You can now see the others'.")
        ),
    )


@object_permission_required("review.view_review", _review)
def write_advice(request, obj: Review):
    """The chair writes the panel's advice with the aggregated scores in view."""
    if (refused := _refuse_when_ended(request, obj)) is not None:
        return refused
    user = request.user
    if not user.has_perm("review.write_advice", obj):
        if chairs_review(user, obj) and user.has_perm("review.declare", obj):
            # The one who chairs declares first, like every member.
            messages.info(
                request,
                _(
                    "First declare whether you have a conflict of interest; "
                    "then you can write the advice."
                ),
            )
            return redirect("review:declare", pk=obj.pk)
        raise PermissionDenied
    quorum = panel_of(obj).quorum
    # Blind until one's own review is in: the chair too sees the members' reviews (and
    # their sum) only after submitting their own.
    sees_reviews = user.has_perm("review.view_member_reviews", obj)
    return form_view(
        request,
        AdviceForm(request.POST or None),
        service=lambda form: services.review_write_advice(
            actor=request.user,
            review=obj,
            advice=form.cleaned_data["advice"],
            text=form.cleaned_data["text"],
        ),
        template="review/review_advice_form.html",
        context=lambda: {
            "review": obj,
            "quorum": quorum,
            "aggregate": selectors.review_aggregate(review=obj) if sees_reviews else None,
            "member_reviews": selectors.member_reviews_submitted(review=obj)
            if sees_reviews
            else None,
            **_subject(request, obj),
        },
        success_url=reverse("review:detail", kwargs={"pk": obj.pk}),
        success_message=_("The panel's advice has been sent to the municipality."),
    )


@object_permission_required("review.proceed_without_advice", _review)
def proceed_without_advice(request, obj: Review):
    """Staff go on without the panel's advice after the due date; the reason is recorded."""
    return form_view(
        request,
        ProceedWithoutAdviceForm(request.POST or None),
        service=lambda form: services.review_proceed_without_advice(
            actor=request.user, review=obj, reason=form.cleaned_data["reason"]
        ),
        template="review/review_proceed_form.html",
        context=lambda: {"review": obj, "quorum": selectors.review_quorum(review=obj)},
        success_url=reverse("review:detail", kwargs={"pk": obj.pk}),
        success_message=_("Recorded: the municipality proceeds without advice."),
    )


@object_permission_required("review.view_review", _review)
def assign(request, obj: Review):
    """Staff or whoever chairs assign the review to some members instead of the whole panel."""
    if (refused := _refuse_when_ended(request, obj)) is not None:
        return refused
    if not request.user.has_perm("review.assign", obj):
        raise PermissionDenied
    panel = panel_of(obj)
    initial = {"members": [seat.member.pk for seat in panel.seats if seat.assigned]}
    if not panel.assigned_only:
        initial = {}
    return form_view(
        request,
        AssignForm(request.POST or None, panel=panel, initial=initial),
        service=lambda form: services.review_assign(
            actor=request.user, review=obj, members=list(form.cleaned_data["members"])
        ),
        template="review/review_assign_form.html",
        context=lambda: {"review": obj, "panel": panel, "quorum": panel.quorum},
        success_url=reverse("review:detail", kwargs={"pk": obj.pk}),
        success_message=_("The assignment of the review has been saved."),
    )


@object_permission_required("review.name_substitute", _review)
def name_substitute(request, obj: Review):
    """Staff name a member to chair this one review when the chair and vice-chair cannot."""
    panel = panel_of(obj)
    initial = {"member": obj.substitute_chair_id, "reason": obj.substitute_reason}
    return form_view(
        request,
        SubstituteForm(request.POST or None, panel=panel, initial=initial),
        service=lambda form: services.review_name_substitute(
            actor=request.user,
            review=obj,
            member=form.cleaned_data["member"],
            reason=form.cleaned_data["reason"],
        ),
        template="review/review_substitute_form.html",
        context=lambda: {"review": obj, "panel": panel},
        success_url=reverse("review:detail", kwargs={"pk": obj.pk}),
        success_message=_("The substitute chair has been saved."),
    )


STATUS_FILTERS = [
    ("open", _("Open")),
    ("overdue", _("Overdue")),
    (ReviewStatus.ADVISED, ReviewStatus.ADVISED.label),
    (ReviewStatus.WITHOUT_ADVICE, ReviewStatus.WITHOUT_ADVICE.label),
    (ReviewStatus.CANCELLED, ReviewStatus.CANCELLED.label),
]


@object_permission_required("review.view_overview", _no_object)
def staff_overview(request, obj=None):
    """Every review's state for staff: open, quorum reached or not, overdue."""
    wijk = Wijk.objects.filter(slug=request.GET.get("wijk") or "").first()
    status = request.GET.get("status") or ""
    if status not in {value for value, _label in STATUS_FILTERS}:
        status = ""
    return render(
        request,
        "review/review_staff_list.html",
        {
            "rows": selectors.reviews_for_staff(
                user=request.user, wijk=wijk, status=status or None
            ),
            "wijken": wijken_coordinated_by(user=request.user),
            "selected_wijk": wijk,
            "selected_status": status,
            "statuses": STATUS_FILTERS,
        },
    )


@object_permission_required("review.manage_panel", _no_object)
def staff_members(request, obj=None):
    """The wijkpanels' members, terms and chairs; changed in the content admin."""
    wijk = Wijk.objects.filter(slug=request.GET.get("wijk") or "").first()
    return render(
        request,
        "review/panelmembership_staff_list.html",
        {
            "memberships": selectors.panel_memberships_for_staff(user=request.user, wijk=wijk),
            "wijken": wijken_coordinated_by(user=request.user),
            "selected_wijk": wijk,
        },
    )
