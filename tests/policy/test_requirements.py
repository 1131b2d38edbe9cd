"""What an applicant needs, per region, reason, applicant type and kind."""

import pytest
from django.utils import translation

from medpause.common.errors import NotFound
from medpause.policy.selectors import (
    consequences_for,
    policy_in_force,
    reason_get,
    reasons_for,
    region_get,
    required_groups,
    requirements_for,
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
    assert resumable == {"resignation", "enlistment", "schooling", "imprisonment", "missing", "unpaid_leave", "flexible_pause"}
    answer = requirements_for(region_code="110000", reason_code="death", applicant_type="unit")
    assert (answer["resumable"], answer["effect"], answer["max_duration_months"]) == (False, "terminate", None)


def test_every_reason_of_the_facts_is_there_with_its_rules():
    stop_reasons = {r.code for r in reasons_for(region_code="440000", kind="stop")}
    assert stop_reasons == {
        "resignation", "transfer_out", "enlistment", "schooling", "imprisonment", "missing", "unpaid_leave",
        "retirement", "death", "settle_abroad", "flexible_pause", "duplicate_enrollment",
    }
    answer = requirements_for(region_code="440000", reason_code="schooling")
    assert (answer["max_duration_months"], answer["backdate_days"], answer["review_days"]) == (72, 60, 20)
    assert answer["legal_basis"][0]["article"] == "23"
    assert answer["consequences"]


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
        assert any("only 3 months after" in c for c in wuhan["consequences"])
        assert any("only 6 months after" in c for c in national["consequences"])
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
