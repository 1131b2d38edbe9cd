"""Who may see and do what: the one place that looks at a user's role.

A user acts in one role (`Role`), bound to what the role needs: an officer to a region, an
insured person to their person record, a unit agent to a unit. Everything else asks here:

- `role_of` / `has_role`: the role a user acts in (None when signed out or unbound);
- `role_required`: the one decorator of the pages; `require_role`: the same gate for the HTTP
  API and the services (403 `forbidden`);
- one scoping function per object type (`*_visible_to`), read from the tables below: pages,
  the API and the PDFs fetch every object through them, so an object outside a caller's reach
  is simply not found (404);
- the rights to act on an application (`applicant_type_for`, `is_applicant`, `is_reviewer`).

Drafts (docs/adr/0012-permissions.md): an application is its applicant's own until it is
first submitted. Officers see their region's applications once submitted, and the counter
applications the bureau files itself; an insured person sees what they filed, and what a unit
or an officer filed for them once it is submitted. An administrator sees every application,
drafts included, though the bureau's lists (the queue, the API list, statistics) never show
an applicant's draft.

This module sits in `accounts`, the lowest app that knows roles. It imports no other app (only
`common`, which is below them all): the models it scopes are looked up by label in Django's
app registry, the way foreign keys name models of other apps, so every app may use it without
an import cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.apps import apps
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from medpause.accounts.models import ApplicantType, Role
from medpause.common.errors import Forbidden, NotFound

# What each role must be bound to before it may act at all.
BINDINGS = {Role.OFFICER: "region_id", Role.INDIVIDUAL: "person_id", Role.UNIT_AGENT: "unit_id"}

# Groups of roles the interfaces gate on.
BUREAU = (Role.ADMIN, Role.OFFICER)  # review, register, the workbench, full ID numbers
CASEWORK = (*BUREAU, Role.INDIVIDUAL, Role.UNIT_AGENT)  # file and follow applications
APPLICANTS = (Role.INDIVIDUAL, Role.UNIT_AGENT)  # the applicant portals

# The capacity in which each role files an application (Application.applicant_type).
CAPACITY = {
    Role.INDIVIDUAL: ApplicantType.INDIVIDUAL,
    Role.UNIT_AGENT: ApplicantType.UNIT,
    Role.OFFICER: ApplicantType.OFFICER,
    Role.ADMIN: ApplicantType.OFFICER,
}

# A unit's legal representative's ID copy is that person's data, not the employee's: only the
# applicant's side and the bureau see it.
PRIVATE_DOCUMENT_KINDS = frozenset({"legal_rep_id_card"})

# Submitted at least once: no longer only its applicant's.
SUBMITTED = Q(first_submitted_at__isnull=False)
# In the bureau's hands: submitted, or filed at the counter by the bureau itself.
IN_BUREAU_HANDS = SUBMITTED | Q(applicant_type=ApplicantType.OFFICER)

Rule = Callable[[object], Q]


def everything(user) -> Q:
    return Q()


# Who sees which rows, per object type: role -> filter on the model. A role absent from a
# table sees none of those rows.
APPLICATIONS: dict[Role, Rule] = {
    Role.ADMIN: everything,
    Role.OFFICER: lambda user: Q(region_id=user.region_id) & IN_BUREAU_HANDS,
    Role.UNIT_AGENT: lambda user: Q(unit_id=user.unit_id, applicant_type=ApplicantType.UNIT),
    Role.INDIVIDUAL: lambda user: Q(person_id=user.person_id)
    & (Q(applicant_type=ApplicantType.INDIVIDUAL) | SUBMITTED),
}
PERSONS: dict[Role, Rule] = {
    Role.ADMIN: everything,
    Role.OFFICER: lambda user: Q(region_id=user.region_id),
    Role.UNIT_AGENT: lambda user: Q(unit_id=user.unit_id),
    Role.INDIVIDUAL: lambda user: Q(pk=user.person_id),
}
UNITS: dict[Role, Rule] = {
    Role.ADMIN: everything,
    Role.OFFICER: lambda user: Q(region_id=user.region_id),
    Role.UNIT_AGENT: lambda user: Q(pk=user.unit_id),
}
def _while_employed(user) -> Q:
    """A unit sees its employee's stops that share a day with a period it employed them in
    (registry.Employment): not a stop of the days they worked elsewhere."""
    periods = _objects("registry.Employment").filter(person_id=OuterRef("person_id"), unit_id=user.unit_id).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=OuterRef("start_date"))
    )
    return Q(person__unit_id=user.unit_id) & (
        Q(Exists(periods), end_date__isnull=True) | Q(Exists(periods.filter(start_date__lte=OuterRef("end_date"))))
    )


SUSPENSIONS: dict[Role, Rule] = {  # a person's periods go with the person
    Role.ADMIN: everything,
    Role.OFFICER: lambda user: Q(person__region_id=user.region_id),
    Role.UNIT_AGENT: _while_employed,
    Role.INDIVIDUAL: lambda user: Q(person_id=user.person_id),
}
BATCHES: dict[Role, Rule] = {
    Role.UNIT_AGENT: lambda user: Q(unit_id=user.unit_id),
}
TRANSFERS: dict[Role, Rule] = {  # the person's, their unit's, and both places' officers'
    Role.ADMIN: everything,
    Role.OFFICER: lambda user: Q(from_region_id=user.region_id) | Q(to_region_id=user.region_id),
    Role.UNIT_AGENT: lambda user: Q(person__unit_id=user.unit_id),
    Role.INDIVIDUAL: lambda user: Q(person_id=user.person_id),
}
NOTICES: dict[Role, Rule] = {
    Role.OFFICER: lambda user: Q(region_id=user.region_id),
    Role.UNIT_AGENT: lambda user: Q(unit_id=user.unit_id),
    Role.INDIVIDUAL: lambda user: Q(person_id=user.person_id),
}


# --- roles ----------------------------------------------------------------------------------


def role_of(user) -> Role | None:
    """The role `user` acts in; None when signed out, inactive, or not bound to what the role
    needs (an officer without a region sees and does nothing)."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
        return None
    try:
        role = Role(getattr(user, "role", None))
    except ValueError:
        return None
    binding = BINDINGS.get(role)
    if binding and not getattr(user, binding, None):
        return None
    return role


