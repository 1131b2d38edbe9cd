"""Application services: every refusal code, rights, suspensions and resumptions."""

import datetime as dt

import pytest

from medpause.accounts.permissions import applications_visible_to
from medpause.cases.models import Application
from medpause.cases.selectors import (
    application_get,
    missing_documents,
    required_groups_of,
)
from medpause.cases.services import (
    application_approve,
    application_create,
    application_decide_by_rule,
    application_reject,
    application_request_supplement,
    application_submit,
    application_take,
    application_withdraw,
    document_add,
)
from medpause.common.dates import add_months, add_working_days, today
from medpause.common.errors import Conflict, DomainError, Forbidden, NotFound, Refused
from medpause.coverage.selectors import card_status_on, current_card_status
from medpause.registry.selectors import person_get
from tests.cases.helpers import paused_flexible, resume, stop, upload_required
from tests.factories import PNG_1PX, id_number, make_person, make_unit, make_user, pdf_bytes

pytestmark = pytest.mark.django_db

def day(offset: int) -> dt.date:
    return today() + dt.timedelta(days=offset)


def beijing_unit_case():
    person = make_person("110000", name="刘洋")
    return person, make_user("unit_agent", unit=person.unit), make_user("officer", region="110000")


def shanghai_employee():
    """A Shanghai employee and who files for them: their unit (an employee stops through the
    unit: employee_must_file_through_unit), and an officer of the region."""
    person = make_person("310000", name="赵敏")
    return person, make_user("unit_agent", unit=person.unit), make_user("officer", region="310000")


def refused(exc_info, code, status=422):
    assert exc_info.value.code == code
    assert exc_info.value.status == status
    assert str(exc_info.value.message)  # a sentence for the user, not only a code
    return exc_info.value


# --- creation ---------------------------------------------------------------------------------


def test_application_records_the_policy_version_in_force_and_the_applicant_type():
    person, agent, _officer = beijing_unit_case()
    app = application_create(actor=agent, kind="stop", person=person, reason="resignation", start_date=day(0))
    assert app.status == "draft"
    assert app.policy_version.label == "110000@2025.1"
    assert (app.applicant_type, app.unit_id, app.region.code) == ("unit", person.unit_id, "110000")
    assert app.reference.startswith("TB" + today().strftime("%Y%m%d"))


def test_reason_not_allowed_for_applicant_beijing_employee_cannot_file_own_resignation():
    person = make_person("110000")
    me = make_user("individual", person=person)
    with pytest.raises(Refused) as exc:
        application_create(actor=me, kind="stop", person=person, reason="resignation", start_date=day(0))
    err = refused(exc, "reason_not_allowed_for_applicant")
    assert err.details["filed_by"] == ["unit", "officer"]
    assert not Application.objects.filter(person=person).exists()
    # the national baseline (here Shanghai) lets the employee file it
    other, sh_me, _ = shanghai_employee()
    assert application_create(actor=sh_me, kind="stop", person=other, reason="resignation", start_date=day(0))


def test_reason_not_allowed_for_category():
    flexible = make_person("310000", category="flexible")
    me = make_user("individual", person=flexible)
    with pytest.raises(Refused) as exc:
        application_create(actor=me, kind="stop", person=flexible, reason="resignation", start_date=day(0))
    refused(exc, "reason_not_allowed_for_category")
    employee, _agent, _ = shanghai_employee()
    emp_me = make_user("individual", person=employee)  # the reason is wrong before the filer is
    with pytest.raises(Refused) as exc:
        application_create(
            actor=emp_me, kind="stop", person=employee, reason="flexible_pause", start_date=day(0), end_date=day(30)
        )
    refused(exc, "reason_not_allowed_for_category")


def test_invalid_dates():
    person, me, _ = shanghai_employee()
    with pytest.raises(Refused) as exc:
        application_create(actor=me, kind="stop", person=person, reason="enlistment", start_date=day(5), end_date=day(4))
    refused(exc, "invalid_dates")
    with pytest.raises(Refused) as exc:  # a stop for good has no end date
        application_create(actor=me, kind="stop", person=person, reason="transfer_out", start_date=day(0), end_date=day(9))
    assert refused(exc, "invalid_dates").details == {"field": "end_date"}
    # the same day as start and end is a one-day stop, allowed
    assert application_create(actor=me, kind="stop", person=person, reason="enlistment", start_date=day(5), end_date=day(5))


