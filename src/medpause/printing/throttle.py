"""Per-client rate limit of the public verification endpoints (page and API).

Counts live in the cache named "shared" (settings.CACHES: the database cache by default), which
every server process sees, so the limit holds across gunicorn workers and machines. A fixed
window per client address: simple, and good enough to make guessing codes pointless (a code is
one of 31**16) and to keep the look-ups cheap."""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import caches
from ninja.throttling import BaseThrottle

CACHE = "shared"
VERIFY_RATE = (30, 60)  # look-ups per client, per seconds


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or, behind NINJA_NUM_PROXIES trusted proxies, the
    address the nearest of them saw (never a header the client could choose freely)."""
    proxies = getattr(settings, "NINJA_NUM_PROXIES", None)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))]
    return request.META.get("REMOTE_ADDR", "")


class SharedRateThrottle(BaseThrottle):
    """At most `limit` requests per `period` seconds per client and scope. Usable as a ninja
    throttle (429 `too_many_requests` with Retry-After) and by plain views (`allow_request`,
    then `wait()` for the seconds left)."""

    def __init__(self, scope: str, rate: tuple[int, int]):
        self.scope = scope
        self.limit, self.period = rate

    def _key(self, request, window: int) -> str:
        who = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]  # no address in the cache
        return f"throttle:{self.scope}:{who}:{window}"

    def allow_request(self, request) -> bool:
        now = time.time()
        window = int(now // self.period)
        key = self._key(request, window)
        cache = caches[CACHE]
        cache.add(key, 0, timeout=self.period + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=self.period + 1)
            count = 1
        return count <= self.limit

    def wait(self) -> float:
        """Seconds until the current window ends."""
        now = time.time()
        return max(1, math.ceil((int(now // self.period) + 1) * self.period - now))


def verify_throttle() -> SharedRateThrottle:
    return SharedRateThrottle("verify", VERIFY_RATE)
