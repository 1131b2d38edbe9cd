"""One rulebook, three ways in: a rule of cases.rules is heard the same through the HTTP API
(a single application), the wizard's list of reasons, and a row of a batch file: the same
code and the same sentence, in either language.

The second test is the worked example of docs/architecture.md ("Where a new rule goes"): a
rule added in one place, cases.rules, and nowhere else, reaches all three."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from medpause.accounts.services import token_issue
from medpause.cases import rules
from medpause.cases.models import Application
from medpause.common.dates import today
from medpause.policy.selectors import policy_in_force
from medpause.registry.models import Person
from tests.api.conftest import Api, error_of
from tests.factories import COUNTY, id_number, make_person, make_unit, make_user

pytestmark = pytest.mark.django_db

BORN = dt.date(1995, 7, 19)


@pytest.fixture
def unit_with_a_retiree(settings):
    settings.MEDPAUSE_BATCH_RUNNER = "inline"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    unit = make_unit("110000", name="北京退休单位")
    retiree = make_person("110000", unit=unit, name="老王", id_number=id_number(COUNTY["110000"], born=BORN))
    Person.objects.filter(pk=retiree.pk).update(retired=True)
    retiree.refresh_from_db()
    return unit, retiree, make_user("unit_agent", unit=unit)


def through_the_api(agent, person, reason: str, lang: str) -> tuple[int, str, str]:
    api = Api(token_issue(user=agent), language=lang)
    response = api.post("/applications", {
        "kind": "stop", "person_id": person.pk, "reason": reason, "start_date": today().isoformat(),
    })
    error = error_of(response)
    return response.status_code, error["code"], error["message"]


def wizard_reasons(agent, person, lang: str) -> str:
    client = Client()
    client.force_login(agent)
    client.cookies["django_language"] = lang
    response = client.get(f"/unit/employees/{person.pk}/stop/reason/", HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    return unescape(response.content.decode())


def through_the_wizard(agent, person, reason: str, lang: str) -> str:
    """The sentence beside the reason in the wizard's "why is my reason not listed?"; the
    reason itself is not offered."""
    html = wizard_reasons(agent, person, lang)
    assert f'value="{reason}"' not in html
    refused = dict(re.findall(r"<li><strong>(.*?)</strong>: (.*?)</li>", html.split('id="other-reasons"')[1]))
    _pv, policy = policy_in_force(region=person.region)
    with translation.override(lang):
        return refused[policy.reasons[reason].name]


def through_a_batch(agent, person, reason: str, lang: str, capture) -> tuple[str, str]:
    api = Api(token_issue(user=agent), language=lang)
    data = f"id_number,reason,start_date,end_date\r\n{person.id_number},{reason},{today().isoformat()},\r\n"
    with capture(execute=True):  # the batch runs once the upload is committed
        response = Client().post(
            "/api/v1/batches", {"kind": "stop", "file": SimpleUploadedFile("staff.csv", data.encode())},
            HTTP_AUTHORIZATION=f"Bearer {api.token}", HTTP_ACCEPT_LANGUAGE=lang,
        )
    assert response.status_code == 202
    batch = api.get(f"/batches/{response.json()['id']}").json()
    assert batch["status"] == "failed" and batch["rows_failed"] == 1
    (error,) = batch["errors"]
    assert error["row"] == 2
    return error["code"], error["message"]


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_a_rule_is_heard_the_same_through_the_api_the_wizard_and_a_batch(
    unit_with_a_retiree, lang, django_capture_on_commit_callbacks
):
    _unit, retiree, agent = unit_with_a_retiree
    status, code, api_message = through_the_api(agent, retiree, "retirement", lang)
    assert (status, code) == (409, "already_retired")
    assert through_the_wizard(agent, retiree, "retirement", lang) == api_message
    assert through_a_batch(agent, retiree, "retirement", lang, django_capture_on_commit_callbacks) == (
        code, api_message
    )
    expected = {"en": "This person is already recorded as retired.", "zh-hans": "此人已登记为退休。"}[lang]
    assert api_message == expected
    assert not Application.objects.filter(person=retiree).exists()


RETIRED_NO_SUSPEND = "A retired person's insurance can only end, not be suspended, for this reason."


def test_a_rule_added_in_the_rulebook_alone_reaches_all_three(
    unit_with_a_retiree, monkeypatch, django_capture_on_commit_callbacks
):
    """The worked example: the bureau decides that a retiree's insurance is not suspended
    (resignation, unpaid leave, ...), only ended. The rule is one function and one message
    in cases.rules; here it is added at run time, exactly there."""
    _unit, retiree, agent = unit_with_a_retiree
    original = rules.reason_refusal

    def reason_refusal(*, person, reason, applicant_type):
        refusal = original(person=person, reason=reason, applicant_type=applicant_type)
        if refusal is None and person.retired and reason.effect == "suspend":
            refusal = rules.Refusal("retired_not_suspended", params={"reason": reason.code})
        return refusal

    monkeypatch.setattr(rules, "reason_refusal", reason_refusal)
    monkeypatch.setitem(rules.MESSAGES, "retired_not_suspended", RETIRED_NO_SUSPEND)

    assert through_the_api(agent, retiree, "resignation", "en") == (422, "retired_not_suspended", RETIRED_NO_SUSPEND)
    assert through_the_wizard(agent, retiree, "resignation", "en") == RETIRED_NO_SUSPEND
    assert through_a_batch(agent, retiree, "resignation", "en", django_capture_on_commit_callbacks) == (
        "retired_not_suspended", RETIRED_NO_SUSPEND
    )
    # a reason that ends the insurance is still offered to the retiree
    assert 'value="death"' in wizard_reasons(agent, retiree, "en")
