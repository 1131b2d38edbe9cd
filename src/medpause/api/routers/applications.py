"""Applications: create, attach documents, submit, withdraw, review, read, list, print."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.conf import settings
from django.core import signing
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Path, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from medpause.accounts.permissions import (
    BUREAU,
    CASEWORK,
    applications_visible_to,
    documents_visible_to,
    get_visible,
    has_role,
    require_role,
)
from medpause.api.errors import errors
from medpause.api.pdf import PDF_OPENAPI, pdf_response
from medpause.api.schemas import Day, Id, Input, Kind, Money, ObjectId, StatusOut, Timestamp, links
from medpause.audit.services import audit_read
from medpause.cases import services
from medpause.cases.selectors import application_get, missing_documents
from medpause.cases.selectors.keyset import Position
from medpause.cases.selectors.queue import queue_page, review_queue, review_stage
from medpause.cases.states import allowed_actions
from medpause.common.errors import DomainError
from medpause.coverage.selectors import settlements_to_reprocess
from medpause.registry.selectors import person_get

router = Router(tags=["applications"])

StatusCode = Literal[
    "draft", "submitted", "in_review", "checked", "supplement_requested", "approved", "rejected", "withdrawn",
    "revocation_requested", "revoked",
]
Note = Field("", max_length=2000)


class StopIn(Input):
    kind: Literal["stop"]
    person_id: Id
    reason: str = Field(min_length=1, max_length=64, description="the reason's code, see GET /reasons")
    start_date: Day
    end_date: Day | None = Field(None, description="the last day of the stop, if it has one")
    note: str = Note


class ResumeIn(Input):
    kind: Literal["resume"]
    person_id: Id
    suspension_id: Id = Field(description="the stop to end, see GET /persons/{id}/suspensions")
    start_date: Day = Field(description="the first day covered again")
    note: str = Note


ApplicationIn = Annotated[StopIn | ResumeIn, Field(discriminator="kind")]


class DocumentOut(Schema):
    id: int
    kind: str
    content_type: Literal[
        "application/pdf", "image/jpeg", "image/png",
        # a unit's batch file, attached to every application it made (its removal list, ADR 0005)
        "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ]
    size: int
    sha256: str
    uploaded_at: Timestamp


class HistoryOut(Schema):
    status: StatusCode = Field(description="the status after this step")
    from_status: StatusCode
    action: str
    at: Timestamp
    actor_role: str
    note: str


class ReprocessOut(Schema):
    id: int
    institution_reference: str
    date: Day = Field(description="the day of care")
    amount: Money
    refusal_code: str = Field(description="why it was refused then")


class ApplicationOut(Schema):
    id: int
    reference: str
    kind: Kind
    status: StatusCode
    person_id: int
    applicant_type: Literal["individual", "unit", "officer"]
    unit_id: int | None
    reason: str
    start_date: Day
    end_date: Day | None
    suspension_id: int | None
    early_resume: bool
    note: str
    policy_version: str = Field(examples=["310000@2025.1"])
    missing_documents: list[str] = Field(description="document group codes still to provide")
    documents: list[DocumentOut]
    history: list[HistoryOut]
    allowed_actions: list[str]
    submitted_at: Timestamp | None
    first_submitted_at: Timestamp | None
    due_date: Day | None = Field(description="the review is due by this day (with two stages: the waiting stage's)")
    review_stage: int | None = Field(
        description="where the policy has two review stages: the one waiting for an officer, 1 (check) or 2 (final)"
    )
    decided_at: Timestamp | None
    decision_note: str
    supplement_groups: list[str]
    revocation_reason: str = Field(description="why an officer asked to revoke the decision")
    settlements_to_reprocess: list[ReprocessOut] = Field(
        description="once revoked: the settlements refused because of the decision, to settle again"
    )
    created_at: Timestamp


class ApplicationItem(Schema):
    id: int
    reference: str
    kind: Kind
    status: StatusCode
    person_id: int
    applicant_type: Literal["individual", "unit", "officer"]
    reason: str
    start_date: Day
    end_date: Day | None
    first_submitted_at: Timestamp | None
    due_date: Day | None
    review_stage: int | None = Field(description="two-stage review: the stage waiting, 1 or 2; else null")
    created_at: Timestamp


class ApplicationPage(Schema):
    items: list[ApplicationItem]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last page")


class ListQuery(Schema):
    status: StatusCode | None = None
    cursor: str | None = Field(None, max_length=500, description="opaque, from the previous page's next_cursor")
    limit: int = Field(50, ge=1, le=100)


class DocumentIn(Input):
    kind: str = Field(min_length=1, max_length=48, description="a document kind of the policy, e.g. id_card")


class ApproveIn(Input):
    note: str = Note


class WithdrawIn(Input):
    note: str = Note


class RejectIn(Input):
    reason: str = Field(min_length=1, max_length=2000)


class RevokedDetails(Schema):
    settlements_to_reprocess: list[ReprocessOut] = Field(
        description="refused because of the revoked decision: the institution may settle them again (new reference)"
    )


class RevokedOut(Schema):
    status: str = Field(examples=["revoked"])
    details: RevokedDetails


class SupplementIn(Input):
    reason: str = Field(min_length=1, max_length=2000)
    documents: list[str] = Field(min_length=1, max_length=50, description="document group codes")


def _item(app) -> dict:
    return {
        "id": app.pk, "reference": app.reference, "kind": app.kind, "status": app.status, "person_id": app.person_id,
        "applicant_type": app.applicant_type, "reason": app.reason, "start_date": app.start_date,
        "end_date": app.end_date, "first_submitted_at": app.first_submitted_at, "due_date": app.due_date,
        "review_stage": review_stage(app), "created_at": app.created_at,
    }


def _document(d) -> dict:
    return {"id": d.pk, "kind": d.kind, "content_type": d.content_type, "size": d.size, "sha256": d.sha256,
            "uploaded_at": d.uploaded_at}


def _detail(user, app) -> dict:
    return {
        **_item(app),
        "unit_id": app.unit_id,
        "suspension_id": app.suspension_id,
        "early_resume": app.early_resume,
        "note": app.note,
        "policy_version": app.policy_version.label,
        "missing_documents": missing_documents(app),
        "documents": [_document(d) for d in documents_visible_to(user, app)],
        "history": [
            {"status": e.to_status, "from_status": e.from_status, "action": e.action, "at": e.at,
             "actor_role": e.actor_role, "note": e.note_text}
            for e in app.events.all()
        ],
        "allowed_actions": allowed_actions(app.status),
        "submitted_at": app.submitted_at,
        "decided_at": app.decided_at,
        "decision_note": app.decision_note,
        "supplement_groups": list(app.supplement_groups or []),
        "revocation_reason": app.revocation_reason,
        "settlements_to_reprocess": settlements_to_reprocess(application=app) if app.revocation_effect else [],
    }


def _get(request, application_id: int, *roles):
    user = require_role(request.auth, *roles)
    return user, application_get(user=user, application_id=application_id)


@router.post(
    "", response={201: ApplicationOut, **errors(400, 401, 403, 404, 409, 422)}, summary="Start an application",
    openapi_extra=links(
        201, "id", "application_id", "application_detail", "document_upload", "application_submit",
        "application_withdraw", "application_take", "application_approve", "application_reject",
        "application_request_supplement", "application_form",
    ),
)
def application_create(request, payload: ApplicationIn):
    """A draft stop or resume application. Callers: the individual for themself, a unit agent
    for its own employees, an officer of the person's region. Refusals (422):
    `reason_not_allowed_for_applicant`, `invalid_dates`, `duration_exceeds_limit`,
    `start_date_too_early`, `not_resumable`; (409) `overlapping_suspension`, `not_suspended`."""
    user = require_role(request.auth, *CASEWORK)
    person = person_get(user=user, person_id=payload.person_id)
    if isinstance(payload, StopIn):
        app = services.application_create(
            actor=user, kind="stop", person=person, start_date=payload.start_date, reason=payload.reason,
            end_date=payload.end_date, note=payload.note,
        )
    else:
        app = services.application_create(
            actor=user, kind="resume", person=person, start_date=payload.start_date,
            suspension_id=payload.suspension_id, note=payload.note,
        )
    return Status(201, _detail(user, application_get(user=user, application_id=app.pk)))


def _cursor_error():
    return DomainError("invalid_cursor", _("The cursor is not valid: start again from the first page."), status=400)


_SIGNER = signing.Signer(salt="medpause.api.applications.cursor")


@router.get("", response={200: ApplicationPage, **errors(400, 401, 403)}, summary="List applications")
def application_list(request, query: Query[ListQuery]):
    """An officer sees their region's review queue, oldest submitted first (counter applications
    never submitted last); an administrator the queue of every region; an applicant their own,
    newest first. Keyset pagination: follow `next_cursor` until it is null."""
    user = require_role(request.auth, *CASEWORK)
    reviewer = has_role(user, *BUREAU)
    mode = "queue" if reviewer else "own"
    last = _cursor_position(query, user, mode) if query.cursor else None
    if reviewer:
        qs = review_queue(user=user, statuses=[query.status] if query.status else None)
        shown = queue_page(qs, limit=query.limit, after=Position(last[1], last[0]) if last else None)
        rows, more = shown.items, shown.next is not None
    else:
        qs = applications_visible_to(user).order_by("-id")
        if query.status:
            qs = qs.filter(status=query.status)
        if last is not None:
            qs = qs.filter(id__lt=last[0])
        rows = list(qs[: query.limit + 1])
        more = len(rows) > query.limit
        rows = rows[: query.limit]
    next_cursor = None
    if more:
        final = rows[-1]
        submitted = final.first_submitted_at if reviewer else None
        state = {"m": mode, "s": query.status, "u": user.pk, "i": final.pk,
                 "t": submitted.isoformat() if submitted else None}
        next_cursor = _SIGNER.sign_object(state, compress=True)
    return Status(200, {"items": [_item(a) for a in rows], "next_cursor": next_cursor})


def _cursor_position(query, user, mode: str) -> tuple[int, dt.datetime | None]:
    """The (id, first_submitted_at) a cursor continues after; it belongs to its caller and query."""
    try:
        state = _SIGNER.unsign_object(query.cursor)
        if state.get("m") != mode or state.get("s") != query.status or state.get("u") != user.pk:
            raise ValueError(state)
        return int(state["i"]), dt.datetime.fromisoformat(state["t"]) if state.get("t") else None
    except (signing.BadSignature, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise _cursor_error() from exc


@router.get("/{application_id}", response={200: ApplicationOut, **errors(400, 401, 403, 404)}, summary="An application")
def application_detail(request, application_id: Path[ObjectId]):
    user, app = _get(request, application_id, *CASEWORK)
    return Status(200, _detail(user, app))


@router.post(
    "/{application_id}/documents", response={201: DocumentOut, **errors(400, 401, 403, 404, 409, 413, 415, 422)},
    summary="Attach a document",
)
def document_upload(
    request, kind: Form[DocumentIn], file: File[UploadedFile], application_id: Path[ObjectId]
):
    """Multipart `kind` and `file`. Only PDF, JPEG and PNG, judged by content (else 415
    `unsupported_file_type`); over the size limit: 413 `file_too_large`."""
    user, app = _get(request, application_id, *CASEWORK)
    limit = settings.MEDPAUSE_MAX_UPLOAD_BYTES
    data = file.read(limit + 1)  # one byte more than allowed is enough to refuse it
    document = services.document_add(
        actor=user, application=app, kind=kind.kind, data=data, filename=(file.name or "")[-200:]
    )
    return Status(201, _document(document))


EXTENSIONS = {
    "application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png", "text/csv": "csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}
DOCUMENT_OPENAPI = {
    "responses": {
        200: {
            "description": "The uploaded file, as stored",
            "content": {
                media: {"schema": {"type": "string", "format": "binary"}}
                for media in EXTENSIONS
            },
        }
    }
}


@router.get(
    "/{application_id}/documents/{document_id}", response=errors(400, 401, 403, 404), openapi_extra=DOCUMENT_OPENAPI,
    summary="Download an attached document",
)
def document_download(request, application_id: Path[ObjectId], document_id: Path[ObjectId]):
    """For whoever may see the application and the document (a unit's legal representative's
    ID: only the unit and the bureau). Each download is written to the audit trail."""
    user, app = _get(request, application_id, *CASEWORK)
    document = get_visible(documents_visible_to(user, app), document_id, _("No such document."))
    audit_read(user, "document.view", document, application_id=app.pk, kind=document.kind, channel="api")
    extension = EXTENSIONS.get(document.content_type, "bin")
    response = FileResponse(
        document.file.open("rb"), content_type=document.content_type, as_attachment=True,
        filename=f"{app.reference}-{document.pk}.{extension}",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@router.delete(
    "/{application_id}/documents/{document_id}", response={204: None, **errors(400, 401, 403, 404, 409)},
    summary="Remove a document uploaded by mistake",
)
def document_delete(request, application_id: Path[ObjectId], document_id: Path[ObjectId]):
    """The applicant takes back a file before submitting, or, answering a request for more
    documents, a file added since the request; a file the bureau has seen stays on the record
    (409 `not_removable`). Written to the audit trail; the stored file goes with it."""
    user, app = _get(request, application_id, *CASEWORK)
    get_visible(documents_visible_to(user, app), document_id, _("No such document."))
    services.document_remove(actor=user, application=app, document_id=document_id)
    return Status(204, None)


@router.post("/{application_id}/submit", response={200: StatusOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Submit (or resubmit) for review")
def application_submit(request, application_id: Path[ObjectId]):
    """Documents missing: 422 `missing_documents` with `details.missing` = group codes."""
    user, app = _get(request, application_id, *CASEWORK)
    app = services.application_submit(actor=user, application=app)
    return Status(200, {"status": app.status})


@router.post("/{application_id}/withdraw", response={200: StatusOut, **errors(400, 401, 403, 404, 409)},
             summary="Withdraw (applicant)")
def application_withdraw(request, application_id: Path[ObjectId], payload: WithdrawIn | None = None):
    user, app = _get(request, application_id, *CASEWORK)
    app = services.application_withdraw(actor=user, application=app, note=payload.note if payload else "")
    return Status(200, {"status": app.status})


@router.post("/{application_id}/take", response={200: StatusOut, **errors(400, 401, 403, 404, 409)},
             summary="Take into review (officer)")
def application_take(request, application_id: Path[ObjectId]):
    user, app = _get(request, application_id, *BUREAU)
    app = services.application_take(actor=user, application=app)
    return Status(200, {"status": app.status})


@router.post("/{application_id}/approve", response={200: StatusOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Approve (officer of the region)")
def application_approve(request, application_id: Path[ObjectId], payload: ApproveIn | None = None):
    """From `submitted` or `in_review`; from any other status: 409 `invalid_transition`."""
    user, app = _get(request, application_id, *BUREAU)
    app = services.application_approve(actor=user, application=app, note=payload.note if payload else "")
    return Status(200, {"status": app.status})


@router.post("/{application_id}/reject", response={200: StatusOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Reject (officer of the region)")
def application_reject(request, payload: RejectIn, application_id: Path[ObjectId]):
    user, app = _get(request, application_id, *BUREAU)
    app = services.application_reject(actor=user, application=app, reason=payload.reason)
    return Status(200, {"status": app.status})


@router.post("/{application_id}/request-supplement",
             response={200: StatusOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Ask for more documents (officer of the region)")
def application_request_supplement(request, payload: SupplementIn, application_id: Path[ObjectId]):
    user, app = _get(request, application_id, *BUREAU)
    app = services.application_request_supplement(
        actor=user, application=app, reason=payload.reason, documents=payload.documents
    )
    return Status(200, {"status": app.status})


@router.post("/{application_id}/revoke", response={200: StatusOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Ask to revoke an approval (officer of the region)")
def application_revoke(request, payload: RejectIn, application_id: Path[ObjectId]):
    """From `approved` -> `revocation_requested`; cover is unchanged until another officer confirms."""
    user, app = _get(request, application_id, *BUREAU)
    app = services.application_revoke(actor=user, application=app, reason=payload.reason)
    return Status(200, {"status": app.status})


@router.post("/{application_id}/confirm-revocation",
             response={200: RevokedOut, **errors(400, 401, 403, 404, 409)},
             summary="Confirm a revocation (another officer of the region)")
def application_confirm_revocation(request, application_id: Path[ObjectId]):
    """-> `revoked`: the approval's effect on cover is undone from its start. The officer who
    asked for it: 403 `four_eyes`."""
    user, app = _get(request, application_id, *BUREAU)
    app = services.application_confirm_revocation(actor=user, application=app)
    return Status(200, {"status": app.status,
                        "details": {"settlements_to_reprocess": settlements_to_reprocess(application=app)}})


@router.post("/{application_id}/cancel-revocation", response={200: StatusOut, **errors(400, 401, 403, 404, 409)},
             summary="Keep the decision after all (officer of the region)")
def application_cancel_revocation(request, application_id: Path[ObjectId], payload: WithdrawIn | None = None):
    user, app = _get(request, application_id, *BUREAU)
    app = services.application_cancel_revocation(actor=user, application=app, note=payload.note if payload else "")
    return Status(200, {"status": app.status})


@router.get("/{application_id}/form.pdf", response=errors(400, 401, 403, 404), openapi_extra=PDF_OPENAPI,
            summary="The filled-in application form (PDF)")
def application_form(request, application_id: Path[ObjectId]):
    user, app = _get(request, application_id, *CASEWORK)
    from medpause.printing import application_form_pdf

    return pdf_response(application_form_pdf(application=app, viewer=user), f"{app.reference}.pdf")
