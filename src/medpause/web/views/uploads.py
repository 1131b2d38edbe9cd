"""Documents an applicant uploads, by the groups their application's reason requires: what the
wizard's documents step and the answer to a request for more documents show, and the storing
of every file chosen on those pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.utils.translation import gettext

from medpause.cases.models import Application, Kind
from medpause.cases.selectors import application_policy, missing_documents, required_groups_of
from medpause.cases.services import document_add, document_remove, removable
from medpause.common.errors import DomainError


def document_groups(application: Application) -> dict:
    """What the documents step and the supplement page show: each required group with its
    kinds and the files already uploaded; the groups the bureau holds."""
    policy = application_policy(application)
    reason = policy.reasons[application.reason]
    missing = set(missing_documents(application))
    docs = list(application.documents.all())
    codes = list(required_groups_of(application))
    for code in application.supplement_groups or []:
        if code not in codes and code in policy.groups:
            codes.append(code)
    takeable = {d.pk for d in docs if removable(application, d)}
    groups = []
    for code in codes:
        group = policy.groups[code]
        kinds = [(k, policy.kinds[k].name) for k in group.any_of]
        uploaded = [d for d in docs if d.kind in group.any_of]
        groups.append({
            "code": code, "name": group.name, "kinds": kinds, "uploaded": uploaded,
            "missing": code in missing, "requested": code in (application.supplement_groups or []),
        })
    held = []
    if application.kind == Kind.STOP:
        held = [policy.groups[c].name for c in reason.bureau_documents]
    return {"groups": groups, "held": held, "kind_names": {k: v.name for k, v in policy.kinds.items()},
            "removable_ids": takeable, "max_mb": settings.MEDPAUSE_MAX_UPLOAD_BYTES // (1024 * 1024)}


def handle_uploads(request, scope, application: Application, groups: list[dict]) -> tuple[int, dict]:
    """Store every file chosen on the page, or take back the one whose "Remove" button was
    pressed. Returns (how many were stored, errors by group code)."""
    stored, errors = 0, {}
    if request.POST.get("remove"):
        try:
            document_remove(actor=scope.user, application=application, document_id=int(request.POST["remove"]))
        except (DomainError, ValueError):
            messages.error(request, gettext("That file could not be removed: it is part of the submitted "
                                            "application."))
        else:
            messages.success(request, gettext("The file was removed."))
        return 0, errors
    for group in groups:
        upload = request.FILES.get(f"file_{group['code']}")
        if not upload:
            continue
        kind_codes = [k for k, _name in group["kinds"]]
        kind = request.POST.get(f"kind_{group['code']}") or (kind_codes[0] if len(kind_codes) == 1 else "")
        if kind not in kind_codes:
            errors[group["code"]] = gettext("Choose which document this is for %(group)s.") % {"group": group["name"]}
            continue
        limit = settings.MEDPAUSE_MAX_UPLOAD_BYTES
        if upload.size > limit:  # refuse before reading a huge file into memory
            errors[group["code"]] = f"{group['name']}: " + gettext("The file is larger than %(mb)d MB.") % {
                "mb": limit // (1024 * 1024)}
            continue
        try:
            document_add(actor=scope.user, application=application, kind=kind, data=upload.read(),
                         filename=upload.name)
        except DomainError as exc:
            errors[group["code"]] = f"{group['name']}: {exc.message}"
        else:
            stored += 1
    return stored, errors
