"""Permissions of subsidy schemes and applications (django-rules).

Staff rights are the subsidy officer's: council staff in the "Subsidiebehandelaars" group
with a SchemeOfficer row for the scheme of the application (or the scheme itself). They see
and decide the applications of their schemes only. Without an object (the overview, a new
scheme) the role suffices; `selectors.applications_for_staff(user=...)` and
`selectors.schemes_for_staff(user=...)` then list only their schemes.
"""

from __future__ import annotations

import rules

from core.roles import SUBSIDY_OFFICERS
from core.rules import has_role, is_functional_admin, is_panel_member_of_wijk
from initiatives.models import Initiative, InitiativeMember, InitiativeStatus
from subsidies.models import Application, Attachment, Scheme, SchemeOfficer, Status

# Initiatives that can no longer ask for money.
_CLOSED_INITIATIVE = (InitiativeStatus.REJECTED, InitiativeStatus.WITHDRAWN)


def _scheme_of(obj) -> Scheme | None:
    if isinstance(obj, Scheme):
        return obj
    if isinstance(obj, Attachment):
        obj = obj.application
    if isinstance(obj, Application):
        return obj.scheme
    return None


@rules.predicate
def is_subsidy_officer(user, obj=None) -> bool:
    """A subsidy officer of the scheme of the application, file or scheme; without an
    object, anyone with the role (a list then shows only their own schemes, and a scheme
    they set up becomes theirs)."""
    if not has_role(user, SUBSIDY_OFFICERS):
        return False
    rows = SchemeOfficer.objects.filter(user=user)
    if obj is None:
        return True
    scheme = _scheme_of(obj)
    return scheme is not None and rows.filter(scheme=scheme).exists()


@rules.predicate
def is_initiator_of(user, initiative: Initiative | None = None) -> bool:
    """An initiator or co-initiator of the initiative."""
    if not user.is_authenticated or initiative is None:
        return False
    return InitiativeMember.objects.filter(initiative=initiative, user=user).exists()


@rules.predicate
def initiative_can_apply(user, initiative: Initiative | None = None) -> bool:
    """The initiative is still running (not rejected or withdrawn)."""
    return initiative is not None and initiative.status not in _CLOSED_INITIATIVE


@rules.predicate
def is_applicant(user, application: Application | None = None) -> bool:
    """An initiator of the initiative the application is for."""
    if application is None:
        return False
    return is_initiator_of(user, application.initiative)


@rules.predicate
def is_concept(user, application: Application | None = None) -> bool:
    """The application is still a draft the applicants can change."""
    return application is not None and application.status == Status.CONCEPT


@rules.predicate
def is_past_concept(user, application: Application | None = None) -> bool:
    """The application has been submitted at least once (the panel may see it)."""
    return application is not None and application.status != Status.CONCEPT


@rules.predicate
def awaits_report(user, application: Application | None = None) -> bool:
    """The advance is paid and the report is not yet in."""
    return application is not None and application.status == Status.ADVANCE_PAID


@rules.predicate
def is_applicant_of_file(user, attachment=None) -> bool:
    """An initiator of the initiative whose application the file belongs to."""
    return attachment is not None and is_applicant(user, attachment.application)


rules.add_perm("subsidies.view_scheme", rules.always_allow)
rules.add_perm("subsidies.manage_schemes", is_subsidy_officer)
rules.add_perm("subsidies.apply", is_initiator_of & initiative_can_apply)
rules.add_perm(
    "subsidies.view_application",
    is_applicant | is_subsidy_officer | (is_panel_member_of_wijk & is_past_concept),
)
# Bank account, quotes, receipts and the decision letter: applicants and staff only.
rules.add_perm("subsidies.view_application_private", is_applicant | is_subsidy_officer)
rules.add_perm("subsidies.view_attachment", is_applicant_of_file | is_subsidy_officer)
rules.add_perm("subsidies.view_application_history", is_applicant | is_subsidy_officer)
rules.add_perm("subsidies.edit_application", is_applicant & is_concept)
rules.add_perm("subsidies.submit_application", is_applicant)
rules.add_perm("subsidies.edit_report", is_applicant & awaits_report)
rules.add_perm("subsidies.submit_report", is_applicant)
rules.add_perm("subsidies.manage_application", is_subsidy_officer)
rules.add_perm("subsidies.conclude_review", is_panel_member_of_wijk | is_subsidy_officer)
rules.add_perm("subsidies.view_overview", is_subsidy_officer)
# The review app's staff actions on an application's review (review/rules.py, act_on_review).
rules.add_perm("subsidies.act_on_review", is_subsidy_officer)
# Who decides the applications of which scheme is the functional administrator's to say.
for _action in ("add", "change", "delete", "view"):
    rules.add_perm(f"subsidies.{_action}_schemeofficer", is_functional_admin)
