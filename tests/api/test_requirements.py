"""The public guide: regions, reasons, requirements, blank forms (no authentication)."""

import pytest

from tests.api.conftest import Api, error_of

pytestmark = pytest.mark.django_db


def test_regions_named_in_the_request_language(db):
    en = {r["code"]: r["name"] for r in Api(language="en").get("/regions").json()}
    zh = {r["code"]: r["name"] for r in Api(language="zh-Hans").get("/regions").json()}
    assert en["110000"] == "Beijing"
    assert zh["110000"] == "北京市"


def test_reasons_of_a_region_and_the_resumable_ones(db):
    stop = {r["code"]: r for r in Api().get("/reasons", {"region": "110000"}).json()}
    assert stop["resignation"]["filed_by"] == ["unit", "officer"]
    resume = {r["code"] for r in Api().get("/reasons", {"region": "110000", "kind": "resume"}).json()}
    assert "resignation" in resume and "death" not in resume
    assert all(stop[c]["resumable"] for c in resume)


def test_requirements_answer_the_contract_fields(db):
    r = Api().get(
        "/requirements", {"region": "310000", "reason": "flexible_pause", "applicant_type": "individual", "kind": "stop"}
    )
    assert r.status_code == 200
    body = r.json()
    assert body["policy_version"] == "310000@2025.1"
    assert body["max_duration_months"] == 6
    assert body["resumable"] is True
    asked = [d for d in body["documents"] if not d["provided_by_bureau"]]
    assert [d["code"] for d in asked] == ["identity"]
    assert "id_card" in asked[0]["any_of"]
    assert all(isinstance(d["provided_by_bureau"], bool) for d in body["documents"])
    assert body["legal_basis"] and {"title", "article", "text"} <= set(body["legal_basis"][0])
    assert body["consequences"]


def test_unknown_region_is_404_unknown_region(db):
    r = Api().get("/requirements", {"region": "999999", "reason": "resignation"})
    assert r.status_code == 404
    assert error_of(r)["code"] == "unknown_region"


def test_unknown_reason_is_404_unknown_reason(db):
    r = Api().get("/requirements", {"region": "110000", "reason": "holiday"})
    assert r.status_code == 404
    assert error_of(r)["code"] == "unknown_reason"


def test_blank_form_pdf(db):
    r = Api().get("/forms/stop.pdf", {"region": "110000", "reason": "resignation"})
    assert r.status_code == 200, r.content[:300]
    assert r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-")
    assert Api().get("/forms/stop.pdf", {"region": "110000", "reason": "holiday"}).status_code == 404


def test_requirements_mark_the_bureaus_own_settings(db):
    body = Api().get("/requirements", {"region": "110000", "reason": "resignation", "applicant_type": "unit"}).json()
    assert body["review_days"] == 5 and "review_days" in body["local_settings"]
    assert body["basis"]["review_days"] == "local" and body["basis"]["filed_by"] == "weak"
    assert body["review_stages"] == 1 and body["start_ahead_months"] == 3
    assert body["waiting"] == [{"category": "employee", "max_gap_months_without_wait": 3, "wait_months": 6}]
    assert body["personal_account_usable_during_stop"] is True
    rep = next(d for d in body["documents"] if d["code"] == "legal_representative_identity")
    assert rep["provided_by_bureau"] is True  # on file since the unit registered
