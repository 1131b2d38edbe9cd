"""What an applicant needs, per region, reason, applicant type and kind."""

import pytest
from django.utils import translation

from medpause.common.errors import NotFound
from medpause.policy.selectors import (
    back_payment_rule,
    consequences_for,
    employee_may_file_alone,
    personal_account_rule,
    policy_in_force,
    reason_get,
    reasons_for,
    region_get,
    required_groups,
    requirements_for,
    review_stages,
    start_ahead_months,
    transfer_working_days,
    waiting_rule,
)

pytestmark = pytest.mark.django_db


def codes(answer):
    return [d["code"] for d in answer["documents"]]


def test_beijing_resignation_is_filed_by_the_unit_only():
    individual = requirements_for(region_code="110000", reason_code="resignation", applicant_type="individual")
    unit = requirements_for(region_code="110000", reason_code="resignation", applicant_type="unit")
    assert individual["applicant_may_file"] is False and unit["applicant_may_file"] is True
    assert unit["filed_by"] == ["unit", "officer"]
    assert unit["policy_version"] == "110000@2025.1" and unit["review_days"] == 5
    assert codes(unit) == [
        "unit_removal_form", "contract_ended", "identity", "legal_representative_identity",
        "participation_certificate", "payment_certificate",
    ]
    # the unit registered its legal representative: the bureau holds the identification
    held = {d["code"] for d in unit["documents"] if d["provided_by_bureau"]}
    assert held == {"legal_representative_identity", "participation_certificate", "payment_certificate"}
    _pv, policy = policy_in_force(region=region_get(code="110000"))
    groups = required_groups(policy=policy, reason=reason_get(policy=policy, code="resignation"),
                             applicant_type="unit", kind="stop")
    assert groups == ["unit_removal_form", "contract_ended", "identity"]
    shanghai = requirements_for(region_code="310000", reason_code="resignation", applicant_type="individual")
    assert shanghai["applicant_may_file"] is True
    assert codes(shanghai) == ["identity", "card", "contract_ended", "participation_certificate", "payment_certificate"]


def test_bureau_held_documents_are_listed_as_such_and_never_required():
    answer = requirements_for(region_code="310000", reason_code="resignation", applicant_type="individual")
    by_code = {d["code"]: d for d in answer["documents"]}
    assert by_code["participation_certificate"]["provided_by_bureau"] is True
    assert by_code["identity"]["provided_by_bureau"] is False
    assert by_code["identity"]["any_of"] == ["id_card", "household_register", "passport"]
    pv, policy = policy_in_force(region=region_get(code="310000"))
    reason = reason_get(policy=policy, code="resignation")
    for applicant_type in ("individual", "unit", "officer"):
        groups = required_groups(policy=policy, reason=reason, applicant_type=applicant_type, kind="stop")
        assert "participation_certificate" not in groups and "payment_certificate" not in groups


def test_the_transfer_papers_are_issued_by_the_bureau_never_asked_for():
    for applicant_type in ("individual", "unit"):
        answer = requirements_for(region_code="440000", reason_code="transfer_out", applicant_type=applicant_type)
        by_code = {d["code"]: d for d in answer["documents"]}
        assert by_code["transfer"]["provided_by_bureau"] is True
        _pv, policy = policy_in_force(region=region_get(code="440000"))
        reason = reason_get(policy=policy, code="transfer_out")
        assert "transfer" not in required_groups(policy=policy, reason=reason, applicant_type=applicant_type,
                                                 kind="stop")


def test_an_officer_at_the_counter_needs_the_individuals_documents():
    officer = requirements_for(region_code="310000", reason_code="enlistment", applicant_type="officer")
    individual = requirements_for(region_code="310000", reason_code="enlistment", applicant_type="individual")
    assert codes(officer) == codes(individual)


def test_resume_requirements_mark_the_early_resume_proof():
    answer = requirements_for(region_code="310000", reason_code="enlistment", applicant_type="individual", kind="resume")
    assert [(d["code"], d["only_if_resuming_early"]) for d in answer["documents"]] == [
        ("identity", False), ("card", False), ("discharge", True),
    ]
    pv, policy = policy_in_force(region=region_get(code="310000"))
    reason = reason_get(policy=policy, code="enlistment")
    assert required_groups(policy=policy, reason=reason, applicant_type="individual", kind="resume") == ["identity", "card"]
    assert required_groups(policy=policy, reason=reason, applicant_type="individual", kind="resume", early=True) == [
        "identity", "card", "discharge",
    ]


