"""Every route of the site and every operation of the HTTP API, asked by every role, with the
answer each must get (in the style of pretix's and cisagov/manage.get.gov's permission tests).

The routes are read from Django's URL resolver and the operations from the served OpenAPI
document: a route or an operation without an expectation here fails the test, so a new one
cannot be forgotten; an expectation for a route that no longer exists fails too.

The world: in Beijing a unit with an employee (the "owner", who signs in as an insured person),
another insured person, another unit; an application the unit filed for its employee and
submitted, with the unit's legal representative's ID among its documents; a batch of the unit.
The roles: signed out, administrator, an officer of Beijing and one of Shanghai, the owner,
the other person, the unit's agent, the other unit's agent, a hospital. Every request runs in
a savepoint that is rolled back, so a decision one role makes is not seen by the next.

Answers: a status code, LOGIN (302 to the sign-in page) or ADMIN_LOGIN (302 to the admin's).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from medpause.accounts.services import token_issue
from medpause.api.api import api
from medpause.batches.services import batch_create
from medpause.batches.tasks import run_batch
from medpause.cases.models import Suspension
from medpause.cases.services import application_approve, application_create, application_submit, document_add
from medpause.common.dates import add_months, month_start, today
from medpause.coverage.backpay import back_payment_request
from medpause.coverage.services import contribution_record, settlement_create
from medpause.notices.services import notify_application
from medpause.printing.services import document_issue
from medpause.transfers.services import transfer_request
from tests.factories import PNG_1PX, id_number, make_person, make_unit, make_user, pdf_bytes, uscc_code
from tests.web.conftest import upload_required

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-9"
LOGIN, ADMIN_LOGIN = "302 to sign in", "302 to the admin's sign-in"
ROLES = ("anonymous", "admin", "officer", "officer_elsewhere", "owner", "other_person", "agent", "other_agent",
         "institution")
SIGNED_IN = ROLES[1:]


def answers(default, **by_role) -> dict[str, Any]:
    """The answer of each role: `default`, but for the roles named."""
    unknown = set(by_role) - set(ROLES)
    assert not unknown, unknown
    return {role: by_role.get(role, default) for role in ROLES}


def page_of(*roles: str, others=403, **by_role) -> dict[str, Any]:
    """A page for `roles` (200): a signed-out visitor is sent to sign in, anyone else `others`."""
    return answers(others, **{"anonymous": LOGIN, **dict.fromkeys(roles, 200), **by_role})


def workbench(**by_role) -> dict[str, Any]:
    """The officer workbench: 200 for officers and administrators; it is not found by anyone
    else (a signed-out visitor is sent to sign in)."""
    return answers(404, **{"anonymous": LOGIN, "admin": 200, "officer": 200, "officer_elsewhere": 200, **by_role})


# --- the world ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return tmp_path_factory.mktemp("files")


@pytest.fixture(autouse=True)
def _media_root(settings, media):
    """The world's uploaded documents stay readable in every test of this module."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": media}}}
    settings.MEDIA_ROOT = media


@pytest.fixture(autouse=True)
def _quiet(settings):
    cache.clear()  # sign-in throttling counts in the cache
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDPAUSE_BATCH_RUNNER = "off"
    # each role signs in once for the module (world.cookies): an officer's session must not end
    # for want of a request while a slow machine walks the routes (the limit is tested in
    # tests/accounts)
    settings.MEDPAUSE_IDLE_MINUTES = 24 * 60


