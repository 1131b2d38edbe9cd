"""The static-file table of WhiteNoise, read from disk once per test process.

Every django.test.Client builds its own middleware chain on its first request, and
WhiteNoiseMiddleware's constructor walks STATIC_ROOT and every static-files finder, stats each
file and builds its response headers: about 25 ms of CPU each time, for a table that never
changes while the tests run. The suite makes thousands of clients (the route x role walk alone
makes one per role per route), so the walk cost more than a fifth of the suite's CPU.

`remember_static_files()` keeps what each `add_files` / `add_files_from_finders` call added to the
table, keyed by the arguments and by every setting the table depends on, and replays it for the
next middleware built under the same settings. A test that changes one of those settings
(override_settings(WHITENOISE_MAX_AGE=...), another STATIC_ROOT) gets a freshly built table.
A server process keeps building its one middleware chain as before: only tests/ installs this.
"""

from __future__ import annotations

from django.conf import settings

SETTINGS = ("DEBUG", "FORCE_SCRIPT_NAME", "INSTALLED_APPS", "STATIC_ROOT", "STATIC_URL", "STATICFILES_DIRS",
            "STATICFILES_FINDERS", "STORAGES")

_tables: dict[tuple, dict] = {}


def _key(name: str, args: tuple, kwargs: dict, middleware) -> tuple:
    names = sorted({*SETTINGS, *(n for n in dir(settings) if n.startswith("WHITENOISE_"))})
    return (name, repr(args), repr(sorted(kwargs.items())), middleware.autorefresh, middleware.max_age, middleware.allow_all_origins,
            middleware.charset, middleware.index_file,
            *(repr(getattr(settings, n, None)) for n in names))


def _remembered(name: str, original):
    def method(self, *args, **kwargs):
        if self.autorefresh:  # the table is not built at all: files are looked up per request
            return original(self, *args, **kwargs)
        key = _key(name, args, kwargs, self)
        added = _tables.get(key)
        if added is None:
            before = dict(self.files)
            original(self, *args, **kwargs)
            added = {url: f for url, f in self.files.items() if before.get(url) is not f}
            _tables[key] = added
        else:
            self.files.update(added)

    method.__name__ = name
    method.__wrapped__ = original
    return method


def remember_static_files() -> None:
    from whitenoise.middleware import WhiteNoiseMiddleware

    for name in ("add_files", "add_files_from_finders"):
        original = getattr(WhiteNoiseMiddleware, name)
        if not hasattr(original, "__wrapped__"):
            setattr(WhiteNoiseMiddleware, name, _remembered(name, original))