def test_terminating_reasons_cannot_be_resumed():
    for reason in ("death", "transfer_out", "settle_abroad", "duplicate_enrollment", "retirement"):
        with pytest.raises(NotFound):
            requirements_for(region_code="110000", reason_code=reason, kind="resume")
    resumable = {r.code for r in reasons_for(region_code="110000", kind="resume")}
    assert resumable == {
        "resignation", "enlistment", "schooling", "imprisonment", "missing", "unpaid_leave", "flexible_pause",
        "unit_dissolution", "unit_merger_split",
    }
    answer = requirements_for(region_code="110000", reason_code="death", applicant_type="unit")
    assert (answer["resumable"], answer["effect"], answer["max_duration_months"]) == (False, "terminate", None)


def test_every_reason_of_the_facts_is_there_with_its_rules():
    stop_reasons = {r.code for r in reasons_for(region_code="440000", kind="stop")}
    assert stop_reasons == {
        "resignation", "transfer_out", "enlistment", "schooling", "imprisonment", "missing", "unpaid_leave",
        "retirement", "death", "settle_abroad", "flexible_pause", "duplicate_enrollment",
        "unit_dissolution", "unit_merger_split",  # the unit reasons of the public code tables
    }
    answer = requirements_for(region_code="440000", reason_code="schooling")
    assert (answer["max_duration_months"], answer["backdate_days"], answer["review_days"]) == (72, 60, 20)
    # none of the three has a public source: each is shown as this bureau's setting
    assert {"max_duration_months", "backdate_days", "review_days"} <= set(answer["local_settings"])
    assert answer["legal_basis"][0]["article"] == "23"
    assert answer["consequences"]


def test_a_unit_that_ends_or_merges_files_for_its_employees_with_proof():
    closed = requirements_for(region_code="440000", reason_code="unit_dissolution", applicant_type="unit")
    assert (closed["filed_by"], closed["resumable"]) == (["unit", "officer"], True)
    assert codes(closed)[:3] == ["unit_removal_form", "identity", "unit_closure"]
    assert any(law["article"] == "44" for law in closed["legal_basis"])
    merged = requirements_for(region_code="440000", reason_code="unit_merger_split", applicant_type="unit")
    assert "unit_reorganisation" in codes(merged) and any(law["article"] == "34" for law in merged["legal_basis"])
    assert merged["waiting"] == []  # the contract goes on with the successor: no waiting period
    _pv, policy = policy_in_force(region=region_get(code="440000"))
    assert (policy.reasons["unit_dissolution"].table_code, policy.reasons["transfer_out"].table_code) == ("6323", "6404")


def test_chengdu_handles_unit_changes_on_the_spot():
    answer = requirements_for(region_code="510100", reason_code="resignation", applicant_type="unit")
    assert answer["on_the_spot_for_units"] is True and answer["review_days"] == 0
    assert answer["policy_version"] == "510100@2025.1"
    assert requirements_for(region_code="110000", reason_code="resignation", applicant_type="unit")[
        "on_the_spot_for_units"] is False


def test_consequences_name_the_regions_waiting_period():
    with translation.override("en"):
        wuhan = requirements_for(region_code="420100", reason_code="flexible_pause")
        national = requirements_for(region_code="110000", reason_code="flexible_pause")
        # 43号: no wait after a break of up to 3 months; at most the region's wait after a longer one
        assert any("No waiting period follows a break of up to 3 months" in c and "at most 3 months after" in c
                   for c in wuhan["consequences"])
        assert any("at most 6 months after" in c for c in national["consequences"])
        assert any("up to 3 months can be paid afterwards" in c for c in national["consequences"])
        assert wuhan["waiting"] == [{"category": "flexible", "max_gap_months_without_wait": 3, "wait_months": 3}]
        pv, policy = policy_in_force(region=region_get(code="420100"))
        reason = reason_get(policy=policy, code="death")
        assert not any("waiting" in c for c in consequences_for(policy=policy, reason=reason))


