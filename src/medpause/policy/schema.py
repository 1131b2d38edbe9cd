"""The shape of a policy document as typed models (pydantic). A broken file fails loading with
an error that names the file and the key path, e.g. `shanghai.toml: reasons.resignation.filed_by: ...`.

Each table of the file is a model; checks that span tables (a cited source exists, a group names
known document kinds, a reason names known groups, ...) are validators of the model that holds
both. Unknown keys are refused, so a misspelt key cannot be silently ignored."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Annotated, Any, Literal

from django.utils.translation import get_language
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
    model_validator,
)
from pydantic import ValidationError as _PydanticError
from pydantic_core import PydanticCustomError

APPLICANT_TYPES = ("individual", "unit", "officer")
EFFECTS = ("suspend", "terminate", "retire")
SOURCE_QUALITIES = ("law", "gov", "weak", "config")
CATEGORIES = ("employee", "flexible")
DOCUMENT_TYPES = ("individual", "unit")  # whose documents a list names; an officer files as for an individual


class PolicyError(Exception):
    def __init__(self, file: str, key: str, message: str):
        super().__init__(f"{file}: {key}: {message}")
        self.file, self.key, self.message = file, key, message


def _zh() -> bool:
    return not (get_language() or "zh-hans").startswith("en")


def pick(zh: str, en: str) -> str:
    return zh if _zh() else en


# --- errors --------------------------------------------------------------------------------------


def _fail(message: str, key: str = "") -> PydanticCustomError:
    """An error at the validated value's own key, or at `key` below it."""
    return PydanticCustomError("policy", "{message}", {"message": message, "key": key})


_MESSAGES = {
    "missing": "is missing",
    "string_type": "must be a non-empty string",
    "string_pattern_mismatch": "must be a non-empty string",
    "int_type": "must be a whole number, 0 or more",
    "greater_than_equal": "must be a whole number, 0 or more",
    "bool_type": "must be true or false",
    "list_type": "must be a list of strings",
    "tuple_type": "must be a list of strings",
    "dict_type": "must be a table",
    "model_type": "must be a table",
    "model_attributes_type": "must be a table",
    "extra_forbidden": "is not a key of this table",
}


def _policy_error(file: str, exc: _PydanticError, prefix: str = "") -> PolicyError:
    """The first error, as `PolicyError(file, "a.b.c", message)`. An item of a list is reported
    at the list's key, as the list is what the file's author edits."""
    error = exc.errors()[0]
    loc = [str(part) for part in error["loc"]]
    in_list = False
    while loc and loc[-1].isdigit():
        loc.pop()
        in_list = True
    ctx = error.get("ctx") or {}
    kind = error["type"]
    if kind == "policy":
        message = ctx["message"]
        if ctx.get("key"):
            loc.append(ctx["key"])
    elif kind == "literal_error":
        message = f"unknown value {error['input']!r}; expected one of {ctx.get('expected', '')}"
    elif kind == "string_type" and in_list:
        message = "must be a list of strings"
    else:
        message = _MESSAGES.get(kind, error["msg"])
    return PolicyError(file, ".".join([prefix, *loc] if prefix else loc), message)


# --- value types ---------------------------------------------------------------------------------


def _decimal(value: Any) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        number = None
    if number is None or isinstance(value, bool) or not number.is_finite():  # "NaN", "inf" are no rates
        raise _fail('must be a decimal number written as a string, e.g. "0.08"')
    if number < 0:
        raise _fail("must not be negative")
    return number


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise _fail("must be a date written YYYY-MM-DD") from None


def _at_least_one(message: str):
    def check(value: tuple) -> tuple:
        if not value:
            raise _fail(message)
        return value

    return AfterValidator(check)


Text = Annotated[str, StringConstraints(strict=True, pattern=r"\S")]  # not blank
Count = Annotated[StrictInt, Field(ge=0)]
Rate = Annotated[Decimal, BeforeValidator(_decimal)]
Day = Annotated[dt.date, BeforeValidator(_date)]
Codes = tuple[StrictStr, ...]
Citations = Annotated[Codes, _at_least_one("must cite at least one source")]
ApplicantType = Literal["individual", "unit", "officer"]
Category = Literal["employee", "flexible"]


def _documents_by_type(value: dict) -> dict:
    for applicant_type in value:
        if applicant_type not in DOCUMENT_TYPES:
            raise _fail("applicant type must be individual or unit", applicant_type)
    return value


