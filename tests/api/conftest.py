"""A small world for the API tests: two regions (Beijing 110000, Shanghai 310000), a unit
with an employee in each, a flexible worker in Shanghai, and one user per role."""

from __future__ import annotations

import json
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.test import Client

from medpause.accounts.services import token_issue
from tests.factories import make_person, make_unit, make_user


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Sign-in throttling counts in the cache: every test starts with none."""
    from django.core.cache import cache

    cache.clear()


@dataclass
class Api:
    """A django test Client speaking JSON with a bearer token (or none)."""

    token: str | None = None
    language: str = "en"

    def _headers(self, extra: dict) -> dict:
        headers = {"HTTP_ACCEPT_LANGUAGE": self.language}
        if self.token:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {self.token}"
        headers.update(extra)
        return headers

    def get(self, path: str, data: dict | None = None, **extra):
        return Client().get("/api/v1" + path, data or {}, **self._headers(extra))

    def post(self, path: str, body: dict | None = None, **extra):
        payload = json.dumps(body) if body is not None else ""
        return Client().post("/api/v1" + path, payload, content_type="application/json", **self._headers(extra))

    def delete(self, path: str, **extra):
        return Client().delete("/api/v1" + path, **self._headers(extra))

    def upload(self, path: str, kind: str, data: bytes, filename: str = "doc.png", **extra):
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile(filename, data)
        return Client().post("/api/v1" + path, {"kind": kind, "file": upload}, **self._headers(extra))


@pytest.fixture
def anon():
    return Api()


@pytest.fixture
def world(db):
    bj_unit = make_unit("110000", name="Beijing Works")
    sh_unit = make_unit("310000", name="Shanghai Works")
    bj_employee = make_person("110000", unit=bj_unit, name="张伟")
    bj_other = make_person("110000", unit=bj_unit, name="赵敏")
    sh_employee = make_person("310000", unit=sh_unit, name="李雷")
    sh_flex = make_person("310000", category="flexible", name="李娜")
    users = {
        "admin": make_user("admin", username="admin"),
        "officer": make_user("officer", username="officer.beijing", region="110000"),
        "officer_sh": make_user("officer", username="officer.shanghai", region="310000"),
        "unit_agent": make_user("unit_agent", username="unit.beijing", unit=bj_unit),
        "unit_agent_sh": make_user("unit_agent", username="unit.shanghai", unit=sh_unit),
        "individual": make_user("individual", username="zhang.wei", person=bj_employee),
        "individual_sh": make_user("individual", username="li.na", person=sh_flex),
        "institution": make_user("institution", username="hospital", institution_name="Peking Union Hospital"),
    }
    apis = {name: Api(token_issue(user=user)) for name, user in users.items()}
    return SimpleNamespace(
        bj_unit=bj_unit, sh_unit=sh_unit, bj_employee=bj_employee, bj_other=bj_other, sh_employee=sh_employee,
        sh_flex=sh_flex, users=users, api=apis,
    )


def error_of(response) -> dict:
    """The error body, after checking the one shape every 4xx has."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["details"], dict)
    return body["error"]


def draft_application(actor, person, reason: str, start=None, end=None, kind: str = "stop", suspension_id=None):
    """A draft made through the core's service, with every missing document attached."""
    from medpause.cases.selectors import application_policy, missing_documents
    from medpause.cases.services import application_create, document_add
    from medpause.common.dates import today
    from tests.factories import PNG_1PX

    app = application_create(
        actor=actor, kind=kind, person=person, reason=reason, start_date=start or today(), end_date=end,
        suspension_id=suspension_id,
    )
    policy = application_policy(app)
    for group in missing_documents(app):
        document_add(actor=actor, application=app, kind=policy.groups[group].any_of[0], data=PNG_1PX, filename="x.png")
    return app


def submitted_application(actor, person, reason: str, start=None, end=None, **kw):
    from medpause.cases.services import application_submit

    app = draft_application(actor, person, reason, start, end, **kw)
    return application_submit(actor=actor, application=app)