def _build() -> SimpleNamespace:
    unit = make_unit("110000", name="北京示例单位", legal_representative_name="赵法人")
    # registered long ago: a new employment from today can be recorded for them
    owner_person = make_person("110000", unit=unit, name="张本人", issued_on=today() - dt.timedelta(days=400))
    other_person = make_person("110000", category="flexible", name="李别人")
    other_unit = make_unit("110000", name="别的单位")
    shanghai_person = make_person("310000", category="flexible", name="王上海")
    users = {
        "admin": make_user("admin", password=PASSWORD),
        "officer": make_user("officer", region="110000", password=PASSWORD),
        "officer_elsewhere": make_user("officer", region="310000", password=PASSWORD),
        "owner": make_user("individual", person=owner_person, password=PASSWORD),
        "other_person": make_user("individual", person=other_person, password=PASSWORD),
        "agent": make_user("unit_agent", unit=unit, password=PASSWORD),
        "other_agent": make_user("unit_agent", unit=other_unit, password=PASSWORD),
        "institution": make_user("institution", institution_name="北京示例医院", password=PASSWORD),
    }
    agent = users["agent"]
    app = application_create(actor=agent, kind="stop", person=owner_person, reason="enlistment", start_date=today(),
                             end_date=today() + dt.timedelta(days=30))
    upload_required(agent, app)
    # the bureau holds the legal representative's ID, but a unit may still attach a copy: the
    # unit's private document, which the employee must never be shown
    rep_document = document_add(actor=agent, application=app, kind="legal_rep_id_card", data=PNG_1PX,
                                filename="rep.png")
    scan = document_add(actor=agent, application=app, kind="id_card", data=pdf_bytes("身份证"), filename="id.pdf")
    app = application_submit(actor=agent, application=app)
    # what the administration pages show: a stop, a settlement, a contribution, a notice, a group
    shanghai_me = make_user("individual", person=shanghai_person)
    pause = application_create(actor=shanghai_me, kind="stop", person=shanghai_person, reason="flexible_pause",
                               start_date=today(), end_date=today() + dt.timedelta(days=60))
    upload_required(shanghai_me, pause)
    application_approve(actor=users["officer_elsewhere"], application=application_submit(actor=shanghai_me,
                                                                                         application=pause))
    settlement_create(institution=users["institution"], card_number=owner_person.card.number, date=today(),
                      amount="10.00", institution_reference="walk-1")
    contribution_record(person=owner_person, month=add_months(month_start(today()), -1))
    notify_application(action="submit", application_id=app.pk, reference=app.reference, person_id=app.person_id,
                       unit_id=app.unit_id, region_id=app.region_id)
    Group.objects.create(name="clerks")
    # sign-in throttling's records, which the administrator reads (and deletes to unlock)
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    AccessAttempt.objects.create(username="someone", ip_address="192.0.2.1", failures_since_start=1, get_data="",
                                 post_data="", user_agent="")
    AccessFailureLog.objects.create(username="someone", ip_address="192.0.2.1", user_agent="")
    AccessLog.objects.create(username="someone", ip_address="192.0.2.1", user_agent="")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=users["officer"], name="authenticator", confirmed=True)
    batch = batch_create(actor=agent, kind="stop", upload=SimpleUploadedFile("b.csv", _batch_csv(owner_person)),
                         filename="b.csv")
    run_batch.enqueue(batch.pk)  # the batch's task, waiting in the task queue (the admin lists it)
    tokens = {role: token_issue(user=user) for role, user in users.items()}
    issued = document_issue(kind="receipt", person=owner_person, region=owner_person.region, application=app,
                            fields={"reference": app.reference})
    # a break of the owner's, four and three months ago, and the bill for back-paying it
    gap = (add_months(month_start(today()), -4), add_months(month_start(today()), -3))
    Suspension.objects.create(person=owner_person, region=owner_person.region, reason="unpaid_leave",
                              start_date=gap[0], end_date=add_months(gap[0], 2) - dt.timedelta(days=1))
    bill = back_payment_request(actor=users["officer"], person_id=owner_person.pk, from_month=f"{gap[0]:%Y-%m}",
                                to_month=f"{gap[1]:%Y-%m}")
    # the other person's insurance on its way to Shanghai, asked for and not yet sent
    move = transfer_request(actor=users["other_person"], person_id=other_person.pk, to_region="310000", date=today())
    return SimpleNamespace(unit=unit, other_unit=other_unit, person=owner_person, app=app, rep_document=rep_document,
                           scan=scan, batch=batch, issued=issued, gap=gap, bill=bill, transfer=move,
                           users=users, tokens=tokens)


def _batch_csv(person) -> bytes:
    return f"id_number,reason,start_date,end_date\r\n{person.id_number},resignation,{today()},\r\n".encode()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, media):
    """Built once for the module inside a transaction that is rolled back at its end."""
    storage = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": media}}}
    with django_db_blocker.unblock(), override_settings(
        STORAGES={**django_settings.STORAGES, **storage}, MEDIA_ROOT=media,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], MEDPAUSE_BATCH_RUNNER="off",
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = _build()
            world.cookies = {role: _signed_in_cookies(user) for role, user in world.users.items()}
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _signed_in_cookies(user) -> dict[str, str]:
    """The cookies of a whole sign-in (the one-time code included, as tests/conftest.py's
    force_login gives it), made once per role in the world's transaction: each request of the walk
    sends them from a new client, and the savepoint around the request undoes whatever it
    wrote to the session."""
    from tests.conftest import _fully_signed_in

    client = Client()
    _fully_signed_in(client, user)
    return {name: morsel.value for name, morsel in client.cookies.items()}


def _classify(response) -> Any:
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("web:login")):
            return LOGIN
        if location.startswith(reverse("admin:login")):
            return ADMIN_LOGIN
    return response.status_code


def _ask_each_role(world, request) -> dict[str, Any]:
    """The answer every role gets; each request in a savepoint rolled back afterwards."""
    got = {}
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.cookies.load(world.cookies[role])
        with transaction.atomic():
            got[role] = _classify(request(client, role))
            transaction.set_rollback(True)
    return got


def _mismatches(expected: dict, got: dict) -> dict:
    return {role: f"expected {expected[role]}, got {got[role]}" for role in ROLES if expected[role] != got[role]}


# --- the site's routes ----------------------------------------------------------------------


