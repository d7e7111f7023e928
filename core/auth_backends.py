"""Authentication backends that load the person's profile and staff role with the account.

Nearly every logged-in page asks the rules about the profile (wijk, residency), and every
logged-in request asks whether the person is council staff (StaffTwoFactorMiddleware), so
the account, its profile and the staff role come in one plain SQL statement (core.rows: the
ORM took ten times the database's time to build it, on every logged-in request). Otherwise
Django's and allauth's backends.
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connections, router

from core import rows
from core.models import Profile
from core.roles import COUNCIL_STAFF
from core.rows import Table

_USER = Table(get_user_model(), "u")
_PROFILE = Table(Profile, "p")


_USER_SQL: dict[str, str] = {}  # per database vendor


def _user_sql(connection) -> str:
    found = _USER_SQL.get(connection.vendor)
    if found is None:
        found = _USER_SQL[connection.vendor] = _build_user_sql(connection)
    return found


def _build_user_sql(connection) -> str:
    quote = connection.ops.quote_name
    user = _USER.model._meta
    memberships = _USER.model.groups.through._meta
    user_id = f"u.{quote(user.pk.column)}"
    # Only names from _meta, quoted, go into the text; the values are parameters.
    return (
        f"SELECT {_USER.columns(connection)}, {_PROFILE.columns(connection)}, "  # noqa: S608
        f"EXISTS (SELECT 1 FROM {quote(memberships.db_table)} m "
        f"INNER JOIN {quote(Group._meta.db_table)} g "
        f"ON g.{quote(Group._meta.pk.column)} = m.{quote(memberships.get_field('group').column)} "
        f"WHERE m.{quote(memberships.get_field('user').column)} = {user_id} AND g.name = %s) "
        f"FROM {quote(user.db_table)} u "
        f"LEFT OUTER JOIN {quote(Profile._meta.db_table)} p "
        f"ON p.{quote(Profile._meta.get_field('user').column)} = {user_id} "
        f"WHERE {user_id} = %s"
    )


def load_user(user_id):
    """The account with its profile (or none) and whether it is council staff; None if gone."""
    connection = connections[router.db_for_read(_USER.model)]
    try:
        pk = _USER.model._meta.pk.to_python(user_id)
    except ValidationError:  # a session holding something that is no user id
        return None
    with rows.cursor(connection) as cursor:
        try:
            cursor.execute(_user_sql(connection), [COUNCIL_STAFF, pk])
        except OverflowError:  # an id beyond 64 bits (SQLite's driver refuses it): no user
            return None
        row = cursor.fetchone()
    if row is None:
        return None
    width = len(_USER)
    user = _USER.instance(row[:width], connection)
    profile_values = row[width : width + len(_PROFILE)]
    profile = None
    if profile_values[0] is not None:
        profile = _PROFILE.instance(profile_values, connection)
        Profile.user.field.set_cached_value(profile, user)
    Profile.user.field.remote_field.set_cached_value(user, profile)
    user._is_council_staff = bool(row[-1])  # what core.rules.is_council_staff reads
    return user


class _WithProfile:
    def get_user(self, user_id):
        user = load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ProfileModelBackend(_WithProfile, ModelBackend):
    """Django's ModelBackend (staff logins in tests, force_login)."""


class ProfileAccountBackend(_WithProfile, AuthenticationBackend):
    """allauth's backend (e-mail login), which residents log in with."""
