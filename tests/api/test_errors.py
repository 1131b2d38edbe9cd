"""One error shape everywhere, in the request's language; the OpenAPI document and docs."""

import pytest

from tests.api.conftest import Api, error_of

pytestmark = pytest.mark.django_db


def test_validation_error_is_400_invalid_input_with_the_fields(world):
    r = world.api["officer"].post("/applications", {"kind": "stop", "start_date": "2025-13-01"})
    assert r.status_code == 400
    error = error_of(r)
    assert error["code"] == "invalid_input"
    fields = {f["field"] for f in error["details"]["fields"]}
    assert fields == {"person_id", "reason", "start_date"}
    r = world.api["officer"].post("/applications", {"kind": "pause"})
    assert [f["field"] for f in error_of(r)["details"]["fields"]] == ["kind"]
    r = world.api["officer"].post("/applications", [1, 2])
    assert r.status_code == 400


def test_a_body_that_is_not_an_object_is_400(world):
    r = world.api["officer"].post("/applications/1/approve", ["note"])
    assert r.status_code == 400
    assert error_of(r)["code"] == "invalid_input"


def test_dates_must_be_written_yyyy_mm_dd(world):
    r = world.api["institution"].get("/eligibility", {"card_number": "1", "date": "28/11/2026"})
    assert r.status_code == 400
    assert error_of(r)["details"]["fields"][0]["field"] == "date"


def test_malformed_json_is_400_invalid_input(world):
    from django.test import Client

    r = Client().post(
        "/api/v1/applications", "{not json", content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {world.api['officer'].token}", HTTP_ACCEPT_LANGUAGE="en",
    )
    assert r.status_code == 400
    error = error_of(r)
    assert error["code"] == "invalid_input"
    assert "JSON" in error["message"]


def test_unknown_route_is_404_in_the_same_shape(anon):
    r = anon.get("/no/such/thing")
    assert r.status_code == 404
    assert error_of(r)["code"] == "not_found"
    r = anon.post("/no/such/thing", {})
    assert r.status_code == 404  # not a CSRF failure, not an HTML page
    assert error_of(r)["code"] == "not_found"


def test_wrong_method_is_405_in_the_same_shape(anon):
    r = anon.get("/settlements")
    assert r.status_code == 405
    assert error_of(r)["code"] == "method_not_allowed"
    assert "POST" in r["Allow"]


def test_zh_hans_gives_chinese_messages_and_en_english(world):
    zh = Api(language="zh-Hans").get("/applications")
    en = Api(language="en").get("/applications")
    assert error_of(zh)["code"] == error_of(en)["code"] == "not_authenticated"
    assert error_of(en)["message"].startswith("Sign in first")
    assert error_of(zh)["message"] == "请先登录：在 Authorization 请求头中以 Bearer 方式发送有效的令牌。"


@pytest.mark.parametrize(
    "code, role, call",
    [
        ("invalid_input", "officer", lambda api: api.post("/applications", {})),
        ("not_found", None, lambda api: api.get("/nowhere")),
        ("forbidden", "institution", lambda api: api.get("/applications")),
        ("invalid_credentials", None, lambda api: api.post("/auth/token", {"username": "x", "password": "y"})),
        ("method_not_allowed", None, lambda api: api.get("/settlements")),
        ("invalid_cursor", "officer", lambda api: api.get("/applications", {"cursor": "forged"})),
    ],
)
def test_every_api_level_message_is_translated(world, code, role, call):
    messages = {}
    for language in ("en", "zh-Hans"):
        api = Api(world.api[role].token if role else None, language=language)
        error = error_of(call(api))
        assert error["code"] == code
        messages[language] = error["message"]
    assert messages["zh-Hans"] != messages["en"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in messages["zh-Hans"])


def test_openapi_describes_every_contract_endpoint_with_the_error_shape(anon):
    r = anon.get("/openapi.json")
    assert r.status_code == 200
    schema = r.json()
    paths = schema["paths"]
    contract = [
        ("post", "/api/v1/auth/token"), ("post", "/api/v1/users"), ("post", "/api/v1/units"),
        ("post", "/api/v1/persons"), ("get", "/api/v1/persons/{person_id}"),
        ("get", "/api/v1/persons/{person_id}/contributions"), ("get", "/api/v1/persons/{person_id}/suspensions"),
        ("get", "/api/v1/regions"), ("get", "/api/v1/reasons"), ("get", "/api/v1/requirements"),
        ("get", "/api/v1/forms/{kind}.pdf"), ("post", "/api/v1/applications"), ("get", "/api/v1/applications"),
        ("post", "/api/v1/applications/{application_id}/documents"),
        ("post", "/api/v1/applications/{application_id}/submit"),
        ("post", "/api/v1/applications/{application_id}/withdraw"),
        ("post", "/api/v1/applications/{application_id}/approve"),
        ("post", "/api/v1/applications/{application_id}/reject"),
        ("post", "/api/v1/applications/{application_id}/request-supplement"),
        ("get", "/api/v1/applications/{application_id}"), ("get", "/api/v1/applications/{application_id}/form.pdf"),
        ("get", "/api/v1/eligibility"), ("post", "/api/v1/settlements"),
    ]
    for method, path in contract:
        assert method in paths.get(path, {}), (method, path)
        responses = paths[path][method]["responses"]
        for status, answer in responses.items():
            if int(status) == 414:  # the HTTP server's own refusal of an over-long request line
                assert answer["content"].keys() == {"text/html"}
            elif int(status) >= 400:
                assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
    assert paths["/api/v1/forms/{kind}.pdf"]["get"]["responses"]["200"]["content"].keys() == {"application/pdf"}
    assert "404" in paths["/api/v1/persons/{person_id}"]["get"]["responses"]
    assert "409" in paths["/api/v1/settlements"]["post"]["responses"]
    error = schema["components"]["schemas"]["ErrorBody"]
    assert set(error["required"]) >= {"code", "message"}


def test_docs_are_served(anon):
    r = anon.get("/docs")
    assert r.status_code == 200
    assert b"openapi.json" in r.content


def test_no_id_number_in_any_address(anon):
    """Personal ID numbers travel in bodies only: no path or query parameter carries one."""
    schema = anon.get("/openapi.json").json()
    for path, operations in schema["paths"].items():
        assert "id_number" not in path
        for operation in operations.values():
            names = {p["name"] for p in operation.get("parameters", [])}
            assert not any("id_number" in name for name in names), (path, names)


def test_an_unexpected_failure_is_500_in_the_same_shape_without_details(anon, monkeypatch):
    from medpause.api.routers import requirements

    def broken():
        raise RuntimeError("secret internals")

    monkeypatch.setattr(requirements, "region_list", broken)
    r = anon.get("/regions")
    assert r.status_code == 500
    error = error_of(r)
    assert error["code"] == "server_error"
    assert "secret" not in r.content.decode()


@pytest.mark.parametrize("header", ["zh-CN,zh;q=0.9,en;q=0.8", "zh-Hans", "zh"])
def test_browsers_chinese_headers_give_chinese(header):
    r = Api(language=header).get("/no/such/thing")
    assert error_of(r)["message"] == "此地址不存在。"


def test_no_language_header_answers_in_chinese_the_default():
    from django.test import Client

    r = Client().get("/api/v1/no/such/thing")
    assert error_of(r)["message"] == "此地址不存在。"