def _routes(patterns=None, prefix="", namespaces=()):
    """(namespace path, route) of every URL pattern, `route` the whole path as written."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern), (*namespaces, p.namespace))
        elif isinstance(p, URLPattern):
            yield ":".join(n for n in namespaces if n), prefix + str(p.pattern)


def site_routes() -> set[str]:
    return {route for namespace, route in _routes() if namespace not in ("api", "admin")}


@dataclass
class Site:
    url: Any  # the path, or a function of the world giving it
    expected: dict[str, Any]
    query: dict = field(default_factory=dict)

    def path(self, world) -> str:
        return self.url(world) if callable(self.url) else self.url


def app_page(suffix: str, audience: str, answer) -> Site:
    """A page of the unit's application under /me/ (the employee it concerns: `answer`) or under
    /unit/ (the unit that filed it: `answer`). The other person and the other unit's agent do not
    find it; the other audience and the bureau are refused (their pages are elsewhere)."""
    if audience == "me":
        base, expected = "/me/applications", answers(403, anonymous=LOGIN, owner=answer, other_person=404)
    else:
        base, expected = "/unit/applications", answers(403, anonymous=LOGIN, agent=answer, other_agent=404)
    return Site(lambda w: f"{base}/{w.app.pk}/{suffix}".replace("{doc}", str(w.rep_document.pk)), expected)


GUIDE = {"kind": "stop", "applicant_type": "unit", "region": "110000"}
SITE: dict[str, Site] = {
    # public
    "": Site("/", answers(200)),
    "login/": Site("/login/", answers(302, anonymous=200)),  # signed in: on to the home page
    "logout/": Site("/logout/", answers(405)),  # POST only
    "account/password/": Site("/account/password/", answers(200, anonymous=LOGIN)),  # every signed-in user
    # how notices reach a person or a unit agent (SMS, e-mail): theirs only
    "account/notices/": Site("/account/notices/", page_of("owner", "other_person", "agent", "other_agent")),
    # the one-time code: asked of officers and administrators only (given already here: on to the home page)
    "account/otp/": Site("/account/otp/", answers(302, anonymous=LOGIN)),
    "account/otp/enrol/": Site("/account/otp/enrol/", answers(302, anonymous=LOGIN)),
    "guide/": Site("/guide/", answers(200)),
    "guide/reason/": Site("/guide/reason/", answers(200), query=GUIDE),
    "guide/answer/": Site("/guide/answer/", answers(200), query={**GUIDE, "reason": "resignation"}),
    "guide/form/<str:kind>.pdf": Site("/guide/form/stop.pdf", answers(200),
                                      query={"region": "110000", "reason": "resignation"}),
    "i18n/setlang/": Site("/i18n/setlang/", answers(302)),  # changes nothing without a POST: back home
    # the public check of a verification code: the form, and a code that was issued
    "verify/": Site("/verify/", answers(200)),
    "verify/<str:code>/": Site(lambda w: f"/verify/{w.issued.code}/", answers(200)),
    # the public progress look-up: the form (the look-up itself is a POST)
    "progress/": Site("/progress/", answers(200)),
    # the insured person's own pages: every insured person has them
    "me/": Site("/me/", page_of("owner", "other_person")),
    "me/coverage/": Site("/me/coverage/", page_of("owner", "other_person")),
    "me/certificates/<str:kind>.pdf": Site("/me/certificates/participation.pdf", page_of("owner", "other_person")),
    # the wizard, for oneself under /me/, for an employee under /unit/
    "me/<wizard_kind:kind>/": Site("/me/stop/", answers(403, anonymous=LOGIN, owner=302, other_person=302)),
    "me/<wizard_kind:kind>/<slug:step>/": Site("/me/stop/reason/", page_of("owner", "other_person")),
    "me/employees/<int:person_id>/<wizard_kind:kind>/": Site(
        lambda w: f"/me/employees/{w.person.pk}/stop/", answers(403, anonymous=LOGIN, owner=404, other_person=404)),
    "me/employees/<int:person_id>/<wizard_kind:kind>/<slug:step>/": Site(
        lambda w: f"/me/employees/{w.person.pk}/stop/reason/",
        answers(403, anonymous=LOGIN, owner=404, other_person=404)),
    "unit/<wizard_kind:kind>/": Site("/unit/stop/", answers(403, anonymous=LOGIN, agent=404, other_agent=404)),
    "unit/<wizard_kind:kind>/<slug:step>/": Site(
        "/unit/stop/reason/", answers(403, anonymous=LOGIN, agent=404, other_agent=404)),
    "unit/employees/<int:person_id>/<wizard_kind:kind>/": Site(
        lambda w: f"/unit/employees/{w.person.pk}/stop/", answers(403, anonymous=LOGIN, agent=302, other_agent=404)),
    "unit/employees/<int:person_id>/<wizard_kind:kind>/<slug:step>/": Site(
        lambda w: f"/unit/employees/{w.person.pk}/stop/reason/", page_of("agent", other_agent=404)),
    # the applications, for oneself and for a unit: the employee sees the unit's application
    # about them but not its legal representative's ID, and may not act on it
    "me/applications/": Site("/me/applications/", page_of("owner", "other_person")),
    "unit/applications/": Site("/unit/applications/", page_of("agent", "other_agent")),
    "me/applications/<int:app_id>/": app_page("", "me", 200),
    "me/applications/<int:app_id>/sent/": app_page("sent/", "me", 200),
    "me/applications/<int:app_id>/documents/<int:doc_id>/": app_page("documents/{doc}/", "me", 404),
    "me/applications/<int:app_id>/withdraw/": app_page("withdraw/", "me", 302),
    "me/applications/<int:app_id>/more-documents/": app_page("more-documents/", "me", 302),
    "me/applications/<int:app_id>/continue/": app_page("continue/", "me", 302),
    "me/applications/<int:app_id>/form.pdf": app_page("form.pdf", "me", 200),
    "me/applications/<int:app_id>/receipt.pdf": app_page("receipt.pdf", "me", 200),
    "unit/applications/<int:app_id>/": app_page("", "unit", 200),
    "unit/applications/<int:app_id>/sent/": app_page("sent/", "unit", 200),
    "unit/applications/<int:app_id>/documents/<int:doc_id>/": app_page("documents/{doc}/", "unit", 200),
    "unit/applications/<int:app_id>/withdraw/": app_page("withdraw/", "unit", 200),
    "unit/applications/<int:app_id>/more-documents/": app_page("more-documents/", "unit", 302),
    "unit/applications/<int:app_id>/continue/": app_page("continue/", "unit", 302),
    "unit/applications/<int:app_id>/form.pdf": app_page("form.pdf", "unit", 200),
    "unit/applications/<int:app_id>/receipt.pdf": app_page("receipt.pdf", "unit", 200),
    # the unit's own pages and batch files
    "unit/": Site("/unit/", page_of("agent", "other_agent")),
    "unit/employees/<int:person_id>/": Site(lambda w: f"/unit/employees/{w.person.pk}/",
                                            page_of("agent", other_agent=404)),
    "unit/employees/add/": Site("/unit/employees/add/", page_of("agent", "other_agent")),
    "unit/batches/": Site("/unit/batches/", page_of("agent", "other_agent")),
    "unit/batches/new/": Site("/unit/batches/new/", page_of("agent", "other_agent")),
    "unit/batches/template.<str:fmt>": Site("/unit/batches/template.csv", page_of("agent", "other_agent")),
    "unit/batches/<int:pk>/": Site(lambda w: f"/unit/batches/{w.batch.pk}/", page_of("agent", other_agent=404)),
    "unit/batches/<int:pk>/report.csv": Site(lambda w: f"/unit/batches/{w.batch.pk}/report.csv",
                                             page_of("agent", other_agent=404)),
    # the officer workbench: the Shanghai officer does not find Beijing's application or person
    "officer/": Site("/officer/", workbench()),
    "officer/applications/<int:pk>/": Site(lambda w: f"/officer/applications/{w.app.pk}/",
                                           workbench(officer_elsewhere=404)),
    "officer/applications/<int:pk>/take/": Site(lambda w: f"/officer/applications/{w.app.pk}/take/",
                                                workbench(admin=405, officer=405, officer_elsewhere=405)),
    "officer/applications/<int:pk>/approve/": Site(lambda w: f"/officer/applications/{w.app.pk}/approve/",
                                                   workbench(admin=405, officer=405, officer_elsewhere=405)),
    "officer/applications/<int:pk>/reject/": Site(lambda w: f"/officer/applications/{w.app.pk}/reject/",
                                                  workbench(admin=405, officer=405, officer_elsewhere=405)),
    # correcting a decision: pages that only take a POST
    **{f"officer/applications/<int:pk>/{step}/": Site(
        lambda w, step=step: f"/officer/applications/{w.app.pk}/{step}/",
        workbench(admin=405, officer=405, officer_elsewhere=405))
       for step in ("revoke", "confirm-revocation", "cancel-revocation")},
    "officer/applications/<int:pk>/request-supplement/": Site(
        lambda w: f"/officer/applications/{w.app.pk}/request-supplement/",
        workbench(admin=405, officer=405, officer_elsewhere=405)),
    "officer/applications/<int:pk>/documents/<int:document_pk>/": Site(
        lambda w: f"/officer/applications/{w.app.pk}/documents/{w.rep_document.pk}/", workbench(officer_elsewhere=404)),
    "officer/applications/<int:pk>/documents/<int:document_pk>/preview/": Site(
        lambda w: f"/officer/applications/{w.app.pk}/documents/{w.scan.pk}/preview/", workbench(officer_elsewhere=404)),
    "officer/applications/<int:pk>/documents/<int:document_pk>/pages/<int:number>.png": Site(
        lambda w: f"/officer/applications/{w.app.pk}/documents/{w.scan.pk}/pages/1.png",
        workbench(officer_elsewhere=404)),
    "officer/persons/": Site("/officer/persons/", workbench()),
    # transfers: both regions' officers see the other person's transfer; actions are POST only
    "officer/transfers/": Site("/officer/transfers/", workbench()),
    "officer/transfers/<int:pk>/": Site(lambda w: f"/officer/transfers/{w.transfer.pk}/", workbench()),
    "officer/transfers/<int:pk>/send/": Site(lambda w: f"/officer/transfers/{w.transfer.pk}/send/",
                                             workbench(admin=405, officer=405, officer_elsewhere=405)),
    "officer/transfers/<int:pk>/receive/": Site(lambda w: f"/officer/transfers/{w.transfer.pk}/receive/",
                                                workbench(admin=405, officer=405, officer_elsewhere=405)),
    "officer/transfers/<int:pk>/refuse/": Site(lambda w: f"/officer/transfers/{w.transfer.pk}/refuse/",
                                               workbench(admin=405, officer=405, officer_elsewhere=405)),
    "officer/persons/<int:pk>/": Site(lambda w: f"/officer/persons/{w.person.pk}/", workbench(officer_elsewhere=404)),
    "officer/statistics/": Site("/officer/statistics/", workbench()),
    "officer/statistics/export.<str:fmt>": Site("/officer/statistics/export.csv", workbench()),
    # the API's own pages (its operations are walked from the OpenAPI document below)
    "api/v1/openapi.json": Site("/api/v1/openapi.json", answers(200)),
    "api/v1/docs": Site("/api/v1/docs", answers(200)),
    "api/v1/": Site("/api/v1/", answers(404)),
    "api/v1/^.*$": Site("/api/v1/no-such-thing", answers(404)),
}


def test_every_route_of_the_site_has_an_expectation():
    api_routes = {route for namespace, route in _routes() if namespace == "api"}
    operations = {"api/v1" + path.removeprefix("/api/v1").replace("{", "<").replace("}", ">")
                  for path in api.get_openapi_schema()["paths"]}
    routes = site_routes() | {r for r in api_routes if r not in operations}
    assert routes - set(SITE) == set(), "routes without an expected answer per role"
    assert set(SITE) - routes == set(), "expectations for routes that do not exist"


@pytest.mark.parametrize("route", sorted(SITE))
def test_site_route(world, route):
    site = SITE[route]
    path = site.path(world)
    assert resolve(path).route == route.replace("^", "")  # the address asked is the route named
    got = _ask_each_role(world, lambda client, _role: client.get(path, site.query, HTTP_ACCEPT_LANGUAGE="en"))
    assert not _mismatches(site.expected, got), _mismatches(site.expected, got)


# --- the administration site ----------------------------------------------------------------

# Domain records are read-only in the admin; users and groups can be added and deleted there.
ADMIN_EDITS = {"auth_group", "accounts_user", "otp_totp_totpdevice"}  # a lost device is deleted
# Sign-in throttling's records can be deleted (that unlocks a user name and address), not added.
ADMIN_DELETES = {"axes_accessattempt", "axes_accessfailurelog", "axes_accesslog"}
ADMIN_PAGES = {  # by the view a route leads to: the administrator's answer
    "index": 200, "app_list": 200, "changelist": 200, "change": 200, "history": 200, "password_change": 200,
    "password_change_done": 200, "jsi18n": 200, "user_password_change": 200,
    "login": 302,  # already signed in: on to the index
    "logout": 405,  # POST only
    "autocomplete": 403,  # only for a field of a form that asks
    "object": 302,  # /admin/<app>/<model>/<id>/: on to the change page
    "catch_all": 404,
    "view_on_site": 404,  # no such object
    "config": 403, "qrcode": 403,  # a one-time-code device's secret: never shown again
}


def _admin_route(route: str) -> tuple[str, str | None]:
    """(kind of page, "app_model" or None) of an admin route."""
    parts = route.removeprefix("admin/").rstrip("/").split("/")
    if route in ("admin/", "admin/(?P<url>.*)$") or parts[0].startswith("^"):
        return {"admin/": "index", "admin/(?P<url>.*)$": "catch_all"}.get(route, "app_list"), None
    if len(parts) == 1 or parts[0] in ("r", "password_change", "autocomplete", "jsi18n"):
        kind = {"r": "view_on_site", "password_change": "password_change"}.get(parts[0], parts[0])
        return ("password_change_done" if parts[-1] == "done" else kind), None
    model = f"{parts[0]}_{parts[1]}"
    rest = parts[2:]
    if not rest:
        return "changelist", model
    if rest == ["add"]:
        return "add", model
    if rest == ["<path:object_id>"]:
        return "object", model
    if rest[-1] == "password":
        return "user_password_change", model
    return {"history": "history", "delete": "delete", "change": "change", "config": "config",
            "qrcode": "qrcode"}[rest[-1]], model


def admin_expected(route: str) -> dict[str, Any]:
    """Everyone but the administrator is sent to the admin's sign-in page."""
    kind, model = _admin_route(route)
    if kind in ("add", "delete"):
        mine = 200 if model in ADMIN_EDITS or (kind == "delete" and model in ADMIN_DELETES) else 403
    else:
        mine = ADMIN_PAGES[kind]
    # the sign-in page is theirs to read; signing out of an admin session they do not have sends
    # them to the admin's index (and from there to sign in)
    others = {"login": 200, "logout": 302}.get(kind, ADMIN_LOGIN)
    return answers(others, admin=mine)


