"""Log lines as JSON, one object a line, each naming the request behind it.

`JsonFormatter` writes every record as {"time", "level", "logger", "message", "request_id", ...};
a record may bring more fields in `extra={"fields": {...}}` (the request line does), whose texts
are masked as the message is. `RequestIdFilter` stamps each record with the current request id
(common.requestctx), so the lines a task writes name the request that enqueued it.
ID and card numbers are masked by common.masking (its filter on every handler, and here in the
extra fields): neither ever reaches a log line."""

from __future__ import annotations

import datetime as dt
import json
import logging

from medpause.common.masking import mask_personal
from medpause.common.requestctx import current_request_id

request_logger = logging.getLogger("medpause.request")


def mask_fields(value):
    """A record's extra fields with every text inside masked as messages are."""
    if isinstance(value, str):
        return mask_personal(value)
    if isinstance(value, dict):
        return {mask_personal(str(k)): mask_fields(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_fields(v) for v in value]
    return value


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": mask_personal(record.getMessage()),
            "request_id": getattr(record, "request_id", None) or current_request_id(),
        }
        line.update(mask_fields(getattr(record, "fields", None) or {}))
        if record.exc_info:
            line["exception"] = mask_personal(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False, default=str)


def log_request(*, method: str, route: str, status: int, duration_ms: float, request_id: str,
                user_id: int | None, role: str | None, query_keys: list[str]) -> None:
    """The one line of a request: never its path or query values (card numbers travel in the
    eligibility check's query string), only the route's name and the names of the parameters."""
    request_logger.info("request", extra={"fields": {
        "method": method, "route": route, "status": status, "duration_ms": round(duration_ms, 2),
        "request_id": request_id, "user_id": user_id, "role": role, "query": query_keys,
    }})