def test_invalid_dates_for_a_resume_on_the_first_day_of_the_stop():
    person, me, _officer, suspension = paused_flexible("310000", start=day(0))
    with pytest.raises(Refused) as exc:
        application_create(actor=me, kind="resume", person=person, suspension_id=suspension.pk, start_date=day(0))
    refused(exc, "invalid_dates")
    assert application_create(actor=me, kind="resume", person=person, suspension_id=suspension.pk, start_date=day(1))


def test_duration_exceeds_limit_shanghai_six_months_national_twelve():
    person = make_person("310000", category="flexible")
    me = make_user("individual", person=person)
    start = day(0)
    limit = add_months(start, 6) - dt.timedelta(days=1)
    with pytest.raises(Refused) as exc:
        application_create(
            actor=me, kind="stop", person=person, reason="flexible_pause", start_date=start,
            end_date=limit + dt.timedelta(days=1),
        )
    err = refused(exc, "duration_exceeds_limit")
    assert err.details == {"max_duration_months": 6, "latest_end_date": limit.isoformat()}
    with pytest.raises(Refused) as exc:  # a limited reason needs an end date
        application_create(actor=me, kind="stop", person=person, reason="flexible_pause", start_date=start)
    refused(exc, "duration_exceeds_limit")
    assert application_create(
        actor=me, kind="stop", person=person, reason="flexible_pause", start_date=start, end_date=limit
    )
    # Beijing keeps the national 12 months
    bj = make_person("110000", category="flexible")
    bj_me = make_user("individual", person=bj)
    assert application_create(
        actor=bj_me, kind="stop", person=bj, reason="flexible_pause", start_date=start,
        end_date=add_months(start, 12) - dt.timedelta(days=1),
    )


def test_start_date_too_early_at_the_backdate_boundary():
    flexible = make_person("310000", category="flexible")
    me = make_user("individual", person=flexible)
    with pytest.raises(Refused) as exc:  # flexible_pause: no backdating at all
        application_create(
            actor=me, kind="stop", person=flexible, reason="flexible_pause", start_date=day(-1), end_date=day(30)
        )
    assert refused(exc, "start_date_too_early").details == {"earliest_start_date": day(0).isoformat()}
    person, emp_me, _ = shanghai_employee()  # resignation: 30 days back
    with pytest.raises(Refused) as exc:
        application_create(actor=emp_me, kind="stop", person=person, reason="resignation", start_date=day(-31))
    refused(exc, "start_date_too_early")
    assert application_create(actor=emp_me, kind="stop", person=person, reason="resignation", start_date=day(-30))


def test_unknown_reason_and_kind():
    person, me, _ = shanghai_employee()
    with pytest.raises(NotFound) as exc:
        application_create(actor=me, kind="stop", person=person, reason="holiday", start_date=day(0))
    assert exc.value.code == "unknown_reason"
    with pytest.raises(Refused) as exc:
        application_create(actor=me, kind="pause", person=person, reason="resignation", start_date=day(0))
    assert exc.value.code == "invalid_kind"


def test_overlapping_suspension_with_an_approved_stop():
    person, me, _officer, suspension = paused_flexible("110000", start=day(0), months=2)  # its planned end + 5 days is still within the 3 months a stop may start ahead
    with pytest.raises(Conflict) as exc:
        application_create(
            actor=me, kind="stop", person=person, reason="flexible_pause", start_date=day(10), end_date=day(20)
        )
    assert refused(exc, "overlapping_suspension", 409).details == {"suspension_id": suspension.pk}
    # the stop is open until a resumption is approved: even a period after its planned end overlaps
    later = suspension.planned_end_date + dt.timedelta(days=5)
    with pytest.raises(Conflict) as exc:
        application_create(
            actor=me, kind="stop", person=person, reason="flexible_pause", start_date=later, end_date=later
        )
    refused(exc, "overlapping_suspension", 409)


