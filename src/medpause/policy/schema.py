"""The shape of a policy document as typed models (pydantic). A broken file fails loading with
an error that names the file and the key path, e.g. `shanghai.toml: reasons.resignation.filed_by: ...`.

Each table of the file is a model (tables.py, built from values.py); checks that span tables (a
cited source exists, a group names known document kinds, a reason names known groups, ...) are
validators of the model that holds both. Unknown keys are refused, so a misspelt key cannot be
silently ignored. Whether each value says only what its sources say is checked separately, by
`medpause policy check` (lint.py)."""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, model_validator

from medpause.policy.tables import (
    APPLICANT_TYPES,
    CATEGORIES,
    DOCUMENT_TYPES,
    EFFECTS,
    BackPayment,
    Contribution,
    DocumentGroup,
    DocumentKind,
    GeneralConsequences,
    Header,
    PersonalAccount,
    Procedure,
    Reason,
    Source,
    Transfer,
    Waiting,
    WaitingRule,
)
from medpause.policy.values import (
    LOCAL,
    MARKS,
    PUBLIC_QUALITIES,
    SOURCE_QUALITIES,
    Cited,
    PolicyError,
    PydanticError,
    Table,
    at_least_one,
    fail,
    is_zh,
    pick,
    policy_error,
    unknown,
)

__all__ = [
    "APPLICANT_TYPES", "CATEGORIES", "DOCUMENT_TYPES", "EFFECTS", "LOCAL", "SOURCE_QUALITIES", "BackPayment",
    "Cited", "Contribution", "DocumentGroup", "DocumentKind", "GeneralConsequences", "Header", "PersonalAccount",
    "Policy", "PolicyError", "Procedure", "Reason", "Source", "Transfer", "Waiting", "WaitingRule", "build_policy",
    "deep_merge", "parse_header", "pick",
]


def _with_codes(tables: Any, field: str = "code") -> Any:
    """Each entry of a table of tables learns its own key (`[reasons.death]` -> code "death")."""
    if not isinstance(tables, dict):
        return tables
    return {key: {**value, field: key} if isinstance(value, dict) else value for key, value in tables.items()}


