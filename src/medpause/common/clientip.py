"""The client's address, as sign-in throttling and the audit trail see it.

The direct peer (REMOTE_ADDR) is the client, unless it is one of the proxies named in
MEDPAUSE_TRUSTED_PROXIES (addresses or CIDRs, comma separated; none by default). Only then is
`X-Forwarded-For` read, from its right end: each address a trusted proxy appended is taken in
turn, and the first one that is not itself a trusted proxy is the client. A header sent by an
untrusted peer is never read, so a client cannot choose its address by rotating the header."""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings


@functools.lru_cache(maxsize=8)
def _networks(value: str) -> tuple:
    nets = []
    for part in value.split(","):
        part = part.strip()
        if part:
            nets.append(ipaddress.ip_network(part, strict=False))
    return tuple(nets)


def _address(text: str):
    try:
        address = ipaddress.ip_address(text.strip().split("%")[0])
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address, networks) -> bool:
    return address is not None and any(address.version == net.version and address in net for net in networks)


def client_ip(request) -> str:
    """The address of the client behind `request` (see the module's note)."""
    peer = request.META.get("REMOTE_ADDR", "")
    networks = _networks(getattr(settings, "MEDPAUSE_TRUSTED_PROXIES", ""))
    current = _address(peer)
    if not networks or not _trusted(current, networks):
        return str(current) if current is not None else peer
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    while hops and _trusted(current, networks):
        candidate = _address(hops.pop())
        if candidate is None:  # a malformed entry: stop at the last proxy we trust
            break
        current = candidate
    return str(current)
