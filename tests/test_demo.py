"""`medpause demo`: the documented logins, people, contributions and applications in every state."""

import datetime as dt
import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import RequestFactory

from medpause.accounts.models import User
from medpause.accounts.permissions import applications_visible_to
from medpause.accounts.services import token_login
from medpause.audit.models import AuditHead
from medpause.audit.services import audit_verify
from medpause.cases.models import Application, Document, Suspension
from medpause.cases.selectors import current_suspension
from medpause.cases.selectors.queue import review_queue
from medpause.cases.services import application_create
from medpause.cases.states import OPEN_STATUSES, Status
from medpause.common.dates import add_months, today
from medpause.common.errors import DomainError
from medpause.coverage.models import Settlement
from medpause.coverage.selectors import card_status_on, current_card_status
from medpause.ops.demo import DEMO_PASSWORD, LOGINS
from medpause.registry.models import Person, Unit
from medpause.registry.selectors import employment_on
from medpause.registry.services import id_number_clean, uscc_clean
from medpause.transfers.models import Transfer

pytestmark = pytest.mark.django_db

USERNAMES = {
    "admin", "officer.beijing", "officer.shanghai", "officer.wuhan", "officer.chengdu", "unit.beijing",
    "unit.chengdu", "zhang.wei", "li.na", "wang.fang", "hospital",
}