def has_role(user, *roles: Role) -> bool:
    return role_of(user) in roles


def require_role(user, *roles: Role, message=None):
    """`user`, if their role may use this at all; else 403 `forbidden` (with `message`, or a
    general sentence)."""
    if not has_role(user, *roles):
        raise Forbidden("forbidden", message or _("Your role may not do this."))
    return user


def role_required(*roles: Role, conceal: bool = False):
    """The gate of a page: signed-in users acting in one of `roles`. A signed-out visitor is
    sent to the sign-in page; anyone else is refused with 403, or with 404 when `conceal` is
    set (a page that does not admit it exists, like the officer workbench)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                if conceal:
                    raise Http404
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def needs_second_factor(user) -> bool:
    """Officers and administrators (and any staff user of the admin) confirm a one-time code
    after the password before anything else (accounts.otp)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return getattr(user, "role", None) in BUREAU or user.is_staff or user.is_superuser


def sees_full_id_numbers(user) -> bool:
    """Officers and administrators read ID numbers whole; everyone else sees them masked."""
    return has_role(user, *BUREAU)


def may_act_in_region(user, region) -> bool:
    """Officers work in their own region only; no other caller is bound to a region."""
    return role_of(user) != Role.OFFICER or user.region_id == region.pk


# --- scoping --------------------------------------------------------------------------------


def _objects(label: str) -> QuerySet:
    return apps.get_model(label)._default_manager.all()


def _scoped(label: str, rules: dict[Role, Rule], user) -> QuerySet:
    objects = _objects(label)
    rule = rules.get(role_of(user))
    return objects.filter(rule(user)) if rule is not None else objects.none()


def get_visible(scope: QuerySet, object_id, message):
    """The object with `object_id` in `scope` (one of the querysets below), else 404
    `not_found` with `message`: an object out of reach is reported like an absent one."""
    try:
        found = scope.filter(pk=int(object_id)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise NotFound("not_found", message)
    return found


def applications_visible_to(user) -> QuerySet:
    return _scoped("cases.Application", APPLICATIONS, user).select_related(
        "person", "region", "policy_version", "unit"
    )


def documents_visible_to(user, application) -> QuerySet:
    """The documents of `application` that `user` may see: none when the application itself is
    out of reach; a unit's legal representative's ID only for the applicant's side and the
    bureau."""
    qs = _objects("cases.Document").filter(
        application_id=application.pk, application__in=applications_visible_to(user).values("pk")
    )
    if is_applicant(actor=user, application=application) or is_reviewer(actor=user, application=application):
        return qs
    return qs.exclude(kind__in=PRIVATE_DOCUMENT_KINDS)


def persons_visible_to(user) -> QuerySet:
    """An officer sees their region's persons, a unit agent its employees, an insured person
    themself, an administrator everyone, an institution no one."""
    return _scoped("registry.Person", PERSONS, user).select_related("card", "unit", "region")


def units_visible_to(user) -> QuerySet:
    return _scoped("registry.Unit", UNITS, user).select_related("region")


def suspensions_visible_to(user) -> QuerySet:
    return _scoped("cases.Suspension", SUSPENSIONS, user)


def batches_visible_to(user) -> QuerySet:
    return _scoped("batches.Batch", BATCHES, user)


def transfers_visible_to(user) -> QuerySet:
    return _scoped("transfers.Transfer", TRANSFERS, user).select_related("person", "from_region", "to_region")


def notices_visible_to(user) -> QuerySet:
    return _scoped("notices.Notice", NOTICES, user)


# --- rights on applications -----------------------------------------------------------------


def applicant_type_for(*, actor, person) -> str:
    """The capacity in which `actor` files for `person`: forbidden for a role that never files,
    not found for a person outside the actor's reach."""
    capacity = CAPACITY.get(role_of(actor))
    if capacity is None:
        raise Forbidden("forbidden", _("Your role may not file applications."))
    if not persons_visible_to(actor).filter(pk=person.pk).exists():
        raise NotFound("not_found", _("No such insured person."))
    return capacity


def is_applicant(*, actor, application) -> bool:
    """The applicant's side: the person who filed for themself, the unit that filed, or the
    bureau (an officer of the region, an administrator) for a counter application."""
    if CAPACITY.get(role_of(actor)) != application.applicant_type:
        return False
    return applications_visible_to(actor).filter(pk=application.pk).exists()


def is_reviewer(*, actor, application) -> bool:
    """An officer of the application's region, or an administrator."""
    role = role_of(actor)
    return role == Role.ADMIN or (role == Role.OFFICER and actor.region_id == application.region_id)
