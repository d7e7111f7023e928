"""Views of core: a resident's own page, letter codes, and the staff pages."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from core import letters, notifications, selectors, services
from core.forms import (
    CodeBatchForm,
    LetterRequestCloseForm,
    NotificationPreferencesForm,
    ProfileForm,
    ResidencyCodeForm,
    StaffVerifyForm,
    VoidBatchForm,
)
from core.models import (
    Notification,
    NotificationKind,
    Profile,
    ResidencyCodeBatch,
    ResidencyLetterRequest,
    ResidencyStatus,
)
from plumbing.pdf import render_pdf
from plumbing.permissions import object_permission_required
from plumbing.ratelimit import Limit, over_limit
from plumbing.views import apply_errors, form_view

CODE_ATTEMPTS = 5
# Per address more: at the library or the municipal desk residents share one connection,
# each with their own code (31^12 possible codes: this allows no guessing worth the name).
CODE_ATTEMPTS_PER_IP = 120
CODE_WINDOW_SECONDS = 15 * 60


@require_GET
def language_switch(request, language: str):
    """Switch the site's language (a plain link, so no form and no CSRF token on the page,
    which lets anonymous pages be cached); back to the page the visitor was on."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise Http404
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = redirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def _own_profile(request, **kwargs) -> Profile:
    return get_object_or_404(Profile.objects.select_related("wijk"), user=request.user)


@object_permission_required("core.view_profile", _own_profile)
def my_profile(request, obj: Profile):
    """The resident's own page: details, residency, panel seats and history."""
    return render(
        request,
        "core/profile_detail.html",
        {
            "profile": obj,
            "code_form": ResidencyCodeForm(),
            "letter_request": letters.letter_request_open(profile=obj),
            "memberships": selectors.panel_memberships_of(user=request.user),
            "timeline": selectors.history_timeline(obj=obj),
        },
    )


@object_permission_required("core.view_profile", _own_profile)
def profile_edit(request, obj: Profile):
    """Change one's own details; a new address needs verification again."""
    initial = {
        "display_name": obj.display_name,
        "postcode": obj.postcode,
        "house_number": obj.house_number,
        "birth_year": obj.birth_year,
        "declares_residency": obj.residency_status != ResidencyStatus.UNVERIFIED,
    }
    return form_view(
        request,
        ProfileForm(request.POST or None, initial=initial),
        service=lambda form: services.profile_update(
            actor=request.user, profile=obj, **form.cleaned_data
        ),
        template="core/profile_form.html",
        context={"profile": obj},
        success_url="core:my_profile",
        success_message=_("Your details have been saved."),
    )


@login_required
def residency_code_enter(request):
    """Enter the code from the letter; limited to a few tries per quarter of an hour."""
    profile = get_object_or_404(Profile, user=request.user)
    # The QR code on the letter opens this page with the code filled in (?code=...).
    form = ResidencyCodeForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    status = 200
    if request.method == "POST":
        if over_limit(
            Limit(
                scope="residency-code",
                key=f"user:{request.user.pk}",
                limit=CODE_ATTEMPTS,
                window_seconds=CODE_WINDOW_SECONDS,
            ),
            Limit(
                scope="residency-code-ip",
                key=f"ip:{get_adapter(request).get_client_ip(request)}",
                limit=CODE_ATTEMPTS_PER_IP,
                window_seconds=CODE_WINDOW_SECONDS,
            ),
        ):
            form.is_valid()
            form.add_error(
                None,
                _("Too many attempts. Wait a quarter of an hour before you try again."),
            )
            status = 429
        elif form.is_valid():
            try:
                services.residency_code_redeem(user=request.user, code=form.cleaned_data["code"])
            except ValidationError as error:
                apply_errors(form, error)
                status = 400
            else:
                messages.success(request, _("Thank you: your address is now verified."))
                return redirect("core:my_profile")
        else:
            status = 400
    return render(
        request, "core/residency_code_form.html", {"form": form, "profile": profile}, status=status
    )


@require_POST
@object_permission_required("core.request_residency_letter", _own_profile)
def residency_letter_request(request, obj: Profile):
    """A resident who signed up asks for a letter with a code to verify their address."""
    try:
        letters.residency_letter_request(actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The municipality will send a letter with a code to your address."),
        )
    return redirect("core:my_profile")


# --- Staff ----------------------------------------------------------------------


def _staff_area(request, **kwargs):
    return None


@object_permission_required("core.access_staff_area", _staff_area)
def staff_home(request, obj=None):
    """What staff can do here."""
    return render(
        request,
        "core/staff_home.html",
        {
            "wijken": selectors.wijken_coordinated_by(user=request.user),
            "letter_requests_open": selectors.letter_requests_for_coordinator(
                user=request.user, requests=letters.letter_requests_for_staff()
            ).count(),
        },
    )


@object_permission_required("core.verify_resident", _staff_area)
def staff_resident_list(request, obj=None):
    """Residents of the coordinator's wijken per wijk and residency status, to verify them."""
    wijken = selectors.wijken_coordinated_by(user=request.user)
    wijk = None
    if request.GET.get("wijk"):
        wijk = wijken.filter(slug=request.GET["wijk"]).first()
    status = request.GET.get("status") or ""
    if status not in ResidencyStatus.values:
        status = ""
    residents = selectors.residents_for_staff(user=request.user, wijk=wijk, status=status or None)
    return render(
        request,
        "core/profile_list.html",
        {
            "residents": residents[:500],
            "wijken": wijken,
            "selected_wijk": wijk,
            "selected_status": status,
            "statuses": ResidencyStatus.choices,
        },
    )


