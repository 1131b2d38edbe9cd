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

from medpause.policy.schema import PolicyError, build_policy, parse_header

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
    ],
)
def test_a_broken_value_is_named_by_its_key_path(national, path, value, key, words):
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