def admin_path(route: str, world) -> str:
    from django.apps import apps

    kind, model = _admin_route(route)
    path = "/" + route
    if kind == "app_list":
        return "/admin/cases/"
    if kind == "catch_all":
        return "/admin/no-such-page/"
    if kind == "view_on_site":
        return "/admin/r/999999/1/"
    if model is not None and ("<path:object_id>" in route or "<id>" in route or "<int:pk>" in route):
        app_label, model_name = model.rsplit("_", 1)
        obj = apps.get_model(app_label, model_name)._default_manager.order_by("pk").first()
        assert obj is not None, f"the world has no {model}"
        path = path.replace("<path:object_id>", str(obj.pk)).replace("<id>", str(obj.pk)).replace("<int:pk>", str(obj.pk))
    return path


ADMIN_ROUTES = sorted(route for namespace, route in _routes() if namespace == "admin")


def test_every_admin_route_is_understood():
    for route in ADMIN_ROUTES:
        admin_expected(route)  # raises for a route of a kind it does not know


@pytest.mark.parametrize("route", ADMIN_ROUTES)
def test_admin_route(world, route):
    path = admin_path(route, world)
    expected = admin_expected(route)
    got = _ask_each_role(world, lambda client, _role: client.get(path, HTTP_ACCEPT_LANGUAGE="en"))
    assert not _mismatches(expected, got), _mismatches(expected, got)