def test_names_follow_the_language():
    with translation.override("en"):
        answer = requirements_for(region_code="420100", reason_code="flexible_pause")
        assert (answer["region_name"], answer["reason_name"]) == ("Wuhan", "Flexible worker pauses paying")
    with translation.override("zh-hans"):
        answer = requirements_for(region_code="420100", reason_code="flexible_pause")
        assert (answer["region_name"], answer["reason_name"]) == ("武汉市", "灵活就业人员暂停缴费")


def test_unknown_region_and_reason():
    with pytest.raises(NotFound) as exc:
        requirements_for(region_code="999999", reason_code="resignation")
    assert exc.value.code == "unknown_region"
    with pytest.raises(NotFound) as exc:
        requirements_for(region_code="110000", reason_code="holiday")
    assert exc.value.code == "unknown_reason"


def test_the_answer_says_which_figures_are_local_settings_and_how_good_the_others_sources_are():
    beijing = requirements_for(region_code="110000", reason_code="resignation", applicant_type="unit")
    assert beijing["review_days"] == 5 and beijing["basis"]["review_days"] == "local"  # no public source found
    assert "review_days" in beijing["local_settings"] and "backdate_days" in beijing["local_settings"]
    assert beijing["basis"]["filed_by"] == "weak"  # units file online: local practice
    guilin = requirements_for(region_code="450300", reason_code="enlistment", applicant_type="unit")
    assert (guilin["review_days"], guilin["basis"]["review_days"]) == (5, "weak")  # the Guilin guide, every removal
    assert (guilin["review_stages"], guilin["basis"]["review_stages"]) == (2, "local")
    chengdu = requirements_for(region_code="510100", reason_code="resignation", applicant_type="unit")
    assert chengdu["basis"]["review_days"] == "gov" and "review_days" not in chengdu["local_settings"]
    transfer = requirements_for(region_code="440000", reason_code="transfer_out")
    assert (transfer["review_days"], transfer["basis"]["review_days"]) == (10, "gov")  # 医保办发〔2021〕43号
    stop = requirements_for(region_code="440000", reason_code="flexible_pause")
    assert (stop["start_ahead_months"], stop["basis"]["start_ahead_months"]) == (3, "local")
    assert stop["personal_account_usable_during_stop"] is True
    assert stop["basis"]["personal_account_usable_during_stop"] == "weak"  # local practice, not a national rule
    shanghai = requirements_for(region_code="310000", reason_code="flexible_pause")
    assert shanghai["basis"]["waiting.flexible.wait_months"] == "gov"  # 沪医保规〔2025〕7号
    assert (shanghai["max_duration_months"], shanghai["basis"]["max_duration_months"]) == (6, "local")
    wuhan = requirements_for(region_code="420100", reason_code="flexible_pause", kind="resume")
    assert wuhan["basis"]["waiting.flexible.wait_months"] == "weak" and wuhan["start_ahead_months"] is None


@pytest.mark.parametrize(
    ("region", "employee_wait", "flexible_wait", "stages"),
    [("440000", 6, 6, 1), ("310000", 6, 6, 1), ("420100", 3, 3, 1), ("450300", 6, 6, 2)],
)
def test_the_data_later_rules_need(region, employee_wait, flexible_wait, stages):
    _pv, policy = policy_in_force(region=region_get(code=region))
    employee, flexible = (waiting_rule(policy=policy, category=c) for c in ("employee", "flexible"))
    assert (employee.max_gap_months_without_wait, employee.wait_months) == (3, employee_wait)
    assert (flexible.max_gap_months_without_wait, flexible.wait_months) == (3, flexible_wait)
    assert all(rule.wait_months <= policy.waiting_rules.max_wait_months == 6 for rule in (employee, flexible))
    back = back_payment_rule(policy=policy)
    assert (back.max_gap_months, str(back.late_fee_daily_rate), back.restores_care_in_gap) == (3, "0.0005", True)
    account = personal_account_rule(policy=policy)
    assert (str(account.employee_share), str(account.employer_transfer_share)) == ("1", "0")
    assert account.usable_during_stop is True
    assert transfer_working_days(policy=policy) == (10, 5)
    assert (start_ahead_months(policy=policy), review_stages(policy=policy)) == (3, stages)
    assert not any(employee_may_file_alone(reason=r) for r in policy.reasons.values())
