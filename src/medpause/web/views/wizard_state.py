"""The wizard's answers between steps: kept in the session, and in the draft application the
wizard saves as the person goes (from the dates step on), so that a session that ends half-way
loses nothing that was saved: the next step asked for picks the draft up again."""

from __future__ import annotations

from django.contrib import messages
from django.utils.translation import gettext_lazy as _

from medpause.accounts.permissions import applications_visible_to
from medpause.cases.models import Application
from medpause.cases.states import Status


def _key(kind: str, person) -> str:
    return f"medpause.wizard.{kind}.{person.pk}"


def get_state(request, kind: str, person) -> dict:
    return dict(request.session.get(_key(kind, person), {}))


def save_state(request, kind: str, person, state: dict) -> None:
    request.session[_key(kind, person)] = state


def clear_state(request, kind: str, person) -> None:
    request.session.pop(_key(kind, person), None)


def draft_of(scope, state: dict) -> Application | None:
    """The wizard's draft, if it still exists, is visible and is still a draft."""
    app_id = state.get("application_id")
    if not app_id:
        return None
    return applications_visible_to(scope.user).filter(
        pk=app_id, person=scope.person, status=Status.DRAFT
    ).first()


def load_draft(request, scope, application: Application) -> None:
    """Pick up a draft made earlier (the "continue" link of a draft)."""
    state = {
        "application_id": application.pk,
        "reason": application.reason,
        "start_date": application.start_date.isoformat(),
        "end_date": application.end_date.isoformat() if application.end_date else "",
        "dates_confirmed": True,
        "note": application.note,
        "note_done": True,
        "suspension_id": application.suspension_id,
    }
    save_state(request, application.kind, scope.person, state)


def pick_up_draft(request, scope, kind: str) -> dict:
    """A step asked for with nothing in the session (it ended while the person was filling in
    the form, or they came back on another device): carry on with the draft this user saved for
    this person, if there is one, saying so."""
    draft = applications_visible_to(scope.user).filter(
        person=scope.person, kind=kind, status=Status.DRAFT, created_by=scope.user
    ).order_by("-updated_at").first()
    if draft is None:
        return {}
    load_draft(request, scope, draft)
    messages.info(request, _("Your answers so far were kept: carry on where you were."))
    return get_state(request, kind, scope.person)
