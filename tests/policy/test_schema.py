"""The policy schema on its own (no database): typed values, checks across tables, and errors
that name the file and the key path."""

import copy
import datetime as dt
import json
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from medpause.policy.schema import PolicyError, build_policy, deep_merge, parse_header

FILE = "national.toml"


@pytest.fixture(scope="module")
def national() -> dict:
    text = (Path(settings.POLICY_DIR) / FILE).read_text(encoding="utf-8")
    return json.loads(json.dumps(tomllib.loads(text), default=str))  # as stored: dates as strings


def broken(doc: dict, path: str, value=None, *, delete: bool = False) -> PolicyError:
    """Set (or delete) the value at a dotted path of a copy of `doc` and build it."""
    doc = copy.deepcopy(doc)
    *parents, last = path.split(".")
    node = doc
    for key in parents:
        node = node[key]
    if delete:
        del node[last]
    else:
        node[last] = value
    with pytest.raises(PolicyError) as exc:
        build_policy(doc, FILE, "national@test")
    return exc.value


def test_the_baseline_builds_into_typed_values(national):
    policy = build_policy(national, FILE, "national@2025.1")
    assert (policy.label, policy.scope, policy.version) == ("national@2025.1", "national", "2025.1")
    assert policy.effective_from == dt.date(2025, 1, 1)
    assert policy.contribution.employer_rate == Decimal("0.06")
    assert (policy.contribution.base_floor, policy.contribution.base_ceiling) == (Decimal("6000.00"), Decimal("30000.00"))
    resignation = policy.reasons["resignation"]
    assert resignation.code == "resignation" and resignation.filed_by == ("unit", "individual", "officer")
    assert resignation.resumable and not resignation.terminating and resignation.waiting_period
    assert resignation.categories == ("employee",)
    death = policy.reasons["death"]
    assert death.terminating and not death.resumable and not death.waiting_period
    assert death.categories == ("employee", "flexible")  # no categories given: every category
    assert death.max_duration_months is None and death.resume_documents == {}
    assert policy.sources["sil_23"].id == "sil_23" and policy.kinds["passport"].code == "passport"
    assert policy.group_of_kind["household_cancellation_proof"] == ["death", "settling_abroad"]
    assert policy.waiting["flexible"].wait_months == 6
    assert policy.waiting["flexible"].max_gap_months_without_wait == policy.waiting["flexible"].threshold_months == 3
    assert policy.waiting_rules.max_wait_months == 6
    assert (policy.back_payment.max_gap_months, policy.back_payment.late_fee_daily_rate) == (3, Decimal("0.0005"))
    assert policy.back_payment.restores_care_in_gap is True
    account = policy.personal_account
    assert (account.employee_share, account.employer_transfer_share, account.flexible_share) == (
        Decimal("1"), Decimal("0"), Decimal("0.25"))
    assert account.usable_during_stop is True
    assert (policy.transfer.out_working_days, policy.transfer.in_working_days) == (10, 5)
    assert (policy.start_ahead_months, policy.review_stages) == (3, 1)
    assert resignation.individual_filing_while_employed is False


def test_each_value_says_where_it_comes_from(national):
    policy = build_policy(national, FILE, "national@2025.1")
    resignation = policy.reasons["resignation"]
    assert policy.basis(resignation, "review_days") == "local"  # no national text sets a review limit
    assert policy.basis(resignation, "filed_by") == "weak" and resignation.sources_of("filed_by") == ("seed_guide",)
    assert policy.basis(policy.transfer, "out_working_days") == "gov"  # 医保办发〔2021〕43号
    assert policy.basis(policy.back_payment, "late_fee_daily_rate") == "law"  # SIL Art. 86
    assert policy.basis(policy.personal_account, "usable_during_stop") == "weak"
    assert policy.basis(policy.personal_account, "employer_transfer_share") == "law"  # 国办发〔2021〕14号
    assert policy.basis(policy.waiting["employee"], "wait_months") == "local"
    assert policy.basis(policy.waiting["employee"], "max_gap_months_without_wait") == "gov"
    assert policy.basis(policy.procedure, "start_ahead_months") == "local"


