"""The CMS admin's Users screen, made safe for the functional administrator.

Wagtail lets anyone with `change_user` tick "Administrator" (superuser), give any group
and change anyone's e-mail address or password. A functional administrator (the
"Functioneel beheer" group, cms/migrations/0007) only decides who edits and who approves
pages and who has which council role (core/roles.py), so for everyone but a superuser the
screen shows just that:

- the roles are the editorial ones (EDITORS, APPROVERS), the council staff base and the
  scoped council roles (where each holds is set in the wijk, round and scheme admin screens);
  other groups a person has (functional administrators) stay as they are;
- no "Administrator" flag, and superusers' accounts cannot be opened at all;
- another person's e-mail address and password are not editable (a changed address would
  let a password reset take over that account).

Superusers keep Wagtail's full screen. Installed by `core.wagtail_users_app.WagtailUsersConfig`,
which replaces `wagtail.users` in INSTALLED_APPS.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import users

from core.roles import APPROVERS, COUNCIL_STAFF, EDITORS, SCOPED_ROLES

EDITORIAL_ROLES = (EDITORS, APPROVERS, COUNCIL_STAFF, *SCOPED_ROLES)


def _limit_to_editorial_roles(form, *, for_user) -> None:
    if for_user is None or for_user.is_superuser:
        form.kept_groups = []
        return
    form.fields.pop("is_superuser", None)
    form.fields["groups"].queryset = Group.objects.filter(name__in=EDITORIAL_ROLES)
    instance = form.instance
    form.kept_groups = (
        list(instance.groups.exclude(name__in=EDITORIAL_ROLES)) if instance.pk else []
    )


class EditorialUserCreationForm(UserCreationForm):
    """Wagtail's new-user form; for a non-superuser, with the editorial roles only."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_to_editorial_roles(self, for_user=for_user)

    def clean_groups(self):
        return [*self.cleaned_data["groups"], *self.kept_groups]


class EditorialUserEditForm(UserEditForm):
    """Wagtail's edit-user form; for a non-superuser, roles and name only."""

    def __init__(self, *args, for_user=None, editing_self=False, **kwargs):
        super().__init__(*args, editing_self=editing_self, **kwargs)
        _limit_to_editorial_roles(self, for_user=for_user)
        if for_user is not None and not for_user.is_superuser and not editing_self:
            for name in ("email", "password1", "password2"):
                if name in self.fields:
                    self.fields[name].disabled = True

    def clean_groups(self):
        return [*self.cleaned_data["groups"], *self.kept_groups]


class CreateView(users.CreateView):
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "for_user": self.request.user}


class EditView(users.EditView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if self.object.is_superuser and not request.user.is_superuser:
            raise PermissionDenied

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "for_user": self.request.user}


class UserViewSet(users.UserViewSet):
    add_view_class = CreateView
    edit_view_class = EditView

    def get_form_class(self, for_update=False):
        return EditorialUserEditForm if for_update else EditorialUserCreationForm
