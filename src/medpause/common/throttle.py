"""Per-client rate limits of what anyone may ask without signing in: the verification of codes
(page and API, 30 a minute), the progress look-up (its own rate), and everything else public (the
guide and its blank form, the verification form, the API's regions, reasons, requirements and
forms): MEDPAUSE_PUBLIC_RATE requests a minute per client. One 429 page for all of them
(`too_many`), saying what was asked too often and where to go next.

Counts live in the cache named "shared" (settings.CACHES: the database cache by default), which
every server process sees, so the limit holds across gunicorn workers and machines. A fixed
window per client address: simple, and good enough to make guessing codes pointless (a code is
one of 31**16) and to keep the look-ups cheap."""

from __future__ import annotations

import functools
import hashlib
import math
import time

from django.conf import settings
from django.core.cache import caches
from django.shortcuts import render
from ninja.throttling import BaseThrottle

from medpause.common.clientip import client_ip

CACHE = "shared"
VERIFY_RATE = (30, 60)  # look-ups per client, per seconds


def client_address(request) -> str:
    """The client's address as sign-in throttling and the audit trail see it: the direct peer,
    or behind a proxy listed in MEDPAUSE_TRUSTED_PROXIES the address it forwarded
    (medpause.common.clientip); never a header the client could choose freely."""
    return client_ip(request)


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


class PublicRateThrottle(SharedRateThrottle):
    """MEDPAUSE_PUBLIC_RATE requests a minute per client, read at each request."""

    def __init__(self):
        super().__init__("public", (public_rate(), 60))

    def allow_request(self, request) -> bool:
        self.limit = public_rate()
        return super().allow_request(request)


def public_rate() -> int:
    return int(getattr(settings, "MEDPAUSE_PUBLIC_RATE", 120))


def public_throttle() -> PublicRateThrottle:
    return PublicRateThrottle()


TOO_MANY_TEMPLATE = "throttled.html"  # the site's 429 page (in the project's templates, beside 404.html)


def too_many(request, throttle: SharedRateThrottle, what: str = "pages"):
    """The 429 page (in the request's language) with Retry-After. `what` was asked too often:
    "pages", "codes" (verification) or "lookups" (progress); the page says so and links on."""
    wait = throttle.wait()
    response = render(request, TOO_MANY_TEMPLATE, {"wait": wait, "what": what}, status=429)
    response["Retry-After"] = str(wait)
    return response


def public_rate_limited(view):
    """A public page, limited per client: past the rate, the 429 page."""
    throttle = public_throttle()

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not throttle.allow_request(request):
            return too_many(request, throttle)
        return view(request, *args, **kwargs)

    return wrapper