def test_a_region_overriding_a_value_brings_its_own_citation_and_keeps_the_others(national):
    base = {"review_days": 20, "backdate_days": 30, "filed_by": ["unit"], "source": ["reason_code_table"],
            "local_setting": ["review_days", "backdate_days"]}
    cited = deep_merge(base, {"review_days": 5, "source": ["guilin_guide"]})
    assert cited["review_days"] == 5 and cited["local_setting"] == ["backdate_days"]
    assert cited["cite"] == {"review_days": ["guilin_guide"], "filed_by": ["reason_code_table"]}
    assert cited["source"] == ["reason_code_table", "guilin_guide"]  # every source behind the table
    marked = deep_merge(base, {"filed_by": ["unit", "officer"], "local_setting": ["filed_by"]})
    assert marked["local_setting"] == ["review_days", "backdate_days", "filed_by"] and "cite" not in marked
    again = deep_merge(cited, {"review_days": 3, "local_setting": ["review_days"]})
    assert "review_days" not in again["cite"] and "review_days" in again["local_setting"]


def test_names_follow_the_active_language(national):
    policy = build_policy(national, FILE, "national@2025.1")
    reason = policy.reasons["schooling"]
    with translation.override("en"):
        assert (reason.name, policy.groups["identity"].name) == ("Going to school", "Identity document")
        assert policy.title.startswith("National baseline") and reason.consequences == reason.consequences_en
        assert policy.general_consequences == policy.general_consequences_en
        assert policy.sources["sil_23"].title.startswith("Social Insurance Law")
    with translation.override("zh-hans"):
        assert (reason.name, policy.kinds["passport"].name) == ("升学", "护照")
        assert reason.consequences == reason.consequences_zh


