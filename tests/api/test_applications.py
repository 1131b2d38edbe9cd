"""Applications through HTTP: creation and every refusal code, documents, the transitions,
reading, listing with the opaque cursor, the printed form."""

import datetime as dt

import pytest
from django.test import override_settings

from medpause.cases.services import application_approve
from medpause.common.dates import today
from tests.api.conftest import draft_application, error_of, submitted_application
from tests.factories import PNG_1PX, pdf_bytes

pytestmark = pytest.mark.django_db


def _create(api, person, **kw):
    body = {"kind": "stop", "person_id": person.pk, "start_date": today().isoformat(), **kw}
    return api.post("/applications", body)


def test_individual_creates_a_draft_with_the_missing_documents(world):
    r = _create(
        world.api["individual_sh"], world.sh_flex, reason="flexible_pause",
        end_date=(today() + dt.timedelta(days=30)).isoformat(),
    )
    assert r.status_code == 201
    body = r.json()
    assert body["status"] == "draft"
    assert body["policy_version"] == "310000@2025.1"
    assert body["missing_documents"] == ["identity"]
    assert body["reference"].startswith("TB")
    assert body["applicant_type"] == "individual"


@pytest.mark.parametrize(
    "who, person, body, status, code",
    [
        ("individual", "bj_employee", {"reason": "resignation"}, 422, "reason_not_allowed_for_applicant"),
        ("individual_sh", "sh_flex", {"reason": "flexible_pause", "end_date": "__yesterday__"}, 422, "invalid_dates"),
        ("individual_sh", "sh_flex", {"reason": "flexible_pause", "end_date": "__in_a_year__"}, 422,
         "duration_exceeds_limit"),
        ("individual_sh", "sh_flex", {"reason": "flexible_pause", "start_date": "__yesterday__",
                                      "end_date": "__in_a_month__"}, 422, "start_date_too_early"),
    ],
)
def test_stop_refusals(world, who, person, body, status, code):
    days = {"__yesterday__": -1, "__in_a_year__": 365, "__in_a_month__": 30}
    body = {k: (today() + dt.timedelta(days=days[v])).isoformat() if v in days else v for k, v in body.items()}
    r = _create(world.api[who], getattr(world, person), **body)
    assert r.status_code == status, r.json()
    assert error_of(r)["code"] == code


def test_overlapping_stop_is_409(world):
    app = submitted_application(world.users["individual_sh"], world.sh_flex, "flexible_pause",
                                end=today() + dt.timedelta(days=30))
    application_approve(actor=world.users["officer_sh"], application=app)
    r = _create(world.api["individual_sh"], world.sh_flex, reason="flexible_pause",
                start_date=(today() + dt.timedelta(days=5)).isoformat(),
                end_date=(today() + dt.timedelta(days=40)).isoformat())
    assert r.status_code == 409
    assert error_of(r)["code"] == "overlapping_suspension"


def test_resuming_a_terminated_insurance_is_422_not_resumable(world):
    app = submitted_application(world.users["officer_sh"], world.sh_flex, "settle_abroad")
    application_approve(actor=world.users["admin"], application=app)  # four eyes: not the filer
    suspension = world.sh_flex.suspensions.get()
    r = world.api["officer_sh"].post(
        "/applications",
        {"kind": "resume", "person_id": world.sh_flex.pk, "suspension_id": suspension.pk,
         "start_date": (today() + dt.timedelta(days=1)).isoformat()},
    )
    assert r.status_code == 422
    assert error_of(r)["code"] == "not_resumable"


