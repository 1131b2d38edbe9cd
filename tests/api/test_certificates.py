"""GET /api/v1/certificates/{code} (public, throttled) and GET /api/v1/applications/{id}/receipt.pdf."""

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from medpause.common.throttle import VERIFY_RATE
from medpause.printing import certificate_pdf
from medpause.printing.models import IssuedDocument
from medpause.printing.verification import format_code
from tests.api.conftest import Api, draft_application, error_of, submitted_application
from tests.factories import bureau_viewer

pytestmark = pytest.mark.django_db


def issued(world, kind="participation"):
    certificate_pdf(person=world.bj_employee, kind=kind, viewer=bureau_viewer())
    return IssuedDocument.objects.get(person=world.bj_employee, kind=kind)


def test_a_code_is_confirmed_to_anyone_with_the_person_masked(world, anon):
    document = issued(world)
    r = anon.get(f"/certificates/{document.code}")
    assert r.status_code == 200, r.content
    body = r.json()
    assert set(body) == {"valid", "kind", "issued_at", "person_masked", "issued_by"}
    assert body["valid"] is True and body["kind"] == "participation"
    assert body["issued_at"] == timezone.localtime(document.issued_at).isoformat()
    assert body["person_masked"] == f"张* ({world.bj_employee.id_number_masked})"
    assert body["issued_by"] == "Beijing Healthcare Security Administration"
    assert world.bj_employee.id_number not in r.content.decode()
    # as printed (groups, any case) it is the same code
    again = anon.get(f"/certificates/{format_code(document.code).lower()}")
    assert again.status_code == 200 and again.json() == body


def test_the_answer_speaks_the_request_language(world):
    document = issued(world, "payment")
    r = Api(language="zh-Hans").get(f"/certificates/{document.code}")
    assert r.json()["issued_by"] == "北京市医疗保障局"


@pytest.mark.parametrize("code", ["7WKEK3VEVP4NRUFK", "not-a-code", "0000000000000000"])
def test_an_unknown_code_is_404_in_the_error_shape(world, anon, code):
    issued(world)
    r = anon.get(f"/certificates/{code}")
    assert r.status_code == 404
    assert error_of(r)["code"] == "unknown_verification_code"


def test_look_ups_are_throttled_per_client_in_the_shared_cache(world, anon):
    document = issued(world)
    limit, _period = VERIFY_RATE
    for _ in range(limit):
        assert anon.get(f"/certificates/{document.code}", REMOTE_ADDR="203.0.113.7").status_code == 200
    r = anon.get(f"/certificates/{document.code}", REMOTE_ADDR="203.0.113.7")
    assert r.status_code == 429
    assert error_of(r)["code"] == "too_many_requests"
    assert int(r["Retry-After"]) >= 1
    # another client is not held back; a forged X-Forwarded-For does not make a new client
    assert anon.get(f"/certificates/{document.code}", REMOTE_ADDR="198.51.100.2").status_code == 200
    forged = anon.get(f"/certificates/{document.code}", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert forged.status_code == 429
    # the counts live in the database cache, which every server process shares (not in this process)
    assert settings.CACHES["shared"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    table = settings.CACHES["shared"]["LOCATION"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {connection.ops.quote_name(table)}")
        keys = [row[0] for row in cursor.fetchall()]
    assert len([k for k in keys if "throttle:verify:" in k]) == 2  # one per client
    assert not [k for k in keys if "203.0.113.7" in k or "198.51.100.2" in k]  # addresses are not stored


def test_the_receipt_of_an_application_follows_its_visibility(world, anon):
    app = submitted_application(world.users["unit_agent"], world.bj_employee, "resignation")
    r = world.api["unit_agent"].get(f"/applications/{app.pk}/receipt.pdf")
    assert r.status_code == 200, r.content
    assert r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF-")
    assert r["Cache-Control"] == "private, no-store"
    assert IssuedDocument.objects.filter(application=app, kind="receipt").count() == 1
    for name in ("individual", "officer", "admin"):  # the person, the region's officer, the administrator
        assert world.api[name].get(f"/applications/{app.pk}/receipt.pdf").status_code == 200, name
    assert IssuedDocument.objects.filter(application=app, kind="receipt").count() == 1  # the same receipt
    for name in ("officer_sh", "individual_sh", "unit_agent_sh"):
        r = world.api[name].get(f"/applications/{app.pk}/receipt.pdf")
        assert r.status_code == 404 and error_of(r)["code"] == "not_found", name
    r = world.api["institution"].get(f"/applications/{app.pk}/receipt.pdf")
    assert r.status_code == 403 and error_of(r)["code"] == "forbidden"
    r = anon.get(f"/applications/{app.pk}/receipt.pdf")
    assert r.status_code == 401 and error_of(r)["code"] == "not_authenticated"


def test_a_draft_has_no_receipt_409(world):
    app = draft_application(world.users["unit_agent"], world.bj_other, "resignation")
    r = world.api["unit_agent"].get(f"/applications/{app.pk}/receipt.pdf")
    assert r.status_code == 409
    assert error_of(r)["code"] == "not_submitted"
    assert r.json()["error"]["details"] == {"status": "draft"}
    assert not IssuedDocument.objects.exists()


def test_the_endpoints_are_in_the_openapi_document(anon):
    schema = anon.get("/openapi.json").json()
    verify = schema["paths"]["/api/v1/certificates/{code}"]["get"]
    assert verify["operationId"] == "certificate_verify"
    assert not verify.get("security")
    assert {"200", "404", "429"} <= set(verify["responses"])
    receipt = schema["paths"]["/api/v1/applications/{application_id}/receipt.pdf"]["get"]
    assert {"200", "404", "409"} <= set(receipt["responses"])
    assert "application/pdf" in receipt["responses"]["200"]["content"]
