"""The one shape most of our pages share: a form, one service, a message and a redirect.

The view still checks the permission on its object (`object_permission_required`) and
builds its own form, so `request.POST or None`, `instance=` and the form's own arguments
stay where they are read; `form_view` does the rest the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

T = TypeVar("T")


def apply_errors(form: BaseForm, error: ValidationError) -> None:
    """Show a service's validation error on the form it came from."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def form_view(
    request: HttpRequest,
    form: BaseForm,
    *,
    service: Callable[[Any], T],
    template: str,
    success_url: str | Callable[[T], str],
    success_message: str | Callable[[T], str | None] | None = None,
    context: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None = None,
    invalid_status: int = 200,
) -> HttpResponse:
    """Call `service(form)` when a POST is valid, then say so and redirect; else show the form.

    A `ValidationError` from the service lands on the form, which renders again with what
    was typed; a `PermissionDenied` is not caught, so Django answers 403. `success_url`
    and `success_message` may be callables of what the service returned (a message of
    None says nothing); `context` may be a callable, so its queries run only when the page
    renders. `invalid_status` is the status of a POST that did not go through.
    """
    if request.method == "POST" and form.is_valid():
        try:
            result = service(form)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            message = success_message(result) if callable(success_message) else success_message
            if message:
                messages.success(request, message)
            return redirect(success_url(result) if callable(success_url) else success_url)
    extra = context() if callable(context) else (context or {})
    status = invalid_status if request.method == "POST" else 200
    return render(request, template, {"form": form, **extra}, status=status)