# --- the HTTP API ---------------------------------------------------------------------------


@dataclass
class Call:
    """One operation: its concrete path (a function of the world), body, and answers."""

    path: Any
    expected: dict[str, Any]
    body: Any = None  # a dict (JSON), a function of the world, or MULTIPART
    files: Any = None  # multipart: a function of the world giving the form fields

    def url(self, world) -> str:
        return "/api/v1" + (self.path(world) if callable(self.path) else self.path)


def api_answers(default, **by_role) -> dict[str, Any]:
    """No token: 401. `default` for every role not named."""
    return answers(default, anonymous=401, **by_role)


PUBLIC = answers(200)
CASEWORK = api_answers(200, institution=403)
# An object of Beijing's unit and its employee: the unit's agent, Beijing's officer and the
# administrator see it; the employee sees themself; the others do not find it; a hospital may
# not ask.
THE_PERSON = api_answers(404, admin=200, officer=200, agent=200, owner=200, institution=403)
THE_APPLICATION = THE_PERSON
REVIEW = api_answers(403, admin=200, officer=200, officer_elsewhere=404)
REVOKE = api_answers(403, admin=409, officer=409, officer_elsewhere=404)
# Only the applicant (the unit) may act as the applicant: it hears the application's state,
# those who see the application hear they may not, the others do not find it.
AS_APPLICANT = api_answers(404, agent=409, owner=403, officer=403, admin=403, institution=403)
REGISTER = api_answers(403, admin=201, officer=201)  # Shanghai's officer may not register in Beijing
BATCHES = api_answers(403, agent=200, other_agent=200)


