"""Reads on applications: one application, completeness, suspensions. Who sees which
application is decided in medpause.accounts.permissions; the officers' queue and statistics
are in `queue` and `statistics`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from medpause.accounts.permissions import applications_visible_to, get_visible, suspensions_visible_to
from medpause.cases.models import Application, Suspension
from medpause.cases.states import EDITABLE_STATUSES
from medpause.policy.schema import Policy
from medpause.policy.selectors import policy_of, required_groups


def application_get(*, user, application_id) -> Application:
    return get_visible(applications_visible_to(user), application_id, _("No such application."))


def application_policy(application: Application) -> Policy:
    return policy_of(application.policy_version)


def required_groups_of(application: Application) -> list[str]:
    policy = application_policy(application)
    reason = policy.reasons[application.reason]
    return required_groups(
        policy=policy, reason=reason, applicant_type=application.applicant_type, kind=application.kind,
        early=application.early_resume,
    )


def missing_documents(application: Application) -> list[str]:
    """Group codes not yet satisfied: a group is satisfied by a document of any of its kinds;
    a group the officer asked for again needs a document uploaded after the request."""
    policy = application_policy(application)
    docs = list(application.documents.all())
    missing = []
    for code in required_groups_of(application):
        kinds = set(policy.groups[code].any_of)
        if not any(d.kind in kinds for d in docs):
            missing.append(code)
    if application.supplement_groups and application.supplement_requested_at:
        for code in application.supplement_groups:
            group = policy.groups.get(code)
            kinds = set(group.any_of) if group else set()
            fresh = [d for d in docs if d.kind in kinds and d.uploaded_at >= application.supplement_requested_at]
            if not fresh and code not in missing:
                missing.append(code)
    return missing


def is_editable(application: Application) -> bool:
    return application.status in EDITABLE_STATUSES


def suspensions_of(*, user, person) -> list[Suspension]:
    """The periods without benefits of `person` that `user` may see, oldest first."""
    return list(suspensions_visible_to(user).filter(person=person).order_by("start_date"))


def current_suspension(*, person) -> Suspension | None:
    return Suspension.objects.filter(person=person, end_date__isnull=True).order_by("-start_date").first()

