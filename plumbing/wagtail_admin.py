"""What every app's Wagtail admin viewsets share: rules-backed permissions and service-backed forms.

- `RulesPermissionPolicy` answers Wagtail's "may this user add / change / view ..."
  with the django-rules named perms of the domain (e.g. `budget.manage_round`), so
  the admin follows the same rules as the site, never `is_staff` or a Wagtail group.
- `ServiceForm` is a model form whose `save()` calls the domain service instead of
  saving the model itself; `ServiceFormViewMixin` turns the service's
  ValidationError into form errors (nothing saved, input kept) instead of a 500.
- Amounts (decimal fields with cents) are typed as on the site: `plumbing.forms_fields.AmountField`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import DecimalField, Model, Q, QuerySet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.forms.models import register_form_field_override
from wagtail.permission_policies.base import BasePermissionPolicy

from plumbing.forms_fields import AmountField

# Every admin form reads "1.250,50" in Dutch as the site's forms do, not as 1.25 or an error.
register_form_field_override(
    DecimalField,
    override=lambda db_field: {"form_class": AmountField} if db_field.decimal_places == 2 else {},
)


class RulesPermissionPolicy(BasePermissionPolicy):
    """Wagtail permission policy backed by django-rules: each admin action maps to a named perm.

    An action without a perm in `perms` (e.g. "delete" when objects are never deleted
    in the admin) is allowed to nobody.
    """

    def __init__(self, model: type[Model] | str, *, perms: Mapping[str, str]):
        super().__init__(model)
        self.perms = dict(perms)

    def user_has_permission(self, user, action: str) -> bool:
        perm = self.perms.get(action)
        return bool(perm) and user.is_authenticated and user.is_active and user.has_perm(perm)

    def user_has_permission_for_instance(self, user, action: str, instance) -> bool:
        perm = self.perms.get(action)
        return (
            bool(perm)
            and user.is_authenticated
            and user.is_active
            and user.has_perm(perm, instance)
        )

    def users_with_any_permission(self, actions: Iterable[str]) -> QuerySet:
        # Rules cannot be turned into a query, so they are asked per user. Site-wide roles
        # are Groups, so only superusers and group members are candidates (not every
        # resident); Wagtail rarely asks this, e.g. for notifications.
        User = get_user_model()
        candidates = User.objects.filter(is_active=True).filter(
            Q(is_superuser=True) | Q(groups__isnull=False)
        )
        allowed = [
            user.pk
            for user in candidates.distinct()
            if any(self.user_has_permission(user, action) for action in actions)
        ]
        return User.objects.filter(pk__in=allowed)


def error_into_form(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ServiceForm(WagtailAdminModelForm):
    """A model form whose save() calls a domain service with the acting user (`for_user`)."""

    def save(self, commit: bool = True):
        self.instance = self.save_through_service(actor=self.for_user)
        return self.instance

    def save_through_service(self, *, actor) -> Model:
        raise NotImplementedError


class ServiceFormViewMixin:
    """For create and edit views: a refusal by the service shows as form errors, nothing saved."""

    def form_valid(self, form):
        try:
            # The view saves inside transaction.atomic: a refusal rolls everything back.
            return super().form_valid(form)
        except ValidationError as error:
            error_into_form(form, error)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
