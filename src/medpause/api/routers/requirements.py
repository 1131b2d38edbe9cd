"""Requirements (public, no authentication): regions, reasons, what a case needs, blank forms."""

from __future__ import annotations

from typing import Literal

from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from medpause.api.errors import errors
from medpause.api.pdf import PDF_OPENAPI, pdf_response
from medpause.api.schemas import Kind, RegionCode
from medpause.common.throttle import public_throttle
from medpause.policy.selectors import (
    policy_in_force,
    reason_get,
    reasons_for,
    region_get,
    region_list,
    requirements_for,
)

router = Router(tags=["requirements"])
# anyone may ask, so each client may ask only so often (MEDPAUSE_PUBLIC_RATE a minute)
PUBLIC = [public_throttle()]


class RegionOut(Schema):
    code: str = Field(examples=["110000"])
    name: str
    parent: str | None = Field(description="the province of a city region")


class ReasonOut(Schema):
    code: str
    name: str
    filed_by: list[Literal["individual", "unit", "officer"]]
    resumable: bool
    effect: Literal["suspend", "terminate", "retire"]
    max_duration_months: int | None
    categories: list[Literal["employee", "flexible"]]


class DocumentRequirement(Schema):
    code: str
    name: str
    any_of: list[str] = Field(description="document kinds; any one satisfies the group")
    any_of_names: list[str]
    provided_by_bureau: bool = Field(description="the bureau issues it: never asked of the applicant")
    only_if_resuming_early: bool


class LegalBasis(Schema):
    title: str
    article: str
    text: str


Basis = Literal["law", "gov", "weak", "local"]


class WaitingRuleOut(Schema):
    category: Literal["employee", "flexible"]
    max_gap_months_without_wait: int = Field(description="no waiting period after a break this long or shorter")
    wait_months: int = Field(description="the longest waiting period after a longer break")


class RequirementsOut(Schema):
    region: str
    region_name: str
    reason: str
    reason_name: str
    kind: Kind
    applicant_type: Literal["individual", "unit"]
    filed_by: list[Literal["individual", "unit", "officer"]]
    applicant_may_file: bool
    policy_version: str = Field(examples=["310000@2025.1"])
    documents: list[DocumentRequirement]
    max_duration_months: int | None
    backdate_days: int
    resumable: bool
    effect: Literal["suspend", "terminate", "retire"]
    review_days: int = Field(description="working days the bureau has to decide")
    on_the_spot_for_units: bool
    start_ahead_months: int | None = Field(description="how far ahead a stop may start (stop only)")
    review_stages: int = Field(description="officers who decide in turn: 1, or 2 (a check, then a decision)")
    check_days: int | None = Field(
        None, description="with two stages: the check's working days; the final decision has the rest of review_days"
    )
    waiting: list[WaitingRuleOut] = Field(description="waiting periods after a break, for the reason's categories")
    personal_account_usable_during_stop: bool
    basis: dict[str, Basis] = Field(
        description="where each figure comes from: the best quality of its sources, or `local` for a local "
                    "setting of this bureau with no public source"
    )
    local_settings: list[str] = Field(description="the figures of this answer that are local settings")
    consequences: list[str]
    legal_basis: list[LegalBasis]


class ReasonsQuery(Schema):
    region: RegionCode
    kind: Kind = "stop"


class RequirementsQuery(Schema):
    region: RegionCode
    reason: str = Field(min_length=1, max_length=64)
    applicant_type: Literal["individual", "unit"] = "individual"
    kind: Kind = "stop"


class FormQuery(Schema):
    region: RegionCode
    reason: str | None = Field(None, min_length=1, max_length=64)


@router.get("/regions", auth=None, throttle=PUBLIC, response={200: list[RegionOut], **errors(429)}, summary="Regions")
def regions(request):
    return Status(200, [
        {"code": r.code, "name": r.name, "parent": r.parent.code if r.parent_id else None}
        for r in sorted(region_list(), key=lambda r: r.code)
        if r.code.isdigit()
    ])


@router.get(
    "/reasons", auth=None, throttle=PUBLIC, response={200: list[ReasonOut], **errors(400, 404, 429)},
    summary="Reasons of a region",
)
def reasons(request, query: Query[ReasonsQuery]):
    """The reasons for stopping in a region (kind=resume: the ones that can be resumed).
    Unknown region: 404 `unknown_region`."""
    return Status(200, [
        {
            "code": r.code, "name": r.name, "filed_by": list(r.filed_by), "resumable": r.resumable,
            "effect": r.effect, "max_duration_months": r.max_duration_months, "categories": list(r.categories),
        }
        for r in reasons_for(region_code=query.region, kind=query.kind)
    ])


@router.get(
    "/requirements", auth=None, throttle=PUBLIC, response={200: RequirementsOut, **errors(400, 404, 429)},
    summary="What is needed",
)
def requirements(request, query: Query[RequirementsQuery]):
    """Documents, limits, deadlines, consequences and legal basis for this region, reason,
    applicant and kind. Unknown region or reason: 404 `unknown_region` / `unknown_reason`."""
    return Status(200, requirements_for(
        region_code=query.region, reason_code=query.reason, applicant_type=query.applicant_type, kind=query.kind
    ))


@router.get(
    "/forms/{kind}.pdf", auth=None, throttle=PUBLIC, response=errors(400, 404, 429), openapi_extra=PDF_OPENAPI,
    summary="Blank application form (PDF)",
)
def blank_form(request, query: Query[FormQuery], kind: Path[Kind]):
    region = region_get(code=query.region)
    if query.reason:
        _pv, policy = policy_in_force(region=region)
        reason_get(policy=policy, code=query.reason)
    from medpause.printing import blank_form_pdf

    data = blank_form_pdf(region_code=region.code, reason_code=query.reason, kind=kind)
    return pdf_response(data, f"form-{kind}-{region.code}.pdf")
