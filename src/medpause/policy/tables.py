"""The tables of a policy file as typed models. Every table whose values are rules is `Cited`
(values.py): each value cites its sources or is marked a local setting."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StrictBool, model_validator

from medpause.policy.values import (
    Citations,
    Cited,
    Codes,
    Count,
    Day,
    Rate,
    Share,
    Table,
    Text,
    at_least_one,
    fail,
    is_zh,
    pick,
)

APPLICANT_TYPES = ("individual", "unit", "officer")
EFFECTS = ("suspend", "terminate", "retire")
CATEGORIES = ("employee", "flexible")
DOCUMENT_TYPES = ("individual", "unit")  # whose documents a list names; an officer files as for an individual

ApplicantType = Literal["individual", "unit", "officer"]
Category = Literal["employee", "flexible"]


def _documents_by_type(value: dict) -> dict:
    for applicant_type in value:
        if applicant_type not in DOCUMENT_TYPES:
            raise fail("applicant type must be individual or unit", applicant_type)
    return value


DocumentsByType = Annotated[dict[str, Codes], AfterValidator(_documents_by_type)]


class Header(Table):
    """The `[policy]` table: what the file is and when it takes effect."""

    region: Text
    version: Text
    effective_from: Day
    title_zh: Text
    title_en: Text
    region_name_zh: Text | None = None
    region_name_en: Text | None = None
    parent: Text | None = None

    @model_validator(mode="after")
    def _region(self) -> Header:
        scope = self.region
        if scope != "national" and not (len(scope) == 6 and scope.isdigit()):
            raise fail("must be 'national' or a 6-digit GB/T 2260 code", "region")
        if scope != "national" and not scope.endswith("0000"):  # a city names itself and its province
            for key in ("region_name_zh", "region_name_en", "parent"):
                if getattr(self, key) is None:
                    raise fail("is missing", key)
        return self


class Source(Table):
    id: str
    quality: Literal["law", "gov", "weak", "config"]
    title_zh: Text
    title_en: Text
    article: Text = ""
    text_zh: Text = ""
    text_en: Text = ""
    url: Text = ""

    @property
    def title(self) -> str:
        return pick(self.title_zh, self.title_en)

    @property
    def text(self) -> str:
        return pick(self.text_zh, self.text_en)

    @property
    def public(self) -> bool:
        """A public text, as opposed to this bureau's own setting (`config`)."""
        return self.quality != "config"


class DocumentKind(Table):
    code: str
    name_zh: Text
    name_en: Text

    @property
    def name(self) -> str:
        return pick(self.name_zh, self.name_en)


class DocumentGroup(Table):
    code: str
    name_zh: Text
    name_en: Text
    any_of: Annotated[Codes, at_least_one("must name at least one document kind")]
    provided_by_bureau: StrictBool = False

    @property
    def name(self) -> str:
        return pick(self.name_zh, self.name_en)


class WaitingRule(Cited):
    """One category's waiting period (医保办发〔2021〕43号): a break of up to
    `max_gap_months_without_wait` months is followed by no waiting period (it can be back-paid);
    after a longer one benefits start again at most `wait_months` months after paying again."""

    VALUES = ("max_gap_months_without_wait", "wait_months")

    max_gap_months_without_wait: Count
    wait_months: Count

    @property
    def threshold_months(self) -> int:
        """The longest break without a waiting period (the name the first rules used)."""
        return self.max_gap_months_without_wait


class Waiting(Cited):
    """`[waiting_period]`: the national ceiling and each category's rule."""

    VALUES = ("max_wait_months",)

    max_wait_months: Count
    employee: WaitingRule
    flexible: WaitingRule

    @model_validator(mode="after")
    def _within_the_national_maximum(self) -> Waiting:
        for category in CATEGORIES:
            if getattr(self, category).wait_months > self.max_wait_months:
                raise fail(
                    f"must not exceed the national maximum max_wait_months = {self.max_wait_months}",
                    f"{category}.wait_months",
                )
        return self


class Contribution(Cited):
    VALUES = (
        "employer_rate", "employee_rate", "flexible_rate", "average_monthly_wage", "base_floor_ratio",
        "base_ceiling_ratio",
    )

    employer_rate: Rate
    employee_rate: Rate
    flexible_rate: Rate
    average_monthly_wage: Rate
    base_floor_ratio: Rate
    base_ceiling_ratio: Rate

    @property
    def base_floor(self) -> Decimal:
        return (self.average_monthly_wage * self.base_floor_ratio).quantize(Decimal("0.01"))

    @property
    def base_ceiling(self) -> Decimal:
        return (self.average_monthly_wage * self.base_ceiling_ratio).quantize(Decimal("0.01"))

    @model_validator(mode="after")
    def _floor_below_ceiling(self) -> Contribution:
        if self.base_floor > self.base_ceiling:
            raise fail("must not be above base_ceiling_ratio", "base_floor_ratio")
        return self


