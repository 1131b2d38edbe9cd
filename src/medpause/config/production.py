"""The production switch: MEDPAUSE_PRODUCTION=1 turns on every setting a service facing the
public needs, at once, so that none is forgotten (`medpause check --deploy --fail-level WARNING`
is then clean; .ci/run checks it).

- HTTPS only: plain HTTP is redirected, HSTS for a year with subdomains, the scheme taken from
  the proxy's X-Forwarded-Proto (the proxy in front sets it, docs/operations.md), session and
  CSRF cookies only over HTTPS;
- no framing: X-Frame-Options DENY and CSP frame-ancestors 'none' (the officer's document
  preview, a same-origin sandboxed frame, allows its own workbench by its views' decorators);
- no debug pages, whatever MEDPAUSE_DEBUG says;
- a secret key and the served host names from the environment: never the key generated in the
  data folder (every server behind the proxy must share it), never the development host names.
  Missing or weak, the settings refuse to load with a message naming the variable.

`production(environ)` returns the settings as a dict: config/settings.py applies it, and the
tests apply the same dict to see the service behave as in production."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from medpause.common.middleware import DEFAULT_CSP

HSTS_SECONDS = 365 * 24 * 3600
MIN_SECRET_KEY_LENGTH = 50  # as Django's own deploy check (security.W009)
MIN_SECRET_KEY_CHARACTERS = 5

# Outside the workbench's preview frame no page may be framed, by any site, its own included.
PRODUCTION_CSP = DEFAULT_CSP.replace("frame-ancestors 'self'", "frame-ancestors 'none'")


def _secret_key(environ) -> str:
    key = environ.get("MEDPAUSE_SECRET_KEY", "").strip()
    if not key:
        raise ImproperlyConfigured(
            "MEDPAUSE_PRODUCTION=1 needs MEDPAUSE_SECRET_KEY: a random secret of at least "
            f"{MIN_SECRET_KEY_LENGTH} characters, the same on every server "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    if (len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < MIN_SECRET_KEY_CHARACTERS
            or key.startswith("django-insecure-")):
        raise ImproperlyConfigured(
            f"MEDPAUSE_SECRET_KEY is too weak for MEDPAUSE_PRODUCTION=1: give at least {MIN_SECRET_KEY_LENGTH} "
            "random characters (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    return key


def _allowed_hosts(environ) -> list[str]:
    hosts = [h.strip() for h in environ.get("MEDPAUSE_ALLOWED_HOSTS", "").split(",") if h.strip()]
    if not hosts:
        raise ImproperlyConfigured(
            "MEDPAUSE_PRODUCTION=1 needs MEDPAUSE_ALLOWED_HOSTS: the host names the service answers to, "
            "comma separated (e.g. bureau.example.gov.cn)."
        )
    if "*" in hosts:
        raise ImproperlyConfigured("MEDPAUSE_ALLOWED_HOSTS may not be '*' with MEDPAUSE_PRODUCTION=1: name the hosts.")
    return hosts


def production(environ) -> dict:
    """The settings MEDPAUSE_PRODUCTION=1 sets (ImproperlyConfigured when the environment lacks
    what they need)."""
    return {
        "SECRET_KEY": _secret_key(environ),
        "ALLOWED_HOSTS": _allowed_hosts(environ),
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
        "SECURE_HSTS_SECONDS": HSTS_SECONDS,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "X_FRAME_OPTIONS": "DENY",
        "MEDPAUSE_CSP": PRODUCTION_CSP,
        # Submitting to the browsers' HSTS preload list binds the whole registered domain and is
        # its owner's decision, taken outside the service: the header does not claim it.
        "SILENCED_SYSTEM_CHECKS": ["security.W021"],
    }
