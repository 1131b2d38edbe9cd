"""The consequence texts say what the values say: the personal account, the waiting period and
back-payment, the transfer days — national and in every region, in both languages."""

import copy
import json
import tomllib
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from medpause.policy.lint import ACCOUNT_PAYS, consistency_problems
from medpause.policy.schema import build_policy
from medpause.policy.selectors import consequences_for, policy_in_force, region_get, waiting_sentence
from medpause.policy.services import policy_files_read, policy_files_resolve

REGIONS = ["440000", "110000", "310000", "420100", "450300", "510100"]  # Guangdong: the national baseline


def resolved() -> list:
    return [build_policy(full, f.path.name, f.label) for f, full in policy_files_resolve(policy_files_read())]


def says_the_account_pays(text: str) -> bool:
    return any(p.search(text) for p in ACCOUNT_PAYS)


def every_text(policy, language: str) -> list[str]:
    with translation.override(language):
        return list(policy.general_consequences) + [
            text for reason in policy.reasons.values() for text in consequences_for(policy=policy, reason=reason)
        ]


@pytest.mark.parametrize("policy", resolved(), ids=lambda p: p.label)
def test_the_shipped_texts_agree_with_the_values(policy):
    assert consistency_problems(policy) == []
    for language in ("zh-hans", "en"):
        pays = [t for t in every_text(policy, language) if says_the_account_pays(t)]
        # the account's sentence says it pays exactly where the policy keeps it usable
        assert bool(pays) is policy.personal_account.usable_during_stop
        assert all("not a national rule" in t or "并非全国统一规定" in t for t in pays)  # weak: said as practice


@pytest.mark.django_db
@pytest.mark.parametrize("region", REGIONS)
def test_the_waiting_sentence_names_the_regions_figures(region):
    _pv, policy = policy_in_force(region=region_get(code=region))
    for category, rule in policy.waiting.items():
        with translation.override("en"):
            sentence = waiting_sentence(policy=policy, category=category)
            assert f"up to {rule.max_gap_months_without_wait} months" in sentence
            assert f"at most {rule.wait_months} months" in sentence
        with translation.override("zh-hans"):
            sentence = waiting_sentence(policy=policy, category=category)
            assert f"不超过 {rule.max_gap_months_without_wait} 个月" in sentence
            assert f"最长 {rule.wait_months} 个月" in sentence
    with translation.override("en"):
        resignation = consequences_for(policy=policy, reason=policy.reasons["resignation"])
        rule = policy.waiting["employee"]
        assert any(f"at most {rule.wait_months} months" in c for c in resignation)
        assert any(f"up to {policy.back_payment.max_gap_months} months can be paid afterwards" in c
                   for c in resignation)
        death = consequences_for(policy=policy, reason=policy.reasons["death"])
        assert not any("waiting period" in c or "back-payment" in c for c in death)  # coverage ends: no resuming


@pytest.fixture(scope="module")
def national() -> dict:
    text = (Path(settings.POLICY_DIR) / "national.toml").read_text(encoding="utf-8")
    return json.loads(json.dumps(tomllib.loads(text), default=str))


def test_a_region_where_the_account_does_not_pay_never_says_it_does(national):
    doc = copy.deepcopy(national)
    account = doc["personal_account"]
    account["usable_during_stop"] = False
    problems = consistency_problems(build_policy(doc, "national.toml", "x"), "national.toml")
    assert [p.key for p in problems] == ["personal_account.during_stop", "personal_account.during_stop"]
    account["during_stop_zh"] = "个人账户余额保留，但停保期间不能使用。"
    account["during_stop_en"] = "The personal-account balance is kept, but it cannot be used during the stop."
    policy = build_policy(doc, "national.toml", "x")
    assert consistency_problems(policy) == []
    for language in ("zh-hans", "en"):
        assert not any(says_the_account_pays(t) for t in every_text(policy, language))
    doc["reasons"]["settle_abroad"]["consequences_en"] = [
        "Coverage ends; until then the personal account can still pay for pharmacies."]
    problems = consistency_problems(build_policy(doc, "national.toml", "x"))
    assert [p.key for p in problems] == ["reasons.settle_abroad.consequences"]


def test_a_reason_text_naming_another_waiting_period_is_caught(national):
    doc = copy.deepcopy(national)
    doc["reasons"]["schooling"]["consequences_zh"] = ["复学后有6个月待遇等待期。"]
    doc["waiting_period"]["employee"]["wait_months"] = doc["waiting_period"]["flexible"]["wait_months"] = 3
    problems = consistency_problems(build_policy(doc, "national.toml", "x"))
    assert [p.key for p in problems] == ["reasons.schooling.consequences"]


def test_back_payment_that_does_not_restore_care_is_said_so(national):
    doc = copy.deepcopy(national)
    doc["back_payment"]["restores_care_in_gap"] = False
    policy = build_policy(doc, "national.toml", "x")
    with translation.override("en"):
        items = consequences_for(policy=policy, reason=policy.reasons["resignation"])
    assert any("back-paid months is still not covered" in c for c in items)


@pytest.mark.django_db
def test_the_home_page_promises_no_personal_account_payment(client):
    for language in ("en", "zh-hans"):
        html = client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert not says_the_account_pays(html)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "depends on your region's rules" in html
    assert "bureau has it on file" in html  # the legal representative's identification is not asked again
