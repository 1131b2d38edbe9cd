"""Notices: what happened to the caller's applications and stops (individuals, unit agents,
officers), newest first, in the request's language."""

from __future__ import annotations

from ninja import Router, Schema, Status
from pydantic import Field

from medpause.accounts.permissions import CASEWORK, require_role
from medpause.api.errors import errors
from medpause.api.schemas import Timestamp
from medpause.notices.selectors import notices_for
from medpause.notices.services import notice_text

router = Router(tags=["notices"])


class NoticeOut(Schema):
    id: int
    code: str = Field(examples=["application.approve"])
    text: str = Field(description="in the request's language")
    application_id: int | None
    created_at: Timestamp
    read: bool


@router.get("", response={200: list[NoticeOut], **errors(401, 403)}, summary="My notices")
def notice_list(request):
    """The latest notices: an individual's about themself, a unit agent's about its unit, an
    officer's about their region's queue."""
    user = require_role(request.auth, *CASEWORK)
    return Status(200, [
        {"id": n.pk, "code": n.code, "text": notice_text(n, for_unit=user.role == "unit_agent"), "application_id": n.application_id,
         "created_at": n.created_at, "read": n.read_at is not None}
        for n in notices_for(user)
    ])