def test_overlapping_suspension_with_a_pending_application():
    person, me, _ = shanghai_employee()
    first = stop(me, person, "enlistment", day(0), day(60))
    assert first.status == "submitted"
    with pytest.raises(Conflict) as exc:
        application_create(actor=me, kind="stop", person=person, reason="schooling", start_date=day(30), end_date=day(90))
    assert refused(exc, "overlapping_suspension", 409).details == {"application_id": first.pk}
    # a period after the pending one does not overlap
    assert application_create(actor=me, kind="stop", person=person, reason="schooling", start_date=day(61), end_date=day(90))


def test_a_draft_does_not_block_but_the_second_submit_is_refused():
    person, me, _ = shanghai_employee()
    a = stop(me, person, "enlistment", day(0), day(60), submit=False)
    b = stop(me, person, "schooling", day(10), day(70), submit=False)
    application_submit(actor=me, application=a)
    with pytest.raises(Conflict) as exc:
        application_submit(actor=me, application=b)
    refused(exc, "overlapping_suspension", 409)
    assert Application.objects.get(pk=b.pk).status == "draft"


def test_not_resumable_after_death():
    person, agent, officer = beijing_unit_case()
    stop(agent, person, "death", day(-3), approve_by=officer)
    suspension = person.suspensions.get()
    assert suspension.terminating and suspension.end_date is None
    assert card_status_on(person=person, day=day(-3)).status == "terminated"
    assert card_status_on(person=person, day=add_months(day(0), 240)).status == "terminated"  # for good
    assert card_status_on(person=person, day=day(-4)).status == "active"
    with pytest.raises(Refused) as exc:
        application_create(actor=officer, kind="resume", person=person, suspension_id=suspension.pk, start_date=day(1))
    refused(exc, "not_resumable")
    assert not Application.objects.filter(kind="resume").exists()


def test_not_suspended_once_resumed():
    person, me, officer, suspension = paused_flexible("310000", start=day(0))
    resume(me, person, day(10), approve_by=officer)
    with pytest.raises(Conflict) as exc:
        application_create(actor=me, kind="resume", person=person, suspension_id=suspension.pk, start_date=day(20))
    refused(exc, "not_suspended", 409)


def test_application_pending_for_a_second_resumption():
    person, me, _officer, suspension = paused_flexible("310000", start=day(0))
    resume(me, person, day(10))
    with pytest.raises(Conflict) as exc:
        application_create(actor=me, kind="resume", person=person, suspension_id=suspension.pk, start_date=day(12))
    refused(exc, "application_pending", 409)


def test_resume_of_someone_elses_stop_is_not_found():
    _p, _me, _o, suspension = paused_flexible("310000")
    other, other_me, _ = shanghai_employee()
    with pytest.raises(NotFound):
        application_create(actor=other_me, kind="resume", person=other, suspension_id=suspension.pk, start_date=day(5))


# --- documents --------------------------------------------------------------------------------


def test_missing_documents_lists_the_groups_and_never_bureau_held_ones():
    person, _agent, me = shanghai_employee()  # filed at the counter: the individual's documents
    app = application_create(actor=me, kind="stop", person=person, reason="resignation", start_date=day(0))
    assert required_groups_of(app) == ["identity", "card", "contract_ended"]
    with pytest.raises(Refused) as exc:
        application_submit(actor=me, application=app)
    assert refused(exc, "missing_documents").details == {"missing": ["identity", "card", "contract_ended"]}
    document_add(actor=me, application=app, kind="household_register", data=PNG_1PX, filename="hukou.png")
    with pytest.raises(Refused) as exc:
        application_submit(actor=me, application=app)
    assert exc.value.details == {"missing": ["card", "contract_ended"]}
    document_add(actor=me, application=app, kind="social_security_card", data=pdf_bytes(), filename="c.pdf")
    document_add(actor=me, application=app, kind="resignation_certificate", data=PNG_1PX, filename="r.png")
    # participation and payment certificates are held by the bureau: never asked for
    assert missing_documents(app) == []
    assert application_submit(actor=me, application=app).status == "submitted"


