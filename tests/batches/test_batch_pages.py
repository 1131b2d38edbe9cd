"""What a unit and an officer read about a batch file: the error table names each row's person
(ID number masked) and, for an unknown reason, the reasons the file may use; documents the unit
declared held are not "missing"; the history note is told in the reader's language."""

from __future__ import annotations

import pytest
from django.urls import reverse

from medpause.cases.models import Application
from medpause.cases.notes import batch_file_note, note_text
from medpause.common.masking import mask_id_number
from tests.batches.conftest import csv_bytes
from tests.factories import make_user

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def test_the_error_table_names_the_person_masked_and_the_valid_reasons(client, beijing, day):
    good, bad = beijing.people[0], beijing.people[1]
    batch = beijing.run(csv_bytes([(good.id_number, "resignation", day.isoformat(), ""),
                                   (bad.id_number, "holiday", day.isoformat(), "")]))
    assert batch.status == "failed"
    client.force_login(beijing.agent)
    html = client.get(reverse("batches:detail", args=[batch.pk]), **EN).content.decode()
    assert mask_id_number(bad.id_number) in html and bad.id_number not in html
    assert 'id="valid-reasons"' in html and "<code>resignation</code>" in html
    zh = client.get(reverse("batches:detail", args=[batch.pk]), **ZH).content.decode()
    assert "职工（身份证号码）" in zh


def test_a_file_without_unknown_reasons_lists_none(client, beijing, day):
    person = beijing.people[0]
    batch = beijing.run(csv_bytes([(person.id_number, "resignation", "2020-13-40", "")]))
    client.force_login(beijing.agent)
    html = client.get(reverse("batches:detail", args=[batch.pk]), **EN).content.decode()
    assert 'id="valid-reasons"' not in html


@pytest.fixture
def applied(beijing, day, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        batch = beijing.run(csv_bytes([(beijing.people[0].id_number, "resignation", day.isoformat(), "")]))
    assert batch.status == "done", batch.file_error_code
    return batch, Application.objects.get(person=beijing.people[0])


def test_declared_documents_are_not_missing_for_the_officer(client, applied):
    batch, app = applied
    client.force_login(make_user("officer", region="110000"))
    html = client.get(reverse("officer:application", args=[app.pk]), **EN).content.decode()
    assert "Declared held by the unit (batch file)" in html
    assert 'class="check-missing"' not in html
    assert "<dt>Documents missing</dt><dd>0</dd>" in html


def test_declared_documents_are_not_missing_for_the_unit(client, applied, beijing):
    batch, app = applied
    client.force_login(beijing.agent)
    html = client.get(f"/unit/applications/{app.pk}/", **EN).content.decode()
    assert 'id="declared"' in html and "Still missing" not in html


def test_the_history_note_is_stored_once_and_told_in_each_language(client, applied, beijing):
    batch, app = applied
    submit = app.events.exclude(note="").first()
    row = submit.note.rsplit(":", 1)[1]
    assert submit.note == batch_file_note(batch.pk, int(row))  # a marker, in no language
    client.force_login(beijing.agent)
    en = client.get(f"/unit/applications/{app.pk}/", **EN).content.decode()
    zh = client.get(f"/unit/applications/{app.pk}/", **ZH).content.decode()
    assert f"Unit batch file #{batch.pk}, row {row}" in en and "单位批量文件" not in en
    assert f"单位批量文件 #{batch.pk} 第 {row} 行" in zh and "Unit batch file" not in zh
    api = client.get(f"/api/v1/applications/{app.pk}", HTTP_AUTHORIZATION=f"Bearer {_token(beijing.agent)}",
                     **EN).json()
    assert any(f"Unit batch file #{batch.pk}" in (h["note"] or "") for h in api["history"])


def test_a_typed_note_is_kept_as_typed():
    assert note_text("回老家 batch-file:1:2") == "回老家 batch-file:1:2"
    assert note_text("") == ""


def _token(user) -> str:
    from medpause.accounts.services import token_issue

    return token_issue(user=user)


def test_the_api_shows_and_serves_a_batch_application_with_its_file(applied, beijing):
    """The batch file is the application's removal list: the API lists it and hands it out as
    the CSV it is (it answered 500 before: the document's type was not one the schema knew)."""
    from django.test import Client

    batch, app = applied
    token = _token(beijing.agent)
    body = Client().get(f"/api/v1/applications/{app.pk}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    (document,) = [d for d in body["documents"] if d["content_type"] == "text/csv"]
    response = Client().get(f"/api/v1/applications/{app.pk}/documents/{document['id']}",
                            HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.csv"')
    assert b"resignation" in b"".join(response.streaming_content)
