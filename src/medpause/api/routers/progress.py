"""Progress look-up without signing in: POST, so that neither the reference nor the ID
number's ending ever appears in a URL or an access log."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Router, Schema, Status
from pydantic import Field

from medpause.api.errors import errors
from medpause.api.schemas import Timestamp
from medpause.cases.selectors.progress import PROGRESS_RATE, progress_of
from medpause.common.throttle import SharedRateThrottle

router = Router(tags=["progress"])


class ProgressIn(Schema):
    reference: Annotated[str, Field(min_length=1, max_length=40, examples=["TB20261201ABCDEF"])]
    id_number_last6: Annotated[str, Field(min_length=1, max_length=12, examples=["00302X"],
                                          description="the last six characters of the person's ID number")]


class ProgressOut(Schema):
    reference: str
    status: str = Field(examples=["in_review"])
    kind: str = Field(examples=["stop"])
    submitted_at: Timestamp | None
    due_date: dt.date | None = Field(description="the review's deadline, while the application waits")


@router.post(
    "", auth=None, throttle=[SharedRateThrottle("progress", PROGRESS_RATE)],
    response={200: ProgressOut, **errors(400, 404, 429)}, summary="Where an application stands",
)
def progress(request, body: ProgressIn):
    """办件进度查询: the status of a submitted application, found by its reference and the
    last six characters of the person's ID number (both printed on the receipt). A wrong pair
    answers 404 whichever half was wrong; more than 10 look-ups a minute from one client
    (counted with the page `/progress/`) answer 429 `too_many_requests` with Retry-After."""
    app = progress_of(reference=body.reference, id_number_last6=body.id_number_last6)
    return Status(200, {
        "reference": app.reference, "status": app.status, "kind": app.kind,
        "submitted_at": app.first_submitted_at or app.submitted_at, "due_date": app.due_date,
    })