def test_unsupported_file_type_is_judged_by_content_not_name():
    person, me, _ = shanghai_employee()
    app = application_create(actor=me, kind="stop", person=person, reason="resignation", start_date=day(0))
    for data in (b"just some text, not a PDF at all\n", b"%PDF-1.4 truncated", b"\x89PNG\r\n\x1a\nnot really"):
        with pytest.raises(DomainError) as exc:
            document_add(actor=me, application=app, kind="id_card", data=data, filename="id.pdf")
        refused(exc, "unsupported_file_type", 415)
    assert app.documents.count() == 0
    doc = document_add(actor=me, application=app, kind="id_card", data=PNG_1PX, filename="id.pdf")
    assert doc.content_type == "image/png"
    assert doc.original_name == "id.pdf"
    assert doc.file.name.endswith(".png") and "id.pdf" not in doc.file.name  # stored under a random name


def test_file_too_large(settings):
    settings.MEDPAUSE_MAX_UPLOAD_BYTES = 4096
    person, me, _ = shanghai_employee()
    app = application_create(actor=me, kind="stop", person=person, reason="resignation", start_date=day(0))
    with pytest.raises(DomainError) as exc:
        document_add(actor=me, application=app, kind="id_card", data=PNG_1PX + b"\0" * 4096, filename="big.png")
    assert refused(exc, "file_too_large", 413).details == {"max_bytes": 4096}
    assert app.documents.count() == 0


def test_not_editable_after_submission():
    person, me, officer = shanghai_employee()
    app = stop(me, person, "resignation", day(0))
    with pytest.raises(Conflict) as exc:
        document_add(actor=me, application=app, kind="id_card", data=PNG_1PX, filename="id.png")
    refused(exc, "not_editable", 409)
    application_take(actor=officer, application=app)
    with pytest.raises(Conflict):
        document_add(actor=me, application=app, kind="id_card", data=PNG_1PX, filename="id.png")


def test_unknown_document_kind():
    person, me, _ = shanghai_employee()
    app = application_create(actor=me, kind="stop", person=person, reason="resignation", start_date=day(0))
    with pytest.raises(Refused) as exc:
        document_add(actor=me, application=app, kind="selfie", data=PNG_1PX, filename="x.png")
    assert exc.value.code == "unknown_document_kind"


def test_supplement_needs_a_fresh_document_and_never_a_bureau_group():
    person, me, officer = shanghai_employee()
    app = stop(me, person, "resignation", day(0))
    with pytest.raises(Refused) as exc:
        application_request_supplement(actor=officer, application=app, reason="x", documents=["payment_certificate"])
    assert exc.value.code == "unknown_document_group"
    application_request_supplement(actor=officer, application=app, reason="stamp missing", documents=["contract_ended"])
    with pytest.raises(Refused) as exc:
        application_submit(actor=me, application=app)
    assert exc.value.details == {"missing": ["contract_ended"]}
    document_add(actor=me, application=app, kind="contract_termination_certificate", data=PNG_1PX, filename="c.png")
    assert application_submit(actor=me, application=app).status == "submitted"


# --- rights -------------------------------------------------------------------------------------


def test_an_individual_cannot_approve():
    person, me, _officer = shanghai_employee()
    app = stop(me, person, "resignation", day(0))
    with pytest.raises(Forbidden) as exc:
        application_approve(actor=me, application=app)
    assert exc.value.status == 403
    assert Application.objects.get(pk=app.pk).status == "submitted"
    assert not person.suspensions.exists()


def test_an_officer_of_another_region_sees_nothing_and_cannot_decide():
    person, me, _ = shanghai_employee()
    app = stop(me, person, "resignation", day(0))
    beijing = make_user("officer", region="110000")
    with pytest.raises(NotFound):
        application_get(user=beijing, application_id=app.pk)
    with pytest.raises(NotFound):
        person_get(user=beijing, person_id=person.pk)
    assert not applications_visible_to(beijing).exists()
    with pytest.raises(Forbidden):
        application_approve(actor=beijing, application=app)
    with pytest.raises(NotFound):  # nor file for a person of another region
        application_create(actor=beijing, kind="stop", person=person, reason="resignation", start_date=day(0))
    assert application_get(user=make_user("officer", region="310000"), application_id=app.pk) == app


