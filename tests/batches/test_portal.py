"""The unit portal's batch pages, in both languages: upload, progress that refreshes itself
while running (meta refresh, no script), errors and the report; other roles 403, another unit's
batch 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from medpause.batches.services import batch_create
from tests.batches.conftest import Place, csv_bytes, upload
from tests.factories import make_user

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.mark.parametrize(("lang", "heading", "declaration"), [
    (EN, "Upload a batch file", "Declaration of the unit"),
    (ZH, "上传批量文件", "单位声明"),
])
def test_upload_page_in_both_languages(client, beijing, lang, heading, declaration):
    client.force_login(beijing.agent)
    page = client.get(reverse("batches:new"), **lang)
    assert page.status_code == 200
    html = page.content.decode()
    assert heading in html and declaration in html
    assert "<script>" not in html and 'style="' not in html
    assert reverse("batches:template", args=["xlsx"]) in html


def test_upload_then_report_in_english(client, chengdu, day, django_capture_on_commit_callbacks):
    client.force_login(chengdu.agent)
    rows = [(p.id_number, "resignation", day.isoformat(), "") for p in chengdu.people]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("batches:new"), {"kind": "stop", "file": SimpleUploadedFile("a.csv", csv_bytes(rows))}, **EN)
    assert response.status_code == 302
    detail = client.get(response["Location"], **EN)
    html = detail.content.decode()
    assert "3 applications were made and submitted." in html
    assert "3 were approved on the spot" in html
    assert 'http-equiv="refresh"' not in html  # finished: no more refreshing
    report = client.get(reverse("batches:report", args=[detail.context["batch"].pk]), **EN)
    text = b"".join(report.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0] == "row,id_number,outcome,code,message,reference,application_status"
    assert "approved on the spot" in text


def test_errors_in_chinese_and_nothing_applied(client, beijing, day, django_capture_on_commit_callbacks):
    client.force_login(beijing.agent)
    rows = [(beijing.people[0].id_number, "resignation", "明天", "")]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("batches:new"), {"kind": "stop", "file": SimpleUploadedFile("a.csv", csv_bytes(rows))}, **ZH)
    page = client.get(response["Location"], **ZH)
    html = page.content.decode()
    assert "未执行任何操作" in html
    assert "invalid_date" in html and "不是日期" in html
    # in the unit's list a file with errors is "not processed", never "未通过" as a rejected
    # application is called
    listed = client.get(reverse("batches:list"), **ZH).content.decode()
    assert "未办理（文件有误）" in listed and "未通过" not in listed
    report = client.get(reverse("batches:report", args=[page.context["batch"].pk]), **ZH)
    assert "错误" in b"".join(report.streaming_content).decode("utf-8-sig")


def test_a_running_batch_page_refreshes_itself(client, beijing, day, settings):
    settings.MEDPAUSE_BATCH_RUNNER = "off"
    rows = [(beijing.people[0].id_number, "resignation", day.isoformat(), "")]
    batch = batch_create(actor=beijing.agent, kind="stop", upload=upload(csv_bytes(rows)))
    client.force_login(beijing.agent)
    html = client.get(reverse("batches:detail", args=[batch.pk]), **EN).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in html
    assert "rows checked so far" in html


def test_bad_upload_shows_the_error_on_the_form(client, beijing):
    client.force_login(beijing.agent)
    response = client.post(reverse("batches:new"), {"kind": "stop", "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")}, **EN)
    assert response.status_code == 415
    assert "Only CSV and XLSX files can be uploaded." in response.content.decode()
    missing = client.post(reverse("batches:new"), {}, **EN)
    assert missing.status_code == 400 and "Choose the file to upload." in missing.content.decode()


def test_other_roles_403_and_another_units_batch_404(client, beijing, day):
    officer = make_user("officer", region="110000")
    client.force_login(officer)
    assert client.get(reverse("batches:list")).status_code == 403
    rows = [(beijing.people[0].id_number, "resignation", day.isoformat(), "")]
    batch = beijing.run(csv_bytes(rows))
    other = Place("110000", employees=0)
    client.force_login(other.agent)
    assert client.get(reverse("batches:detail", args=[batch.pk])).status_code == 404
    assert client.get(reverse("batches:report", args=[batch.pk])).status_code == 404
    client.force_login(beijing.agent)
    listing = client.get(reverse("batches:list"), **EN).content.decode()
    assert f"#{batch.pk}" in listing


def test_template_downloads(client, beijing):
    client.force_login(beijing.agent)
    csv_file = client.get(reverse("batches:template", args=["csv"]) + "?kind=resume", **ZH)
    assert csv_file.content.decode("utf-8-sig").strip() == "身份证号码,原因,恢复日期,结束日期"
    assert client.get(reverse("batches:template", args=["xlsx"]), **EN)["Content-Type"].startswith("application/vnd")
    assert client.get(reverse("batches:template", args=["exe"])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("batches:list"))
    assert response.status_code == 302 and "login" in response["Location"]