def _profile_by_pk(request, pk: int) -> Profile:
    return get_object_or_404(Profile.objects.select_related("user", "wijk"), pk=pk)


@object_permission_required("core.verify_resident", _profile_by_pk)
def staff_resident_detail(request, obj: Profile):
    """One resident for staff: details, verification form and history."""
    return form_view(
        request,
        StaffVerifyForm(request.POST or None),
        service=lambda form: services.resident_verify_by_staff(
            actor=request.user, profile=obj, reason=form.cleaned_data["reason"]
        ),
        template="core/profile_staff_detail.html",
        context=lambda: {
            "profile": obj,
            "timeline": selectors.history_timeline(obj=obj),
            "roles": selectors.role_timeline(user=obj.user),
        },
        success_url=reverse("core:staff_resident_detail", kwargs={"pk": obj.pk}),
        success_message=_("%(name)s is now verified.") % {"name": obj.display_name},
    )


@object_permission_required("core.generate_residency_codes", _staff_area)
def staff_code_batches(request, obj=None):
    """Batches of letter codes of the coordinator's wijken; a new batch downloads its letters
    once, at creation."""
    form = CodeBatchForm(request.POST or None)
    form.fields["wijk"].queryset = selectors.wijken_coordinated_by(user=request.user)
    if request.method == "POST" and form.is_valid():
        wijk = form.cleaned_data["wijk"]
        try:
            addresses = services.parse_address_lines(text=form.cleaned_data["addresses"], wijk=wijk)
            batch, printed = letters.residency_letters_print(
                actor=request.user, wijk=wijk, addresses=addresses, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            pdf = render_pdf(
                template="pdf/residency_letters.html",
                context={"batch": batch, "letters": printed, "today": timezone.localdate()},
            )
            response = HttpResponse(pdf, content_type="application/pdf")
            filename = f"wijkplein-codes-{wijk.slug}-{batch.pk}.pdf"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            response["Cache-Control"] = "no-store"
            return response
    return render(
        request,
        "core/residencycodebatch_list.html",
        {
            "form": form,
            "batches": selectors.code_batches_for_staff(user=request.user)[:100],
            "letter_requests": selectors.letter_requests_for_coordinator(
                user=request.user, requests=letters.letter_requests_for_staff()
            )[:200],
        },
    )


def _letter_request_by_pk(request, pk: int) -> ResidencyLetterRequest:
    return get_object_or_404(ResidencyLetterRequest.objects.select_related("profile__wijk"), pk=pk)


@require_POST
@object_permission_required("core.generate_residency_codes", _letter_request_by_pk)
def staff_letter_request_close(request, obj: ResidencyLetterRequest):
    """Close a resident's request for a letter that was handled another way."""
    form = LetterRequestCloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("State how the request was handled."))
    else:
        try:
            letters.residency_letter_request_close(
                actor=request.user, letter_request=obj, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The request is closed."))
    return redirect("core:staff_code_batches")


def _batch_by_pk(request, pk: int) -> ResidencyCodeBatch:
    return get_object_or_404(ResidencyCodeBatch.objects.select_related("wijk"), pk=pk)


@require_POST
@object_permission_required("core.generate_residency_codes", _batch_by_pk)
def staff_code_batch_void(request, obj: ResidencyCodeBatch):
    """Void the unused codes of a batch."""
    form = VoidBatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("State why the codes are voided."))
    else:
        try:
            services.residency_code_batch_void(
                actor=request.user, batch=obj, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The unused codes of this batch no longer work."))
    return redirect("core:staff_code_batches")


# --- Notifications --------------------------------------------------------------


@login_required
def notification_list(request):
    """The resident's recent notifications."""
    return render(
        request,
        "core/notification_list.html",
        {"notifications": selectors.notifications_of(user=request.user)[:50]},
    )


@login_required
def notification_preferences(request):
    """Choose which kinds of e-mail to receive."""
    muted = selectors.muted_kinds_of(user=request.user)
    wanted = [kind for kind in NotificationKind.values if kind not in muted]
    return form_view(
        request,
        NotificationPreferencesForm(request.POST or None, initial={"wanted": wanted}),
        service=lambda form: notifications.notification_preferences_set(
            user=request.user,
            muted_kinds=set(NotificationKind.values) - set(form.cleaned_data["wanted"]),
        ),
        template="core/notification_preferences.html",
        success_url="core:notification_preferences",
        success_message=_("Your choices have been saved."),
    )


@csrf_exempt  # the signed token is the credential; mail clients POST without a CSRF token
def unsubscribe(request, token: str):
    """One-click unsubscribe from one kind of e-mail, without logging in.

    GET only asks for confirmation (mail scanners follow links); POST, from the
    button or from a mail client's List-Unsubscribe-Post, switches it off.
    """
    found = notifications.read_unsubscribe_token(token)
    if found is None:
        return render(request, "core/unsubscribe.html", {"invalid": True}, status=400)
    user, kind = found
    done = False
    if request.method == "POST":
        notifications.notification_unsubscribe(token=token)
        done = True
    return render(
        request,
        "core/unsubscribe.html",
        {"kind_label": NotificationKind(kind).label, "done": done, "email": user.email},
    )


@object_permission_required("core.view_failed_notifications", _staff_area)
def staff_failed_notifications(request, obj=None):
    """Notifications that could not be delivered, with a button to try again."""
    if request.method == "POST":
        notification = get_object_or_404(Notification, pk=request.POST.get("notification"))
        notifications.notification_retry(actor=request.user, notification=notification)
        messages.success(request, _("The notification will be sent again."))
        return redirect("core:staff_failed_notifications")
    return render(
        request,
        "core/notification_failed_list.html",
        {"failed": selectors.failed_notifications()[:200]},
    )
