"""E-mail settings from the environment: MEDPAUSE_EMAIL_URL (smtp://user:password@host:port,
smtp+tls:// for STARTTLS, smtps:// for TLS from the start, console:// or locmem://), else
Django's EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS,
EMAIL_USE_SSL; with neither, e-mails are written to the console (development).
MEDPAUSE_EMAIL_FROM is the sender."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

SMTP = "django.core.mail.backends.smtp.EmailBackend"
BACKENDS = {"console": "django.core.mail.backends.console.EmailBackend",
            "locmem": "django.core.mail.backends.locmem.EmailBackend"}


def _flag(value: str | None) -> bool:
    return (value or "").lower() in {"1", "true", "yes", "on"}


def email_settings(env) -> dict:
    settings = {"DEFAULT_FROM_EMAIL": env.get("MEDPAUSE_EMAIL_FROM", "medpause <noreply@localhost>"),
                "EMAIL_TIMEOUT": int(env.get("MEDPAUSE_EMAIL_TIMEOUT", 20))}
    url = env.get("MEDPAUSE_EMAIL_URL", "")
    if url:
        parts = urlsplit(url)
        if parts.scheme in BACKENDS:
            return {**settings, "EMAIL_BACKEND": BACKENDS[parts.scheme]}
        if parts.scheme not in ("smtp", "smtp+tls", "smtps"):
            raise ValueError(f"MEDPAUSE_EMAIL_URL: unknown scheme {parts.scheme!r}")
        return {
            **settings, "EMAIL_BACKEND": SMTP, "EMAIL_HOST": parts.hostname or "localhost",
            "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 587 if parts.scheme == "smtp+tls" else 25),
            "EMAIL_HOST_USER": unquote(parts.username or ""), "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_TLS": parts.scheme == "smtp+tls", "EMAIL_USE_SSL": parts.scheme == "smtps",
        }
    if env.get("EMAIL_HOST"):
        return {
            **settings, "EMAIL_BACKEND": SMTP, "EMAIL_HOST": env["EMAIL_HOST"], "EMAIL_PORT": int(env.get("EMAIL_PORT", 25)),
            "EMAIL_HOST_USER": env.get("EMAIL_HOST_USER", ""), "EMAIL_HOST_PASSWORD": env.get("EMAIL_HOST_PASSWORD", ""),
            "EMAIL_USE_TLS": _flag(env.get("EMAIL_USE_TLS")), "EMAIL_USE_SSL": _flag(env.get("EMAIL_USE_SSL")),
        }
    return {**settings, "EMAIL_BACKEND": BACKENDS["console"]}
