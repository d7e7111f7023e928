"""A resident's own data: download it (JSON) and delete the account (AVG)."""

from __future__ import annotations

import json

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core import privacy
from core.forms import AccountDeleteForm
from plumbing.ratelimit import is_limited

DELETE_ATTEMPTS = 5
DELETE_WINDOW_SECONDS = 15 * 60


@require_GET
@login_required
def my_data_download(request):
    """Everything Wijkplein holds about the logged-in person, as a JSON file."""
    data = privacy.user_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"wijkplein-mijn-gegevens-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def account_delete(request):
    """Delete one's own account after typing the password; contributions stay anonymously."""
    if not privacy.can_erase_own_account(request.user):
        return render(request, "core/account_delete.html", {"refused": True}, status=403)
    form = AccountDeleteForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if is_limited(
            scope="account-delete",
            keys=[f"user:{request.user.pk}", f"ip:{get_adapter(request).get_client_ip(request)}"],
            limit=DELETE_ATTEMPTS,
            window_seconds=DELETE_WINDOW_SECONDS,
        ):
            form.is_valid()
            form.add_error(
                None, _("Too many attempts. Wait a quarter of an hour before you try again.")
            )
            status = 429
        elif form.is_valid():
            privacy.account_erase(actor=request.user, user=request.user)
            logout(request)
            messages.success(
                request, _("Your account has been deleted. Thank you for taking part.")
            )
            return redirect("/")
        else:
            status = 400
    return render(request, "core/account_delete.html", {"form": form}, status=status)