def test_resuming_a_stop_already_ended_is_409_not_suspended(world):
    me, officer, person = world.users["individual_sh"], world.users["officer_sh"], world.sh_flex
    stop = submitted_application(me, person, "flexible_pause", end=today() + dt.timedelta(days=60))
    application_approve(actor=officer, application=stop)
    suspension = person.suspensions.get()
    resume = submitted_application(me, person, None, start=today() + dt.timedelta(days=5), kind="resume",
                                   suspension_id=suspension.pk)
    application_approve(actor=officer, application=resume)
    r = world.api["individual_sh"].post(
        "/applications",
        {"kind": "resume", "person_id": person.pk, "suspension_id": suspension.pk,
         "start_date": (today() + dt.timedelta(days=10)).isoformat()},
    )
    assert r.status_code == 409
    assert error_of(r)["code"] == "not_suspended"


def test_upload_a_document_judged_by_content(world):
    app = draft_application(world.users["individual_sh"], world.sh_flex, "flexible_pause",
                            end=today() + dt.timedelta(days=30))
    api = world.api["individual_sh"]
    r = api.upload(f"/applications/{app.pk}/documents", "passport", pdf_bytes(), filename="passport.png")
    assert r.status_code == 201
    body = r.json()
    assert body["kind"] == "passport"
    assert body["content_type"] == "application/pdf"
    assert len(body["sha256"]) == 64
    assert body["size"] > 0
    detail = api.get(f"/applications/{app.pk}").json()
    assert body["id"] in [d["id"] for d in detail["documents"]]


def test_upload_of_another_type_is_415(world):
    app = draft_application(world.users["individual_sh"], world.sh_flex, "flexible_pause",
                            end=today() + dt.timedelta(days=30))
    r = world.api["individual_sh"].upload(
        f"/applications/{app.pk}/documents", "id_card", b"MZ\x90\x00 not an image", filename="id.png"
    )
    assert r.status_code == 415
    assert error_of(r)["code"] == "unsupported_file_type"


@override_settings(MEDPAUSE_MAX_UPLOAD_BYTES=1000)
def test_upload_over_the_limit_is_413(world):
    app = draft_application(world.users["individual_sh"], world.sh_flex, "flexible_pause",
                            end=today() + dt.timedelta(days=30))
    r = world.api["individual_sh"].upload(
        f"/applications/{app.pk}/documents", "id_card", PNG_1PX + b"\0" * 2000, filename="id.png"
    )
    assert r.status_code == 413
    assert error_of(r)["code"] == "file_too_large"


def test_upload_without_file_is_400(world):
    app = draft_application(world.users["individual_sh"], world.sh_flex, "flexible_pause",
                            end=today() + dt.timedelta(days=30))
    from django.test import Client

    r = Client().post(
        f"/api/v1/applications/{app.pk}/documents", {"kind": "id_card"},
        HTTP_AUTHORIZATION=f"Bearer {world.api['individual_sh'].token}",
    )
    assert r.status_code == 400
    assert error_of(r)["code"] == "invalid_input"


def test_submit_with_documents_missing_is_422_with_the_groups(world):
    r = _create(world.api["individual_sh"], world.sh_flex, reason="flexible_pause",
                end_date=(today() + dt.timedelta(days=30)).isoformat())
    submit = world.api["individual_sh"].post(f"/applications/{r.json()['id']}/submit")
    assert submit.status_code == 422
    error = error_of(submit)
    assert error["code"] == "missing_documents"
    assert error["details"]["missing"] == ["identity"]


def test_submit_then_withdraw(world):
    app = draft_application(world.users["individual_sh"], world.sh_flex, "flexible_pause",
                            end=today() + dt.timedelta(days=30))
    api = world.api["individual_sh"]
    r = api.post(f"/applications/{app.pk}/submit")
    assert r.status_code == 200
    assert r.json() == {"status": "submitted"}
    r = api.post(f"/applications/{app.pk}/withdraw", {"note": "changed my mind"})
    assert r.json() == {"status": "withdrawn"}
    history = api.get(f"/applications/{app.pk}").json()["history"]
    assert [h["status"] for h in history] == ["submitted", "withdrawn"]
    assert history[-1]["note"] == "changed my mind"
    assert history[-1]["actor_role"] == "individual"


