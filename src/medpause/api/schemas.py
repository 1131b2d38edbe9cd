"""Field types shared by the routers: dates as YYYY-MM-DD, money as decimal strings in yuan,
database ids, and the status answer of the transitions."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Literal

from django.utils import timezone
from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import BeforeValidator, Field, PlainSerializer, Strict, WithJsonSchema, model_validator

MAX_ID = 2**63 - 1
_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _date_text(value):
    """Only the text YYYY-MM-DD (or a date object from the code) is a date here."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not _DATE_RE.match(value):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


Day = Annotated[dt.date, BeforeValidator(_date_text), WithJsonSchema({"type": "string", "format": "date"})]


def _money_text(value: Decimal) -> str:
    return f"{Decimal(value):.2f}"


Money = Annotated[
    Decimal,
    PlainSerializer(_money_text, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$", "examples": ["123.45"]}),
]
MoneyIn = Annotated[
    str,
    Field(pattern=r"^[0-9]{1,10}(\.[0-9]{1,2})?$", examples=["123.45"], description="yuan, as a decimal string"),
]


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


Timestamp = Annotated[dt.datetime, PlainSerializer(lambda v: _local(v).isoformat(), return_type=str),
                      WithJsonSchema({"type": "string", "format": "date-time"})]

Id = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]
Kind = Literal["stop", "resume"]
RegionCode = Annotated[str, Field(min_length=1, max_length=8, examples=["110000"])]
CardStatus = Literal["active", "suspended", "terminated", "waiting", "unknown"]


class StatusOut(Schema):
    status: str = Field(examples=["submitted"])

# a path parameter naming a stored object
ObjectId = Annotated[int, Field(ge=1, le=MAX_ID)]


def links(status: int, source: str, param: str, *operation_ids: str) -> dict:
    """OpenAPI links from an answer's `source` field (e.g. "id") to the operations taking it as
    path parameter `param`: clients and fuzzers can follow them."""
    return {
        "responses": {
            status: {
                "links": {
                    op: {"operationId": op, "parameters": {param: f"$response.body#/{source}"}}
                    for op in operation_ids
                }
            }
        }
    }


class Input(Schema):
    """A request body or form: a JSON object (ninja's Schema would otherwise read the fields of
    any value, a list or a string, as attributes and fall back to the defaults)."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, value):
        if isinstance(value, DjangoGetter):
            value = value._obj
        if not isinstance(value, dict):
            raise ValueError("the body must be a JSON object")
        return value