def _unit_body(_world):
    return {"name": "新单位", "uscc": uscc_code(), "region": "110000", "legal_representative_name": "王法人",
            "legal_representative_id_number": id_number()}


def _person_body(_world):
    return {"name": "新人", "id_number": id_number(), "region": "110000", "category": "flexible",
            "contribution_base": "6000.00"}


def _stop_body(world):
    start = today() + dt.timedelta(days=60)
    return {"kind": "stop", "person_id": world.person.pk, "reason": "enlistment", "start_date": start.isoformat()}


def _app(suffix: str = ""):
    return lambda w: f"/applications/{w.app.pk}{suffix}"


API: dict[tuple[str, str], Call] = {
    ("post", "/auth/token"): Call("/auth/token", PUBLIC,
                                  body=lambda w: {"username": w.users["owner"].username, "password": PASSWORD}),
    ("post", "/auth/revoke"): Call("/auth/revoke", api_answers(204)),
    ("get", "/auth/me"): Call("/auth/me", api_answers(200)),
    ("post", "/users"): Call("/users", api_answers(403, admin=201), body={
        "username": "new.user", "password": "long-enough-1", "role": "institution", "institution_name": "X"}),
    ("post", "/units"): Call("/units", REGISTER, body=_unit_body),
    ("get", "/units/{unit_id}"): Call(lambda w: f"/units/{w.unit.pk}",
                                      api_answers(404, admin=200, officer=200, agent=200, owner=403,
                                                  other_person=403, institution=403)),
    ("post", "/persons"): Call("/persons", REGISTER, body=_person_body),
    ("post", "/persons/lookup"): Call("/persons/lookup", {**THE_PERSON, "owner": 403, "other_person": 403},
                                      body=lambda w: {"id_number": w.person.id_number}),
    ("get", "/persons/{person_id}"): Call(lambda w: f"/persons/{w.person.pk}", THE_PERSON),
    # a unit finds a person of its region to take on; the new unit (or the bureau) records it
    ("post", "/persons/lookup-to-employ"): Call("/persons/lookup-to-employ",
                                                api_answers(403, agent=200, other_agent=200),
                                                body=lambda w: {"id_number": w.person.id_number}),
    ("post", "/persons/{person_id}/employment"): Call(
        lambda w: f"/persons/{w.person.pk}/employment",
        api_answers(403, admin=201, officer=201, other_agent=201, agent=404, officer_elsewhere=404),
        body=lambda w: {"unit_id": w.other_unit.pk, "start_date": today().isoformat(),
                        "id_number": w.person.id_number}),
    ("get", "/persons/{person_id}/employment"): Call(lambda w: f"/persons/{w.person.pk}/employment", THE_PERSON),
    ("get", "/persons/{person_id}/contributions"): Call(lambda w: f"/persons/{w.person.pk}/contributions",
                                                        THE_PERSON),
    ("get", "/persons/{person_id}/suspensions"): Call(lambda w: f"/persons/{w.person.pk}/suspensions", THE_PERSON),
    ("get", "/persons/{person_id}/account"): Call(lambda w: f"/persons/{w.person.pk}/account", THE_PERSON),
    # the world's owner had a two-month break without a waiting period: those months can be back-paid
    ("post", "/persons/{person_id}/back-payments"): Call(
        lambda w: f"/persons/{w.person.pk}/back-payments",
        {**THE_PERSON, "admin": 201, "officer": 201, "agent": 201, "owner": 201},
        body=lambda w: {"from_month": f"{w.gap[0]:%Y-%m}", "to_month": f"{w.gap[1]:%Y-%m}"}),
    ("post", "/back-payments/{back_payment_id}/paid"): Call(lambda w: f"/back-payments/{w.bill.pk}/paid",
                                                            api_answers(403, officer=200, officer_elsewhere=404)),
    ("get", "/persons/{person_id}/certificates/{kind}.pdf"): Call(
        lambda w: f"/persons/{w.person.pk}/certificates/participation.pdf", THE_PERSON),
    # a transfer: its person, both regions' officers and the administrator see it; the old
    # place sends, the new place takes in (not before it is sent: 409), either refuses
    ("post", "/transfers"): Call("/transfers", {**THE_PERSON, "admin": 201, "officer": 201, "agent": 201,
                                                "owner": 201},
                                 body=lambda w: {"person_id": w.person.pk, "to_region": "420100",
                                                 "date": today().isoformat()}),
    ("get", "/transfers/{transfer_id}"): Call(lambda w: f"/transfers/{w.transfer.pk}", api_answers(
        404, admin=200, officer=200, officer_elsewhere=200, other_person=200, institution=403)),
    # the information sheet is issued when the transfer is sent: 409 before, to those who see it
    ("get", "/transfers/{transfer_id}/sheet.pdf"): Call(lambda w: f"/transfers/{w.transfer.pk}/sheet.pdf", api_answers(
        404, admin=409, officer=409, officer_elsewhere=409, other_person=409, institution=403)),
    ("post", "/transfers/{transfer_id}/send"): Call(lambda w: f"/transfers/{w.transfer.pk}/send",
                                                    api_answers(403, admin=200, officer=200)),
    ("post", "/transfers/{transfer_id}/receive"): Call(lambda w: f"/transfers/{w.transfer.pk}/receive",
                                                       api_answers(403, admin=409, officer_elsewhere=409)),
    ("post", "/transfers/{transfer_id}/refuse"): Call(lambda w: f"/transfers/{w.transfer.pk}/refuse",
                                                      api_answers(403, admin=200, officer=200, officer_elsewhere=200),
                                                      body={"reason": "材料不全"}),
    ("get", "/regions"): Call("/regions", PUBLIC),
    ("get", "/reasons"): Call("/reasons?region=110000&kind=stop", PUBLIC),
    ("get", "/requirements"): Call("/requirements?region=110000&reason=resignation&applicant_type=unit", PUBLIC),
    ("get", "/forms/{kind}.pdf"): Call("/forms/stop.pdf?region=110000&reason=resignation", PUBLIC),
    # the employee may file, but stops through the unit: 422 employee_must_file_through_unit
    ("post", "/applications"): Call("/applications", {**THE_PERSON, "admin": 201, "officer": 201, "agent": 201,
                                                      "owner": 422}, body=_stop_body),
    ("get", "/applications"): Call("/applications", CASEWORK),
    ("get", "/applications/{application_id}"): Call(_app(), THE_APPLICATION),
    # the legal representative's ID: the unit and the bureau, not the employee
    ("get", "/applications/{application_id}/documents/{document_id}"): Call(
        lambda w: f"/applications/{w.app.pk}/documents/{w.rep_document.pk}", {**THE_APPLICATION, "owner": 404}),
    # rights before state: the applicant and the bureau hear that a submitted application takes
    # no documents, the employee that they may not add any
    ("post", "/applications/{application_id}/documents"): Call(
        _app("/documents"), {**AS_APPLICANT, "officer": 409, "admin": 409},
        files=lambda w: {"kind": "id_card", "file": SimpleUploadedFile("id.png", PNG_1PX)}),
    # only the applicant may take a file back (the unit hears the submitted file stays); the
    # employee does not see their unit's legal representative's ID at all
    ("delete", "/applications/{application_id}/documents/{document_id}"): Call(
        lambda w: f"/applications/{w.app.pk}/documents/{w.rep_document.pk}",
        {**THE_APPLICATION, "owner": 404, "agent": 409, "officer": 403, "admin": 403}),
    ("post", "/applications/{application_id}/submit"): Call(_app("/submit"), AS_APPLICANT),
    ("post", "/applications/{application_id}/withdraw"): Call(_app("/withdraw"), {**AS_APPLICANT, "agent": 200}),
    ("post", "/applications/{application_id}/take"): Call(_app("/take"), REVIEW),
    ("post", "/applications/{application_id}/approve"): Call(_app("/approve"), REVIEW, body={}),
    ("post", "/applications/{application_id}/reject"): Call(_app("/reject"), REVIEW, body={"reason": "no"}),
    ("post", "/applications/{application_id}/request-supplement"): Call(
        _app("/request-supplement"), REVIEW, body={"reason": "more", "documents": ["identity"]}),
    # correcting a decision: the bureau of the region hears that a submitted application has no
    # decision to revoke yet; the other region does not find it; the others may not
    ("post", "/applications/{application_id}/revoke"): Call(_app("/revoke"), REVOKE, body={"reason": "wrong"}),
    ("post", "/applications/{application_id}/confirm-revocation"): Call(_app("/confirm-revocation"), REVOKE),
    ("post", "/applications/{application_id}/cancel-revocation"): Call(_app("/cancel-revocation"), REVOKE, body={}),
    ("get", "/applications/{application_id}/form.pdf"): Call(_app("/form.pdf"), THE_APPLICATION),
    ("get", "/applications/{application_id}/receipt.pdf"): Call(_app("/receipt.pdf"), THE_APPLICATION),
    ("get", "/certificates/{code}"): Call(lambda w: f"/certificates/{w.issued.code}", PUBLIC),
    ("post", "/progress"): Call("/progress", PUBLIC, body=lambda w: {"reference": w.app.reference,
                                                                    "id_number_last6": w.person.id_number[-6:]}),
    ("get", "/eligibility"): Call(lambda w: f"/eligibility?card_number={w.person.card.number}",
                                  api_answers(403, admin=200, institution=200)),
    ("post", "/eligibility/bulk"): Call("/eligibility/bulk", api_answers(403, admin=200, institution=200),
                                        body=lambda w: {"card_numbers": [w.person.card.number]}),
    ("post", "/settlements"): Call("/settlements", api_answers(403, institution=201), body=lambda w: {
        "card_number": w.person.card.number, "date": today().isoformat(), "amount": "10.00",
        "institution_reference": "walk-2"}),
    ("get", "/notices"): Call("/notices", CASEWORK),
    ("post", "/batches"): Call("/batches", {**BATCHES, "agent": 202, "other_agent": 202},
                               files=lambda w: {"kind": "stop", "file": SimpleUploadedFile("b.csv", _batch_csv(w.person))}),
    ("get", "/batches/template.csv"): Call("/batches/template.csv", BATCHES),
    ("get", "/batches/template.xlsx"): Call("/batches/template.xlsx", BATCHES),
    ("get", "/batches/{batch_id}"): Call(lambda w: f"/batches/{w.batch.pk}", {**BATCHES, "other_agent": 404}),
    ("get", "/batches/{batch_id}/report.csv"): Call(lambda w: f"/batches/{w.batch.pk}/report.csv",
                                                    {**BATCHES, "other_agent": 404}),
}
ERROR_CODES = {401: "not_authenticated", 403: "forbidden", 404: "not_found"}


