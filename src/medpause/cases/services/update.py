"""Changing a draft: an applicant may go back and change the reason, the dates or the note
after the draft exists (documents stay attached). The same rules as creation apply."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from medpause.accounts.permissions import is_applicant
from medpause.audit.services import audit_record
from medpause.cases.models import Application, Kind
from medpause.cases.selectors import application_policy
from medpause.cases.services.judging import check_resume, check_stop
from medpause.cases.services.locking import person_lock
from medpause.cases.states import Status
from medpause.common.errors import Conflict, Forbidden
from medpause.policy.selectors import reason_get


@transaction.atomic
def application_update(
    *, actor, application: Application, start_date: dt.date | None = None, end_date: dt.date | None = None,
    reason: str | None = None, note: str | None = None, dates: bool = False,
) -> Application:
    """Change a draft. `dates=True` means start_date/end_date (and reason) are given and checked."""
    person_lock(application.person_id)  # first, as every writer judging this person's stops (ADR 0014)
    app = Application.objects.select_for_update(of=("self",)).select_related("person", "suspension").get(pk=application.pk)
    if not is_applicant(actor=actor, application=app):
        raise Forbidden("forbidden", _("Only the applicant can do this."))
    if app.status != Status.DRAFT:
        raise Conflict("not_editable", _("Only a draft can be changed."))
    changed = {}
    if dates:
        policy = application_policy(app)
        if app.kind == Kind.STOP:
            reason_obj = reason_get(policy=policy, code=reason or app.reason)
            check_stop(
                person=app.person, policy=policy, reason=reason_obj, applicant_type=app.applicant_type, start_date=start_date,
                end_date=end_date, exclude_application_id=app.pk,
            )
            app.reason, app.end_date = reason_obj.code, end_date
        else:
            app.early_resume = check_resume(
                suspension=app.suspension, policy=policy, applicant_type=app.applicant_type, resume_date=start_date,
                exclude_application_id=app.pk,
            ).early
        app.start_date = start_date
        changed.update(reason=app.reason, start_date=str(app.start_date), end_date=str(app.end_date or ""))
    if note is not None:
        app.note = note.strip()[:2000]
        changed["note"] = True
    if changed:
        app.save()
        audit_record(actor=actor, action="application.update", target=app, data=changed)
    return app
