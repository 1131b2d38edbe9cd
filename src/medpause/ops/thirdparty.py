"""The libraries' apps, models and fields shown in the admin, named in the reader's language.

django-axes, django-otp and django-tasks-db ship English names only (their own catalogs have no
Simplified Chinese), so a bureau's administrator would meet English section and column names in
an otherwise Chinese admin. Their names are set here once, when the project loads, from the
project's catalog; nothing else of those libraries changes."""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy as _

APPS = {
    "axes": _("Sign-in attempts"),
    "otp_totp": _("One-time codes"),
    "django_tasks_database": _("Task queue"),
}
MODELS = {
    "axes.AccessAttempt": (_("failed sign-in count"), _("failed sign-in counts")),
    "axes.AccessLog": (_("sign-in"), _("sign-ins")),
    "axes.AccessFailureLog": (_("failed sign-in"), _("failed sign-ins")),
    "axes.AccessAttemptExpiration": (_("failed sign-in expiry"), _("failed sign-in expiries")),
    "otp_totp.TOTPDevice": (_("authenticator app"), _("authenticator apps")),
    "django_tasks_database.DBTaskResult": (_("task"), _("tasks")),
}
FIELDS = {
    "attempt_time": _("time of the attempt"),
    "logout_time": _("signed out at"),
    "ip_address": _("client address"),
    "user_agent": _("browser"),
    "username": _("user name"),
    "path_info": _("address asked for"),
    "failures_since_start": _("failed sign-ins"),
    "locked_out": _("locked out"),
    "get_data": _("data"),
    "post_data": _("form data"),
    "http_accept": _("accepted formats"),
    "name": _("name"),
    "created_at": _("created at"),
    "last_used_at": _("last used at"),
    "confirmed": _("confirmed"),
    "user": _("user"),
    "task_path": _("task"),
    "enqueued_at": _("queued at"),
    "started_at": _("started at"),
    "finished_at": _("finished at"),
    "queue_name": _("queue"),
    "priority": _("priority"),
    "run_after": _("not before"),
    "worker_ids": _("workers"),
    "exception_class_path": _("error"),
    "traceback": _("error details"),
    "return_value": _("result"),
}


def name_third_party_apps() -> None:
    for label, name in APPS.items():
        try:
            apps.get_app_config(label).verbose_name = name
        except LookupError:
            continue
    for label, (singular, plural) in MODELS.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        model._meta.verbose_name, model._meta.verbose_name_plural = singular, plural
        for field in model._meta.fields:
            if field.name in FIELDS:
                field.verbose_name = FIELDS[field.name]