def test_officer_approves_from_submitted(world):
    app = submitted_application(world.users["individual_sh"], world.sh_flex, "flexible_pause",
                                end=today() + dt.timedelta(days=30))
    r = world.api["officer_sh"].post(f"/applications/{app.pk}/approve", {"note": "ok"})
    assert r.status_code == 200
    assert r.json() == {"status": "approved"}


def test_officer_takes_then_rejects(world):
    app = submitted_application(world.users["individual_sh"], world.sh_flex, "flexible_pause",
                                end=today() + dt.timedelta(days=30))
    api = world.api["officer_sh"]
    assert api.post(f"/applications/{app.pk}/take").json() == {"status": "in_review"}
    r = api.post(f"/applications/{app.pk}/reject", {"reason": "The ID card is not readable."})
    assert r.json() == {"status": "rejected"}
    detail = world.api["individual_sh"].get(f"/applications/{app.pk}").json()
    assert detail["history"][-1]["note"] == "The ID card is not readable."


def test_officer_asks_for_more_then_applicant_resubmits(world):
    app = submitted_application(world.users["individual_sh"], world.sh_flex, "flexible_pause",
                                end=today() + dt.timedelta(days=30))
    r = world.api["officer_sh"].post(
        f"/applications/{app.pk}/request-supplement", {"reason": "Blurred scan", "documents": ["identity"]}
    )
    assert r.json() == {"status": "supplement_requested"}
    me = world.api["individual_sh"]
    assert me.get(f"/applications/{app.pk}").json()["missing_documents"] == ["identity"]
    assert me.upload(f"/applications/{app.pk}/documents", "id_card", PNG_1PX).status_code == 201
    assert me.post(f"/applications/{app.pk}/submit").json() == {"status": "submitted"}


def test_request_supplement_of_unknown_group_is_422(world):
    app = submitted_application(world.users["individual_sh"], world.sh_flex, "flexible_pause",
                                end=today() + dt.timedelta(days=30))
    r = world.api["officer_sh"].post(
        f"/applications/{app.pk}/request-supplement", {"reason": "x", "documents": ["nonsense"]}
    )
    assert r.status_code == 422
    assert error_of(r)["code"] == "unknown_document_group"


@pytest.mark.parametrize("action, body", [("approve", {}), ("reject", {"reason": "no"}),
                                          ("request-supplement", {"reason": "x", "documents": ["identity"]})])
def test_review_of_a_draft_is_409_invalid_transition(world, action, body):
    # a counter draft: the bureau's own, so its officers see it (an applicant's draft is not found)
    app = draft_application(world.users["officer_sh"], world.sh_flex, "flexible_pause",
                            end=today() + dt.timedelta(days=30))
    r = world.api["officer_sh"].post(f"/applications/{app.pk}/{action}", body)
    assert r.status_code == 409
    error = error_of(r)
    assert error["code"] == "invalid_transition"
    assert error["details"]["status"] == "draft"


def test_detail_has_the_contract_fields(world):
    app = submitted_application(world.users["individual_sh"], world.sh_flex, "flexible_pause",
                                end=today() + dt.timedelta(days=30))
    body = world.api["officer_sh"].get(f"/applications/{app.pk}").json()
    for field in ("id", "reference", "kind", "status", "person_id", "reason", "start_date", "end_date",
                  "policy_version", "missing_documents", "documents", "history"):
        assert field in body
    assert body["status"] == "submitted"
    assert body["start_date"] == today().isoformat()
    assert body["history"][0]["status"] == "submitted"
    assert {"status", "at", "actor_role", "note"} <= set(body["history"][0])


