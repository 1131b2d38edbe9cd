"""Text the database can store. PostgreSQL refuses a NUL character in any text (and in JSON),
and no database stores half of a UTF-16 surrogate pair; both arrive easily in JSON
("\\u0000", "\\ud800") or a query string (%00). Such input is refused at the door with a 400
instead of failing deep inside a write."""

from __future__ import annotations

from collections.abc import Mapping


def storable(value: str) -> bool:
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


def first_unstorable(data, where: str = "") -> str | None:
    """The place (a dotted key path, "" for the whole value) of the first text in `data` that
    cannot be stored, keys included; None if everything can."""
    if isinstance(data, str):
        return None if storable(data) else where
    if isinstance(data, Mapping):
        for key, value in data.items():
            place = f"{where}.{key}" if where else str(key)
            if isinstance(key, str) and not storable(key):
                return where or "(a key)"
            found = first_unstorable(value, place)
            if found is not None:
                return found
        return None
    if isinstance(data, list | tuple):
        for index, value in enumerate(data):
            found = first_unstorable(value, f"{where}.{index}" if where else str(index))
            if found is not None:
                return found
    return None