def test_a_unit_agent_files_only_for_its_employees():
    person, agent, _ = beijing_unit_case()
    other_unit_employee = make_person("110000", unit=make_unit("110000", name="别的公司"))
    flexible = make_person("110000", category="flexible")
    for stranger in (other_unit_employee, flexible):
        with pytest.raises(NotFound):
            application_create(actor=agent, kind="stop", person=stranger, reason="resignation", start_date=day(0))
    mine = application_create(actor=agent, kind="stop", person=person, reason="resignation", start_date=day(0))
    assert list(applications_visible_to(agent)) == [mine]
    # what the employee files alone is not the unit's business
    flex_me = make_user("individual", person=flexible)
    application_create(
        actor=flex_me, kind="stop", person=flexible, reason="flexible_pause", start_date=day(0), end_date=day(9)
    )
    assert list(applications_visible_to(agent)) == [mine]


def test_an_institution_may_not_file():
    person = make_person("110000")
    hospital = make_user("institution", institution_name="协和医院")
    with pytest.raises(Forbidden):
        application_create(actor=hospital, kind="stop", person=person, reason="resignation", start_date=day(0))


def test_applicant_cannot_take_or_withdraw_someone_elses():
    person, me, officer = shanghai_employee()
    app = stop(me, person, "resignation", day(0))
    _other, other_me, _ = shanghai_employee()
    with pytest.raises(Forbidden):
        application_withdraw(actor=other_me, application=app)
    with pytest.raises(Forbidden):
        application_take(actor=me, application=app)
    assert Application.objects.get(pk=app.pk).status == "submitted"


# --- effects of decisions ---------------------------------------------------------------------


def test_approving_a_stop_creates_a_suspension_with_its_planned_end():
    person, me, officer = shanghai_employee()
    app = stop(me, person, "enlistment", day(-5), day(200), approve_by=officer)
    suspension = person.suspensions.get()
    assert (suspension.start_date, suspension.planned_end_date, suspension.end_date) == (day(-5), day(200), None)
    assert suspension.stop_application == app and not suspension.terminating
    assert app.status == "approved" and app.decided_by == officer


def test_submit_sets_the_review_due_date_in_working_days():
    person, me, _ = shanghai_employee()
    app = stop(me, person, "resignation", day(0))
    assert app.due_date == add_working_days(today(), 20)
    assert app.first_submitted_at is not None


def test_retirement_keeps_the_card_active():
    person, agent, officer = beijing_unit_case()
    stop(agent, person, "retirement", day(-10), approve_by=officer)
    person.refresh_from_db()
    assert person.retired
    assert not person.suspensions.exists()
    assert current_card_status(person=person) == "active"
    with pytest.raises(Conflict) as exc:
        application_create(actor=agent, kind="stop", person=person, reason="retirement", start_date=day(0))
    assert exc.value.code == "already_retired"


def test_resume_before_planned_end_needs_early_resume_proof():
    person, agent, officer = shanghai_employee()
    stop(agent, person, "enlistment", day(0), day(30), approve_by=officer)
    me = make_user("individual", person=person)  # the person resumes their own cover
    suspension = person.suspensions.get()
    early = application_create(actor=me, kind="resume", person=person, suspension_id=suspension.pk, start_date=day(30))
    assert early.early_resume  # resuming on the planned last day is still early
    assert missing_documents(early) == ["identity", "card", "discharge"]
    upload_required(me, early, skip=("discharge",))
    with pytest.raises(Refused) as exc:
        application_submit(actor=me, application=early)
    assert exc.value.details == {"missing": ["discharge"]}


def test_resume_after_planned_end_needs_no_proof():
    person, agent, officer = shanghai_employee()
    stop(agent, person, "enlistment", day(0), day(30), approve_by=officer)
    me = make_user("individual", person=person)  # the person resumes their own cover
    suspension = person.suspensions.get()
    late = application_create(actor=me, kind="resume", person=person, suspension_id=suspension.pk, start_date=day(31))
    assert not late.early_resume
    assert missing_documents(late) == ["identity", "card"]


def test_card_stays_suspended_after_planned_end_until_a_resume_is_approved():
    person, me, officer = shanghai_employee()
    stop(me, person, "enlistment", day(0), day(30), approve_by=officer)
    suspension = person.suspensions.get()
    for offset in (30, 31, 45, 400):
        assert card_status_on(person=person, day=day(offset)).status == "suspended"
    app = resume(me, person, day(40))
    assert card_status_on(person=person, day=day(40)).status == "suspended"  # submitted is not approved
    application_approve(actor=officer, application=app)
    suspension.refresh_from_db()
    assert suspension.end_date == day(39)  # the day before the resume date
    assert suspension.resume_application_id == app.pk
    assert suspension.benefits_from is None  # a 40-day break: no waiting period
    assert card_status_on(person=person, day=day(39)).status == "suspended"
    assert card_status_on(person=person, day=day(40)).status == "active"


