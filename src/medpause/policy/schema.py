"""The shape of a policy document, checked key by key. A broken file fails loading with an
error that names the file and the key, e.g. `shanghai.toml: reasons.resignation.filed_by: ...`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property

from django.utils.translation import get_language

APPLICANT_TYPES = ("individual", "unit", "officer")
EFFECTS = ("suspend", "terminate", "retire")
SOURCE_QUALITIES = ("law", "gov", "weak", "config")
CATEGORIES = ("employee", "flexible")


class PolicyError(Exception):
    def __init__(self, file: str, key: str, message: str):
        super().__init__(f"{file}: {key}: {message}")
        self.file, self.key, self.message = file, key, message


def _zh() -> bool:
    return not (get_language() or "zh-hans").startswith("en")


def pick(zh: str, en: str) -> str:
    return zh if _zh() else en


class _Checker:
    def __init__(self, file: str):
        self.file = file

    def fail(self, key: str, message: str):
        raise PolicyError(self.file, key, message)

    def table(self, doc: dict, key: str, path: str, required: bool = True) -> dict:
        value = doc.get(key)
        if value is None:
            if required:
                self.fail(f"{path}{key}", "is missing")
            return {}
        if not isinstance(value, dict):
            self.fail(f"{path}{key}", "must be a table")
        return value

    def str_(self, doc: dict, key: str, path: str, required: bool = True, default: str = "") -> str:
        value = doc.get(key, None)
        if value is None:
            if required:
                self.fail(f"{path}{key}", "is missing")
            return default
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{path}{key}", "must be a non-empty string")
        return value

    def int_(self, doc: dict, key: str, path: str, required: bool = True, default: int | None = None):
        value = doc.get(key, None)
        if value is None:
            if required:
                self.fail(f"{path}{key}", "is missing")
            return default
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail(f"{path}{key}", "must be a whole number, 0 or more")
        return value

    def bool_(self, doc: dict, key: str, path: str, default: bool) -> bool:
        value = doc.get(key, default)
        if not isinstance(value, bool):
            self.fail(f"{path}{key}", "must be true or false")
        return value

    def decimal(self, doc: dict, key: str, path: str) -> Decimal:
        value = doc.get(key)
        if value is None:
            self.fail(f"{path}{key}", "is missing")
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.fail(f"{path}{key}", "must be a decimal number written as a string, e.g. \"0.08\"")
        if not number.is_finite():  # "NaN" would crash the comparison below; "inf" is no rate
            self.fail(f"{path}{key}", "must be a decimal number written as a string, e.g. \"0.08\"")
        if number < 0:
            self.fail(f"{path}{key}", "must not be negative")
        return number

    def str_list(self, doc: dict, key: str, path: str, required: bool = True, allowed=None) -> list[str]:
        value = doc.get(key)
        if value is None:
            if required:
                self.fail(f"{path}{key}", "is missing")
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(f"{path}{key}", "must be a list of strings")
        if allowed is not None:
            for v in value:
                if v not in allowed:
                    self.fail(f"{path}{key}", f"unknown value {v!r}; expected one of {', '.join(sorted(allowed))}")
        return value


@dataclass(frozen=True)
class Source:
    id: str
    title_zh: str
    title_en: str
    article: str
    text_zh: str
    text_en: str
    url: str
    quality: str

    @property
    def title(self) -> str:
        return pick(self.title_zh, self.title_en)

    @property
    def text(self) -> str:
        return pick(self.text_zh, self.text_en)


@dataclass(frozen=True)
class DocumentKind:
    code: str
    name_zh: str
    name_en: str

    @property
    def name(self) -> str:
        return pick(self.name_zh, self.name_en)


@dataclass(frozen=True)
class DocumentGroup:
    code: str
    name_zh: str
    name_en: str
    any_of: tuple[str, ...]
    provided_by_bureau: bool

    @property
    def name(self) -> str:
        return pick(self.name_zh, self.name_en)


@dataclass(frozen=True)
class WaitingRule:
    threshold_months: int
    wait_months: int
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Contribution:
    employer_rate: Decimal
    employee_rate: Decimal
    flexible_rate: Decimal
    average_monthly_wage: Decimal
    base_floor_ratio: Decimal
    base_ceiling_ratio: Decimal
    sources: tuple[str, ...]

    @property
    def base_floor(self) -> Decimal:
        return (self.average_monthly_wage * self.base_floor_ratio).quantize(Decimal("0.01"))

    @property
    def base_ceiling(self) -> Decimal:
        return (self.average_monthly_wage * self.base_ceiling_ratio).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Reason:
    code: str
    table_code: str
    name_zh: str
    name_en: str
    filed_by: tuple[str, ...]
    categories: tuple[str, ...]
    effect: str
    max_duration_months: int | None
    backdate_days: int
    review_days: int
    on_the_spot_for_units: bool
    waiting_period: bool
    stop_documents: dict[str, tuple[str, ...]]
    resume_documents: dict[str, tuple[str, ...]]
    early_resume_documents: tuple[str, ...]
    bureau_documents: tuple[str, ...]
    consequences_zh: tuple[str, ...]
    consequences_en: tuple[str, ...]
    legal_basis: tuple[str, ...]
    sources: tuple[str, ...]

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


@dataclass(frozen=True)
class Policy:
    """A resolved, validated policy version."""

    label: str
    scope: str
    version: str
    effective_from: dt.date
    title_zh: str
    title_en: str
    sources: dict[str, Source]
    kinds: dict[str, DocumentKind]
    groups: dict[str, DocumentGroup]
    contribution: Contribution
    waiting: dict[str, WaitingRule]
    general_consequences_zh: tuple[str, ...]
    general_consequences_en: tuple[str, ...]
    reasons: dict[str, Reason] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return pick(self.title_zh, self.title_en)

    @property
    def general_consequences(self) -> tuple[str, ...]:
        return self.general_consequences_zh if _zh() else self.general_consequences_en

    @cached_property
    def group_of_kind(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for group in self.groups.values():
            for kind in group.any_of:
                out.setdefault(kind, []).append(group.code)
        return out


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
    c = _Checker(file)
    head = c.table(doc, "policy", "")
    scope = c.str_(head, "region", "policy.")
    if scope != "national" and not (len(scope) == 6 and scope.isdigit()):
        c.fail("policy.region", "must be 'national' or a 6-digit GB/T 2260 code")
    version = c.str_(head, "version", "policy.")
    raw_date = head.get("effective_from")
    if isinstance(raw_date, dt.date) and not isinstance(raw_date, dt.datetime):
        effective = raw_date
    else:
        try:
            effective = dt.date.fromisoformat(str(raw_date))
        except (TypeError, ValueError):
            c.fail("policy.effective_from", "must be a date written YYYY-MM-DD")
    out = {"scope": scope, "version": version, "effective_from": effective}
    if scope != "national" and not scope.endswith("0000"):
        out["region_name_zh"] = c.str_(head, "region_name_zh", "policy.")
        out["region_name_en"] = c.str_(head, "region_name_en", "policy.")
        out["parent"] = c.str_(head, "parent", "policy.")
    return out


def build_policy(doc: dict, file: str, label: str) -> Policy:
    """Validate a resolved document and build the Policy it describes."""
    c = _Checker(file)
    head = parse_header(doc, file)

    sources: dict[str, Source] = {}
    for sid, s in c.table(doc, "sources", "").items():
        p = f"sources.{sid}."
        if not isinstance(s, dict):
            c.fail(f"sources.{sid}", "must be a table")
        quality = c.str_(s, "quality", p)
        if quality not in SOURCE_QUALITIES:
            c.fail(p + "quality", f"must be one of {', '.join(SOURCE_QUALITIES)}")
        sources[sid] = Source(
            id=sid,
            title_zh=c.str_(s, "title_zh", p),
            title_en=c.str_(s, "title_en", p),
            article=c.str_(s, "article", p, required=False),
            text_zh=c.str_(s, "text_zh", p, required=False),
            text_en=c.str_(s, "text_en", p, required=False),
            url=c.str_(s, "url", p, required=False),
            quality=quality,
        )

    def cite(node: dict, path: str, key: str = "source") -> tuple[str, ...]:
        ids = c.str_list(node, key, path)
        if not ids:
            c.fail(path + key, "must cite at least one source")
        for sid in ids:
            if sid not in sources:
                c.fail(path + key, f"cites unknown source {sid!r}")
        return tuple(ids)

    kinds = {}
    for code, k in c.table(doc, "document_kinds", "").items():
        p = f"document_kinds.{code}."
        if not isinstance(k, dict):
            c.fail(f"document_kinds.{code}", "must be a table")
        kinds[code] = DocumentKind(code, c.str_(k, "name_zh", p), c.str_(k, "name_en", p))

    groups = {}
    for code, g in c.table(doc, "document_groups", "").items():
        p = f"document_groups.{code}."
        if not isinstance(g, dict):
            c.fail(f"document_groups.{code}", "must be a table")
        any_of = c.str_list(g, "any_of", p, allowed=set(kinds))
        if not any_of:
            c.fail(p + "any_of", "must name at least one document kind")
        groups[code] = DocumentGroup(
            code,
            c.str_(g, "name_zh", p),
            c.str_(g, "name_en", p),
            tuple(any_of),
            c.bool_(g, "provided_by_bureau", p, False),
        )

    ct = c.table(doc, "contribution", "")
    contribution = Contribution(
        employer_rate=c.decimal(ct, "employer_rate", "contribution."),
        employee_rate=c.decimal(ct, "employee_rate", "contribution."),
        flexible_rate=c.decimal(ct, "flexible_rate", "contribution."),
        average_monthly_wage=c.decimal(ct, "average_monthly_wage", "contribution."),
        base_floor_ratio=c.decimal(ct, "base_floor_ratio", "contribution."),
        base_ceiling_ratio=c.decimal(ct, "base_ceiling_ratio", "contribution."),
        sources=cite(ct, "contribution."),
    )
    if contribution.base_floor > contribution.base_ceiling:
        c.fail("contribution.base_floor_ratio", "must not be above base_ceiling_ratio")

    waiting = {}
    wt = c.table(doc, "waiting_period", "")
    for category in CATEGORIES:
        w = c.table(wt, category, "waiting_period.")
        p = f"waiting_period.{category}."
        waiting[category] = WaitingRule(
            c.int_(w, "threshold_months", p), c.int_(w, "wait_months", p), cite(w, p)
        )

    general = c.table(doc, "consequences", "")
    gz = tuple(c.str_list(general, "zh", "consequences."))
    ge = tuple(c.str_list(general, "en", "consequences."))
    if len(gz) != len(ge):
        c.fail("consequences.en", "must have as many items as consequences.zh")
    cite(general, "consequences.")

    reasons = {}
    allowed_groups = set(groups)
    for code, r in c.table(doc, "reasons", "").items():
        p = f"reasons.{code}."
        if not isinstance(r, dict):
            c.fail(f"reasons.{code}", "must be a table")
        filed_by = c.str_list(r, "filed_by", p, allowed=set(APPLICANT_TYPES))
        if not filed_by:
            c.fail(p + "filed_by", "must name at least one applicant type")
        effect = c.str_(r, "effect", p)
        if effect not in EFFECTS:
            c.fail(p + "effect", f"must be one of {', '.join(EFFECTS)}")

        def docs_by_type(name: str, required: bool, r=r, p=p) -> dict[str, tuple[str, ...]]:
            table = c.table(r, name, p, required=required)
            out = {}
            for applicant_type in table:
                if applicant_type not in ("individual", "unit"):
                    c.fail(f"{p}{name}.{applicant_type}", "applicant type must be individual or unit")
                out[applicant_type] = tuple(c.str_list(table, applicant_type, f"{p}{name}.", allowed=allowed_groups))
            return out

        stop_documents = docs_by_type("stop_documents", True)
        for applicant_type in filed_by:
            key = "individual" if applicant_type == "officer" else applicant_type
            if key not in stop_documents:
                c.fail(f"{p}stop_documents.{key}", f"is missing although {applicant_type} may file this reason")
        resume_documents = docs_by_type("resume_documents", effect == "suspend")
        max_duration = c.int_(r, "max_duration_months", p, required=False)
        if effect != "suspend" and max_duration:
            c.fail(p + "max_duration_months", "only a suspension (effect = 'suspend') can have a maximum duration")
        consequences_zh = tuple(c.str_list(r, "consequences_zh", p))
        consequences_en = tuple(c.str_list(r, "consequences_en", p))
        if len(consequences_zh) != len(consequences_en):
            c.fail(p + "consequences_en", "must have as many items as consequences_zh")
        bureau = tuple(c.str_list(r, "bureau_documents", p, required=False, allowed=allowed_groups))
        for g in bureau:
            if not groups[g].provided_by_bureau:
                c.fail(p + "bureau_documents", f"group {g!r} is not marked provided_by_bureau")
        reasons[code] = Reason(
            code=code,
            table_code=c.str_(r, "table_code", p, required=False),
            name_zh=c.str_(r, "name_zh", p),
            name_en=c.str_(r, "name_en", p),
            filed_by=tuple(filed_by),
            categories=tuple(c.str_list(r, "categories", p, required=False, allowed=set(CATEGORIES)) or CATEGORIES),
            effect=effect,
            max_duration_months=max_duration or None,
            backdate_days=c.int_(r, "backdate_days", p),
            review_days=c.int_(r, "review_days", p),
            on_the_spot_for_units=c.bool_(r, "on_the_spot_for_units", p, False),
            waiting_period=c.bool_(r, "waiting_period", p, effect == "suspend"),
            stop_documents=stop_documents,
            resume_documents=resume_documents,
            early_resume_documents=tuple(
                c.str_list(r, "early_resume_documents", p, required=effect == "suspend", allowed=allowed_groups)
            ),
            bureau_documents=bureau,
            consequences_zh=consequences_zh,
            consequences_en=consequences_en,
            legal_basis=cite(r, p, "legal_basis"),
            sources=cite(r, p),
        )
    if not reasons:
        c.fail("reasons", "must define at least one reason")

    head_table = doc["policy"]
    return Policy(
        label=label,
        scope=head["scope"],
        version=head["version"],
        effective_from=head["effective_from"],
        title_zh=c.str_(head_table, "title_zh", "policy."),
        title_en=c.str_(head_table, "title_en", "policy."),
        sources=sources,
        kinds=kinds,
        groups=groups,
        contribution=contribution,
        waiting=waiting,
        general_consequences_zh=gz,
        general_consequences_en=ge,
        reasons=reasons,
    )