@pytest.mark.parametrize(
    ("path", "value", "key", "words"),
    [
        ("reasons.settle_abroad.filed_by", ["individual", "unit"], "reasons.settle_abroad.stop_documents.unit",
         "although unit may file"),
        ("reasons.resignation.filed_by", ["unit", "nobody"], "reasons.resignation.filed_by", "'nobody'"),
        ("reasons.resignation.filed_by", [], "reasons.resignation.filed_by", "at least one applicant type"),
        ("reasons.death.consequences_en", [], "reasons.death.consequences_en", "as many items"),
        ("consequences.en", ["one"], "consequences.en", "as many items"),
        ("contribution.base_floor_ratio", "3.50", "contribution.base_floor_ratio", "base_ceiling_ratio"),
        ("contribution.employer_rate", "-0.01", "contribution.employer_rate", "negative"),
        ("reasons.death.max_duration_months", 12, "reasons.death.max_duration_months", "only a suspension"),
        ("reasons.death.stop_documents.officer", ["death"], "reasons.death.stop_documents.officer",
         "individual or unit"),
        ("reasons.death.legal_basis", [], "reasons.death.legal_basis", "at least one source"),
        ("waiting_period.flexible.source", ["nowhere"], "waiting_period.flexible.source", "'nowhere'"),
        ("consequences.source", ["nowhere"], "consequences.source", "'nowhere'"),
        ("reasons.death.legal_basis", ["nowhere"], "reasons.death.legal_basis", "'nowhere'"),
        ("reasons.schooling.early_resume_documents", ["diploma"], "reasons.schooling.early_resume_documents",
         "'diploma'"),
        ("document_groups.identity.any_of", [], "document_groups.identity.any_of", "at least one document kind"),
        ("sources.sil_23.quality", "rumour", "sources.sil_23.quality", "'rumour'"),
        ("sources.sil_23.title_en", "  ", "sources.sil_23.title_en", "non-empty"),
        ("reasons.death.consequences_zh", ["一", 2], "reasons.death.consequences_zh", "list of strings"),
        ("reasons.death.review_days", True, "reasons.death.review_days", "whole number"),
        ("reasons.death.reveiw_days", 5, "reasons.death.reveiw_days", "not a key"),
        ("document_kinds.passport", "Passport", "document_kinds.passport", "table"),
        ("reasons", {}, "reasons", "at least one reason"),
        ("policy.region", "beijing", "policy.region", "6-digit"),
        ("reasons.death.local_setting", ["review_dayz"], "reasons.death.local_setting", "'review_dayz'"),
        ("reasons.death.local_setting", ["name_zh"], "reasons.death.local_setting", "'name_zh'"),  # a text, no value
        ("reasons.death.cite", {"reveiw_days": ["sil_23"]}, "reasons.death.cite.reveiw_days", "'reveiw_days'"),
        ("reasons.death.cite", {"review_days": ["nowhere"]}, "reasons.death.cite.review_days", "'nowhere'"),
        ("waiting_period.flexible.wait_months", 7, "waiting_period.flexible.wait_months", "national maximum"),
        ("procedure.review_stages", 0, "procedure.review_stages", "whole number, 1 or more"),
        ("personal_account.employee_share", "1.5", "personal_account.employee_share", "between"),
        ("back_payment.late_fee_daily_rate", "-0.0005", "back_payment.late_fee_daily_rate", "negative"),
        ("reasons.retirement.individual_filing_while_employed", True,
         "reasons.retirement.individual_filing_while_employed", None),
    ],
)
def test_a_broken_value_is_named_by_its_key_path(national, path, value, key, words):
    if words is None:  # granting employees to file themselves: a local mark is not enough
        national = copy.deepcopy(national)
        national["reasons"]["retirement"]["local_setting"].append("individual_filing_while_employed")
        words = "needs a cited source"
    err = broken(national, path, value)
    assert (err.file, err.key) == (FILE, key)
    assert str(err) == f"{FILE}: {key}: {err.message}"
    assert words in err.message


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("reasons.schooling.resume_documents", "reasons.schooling.resume_documents"),
        ("reasons.schooling.early_resume_documents", "reasons.schooling.early_resume_documents"),
        ("waiting_period.employee", "waiting_period.employee"),
        ("contribution.source", "contribution.source"),
        ("document_groups", "document_groups"),
        ("policy.title_en", "policy.title_en"),
        ("back_payment", "back_payment"),
        ("personal_account.usable_during_stop", "personal_account.usable_during_stop"),
        ("transfer.in_working_days", "transfer.in_working_days"),
        ("procedure", "procedure"),
        ("waiting_period.max_wait_months", "waiting_period.max_wait_months"),
        ("waiting_period.employee.max_gap_months_without_wait", "waiting_period.employee.max_gap_months_without_wait"),
    ],
)
def test_a_missing_key_is_named(national, path, key):
    err = broken(national, path, delete=True)
    assert (err.key, err.message) == (key, "is missing")


def test_a_reason_that_ends_coverage_needs_no_resume_documents(national):
    doc = copy.deepcopy(national)
    for key in ("bureau_documents", "resume_documents", "early_resume_documents"):
        doc["reasons"]["death"].pop(key, None)
    death = build_policy(doc, FILE, "x").reasons["death"]
    assert (death.bureau_documents, death.resume_documents, death.early_resume_documents) == ((), {}, ())


def test_the_header_of_a_city_names_it_and_its_province():
    head = {"region": "420100", "version": "1", "effective_from": "2025-03-01", "title_zh": "武汉", "title_en": "Wuhan",
            "region_name_zh": "武汉市", "region_name_en": "Wuhan", "parent": "420000"}
    assert parse_header({"policy": head}, "wuhan.toml") == {
        "scope": "420100", "version": "1", "effective_from": dt.date(2025, 3, 1),
        "region_name_zh": "武汉市", "region_name_en": "Wuhan", "parent": "420000",
    }
    province = {k: v for k, v in head.items() if k not in ("region_name_zh", "region_name_en", "parent")}
    assert parse_header({"policy": {**province, "region": "420000"}}, "hubei.toml")["scope"] == "420000"
    with pytest.raises(PolicyError) as exc:
        parse_header({"policy": province}, "wuhan.toml")
    assert (exc.value.key, exc.value.message) == ("policy.region_name_zh", "is missing")
    with pytest.raises(PolicyError) as exc:
        parse_header({}, "wuhan.toml")
    assert exc.value.key == "policy"