def test_chengdu_unit_resignation_is_decided_on_the_spot():
    # 锦江区 (510104) exists since 1990: the person must be born after that for stdnum
    person = make_person("510100", id_number=id_number("510104", born=dt.date(1995, 7, 19)))
    agent = make_user("unit_agent", unit=person.unit)
    app = stop(agent, person, "resignation", day(0))  # submitting is enough: decided by rule at once
    assert app.status == "approved" and app.decided_by is None
    assert app.decision_rule.startswith("510100@2025.1 reasons.resignation.on_the_spot_for_units")
    assert "chengdu_on_the_spot" in app.decision_rule
    assert list(app.events.values_list("action", flat=True)) == ["submit", "approve"]
    assert person.suspensions.get().start_date == day(0)
    officer = make_user("officer", region="510100")
    other = make_person("510100", id_number=id_number("510104", born=dt.date(1996, 1, 2)))
    counter = stop(officer, other, "resignation", day(0))
    with pytest.raises(Refused) as exc:
        application_decide_by_rule(application=counter, rule="x")
    assert exc.value.code == "not_on_the_spot"
    bj, bj_agent, _ = beijing_unit_case()
    with pytest.raises(Refused):
        application_decide_by_rule(application=stop(bj_agent, bj, "resignation", day(0)), rule="x")


def test_rules_are_checked_again_on_submit():
    """A draft made before a stop was approved is judged again when submitted: the approved
    stop is open until resumed, so a later period now overlaps it."""
    person, me, officer = shanghai_employee()
    first = stop(me, person, "enlistment", day(0), day(20))
    second = application_create(
        actor=me, kind="stop", person=person, reason="schooling", start_date=day(21), end_date=day(60)
    )
    upload_required(me, second)
    application_approve(actor=officer, application=first)
    with pytest.raises(Conflict) as exc:
        application_submit(actor=me, application=second)
    assert exc.value.code == "overlapping_suspension"
    assert Application.objects.get(pk=second.pk).status == "draft"


def test_two_draft_resumptions_cannot_both_be_submitted():
    person, me, _officer, suspension = paused_flexible("310000", start=day(0))
    first = resume(me, person, day(10), submit=False)
    second = resume(me, person, day(12), suspension=suspension, submit=False)
    application_submit(actor=me, application=first)
    with pytest.raises(Conflict) as exc:
        application_submit(actor=me, application=second)
    refused(exc, "application_pending", 409)
    assert Application.objects.get(pk=second.pk).status == "draft"


def test_a_draft_resumption_of_a_stop_resumed_meanwhile_cannot_be_submitted():
    person, me, officer, suspension = paused_flexible("310000", start=day(0))
    first = resume(me, person, day(10), submit=False)
    second = resume(me, person, day(12), suspension=suspension, submit=False)
    application_approve(actor=officer, application=application_submit(actor=me, application=first))
    with pytest.raises(Conflict) as exc:
        application_submit(actor=me, application=second)
    refused(exc, "not_suspended", 409)


def test_a_decision_against_the_applicant_needs_a_reason():
    person, me, officer = shanghai_employee()
    app = stop(me, person, "resignation", day(0))
    with pytest.raises(Refused) as exc:
        application_reject(actor=officer, application=app, reason="   ")
    assert exc.value.code == "reason_required"
    with pytest.raises(Refused) as exc:
        application_request_supplement(actor=officer, application=app, reason="", documents=["identity"])
    assert exc.value.code == "reason_required"
    with pytest.raises(Refused) as exc:
        application_request_supplement(actor=officer, application=app, reason="more", documents=[])
    assert exc.value.code == "unknown_document_group"
    assert Application.objects.get(pk=app.pk).status == "submitted"
    rejected = application_reject(actor=officer, application=app, reason=" 证明不清晰 ")
    assert (rejected.status, rejected.decision_note, rejected.decided_by) == ("rejected", "证明不清晰", officer)
    assert not person.suspensions.exists()
