"""Documents in an S3-compatible bucket: a real server speaking the S3 API (CI starts moto's
server and names it in MEDPAUSE_TEST_S3_URL), never a mock object. Without one these tests
skip, saying so; with MEDPAUSE_REQUIRE_S3=1 (CI) they fail instead."""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from medpause.cases.models import Document
from medpause.cases.services import application_create
from medpause.common.dates import today
from medpause.config.storage import s3_storage
from medpause.ops import health
from tests.factories import PNG_1PX, pdf_bytes

pytestmark = [pytest.mark.s3, pytest.mark.django_db]

KEYS = {"MEDPAUSE_S3_ACCESS_KEY_ID": "medpause-test", "MEDPAUSE_S3_SECRET_ACCESS_KEY": "medpause-test-secret",
        "MEDPAUSE_S3_REGION": "us-east-1"}


@pytest.fixture
def s3_url():
    url = os.environ.get("MEDPAUSE_TEST_S3_URL", "")
    if url:
        return url
    message = ("no S3-compatible server: set MEDPAUSE_TEST_S3_URL to one (`.ci/run` starts moto's server, "
               "`moto_server -p 5000` does it by hand)")
    if os.environ.get("MEDPAUSE_REQUIRE_S3") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def bucket(s3_url, settings):
    """A fresh bucket on the server, and the settings the environment would give for it."""
    import boto3

    name = f"medpause-{uuid.uuid4().hex[:12]}"
    env = {**KEYS, "MEDPAUSE_S3_BUCKET": name, "MEDPAUSE_S3_ENDPOINT_URL": s3_url, "MEDPAUSE_S3_PREFIX": "bureau"}
    client = boto3.client("s3", endpoint_url=s3_url, aws_access_key_id=KEYS["MEDPAUSE_S3_ACCESS_KEY_ID"],
                          aws_secret_access_key=KEYS["MEDPAUSE_S3_SECRET_ACCESS_KEY"], region_name="us-east-1")
    client.create_bucket(Bucket=name)
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage(env)}
    yield client, name
    for item in client.list_objects_v2(Bucket=name).get("Contents", []):
        client.delete_object(Bucket=name, Key=item["Key"])
    client.delete_bucket(Bucket=name)


def _draft(world):
    return application_create(
        actor=world.users["individual_sh"], kind="stop", person=world.sh_flex, reason="flexible_pause",
        start_date=today(), end_date=today() + dt.timedelta(days=30),
    )


def _keys(client, name) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=name).get("Contents", [])]


def test_the_environment_chooses_the_bucket_and_nothing_else_does():
    assert s3_storage({}) is None  # the data folder stays the default
    chosen = s3_storage({"MEDPAUSE_S3_BUCKET": "docs", "MEDPAUSE_S3_ENDPOINT_URL": "http://s3.internal:9000"})
    assert chosen["BACKEND"] == "storages.backends.s3.S3Storage"
    assert chosen["OPTIONS"]["bucket_name"] == "docs"
    assert chosen["OPTIONS"]["default_acl"] is None and chosen["OPTIONS"]["file_overwrite"] is False


def test_an_upload_through_the_api_lands_in_the_bucket_and_the_officer_reads_it_back(world, bucket):
    client, name = bucket
    app = _draft(world)
    data = pdf_bytes("identity card scan")
    r = world.api["individual_sh"].upload(f"/applications/{app.pk}/documents", "id_card", data,
                                          filename=f"{world.sh_flex.id_number}-{world.sh_flex.name}.pdf")
    assert r.status_code == 201, r.json()
    [key] = _keys(client, name)
    # the object's key says nothing about the person: a random name under a dated folder
    assert re.fullmatch(r"bureau/documents/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", key), key
    person = world.sh_flex
    for personal in (person.id_number, person.name, person.card.number, app.reference):
        assert personal not in key
    assert client.get_object(Bucket=name, Key=key)["Body"].read() == data
    # the applicant's download reads it back through the storage (officers see no drafts)
    assert world.api["officer_sh"].get(f"/applications/{app.pk}/documents/{r.json()['id']}").status_code == 404
    back = world.api["individual_sh"].get(f"/applications/{app.pk}/documents/{r.json()['id']}")
    assert back.status_code == 200
    assert b"".join(back.streaming_content) == data


def test_replacing_and_deleting_a_stored_document(world, bucket):
    client, name = bucket
    app = _draft(world)
    first = world.api["individual_sh"].upload(f"/applications/{app.pk}/documents", "id_card", PNG_1PX).json()
    second = world.api["individual_sh"].upload(f"/applications/{app.pk}/documents", "id_card", pdf_bytes("new")).json()
    assert len(_keys(client, name)) == 2  # a new upload never overwrites an object
    # the first is replaced by the second: its object goes with it
    old = Document.objects.get(pk=first["id"])
    old_name = old.file.name
    old.file.delete(save=False)
    old.delete()
    assert _keys(client, name) == ["bureau/" + Document.objects.get(pk=second["id"]).file.name]
    assert not default_storage.exists(old_name)
    # a name deleted and saved again holds the new bytes, once
    saved = default_storage.save("documents/replaced.pdf", ContentFile(b"%PDF-1.4 old\n%%EOF"))
    default_storage.delete(saved)
    assert default_storage.save(saved, ContentFile(b"%PDF-1.4 new\n%%EOF")) == saved
    with default_storage.open(saved, "rb") as fh:
        assert fh.read() == b"%PDF-1.4 new\n%%EOF"
    assert _keys(client, name).count("bureau/documents/replaced.pdf") == 1


def test_readiness_asks_the_bucket(bucket, settings):
    client, name = bucket
    health.storage()  # answers
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage({
        **KEYS, "MEDPAUSE_S3_BUCKET": f"{name}-missing", "MEDPAUSE_S3_ENDPOINT_URL": os.environ["MEDPAUSE_TEST_S3_URL"]})}
    assert health.checks()["storage"] == "ClientError"