class Policy(Table):
    """A resolved, validated policy version."""

    label: str
    head: Header = Field(alias="policy")
    sources: Annotated[dict[str, Source], BeforeValidator(lambda v: _with_codes(v, "id"))]
    kinds: Annotated[dict[str, DocumentKind], BeforeValidator(_with_codes)] = Field(alias="document_kinds")
    groups: Annotated[dict[str, DocumentGroup], BeforeValidator(_with_codes)] = Field(alias="document_groups")
    contribution: Contribution
    waiting_rules: Waiting = Field(alias="waiting_period")
    back_payment: BackPayment
    personal_account: PersonalAccount
    transfer: Transfer
    procedure: Procedure
    general: GeneralConsequences = Field(alias="consequences")
    reasons: Annotated[
        dict[str, Reason], BeforeValidator(_with_codes), at_least_one("must define at least one reason")
    ]

    scope = property(lambda self: self.head.region)
    version = property(lambda self: self.head.version)
    effective_from = property(lambda self: self.head.effective_from)
    title_zh = property(lambda self: self.head.title_zh)
    title_en = property(lambda self: self.head.title_en)
    start_ahead_months = property(lambda self: self.procedure.start_ahead_months)
    review_stages = property(lambda self: self.procedure.review_stages)
    check_days = property(lambda self: self.procedure.check_days)

    @property
    def title(self) -> str:
        return pick(self.title_zh, self.title_en)

    @property
    def general_consequences_zh(self) -> tuple[str, ...]:
        """The general consequences of a stop, the personal account's sentence included."""
        return (*self.general.zh, self.personal_account.during_stop_zh)

    @property
    def general_consequences_en(self) -> tuple[str, ...]:
        return (*self.general.en, self.personal_account.during_stop_en)

    @property
    def general_consequences(self) -> tuple[str, ...]:
        return self.general_consequences_zh if is_zh() else self.general_consequences_en

    @cached_property
    def waiting(self) -> dict[str, WaitingRule]:
        return {category: getattr(self.waiting_rules, category) for category in CATEGORIES}

    @cached_property
    def group_of_kind(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for group in self.groups.values():
            for kind in group.any_of:
                out.setdefault(kind, []).append(group.code)
        return out

    def cited_tables(self) -> list[tuple[str, Cited]]:
        """Every table whose values are rules, by its key path."""
        tables: list[tuple[str, Cited]] = [
            ("contribution", self.contribution),
            ("waiting_period", self.waiting_rules),
            *((f"waiting_period.{c}", rule) for c, rule in self.waiting.items()),
            ("back_payment", self.back_payment),
            ("personal_account", self.personal_account),
            ("transfer", self.transfer),
            ("procedure", self.procedure),
        ]
        return tables + [(f"reasons.{code}", reason) for code, reason in self.reasons.items()]

    def basis(self, table: Cited, key: str) -> str:
        """Where one value comes from: `local` for a local setting of this bureau (marked so, or
        resting on no public source), else the best quality among the sources cited for it."""
        qualities = {self.sources[s].quality for s in table.sources_of(key)}
        return next((q for q in PUBLIC_QUALITIES if q in qualities), LOCAL)

    @model_validator(mode="after")
    def _references(self) -> Policy:
        """Every code a table names is defined in the table it refers to."""
        cited = [("consequences.source", self.general.sources)]
        for at, table in self.cited_tables():
            cited += [(f"{at}.{key}", ids) for key, ids in table.all_citations()]
        for group in self.groups.values():
            for kind in group.any_of:
                if kind not in self.kinds:
                    raise fail(unknown(kind, self.kinds), f"document_groups.{group.code}.any_of")
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
                        raise fail(unknown(code, self.groups), key)
            for code in reason.bureau_documents:
                if not self.groups[code].provided_by_bureau:
                    raise fail(f"group {code!r} is not marked provided_by_bureau", f"{at}bureau_documents")
            cited.append((f"{at}legal_basis", reason.legal_basis))
        for key, ids in cited:
            for sid in ids:
                if sid not in self.sources:
                    raise fail(f"cites unknown source {sid!r}", key)
        return self


# --- loading -------------------------------------------------------------------------------------


def _is_cited_table(value: Any) -> bool:
    return isinstance(value, dict) and "source" in value


def _is_value(key: str, value: Any) -> bool:
    """A rule of a table (number, switch, list, documents), as opposed to a name, a text or the
    legal basis, which are shown as written and cite nothing value by value."""
    return not (isinstance(value, str) or key.endswith(("_zh", "_en")) or key in ("legal_basis", *MARKS))


def _unique(items) -> list:
    return list(dict.fromkeys(items))


def _merged_marks(base: dict, override: dict) -> dict:
    """The marks of a cited table a region file overrides, value by value: a value the region
    sets is cited by the region's sources (or marked local there), an inherited value keeps the
    base's citation or mark, and `source` lists every source behind the table."""
    set_here = [k for k in override if k not in MARKS]
    base_source, own_source = list(base.get("source", [])), list(override.get("source", []))
    own_cite, own_local = dict(override.get("cite", {})), list(override.get("local_setting", []))
    base_local = [k for k in base.get("local_setting", []) if k not in set_here]
    cite = {k: v for k, v in base.get("cite", {}).items() if k not in set_here}
    if own_source and base_source:  # the table's `source` will name both: pin what each one cites
        for key, value in base.items():
            if not _is_value(key, value) or key in set_here or key in cite or key in base_local:
                continue
            if _is_cited_table(value):
                continue
            cite[key] = base_source
    for key in set_here:
        if key in own_local or not _is_value(key, override[key]) or _is_cited_table(override[key]):
            continue
        if key in own_cite:
            cite[key] = own_cite[key]
        elif own_source:
            cite[key] = own_source
    cite.update({k: v for k, v in own_cite.items() if k not in set_here})
    out: dict = {"source": _unique(base_source + own_source)}
    if cite:
        out["cite"] = cite
    if base_local or own_local or "local_setting" in base:
        out["local_setting"] = _unique(base_local + own_local)
    return out


def deep_merge(base: dict, override: dict) -> dict:
    """Tables merge key by key; any other value (lists included) replaces the base's. The marks
    of a cited table (`source`, `cite`, `local_setting`) follow the values they describe."""
    cited = _is_cited_table(base) or _is_cited_table(override)
    out = dict(base)
    for key, value in override.items():
        if cited and key in MARKS:
            continue
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    if cited:
        out.update(_merged_marks(base, override))
    return out


def parse_header(doc: dict, file: str) -> dict:
    """The `[policy]` table of a file as it stands (before it is resolved over its base):
    scope, version, effective_from, and for a city its names and parent."""
    head_table = doc.get("policy")
    if head_table is None:
        raise PolicyError(file, "policy", "is missing")
    try:
        head = Header.model_validate(head_table)
    except PydanticError as exc:
        raise policy_error(file, exc, prefix="policy") from None
    out = {"scope": head.region, "version": head.version, "effective_from": head.effective_from}
    if not head.region.endswith("0000") and head.region != "national":
        out.update(region_name_zh=head.region_name_zh, region_name_en=head.region_name_en, parent=head.parent)
    return out


def build_policy(doc: dict, file: str, label: str) -> Policy:
    """Validate a resolved document and build the Policy it describes."""
    try:
        return Policy.model_validate({**doc, "label": label})
    except PydanticError as exc:
        raise policy_error(file, exc) from None