class BackPayment(Cited):
    """Paying missed months afterwards (补缴): how long a gap may be, the unit's late fee per day,
    and whether care dated in the back-paid months then settles."""

    VALUES = ("max_gap_months", "late_fee_daily_rate", "restores_care_in_gap")

    max_gap_months: Count
    late_fee_daily_rate: Rate
    restores_care_in_gap: StrictBool


class PersonalAccount(Cited):
    """What part of each month's contribution is credited to the personal account, and whether
    the account still pays during a stop (with the sentence that tells the applicant so)."""

    VALUES = ("employee_share", "employer_transfer_share", "flexible_share", "usable_during_stop")

    employee_share: Share  # of the employee's own contribution
    employer_transfer_share: Share  # of the employer's contribution for that employee
    flexible_share: Share  # of a flexible worker's contribution
    usable_during_stop: StrictBool
    during_stop_zh: Text
    during_stop_en: Text

    @property
    def during_stop(self) -> str:
        return pick(self.during_stop_zh, self.during_stop_en)


class Transfer(Cited):
    """Transfers between pooling areas (转移接续): working days for each side."""

    VALUES = ("out_working_days", "in_working_days")

    out_working_days: Count
    in_working_days: Count


class Procedure(Cited):
    """How far ahead a stop may start, and how many officers decide an application in turn;
    with two, `check_days` is the first stage's time limit (working days) and the final
    decision has what is left of the reason's `review_days` (cases.rules.stage_days)."""

    VALUES = ("start_ahead_months", "review_stages", "check_days")

    start_ahead_months: Count
    review_stages: Annotated[Count, Field(ge=1, le=2)]
    check_days: Annotated[Count, Field(ge=1)] | None = None  # none: each stage has the whole review_days


class GeneralConsequences(Cited):
    """`[consequences]`: sentences shown with every reason (texts, no values)."""

    zh: Codes
    en: Codes

    @model_validator(mode="after")
    def _same_length(self) -> GeneralConsequences:
        if len(self.zh) != len(self.en):
            raise fail("must have as many items as consequences.zh", "en")
        return self


class Reason(Cited):
    VALUES = (
        "filed_by", "categories", "max_duration_months", "backdate_days", "review_days", "on_the_spot_for_units",
        "waiting_period", "individual_filing_while_employed", "stop_documents", "resume_documents",
        "early_resume_documents", "bureau_documents",
    )

    code: str
    table_code: Text = ""
    name_zh: Text
    name_en: Text
    filed_by: Annotated[tuple[ApplicantType, ...], at_least_one("must name at least one applicant type")]
    categories: Annotated[tuple[Category, ...], AfterValidator(lambda v: v or CATEGORIES)] = CATEGORIES
    effect: Literal["suspend", "terminate", "retire"]
    max_duration_months: Annotated[Count | None, AfterValidator(lambda v: v or None)] = None
    backdate_days: Count
    review_days: Count
    on_the_spot_for_units: StrictBool = False
    waiting_period: StrictBool = Field(default_factory=lambda data: data.get("effect") == "suspend")
    # An employee stops through the unit; a region may let employees file themselves only by citing a source.
    individual_filing_while_employed: StrictBool = False
    stop_documents: DocumentsByType
    resume_documents: DocumentsByType = Field(default_factory=dict)
    early_resume_documents: Codes = ()
    bureau_documents: Codes = ()
    consequences_zh: Codes
    consequences_en: Codes
    legal_basis: Citations

    @property
    def name(self) -> str:
        return pick(self.name_zh, self.name_en)

    @property
    def resumable(self) -> bool:
        return self.effect == "suspend"

    @property
    def terminating(self) -> bool:
        return self.effect == "terminate"

    @property
    def consequences(self) -> tuple[str, ...]:
        return self.consequences_zh if is_zh() else self.consequences_en

    @model_validator(mode="after")
    def _consistent(self) -> Reason:
        for applicant_type in self.filed_by:
            key = "individual" if applicant_type == "officer" else applicant_type
            if key not in self.stop_documents:
                raise fail(f"is missing although {applicant_type} may file this reason", f"stop_documents.{key}")
        if self.resumable:  # a suspension must say how it ends
            for key in ("resume_documents", "early_resume_documents"):
                if key not in self.model_fields_set:
                    raise fail("is missing", key)
        elif self.max_duration_months:
            raise fail(
                "only a suspension (effect = 'suspend') can have a maximum duration", "max_duration_months"
            )
        if len(self.consequences_zh) != len(self.consequences_en):
            raise fail("must have as many items as consequences_zh", "consequences_en")
        if self.individual_filing_while_employed and self.is_local("individual_filing_while_employed"):
            raise fail(
                "letting employees file themselves needs a cited source, not a local setting",
                "individual_filing_while_employed",
            )
        return self
