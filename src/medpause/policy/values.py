"""The building blocks of the policy schema: the error that names a file and a key, the value
types a policy file is written in, and `Cited`, the base of every table whose values rest on
sources.

A cited table says where its values come from, value by value (docs/adr/0009):
`source = [...]` cites sources for the table's values, `cite.<key> = [...]` cites sources for
one value instead, and `local_setting = [...]` names the values that are this bureau's own
operating settings with no public source. `medpause policy check` holds the files to it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, ClassVar

from django.utils.translation import get_language
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    StringConstraints,
    model_validator,
)
from pydantic import ValidationError as PydanticError
from pydantic_core import PydanticCustomError

SOURCE_QUALITIES = ("law", "gov", "weak", "config")
PUBLIC_QUALITIES = ("law", "gov", "weak")  # best first; `config` is the bureau's own word, no public source
LOCAL = "local"  # the basis of a value marked local_setting
MARKS = ("source", "cite", "local_setting")  # the keys of a cited table that say where its values come from


class PolicyError(Exception):
    def __init__(self, file: str, key: str, message: str):
        super().__init__(f"{file}: {key}: {message}")
        self.file, self.key, self.message = file, key, message


def is_zh() -> bool:
    return not (get_language() or "zh-hans").startswith("en")


def pick(zh: str, en: str) -> str:
    return zh if is_zh() else en


# --- errors --------------------------------------------------------------------------------------


def fail(message: str, key: str = "") -> PydanticCustomError:
    """An error at the validated value's own key, or at `key` below it."""
    return PydanticCustomError("policy", "{message}", {"message": message, "key": key})


def unknown(value: str, allowed) -> str:
    return f"unknown value {value!r}; expected one of {', '.join(sorted(allowed))}"


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


def policy_error(file: str, exc: PydanticError, prefix: str = "") -> PolicyError:
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
    elif kind == "greater_than_equal":
        message = f"must be a whole number, {ctx.get('ge', 0)} or more"
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
        raise fail('must be a decimal number written as a string, e.g. "0.08"')
    if number < 0:
        raise fail("must not be negative")
    return number


def _share(value: Decimal) -> Decimal:
    if value > 1:
        raise fail('is a part of a contribution: between "0" and "1"')
    return value


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise fail("must be a date written YYYY-MM-DD") from None


def at_least_one(message: str):
    def check(value: tuple) -> tuple:
        if not value:
            raise fail(message)
        return value

    return AfterValidator(check)


Text = Annotated[str, StringConstraints(strict=True, pattern=r"\S")]  # not blank
Count = Annotated[StrictInt, Field(ge=0)]
Rate = Annotated[Decimal, BeforeValidator(_decimal)]
Share = Annotated[Decimal, BeforeValidator(_decimal), AfterValidator(_share)]
Day = Annotated[dt.date, BeforeValidator(_date)]
Codes = tuple[StrictStr, ...]
Citations = Annotated[Codes, at_least_one("must cite at least one source")]


class Table(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Cited(Table):
    """A table whose values rest on sources. `VALUES` names the keys that are rules (numbers,
    lists, switches): each is cited (`cite.<key>`, else the table's `source`) or marked
    `local_setting`. Names and texts are not values; they are shown as written."""

    VALUES: ClassVar[tuple[str, ...]] = ()

    sources: Citations = Field(alias="source")
    cite: dict[str, Citations] = Field(default_factory=dict)
    local_setting: Codes = ()

    @model_validator(mode="after")
    def _marks_name_keys_of_this_table(self) -> Cited:
        for key in self.local_setting:
            if key not in self.VALUES:
                raise fail(unknown(key, self.VALUES), "local_setting")
        fields = {info.alias or name for name, info in type(self).model_fields.items()} - set(MARKS)
        for key in self.cite:
            if key not in fields:
                raise fail(unknown(key, fields), f"cite.{key}")
        return self

    def is_local(self, key: str) -> bool:
        return key in self.local_setting

    def sources_of(self, key: str) -> tuple[str, ...]:
        """The sources cited for one value (nothing for a local setting)."""
        if key in self.local_setting:
            return ()
        return self.cite.get(key, self.sources)

    def all_citations(self) -> list[tuple[str, tuple[str, ...]]]:
        """(key, source ids) of every citation in the table, for the reference check."""
        return [("source", self.sources), *((f"cite.{k}", ids) for k, ids in self.cite.items())]