def run_demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def test_demo_creates_the_documented_world():
    output = run_demo()
    assert "Demo data created." in output
    for login in LOGINS:
        assert re.search(rf"^{re.escape(login.username)}\s+{login.role}\s+\S", output, re.M)
    assert DEMO_PASSWORD in output

    # exactly the logins of the brief, each with the documented password and binding
    users = {u.username: u for u in User.objects.select_related("region", "person", "unit")}
    assert set(users) == USERNAMES == {x.username for x in LOGINS}
    for login in LOGINS:
        assert users[login.username].role == login.role
        assert token_login(request=RequestFactory().post("/api/v1/auth/token"), username=login.username, password=DEMO_PASSWORD) is not None
    assert {users[f"officer.{c}"].region.code for c in ("beijing", "shanghai", "wuhan", "chengdu")} == {
        "110000", "310000", "420100", "510100",
    }
    zhang, li, wang = users["zhang.wei"].person, users["li.na"].person, users["wang.fang"].person
    assert (zhang.name, zhang.region.code, zhang.category, zhang.unit) == ("张伟", "110000", "employee",
                                                                          users["unit.beijing"].unit)
    assert (li.name, li.region.code, li.category) == ("李娜", "310000", "flexible")
    assert (wang.name, wang.region.code, wang.category) == ("王芳", "420100", "flexible")
    assert users["hospital"].institution_name

    # units and people: valid codes, plausible Chinese names, a year of contributions
    beijing_unit, chengdu_unit = users["unit.beijing"].unit, users["unit.chengdu"].unit
    assert beijing_unit.region.code == "110000" and beijing_unit.employees.count() >= 5
    assert chengdu_unit.region.code == "510100" and chengdu_unit.employees.count() >= 2
    for unit in Unit.objects.all():
        assert uscc_clean(unit.uscc) == unit.uscc
        assert id_number_clean(unit.legal_representative_id_number)
    assert Person.objects.filter(category="flexible", region__code="310000").count() >= 2
    assert Person.objects.filter(category="flexible", region__code="420100").count() >= 2
    for person in Person.objects.all():
        assert id_number_clean(person.id_number) == person.id_number
        assert re.fullmatch(r"[\u4e00-\u9fff]{2,4}", person.name)
        contributions = list(person.contributions.all())
        assert len(contributions) == 12
        for c in contributions:  # by the category in force on the month's first day
            if employment_on(person=person, day=c.month).category == "flexible":
                assert c.employer_amount == 0 and c.employee_amount > 0
            else:
                assert c.employer_amount > c.employee_amount > 0
    bj = zhang.contributions.first()
    assert bj.employer_amount == (bj.base * 9 / 100).quantize(bj.base)  # Beijing: 9%

    # applications in every state, made through the services
    # (`checked` needs a region with two review stages, Guilin, which the demo has none of)
    assert set(Application.objects.values_list("status", flat=True)) == set(Status.values) - {"checked"}
    assert Application.objects.filter(kind="resume", status="approved").exists()
    assert Application.objects.filter(applicant_type="unit", region__code="510100").exclude(decision_rule="").exists()
    for app in Application.objects.exclude(status="draft"):
        assert app.events.exists() and app.first_submitted_at is not None
    docs = Document.objects.all()
    assert {d.content_type for d in docs} == {"image/png", "application/pdf"}
    for doc in docs[:6]:
        head = doc.file.open("rb").read(8)
        doc.file.close()
        assert head.startswith(b"%PDF-") or head.startswith(b"\x89PNG")

    # zhang.wei: active, nothing open; an employee, his unit files his stops
    assert current_card_status(person=zhang) == "active"
    assert not zhang.applications.filter(status__in=OPEN_STATUSES).exists()
    assert not zhang.suspensions.exists()
    with pytest.raises(DomainError) as refused:
        application_create(
            actor=users["zhang.wei"], kind="stop", person=zhang, reason="enlistment", start_date=today(),
            end_date=today() + dt.timedelta(days=700),
        )
    assert refused.value.code == "employee_must_file_through_unit"
    assert application_create(
        actor=users["unit.beijing"], kind="stop", person=zhang, reason="enlistment", start_date=today(),
        end_date=today() + dt.timedelta(days=700),
    )

    # moving on: 马超 taken on by 北京华信 after resigning elsewhere, 郭静 a flexible worker now
    ma = Person.objects.get(name="马超")
    assert ma.unit == beijing_unit and [p.unit.name for p in ma.employments.order_by("start_date")] == [
        "北京远航物流有限公司", "北京华信科技有限公司"]
    resumed = ma.suspensions.get()
    assert resumed.end_date == today() - dt.timedelta(days=5)
    assert resumed.resume_application.status == "approved" and resumed.resume_application.unit == beijing_unit
    assert current_card_status(person=ma) == "active"
    guo = Person.objects.get(name="郭静")
    assert (guo.category, guo.unit) == ("flexible", None)
    assert guo.suspensions.get().end_date == today() - dt.timedelta(days=1)

    # li.na: an approved current suspension she can resume
    suspension = current_suspension(person=li)
    assert suspension is not None and suspension.stop_application.status == "approved"
    assert current_card_status(person=li) == "suspended"
    assert not li.applications.filter(status__in=OPEN_STATUSES).exists()
    assert application_create(
        actor=users["li.na"], kind="resume", person=li, suspension_id=suspension.pk,
        start_date=today() + dt.timedelta(days=1),
    )
    assert current_card_status(person=wang) == "active"
    # her transfer to Shanghai a week ahead: sent by Wuhan, waiting for Shanghai to take her in
    move = Transfer.objects.get(person=wang)
    assert (move.status, move.to_region.code, move.date) == ("sent", "310000", today() + dt.timedelta(days=7))

    # an approved resume with a waiting period (Wuhan: 3 months)
    waited = Suspension.objects.exclude(benefits_from=None).get()
    assert waited.region.code == "420100" and waited.resume_application.status == "approved"
    resume_on = waited.end_date + dt.timedelta(days=1)
    assert waited.benefits_from == add_months(resume_on, 3)
    assert card_status_on(person=waited.person, day=resume_on).status == "waiting"

    # suspended, terminated and retired cards, and what the hospital sees
    statuses = {current_card_status(person=p) for p in Person.objects.all()}
    assert statuses == {"active", "suspended", "terminated"}
    assert Person.objects.filter(retired=True).exists()
    codes = set(Settlement.objects.filter(institution=users["hospital"]).values_list("refusal_code", flat=True))
    assert {"", "card_suspended", "card_terminated"} <= codes

    # each side sees its own
    assert set(applications_visible_to(users["officer.beijing"]).values_list("region__code", flat=True)) == {"110000"}
    assert review_queue(user=users["officer.beijing"]).filter(status="submitted").exists()
    assert review_queue(user=users["officer.shanghai"]).filter(status="submitted").exists()
    assert all(a.unit == beijing_unit for a in applications_visible_to(users["unit.beijing"]))
    assert set(applications_visible_to(users["li.na"])) == set(li.applications.all())
    assert audit_verify().ok


def _snapshot():
    models = [m for m in apps.get_models() if m._meta.app_label in {
        "accounts", "registry", "cases", "coverage", "audit", "notices", "policy"}]
    counts = {m._meta.label: m.objects.count() for m in models}
    head = AuditHead.objects.values_list("seq", "hash").first()
    passwords = dict(User.objects.values_list("username", "password"))
    return counts, head, passwords


def test_demo_twice_changes_nothing():
    run_demo()
    before = _snapshot()
    output = run_demo()
    assert "already present" in output and "zhang.wei" in output
    assert _snapshot() == before
    assert audit_verify().ok
