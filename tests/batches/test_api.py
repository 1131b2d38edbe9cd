"""The batches API: 202 on upload, progress and errors in the caller's language, the per-row
report, templates; other roles 403, another unit's batch 404."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from medpause.accounts.services import token_issue
from tests.batches.conftest import Place, csv_bytes
from tests.factories import make_person, make_user

pytestmark = pytest.mark.django_db


def _auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {token_issue(user=user)}"}


def _post(client, user, data, kind="stop", name="rows.csv", lang="en", capture=None):
    body = {"kind": kind, "file": SimpleUploadedFile(name, data)}
    if capture is None:
        return client.post("/api/v1/batches", body, HTTP_ACCEPT_LANGUAGE=lang, **_auth(user))
    with capture(execute=True):
        return client.post("/api/v1/batches", body, HTTP_ACCEPT_LANGUAGE=lang, **_auth(user))


def test_upload_answers_202_and_the_batch_runs_after_commit(client, chengdu, day, django_capture_on_commit_callbacks):
    rows = [(p.id_number, "resignation", day.isoformat(), "") for p in chengdu.people]
    response = _post(client, chengdu.agent, csv_bytes(rows), capture=django_capture_on_commit_callbacks)
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "validating"
    detail = client.get(f"/api/v1/batches/{body['id']}", **_auth(chengdu.agent)).json()
    assert detail["status"] == "done"
    assert (detail["rows_total"], detail["rows_ok"], detail["rows_failed"], detail["errors"]) == (3, 3, 0, [])
    assert detail["rows_applied"] == detail["rows_decided_on_the_spot"] == 3

    report = client.get(f"/api/v1/batches/{body['id']}/report.csv", **_auth(chengdu.agent))
    assert report.status_code == 200 and report["Content-Type"].startswith("text/csv")
    text = b"".join(report.streaming_content).decode("utf-8-sig")
    lines = list(csv.DictReader(io.StringIO(text)))
    assert [line["row"] for line in lines] == ["2", "3", "4"]
    assert all(line["application_status"] == "approved" and line["reference"].startswith("TB") for line in lines)
    assert chengdu.people[0].id_number not in text  # masked
    assert lines[0]["id_number"] == chengdu.people[0].id_number_masked


def test_errors_come_with_row_numbers_in_the_callers_language(client, beijing, day, django_capture_on_commit_callbacks):
    rows = [(beijing.people[0].id_number, "resignation", "2025.13.45", "")]
    batch_id = _post(client, beijing.agent, csv_bytes(rows), capture=django_capture_on_commit_callbacks).json()["id"]
    en = client.get(f"/api/v1/batches/{batch_id}", HTTP_ACCEPT_LANGUAGE="en", **_auth(beijing.agent)).json()
    zh = client.get(f"/api/v1/batches/{batch_id}", HTTP_ACCEPT_LANGUAGE="zh-hans", **_auth(beijing.agent)).json()
    assert en["status"] == "failed" and en["rows_applied"] == 0
    assert [(e["row"], e["code"]) for e in en["errors"]] == [(2, "invalid_date")]
    assert "is not a date" in en["errors"][0]["message"]
    assert zh["errors"][0]["code"] == "invalid_date" and "日期" in zh["errors"][0]["message"]
    report = client.get(f"/api/v1/batches/{batch_id}/report.csv", HTTP_ACCEPT_LANGUAGE="en", **_auth(beijing.agent))
    line = next(csv.DictReader(io.StringIO(b"".join(report.streaming_content).decode("utf-8-sig"))))
    assert (line["row"], line["outcome"], line["code"]) == ("2", "error", "invalid_date")


def test_bad_uploads_answer_at_once(client, beijing):
    assert _post(client, beijing.agent, b"").status_code in (400, 422)
    refused = _post(client, beijing.agent, b"%PDF-1.4 hello\n%%EOF", name="rows.pdf")
    assert refused.status_code == 415 and refused.json()["error"]["code"] == "unsupported_file_type"
    bad_kind = _post(client, beijing.agent, csv_bytes([]), kind="pause")
    assert bad_kind.status_code == 400


@pytest.mark.parametrize("role", ["officer", "individual", "institution", "admin"])
def test_other_roles_are_forbidden(client, beijing, role):
    kw = {"region": "110000"} if role == "officer" else {}
    if role == "individual":
        kw = {"person": beijing.people[0]}
    if role == "institution":
        kw = {"institution_name": "Hospital"}
    user = make_user(role, **kw)
    response = _post(client, user, csv_bytes([]))
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    assert client.get("/api/v1/batches/1", **_auth(user)).status_code == 403


def test_another_units_batch_is_not_found(client, beijing, day, django_capture_on_commit_callbacks):
    rows = [(beijing.people[0].id_number, "resignation", day.isoformat(), "")]
    batch_id = _post(client, beijing.agent, csv_bytes(rows), capture=django_capture_on_commit_callbacks).json()["id"]
    other = Place("110000", employees=0)
    for path in (f"/api/v1/batches/{batch_id}", f"/api/v1/batches/{batch_id}/report.csv", "/api/v1/batches/999999"):
        response = client.get(path, **_auth(other.agent))
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_without_a_token_401(client):
    assert client.get("/api/v1/batches/1").status_code == 401


def test_templates_in_both_languages(client, beijing):
    en = client.get("/api/v1/batches/template.csv", HTTP_ACCEPT_LANGUAGE="en", **_auth(beijing.agent))
    zh = client.get("/api/v1/batches/template.csv?kind=stop", HTTP_ACCEPT_LANGUAGE="zh-hans", **_auth(beijing.agent))
    assert en.content.decode("utf-8-sig").strip() == "id_number,reason,start_date,end_date"
    assert zh.content.decode("utf-8-sig").strip() == "身份证号码,停保原因,停保开始日期,计划结束日期"
    xlsx = client.get("/api/v1/batches/template.xlsx?kind=resume", HTTP_ACCEPT_LANGUAGE="en", **_auth(beijing.agent))
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert [c.value for c in workbook.worksheets[0][1]] == ["id_number", "reason", "start_date", "end_date"]
    assert any(row[0] == "resignation" for row in workbook.worksheets[1].iter_rows(values_only=True))


def test_the_templates_are_read_back_as_valid_files(beijing, day):
    """A template filled in is accepted, in both languages (the Chinese labels are column names too)."""
    from django.utils import translation

    from medpause.batches import blank

    for language in ("zh-hans", "en"):
        with translation.override(language):
            header = blank.template_csv("stop").decode("utf-8")
        person = make_person("110000", unit=beijing.unit, id_number=None)
        data = (header + f"{person.id_number},resignation,{day.isoformat()},\r\n").encode("utf-8")
        assert beijing.run(data).status == "done"