DocumentsByType = Annotated[dict[str, Codes], AfterValidator(_documents_by_type)]


class _Table(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- the tables ----------------------------------------------------------------------------------


class Header(_Table):
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
            raise _fail("must be 'national' or a 6-digit GB/T 2260 code", "region")
        if scope != "national" and not scope.endswith("0000"):  # a city names itself and its province
            for key in ("region_name_zh", "region_name_en", "parent"):
                if getattr(self, key) is None:
                    raise _fail("is missing", key)
        return self


class Source(_Table):
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


class DocumentKind(_Table):
    code: str
    name_zh: Text
    name_en: Text

    @property
    def name(self) -> str:
        return pick(self.name_zh, self.name_en)


class DocumentGroup(_Table):
    code: str
    name_zh: Text
    name_en: Text
    any_of: Annotated[Codes, _at_least_one("must name at least one document kind")]
    provided_by_bureau: StrictBool = False

    @property
    def name(self) -> str:
        return pick(self.name_zh, self.name_en)


class WaitingRule(_Table):
    threshold_months: Count
    wait_months: Count
    sources: Citations = Field(alias="source")


class Waiting(_Table):
    employee: WaitingRule
    flexible: WaitingRule


class Contribution(_Table):
    employer_rate: Rate
    employee_rate: Rate
    flexible_rate: Rate
    average_monthly_wage: Rate
    base_floor_ratio: Rate
    base_ceiling_ratio: Rate
    sources: Citations = Field(alias="source")

    @property
    def base_floor(self) -> Decimal:
        return (self.average_monthly_wage * self.base_floor_ratio).quantize(Decimal("0.01"))

    @property
    def base_ceiling(self) -> Decimal:
        return (self.average_monthly_wage * self.base_ceiling_ratio).quantize(Decimal("0.01"))

    @model_validator(mode="after")
    def _floor_below_ceiling(self) -> Contribution:
        if self.base_floor > self.base_ceiling:
            raise _fail("must not be above base_ceiling_ratio", "base_floor_ratio")
        return self


class GeneralConsequences(_Table):
    zh: Codes
    en: Codes
    sources: Citations = Field(alias="source")

    @model_validator(mode="after")
    def _same_length(self) -> GeneralConsequences:
        if len(self.zh) != len(self.en):
            raise _fail("must have as many items as consequences.zh", "en")
        return self


class Reason(_Table):
    code: str
    table_code: Text = ""
    name_zh: Text
    name_en: Text
    filed_by: Annotated[tuple[ApplicantType, ...], _at_least_one("must name at least one applicant type")]
    categories: Annotated[tuple[Category, ...], AfterValidator(lambda v: v or CATEGORIES)] = CATEGORIES
    effect: Literal["suspend", "terminate", "retire"]
    max_duration_months: Annotated[Count | None, AfterValidator(lambda v: v or None)] = None
    backdate_days: Count
    review_days: Count
    on_the_spot_for_units: StrictBool = False
    waiting_period: StrictBool = Field(default_factory=lambda data: data.get("effect") == "suspend")
    stop_documents: DocumentsByType
    resume_documents: DocumentsByType = Field(default_factory=dict)
    early_resume_documents: Codes = ()
    bureau_documents: Codes = ()
    consequences_zh: Codes
    consequences_en: Codes
    legal_basis: Citations
    sources: Citations = Field(alias="source")

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
        return self.consequences_zh if _zh() else self.consequences_en

    @model_validator(mode="after")
    def _consistent(self) -> Reason:
        for applicant_type in self.filed_by:
            key = "individual" if applicant_type == "officer" else applicant_type
            if key not in self.stop_documents:
                raise _fail(f"is missing although {applicant_type} may file this reason", f"stop_documents.{key}")
        if self.resumable:  # a suspension must say how it ends
            for key in ("resume_documents", "early_resume_documents"):
                if key not in self.model_fields_set:
                    raise _fail("is missing", key)
        elif self.max_duration_months:
            raise _fail(
                "only a suspension (effect = 'suspend') can have a maximum duration", "max_duration_months"
            )
        if len(self.consequences_zh) != len(self.consequences_en):
            raise _fail("must have as many items as consequences_zh", "consequences_en")
        return self


def _with_codes(tables: Any, field: str = "code") -> Any:
    """Each entry of a table of tables learns its own key (`[reasons.death]` -> code "death")."""
    if not isinstance(tables, dict):
        return tables
    return {key: {**value, field: key} if isinstance(value, dict) else value for key, value in tables.items()}


def _unknown(value: str, allowed) -> str:
    return f"unknown value {value!r}; expected one of {', '.join(sorted(allowed))}"


class Policy(_Table):
    """A resolved, validated policy version."""

    label: str
    head: Header = Field(alias="policy")
    sources: Annotated[dict[str, Source], BeforeValidator(lambda v: _with_codes(v, "id"))]
    kinds: Annotated[dict[str, DocumentKind], BeforeValidator(_with_codes)] = Field(alias="document_kinds")
    groups: Annotated[dict[str, DocumentGroup], BeforeValidator(_with_codes)] = Field(alias="document_groups")
    contribution: Contribution
    waiting_rules: Waiting = Field(alias="waiting_period")
    general: GeneralConsequences = Field(alias="consequences")
    reasons: Annotated[
        dict[str, Reason], BeforeValidator(_with_codes), _at_least_one("must define at least one reason")
    ]

    scope = property(lambda self: self.head.region)
    version = property(lambda self: self.head.version)
    effective_from = property(lambda self: self.head.effective_from)
    title_zh = property(lambda self: self.head.title_zh)
    title_en = property(lambda self: self.head.title_en)
    general_consequences_zh = property(lambda self: self.general.zh)
    general_consequences_en = property(lambda self: self.general.en)

    @property
    def title(self) -> str:
        return pick(self.title_zh, self.title_en)

    @property
    def general_consequences(self) -> tuple[str, ...]:
        return self.general_consequences_zh if _zh() else self.general_consequences_en

    @cached_property
    def waiting(self) -> dict[str, WaitingRule]:
        return {"employee": self.waiting_rules.employee, "flexible": self.waiting_rules.flexible}

    @cached_property
    def group_of_kind(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for group in self.groups.values():
            for kind in group.any_of:
                out.setdefault(kind, []).append(group.code)
        return out

    @model_validator(mode="after")
    def _references(self) -> Policy:
        """Every code a table names is defined in the table it refers to."""
        cited = [
            ("contribution.source", self.contribution.sources),
            *((f"waiting_period.{c}.source", rule.sources) for c, rule in self.waiting.items()),
            ("consequences.source", self.general.sources),
        ]
        for group in self.groups.values():
            for kind in group.any_of:
                if kind not in self.kinds:
                    raise _fail(_unknown(kind, self.kinds), f"document_groups.{group.code}.any_of")
        for reason in self.reasons.values():
            at = f"reasons.{reason.code}."
            named = [
                *((f"{at}{name}.{t}", codes) for name in ("stop_documents", "resume_documents")
                  for t, codes in getattr(reason, name).items()),
                (f"{at}early_resume_documents", reason.early_resume_documents),
                (f"{at}bureau_documents", reason.bureau_documents),
            ]
            for key, codes in named:
                for code in codes:
                    if code not in self.groups:
                        raise _fail(_unknown(code, self.groups), key)
            for code in reason.bureau_documents:
                if not self.groups[code].provided_by_bureau:
                    raise _fail(f"group {code!r} is not marked provided_by_bureau", f"{at}bureau_documents")
            cited += [(f"{at}legal_basis", reason.legal_basis), (f"{at}source", reason.sources)]
        for key, ids in cited:
            for sid in ids:
                if sid not in self.sources:
                    raise _fail(f"cites unknown source {sid!r}", key)
        return self


# --- loading -------------------------------------------------------------------------------------


def deep_merge(base: dict, override: dict) -> dict:
    """Tables merge key by key; any other value (lists included) replaces the base's."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def parse_header(doc: dict, file: str) -> dict:
    """The `[policy]` table of a file as it stands (before it is resolved over its base):
    scope, version, effective_from, and for a city its names and parent."""
    head_table = doc.get("policy")
    if head_table is None:
        raise PolicyError(file, "policy", "is missing")
    try:
        head = Header.model_validate(head_table)
    except _PydanticError as exc:
        raise _policy_error(file, exc, prefix="policy") from None
    out = {"scope": head.region, "version": head.version, "effective_from": head.effective_from}
    if not head.region.endswith("0000") and head.region != "national":
        out.update(region_name_zh=head.region_name_zh, region_name_en=head.region_name_en, parent=head.parent)
    return out


def build_policy(doc: dict, file: str, label: str) -> Policy:
    """Validate a resolved document and build the Policy it describes."""
    try:
        return Policy.model_validate({**doc, "label": label})
    except _PydanticError as exc:
        raise _policy_error(file, exc) from None
