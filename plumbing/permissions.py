"""View helpers that check a permission on the object, not only login."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def object_permission_required(perm: str, get_object: Callable | None = None):
    """Anonymous users go to the login page; logged-in users without the right get 403.

    `get_object(request, **kwargs)` returns the object the permission is checked on;
    the view receives it as `obj`.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            obj = get_object(request, **kwargs) if get_object else None
            if not request.user.has_perm(perm, obj):
                raise PermissionDenied
            if get_object:
                kwargs = {"obj": obj}
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