def test_officer_lists_the_region_oldest_submitted_first_page_by_page(world):
    me = world.users["individual_sh"]
    first = submitted_application(me, world.sh_flex, "flexible_pause", end=today() + dt.timedelta(days=10))
    second = submitted_application(world.users["unit_agent_sh"], world.sh_employee, "enlistment")
    draft = draft_application(world.users["officer_sh"], world.sh_flex, "schooling",
                              start=today() + dt.timedelta(days=60), end=today() + dt.timedelta(days=160))
    submitted_application(world.users["unit_agent"], world.bj_employee, "enlistment")  # Beijing: not listed
    api = world.api["officer_sh"]
    seen, cursor, pages = [], None, 0
    while True:
        r = api.get("/applications", {"limit": 1, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200
        page = r.json()
        seen += [item["id"] for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [first.pk, second.pk, draft.pk]
    assert pages == 3
    only_submitted = api.get("/applications", {"status": "submitted"}).json()["items"]
    assert [i["id"] for i in only_submitted] == [first.pk, second.pk]


def test_applicant_lists_their_own(world):
    mine = submitted_application(world.users["individual_sh"], world.sh_flex, "flexible_pause",
                                 end=today() + dt.timedelta(days=10))
    submitted_application(world.users["unit_agent_sh"], world.sh_employee, "enlistment")
    items = world.api["individual_sh"].get("/applications").json()["items"]
    assert [i["id"] for i in items] == [mine.pk]


def test_tampered_cursor_is_400_invalid_cursor(world):
    r = world.api["officer"].get("/applications", {"cursor": "eyJpIjoxfQ:forged"})
    assert r.status_code == 400
    assert error_of(r)["code"] == "invalid_cursor"


def test_cursor_is_opaque_and_not_an_offset(world):
    submitted_application(world.users["officer_sh"], world.sh_employee, "enlistment")
    submitted_application(world.users["officer_sh"], world.sh_flex, "enlistment")
    r = world.api["officer_sh"].get("/applications", {"limit": 1}).json()
    assert r["next_cursor"] and not r["next_cursor"].isdigit()
    other = world.api["individual_sh"].get("/applications", {"cursor": r["next_cursor"]})
    assert other.status_code == 400  # a cursor belongs to its caller and query


def test_filled_in_form_pdf(world):
    app = submitted_application(world.users["individual_sh"], world.sh_flex, "flexible_pause",
                                end=today() + dt.timedelta(days=30))
    r = world.api["individual_sh"].get(f"/applications/{app.pk}/form.pdf")
    assert r.status_code == 200, r.content[:300]
    assert r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-")


def test_download_an_attached_document_is_audited(world):
    from medpause.audit.models import AuditEvent

    app = draft_application(world.users["individual_sh"], world.sh_flex, "flexible_pause",
                            end=today() + dt.timedelta(days=30))
    uploaded = world.api["individual_sh"].upload(f"/applications/{app.pk}/documents", "passport", pdf_bytes())
    doc_id = uploaded.json()["id"]
    assert world.api["officer_sh"].get(f"/applications/{app.pk}/documents/{doc_id}").status_code == 404  # a draft
    assert world.api["individual_sh"].post(f"/applications/{app.pk}/submit").status_code == 200
    r = world.api["officer_sh"].get(f"/applications/{app.pk}/documents/{doc_id}")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert b"".join(r.streaming_content).startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action="document.view", actor_username="officer.shanghai").count() == 1
    assert world.api["officer"].get(f"/applications/{app.pk}/documents/{doc_id}").status_code == 404
    assert world.api["officer_sh"].get(f"/applications/{app.pk}/documents/{doc_id + 999}").status_code == 404


def test_notices_tell_the_applicant_what_happened(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # notices are made on commit
        app = submitted_application(world.users["individual_sh"], world.sh_flex, "flexible_pause",
                                    end=today() + dt.timedelta(days=30))
        application_approve(actor=world.users["officer_sh"], application=app)
    api = world.api["individual_sh"]
    api.language = "en"
    notices = api.get("/notices").json()
    assert notices[0]["code"] == "application.approve"
    assert app.reference in notices[0]["text"] and "approved" in notices[0]["text"]
    assert notices[0]["application_id"] == app.pk
    assert world.api["institution"].get("/notices").status_code == 403