def test_every_api_operation_has_an_expectation():
    operations = {
        (method, path.removeprefix("/api/v1"))
        for path, methods in api.get_openapi_schema()["paths"].items() for method in methods
    }
    assert operations - set(API) == set(), "operations without an expected answer per role"
    assert set(API) - operations == set(), "expectations for operations that do not exist"


@pytest.mark.parametrize("operation", sorted(API), ids=lambda op: f"{op[0].upper()} {op[1]}")
def test_api_operation(world, operation):
    method, _template = operation
    call = API[operation]
    url = call.url(world)

    def request(client, role):
        headers = {"HTTP_ACCEPT_LANGUAGE": "en"}
        if role != "anonymous":
            client.logout()  # the API knows tokens only
            headers["HTTP_AUTHORIZATION"] = f"Bearer {world.tokens[role]}"
        if method in ("get", "delete"):
            return getattr(client, method)(url, **headers)
        if call.files is not None:
            return client.post(url, call.files(world), **headers)
        body = call.body(world) if callable(call.body) else call.body
        return client.post(url, json.dumps(body) if body is not None else "", content_type="application/json",
                           **headers)

    got = {}
    for role in ROLES:
        with transaction.atomic():
            response = request(Client(), role)
            got[role] = response.status_code
            if response.status_code in ERROR_CODES:  # the one error shape, with the code of the answer
                assert response.json()["error"]["code"] == ERROR_CODES[response.status_code], (role, response.content)
            transaction.set_rollback(True)
    assert not _mismatches(call.expected, got), _mismatches(call.expected, got)
