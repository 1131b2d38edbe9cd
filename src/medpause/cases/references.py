"""Application references: TB (停保) or HF (恢复) + the date + six characters of an alphabet
without look-alikes (no I, O, 0, 1). Used by single applications and by batches."""

from __future__ import annotations

import datetime as dt
import secrets

from medpause.cases.models import Application, Kind
from medpause.common.dates import today

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_SPACE = len(REFERENCE_ALPHABET) ** 6  # 2^30


def _prefix(kind: str, on: dt.date) -> str:
    return ("TB" if kind == Kind.STOP else "HF") + on.strftime("%Y%m%d")


def new_reference(kind: str) -> str:
    """A reference no application has yet (32^6 a day: a collision is rare, but drawn again)."""
    while True:
        reference = _prefix(kind, today()) + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
        if not Application.objects.filter(reference=reference).exists():
            return reference


class DistinctReferences:
    """Many distinct references for one batch: a random walk with an odd stride over the 2^30
    six-character codes never repeats within the batch, and each call is checked against the
    references already taken."""

    def __init__(self, kind: str, on: dt.date):
        self.prefix = _prefix(kind, on)
        self.at = secrets.randbelow(_SPACE)
        self.stride = secrets.randbelow(_SPACE // 2) * 2 + 1

    def _next(self) -> str:
        n = self.at
        self.at = (self.at + self.stride) % _SPACE
        chars = []
        for _ in range(6):
            chars.append(REFERENCE_ALPHABET[n & 31])
            n >>= 5
        return self.prefix + "".join(chars)

    def take(self, count: int) -> list[str]:
        out: list[str] = []
        while len(out) < count:
            candidates = [self._next() for _ in range(count - len(out))]
            taken = set(Application.objects.filter(reference__in=candidates).values_list("reference", flat=True))
            out += [c for c in candidates if c not in taken]
        return out
