"""Loading policy files: versions, effective dates, and errors that name the file and the key."""

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from medpause.cases.services import application_create
from medpause.common.dates import today
from medpause.policy.models import PolicyVersion, Region
from medpause.policy.schema import PolicyError
from medpause.policy.selectors import policy_in_force, policy_version_in_force
from medpause.policy.services import policies_load
from tests.factories import make_person, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy_dir(tmp_path) -> Path:
    """A copy of the shipped policy files, to break one at a time."""
    target = tmp_path / "policies"
    target.mkdir()
    for path in Path(settings.POLICY_DIR).glob("*.toml"):
        shutil.copy(path, target / path.name)
    return target


def edit(directory: Path, name: str, old: str, new: str, *, after: str = "") -> None:
    """Replace the first `old` found after the line `after` in the file."""
    path = directory / name
    text = path.read_text(encoding="utf-8")
    offset = text.index(after) if after else 0
    position = text.index(old, offset)
    path.write_text(text[:position] + new + text[position + len(old):], encoding="utf-8")


def load_error(directory: Path) -> PolicyError:
    before = list(PolicyVersion.objects.values_list("scope", "version", "sha256"))
    with pytest.raises(PolicyError) as exc:
        policies_load(directory=directory)
    # all or nothing: the versions stored before are untouched
    assert list(PolicyVersion.objects.values_list("scope", "version", "sha256")) == before
    return exc.value


def assert_names(err: PolicyError, file: str, key: str, words: str = ""):
    assert (err.file, err.key) == (file, key)
    assert str(err).startswith(f"{file}: {key}: ")
    assert words in err.message


def test_the_shipped_files_load_and_loading_again_changes_nothing(policy_dir):
    labels = sorted(pv.label for pv in policies_load(directory=policy_dir))
    assert labels == [
        "110000@2025.1", "310000@2025.1", "420100@2025.1", "450300@2025.1", "510100@2025.1", "national@2025.1",
    ]
    shas = dict(PolicyVersion.objects.values_list("scope", "sha256"))
    policies_load(directory=policy_dir)
    assert dict(PolicyVersion.objects.values_list("scope", "sha256")) == shas
    wuhan = Region.objects.get(code="420100")
    assert (wuhan.name_zh, wuhan.name_en, wuhan.parent.code) == ("武汉市", "Wuhan", "420000")
    assert Region.objects.filter(code__endswith="0000").count() == 31


def test_a_region_file_overrides_the_national_baseline_key_by_key():
    _pv, beijing = policy_in_force(region=Region.objects.get(code="110000"))
    _pv, national = policy_in_force(region=Region.objects.get(code="440000"))  # Guangdong: no file of its own
    assert _pv.label == "national@2025.1"
    assert beijing.reasons["resignation"].filed_by == ("unit", "officer")
    assert national.reasons["resignation"].filed_by == ("unit", "individual", "officer")
    assert beijing.reasons["resignation"].review_days == 5
    assert beijing.reasons["resignation"].stop_documents == national.reasons["resignation"].stop_documents
    assert str(beijing.contribution.employer_rate) == "0.09"
    assert beijing.contribution.average_monthly_wage == national.contribution.average_monthly_wage
    _pv, wuhan = policy_in_force(region=Region.objects.get(code="420100"))
    assert (wuhan.waiting["employee"].wait_months, national.waiting["employee"].wait_months) == (3, 6)
    for policy in (beijing, national, wuhan):  # every clause cites sources that exist
        for reason in policy.reasons.values():
            assert reason.sources and all(s in policy.sources for s in reason.sources + reason.legal_basis)


def test_toml_syntax_error(policy_dir):
    (policy_dir / "national.toml").write_text(
        (policy_dir / "national.toml").read_text(encoding="utf-8") + "\n[reasons.broken\n", encoding="utf-8"
    )
    err = load_error(policy_dir)
    assert (err.file, err.key) == ("national.toml", "(syntax)")
    assert re.search(r"line \d+", err.message)


def test_missing_key(policy_dir):
    edit(policy_dir, "national.toml", "review_days = 20\n", "", after="[reasons.schooling]")
    assert_names(load_error(policy_dir), "national.toml", "reasons.schooling.review_days", "is missing")


def test_missing_key_in_a_region_header(policy_dir):
    edit(policy_dir, "420100-wuhan.toml", 'parent = "420000"\n', "")
    assert_names(load_error(policy_dir), "420100-wuhan.toml", "policy.parent", "is missing")


def test_unknown_source_cited(policy_dir):
    edit(policy_dir, "110000-beijing.toml", 'source = ["beijing_unit_online"]', 'source = ["beijing_unit_offline"]')
    assert_names(load_error(policy_dir), "110000-beijing.toml", "reasons.resignation.source", "beijing_unit_offline")


def test_unknown_document_group(policy_dir):
    edit(
        policy_dir, "national.toml", 'stop_documents.individual = ["identity", "card", "schooling"]',
        'stop_documents.individual = ["identity", "card", "school_papers"]',
    )
    assert_names(
        load_error(policy_dir), "national.toml", "reasons.schooling.stop_documents.individual", "school_papers"
    )


@pytest.mark.parametrize(
    ("file", "old", "new", "after", "key"),
    [
        ("national.toml", "max_duration_months = 72", 'max_duration_months = "72"', "", "reasons.schooling.max_duration_months"),
        ("national.toml", "backdate_days = 30", "backdate_days = -30", "", "reasons.resignation.backdate_days"),
        ("national.toml", 'filed_by = ["unit", "individual", "officer"]', 'filed_by = "unit"', "", "reasons.resignation.filed_by"),
        ("national.toml", 'effect = "suspend"', 'effect = "pause"', "", "reasons.resignation.effect"),
        ("310000-shanghai.toml", 'flexible_rate = "0.10"', 'flexible_rate = "ten percent"', "", "contribution.flexible_rate"),
        ("310000-shanghai.toml", 'flexible_rate = "0.10"', 'flexible_rate = "NaN"', "", "contribution.flexible_rate"),
        ("420100-wuhan.toml", "wait_months = 3", 'wait_months = "three"', "", "waiting_period.employee.wait_months"),
        ("510100-chengdu.toml", "on_the_spot_for_units = true", 'on_the_spot_for_units = "yes"', "",
         "reasons.resignation.on_the_spot_for_units"),
        ("national.toml", 'effective_from = "2025-01-01"', 'effective_from = "2025-02-30"', "", "policy.effective_from"),
    ],
    ids=["int-as-string", "negative", "list-as-string", "unknown-effect", "rate-words", "rate-nan", "wait-words",
         "bool-as-string", "impossible-date"],
)
def test_wrong_type(policy_dir, file, old, new, after, key):
    edit(policy_dir, file, old, new, after=after)
    assert_names(load_error(policy_dir), file, key)


def test_unknown_parent_region_and_duplicate_version(policy_dir):
    edit(policy_dir, "420100-wuhan.toml", 'parent = "420000"', 'parent = "429900"')
    assert_names(load_error(policy_dir), "420100-wuhan.toml", "policy.parent", "429900")
    edit(policy_dir, "420100-wuhan.toml", 'parent = "429900"', 'parent = "420000"')
    shutil.copy(policy_dir / "420100-wuhan.toml", policy_dir / "420100-wuhan-copy.toml")
    err = load_error(policy_dir)
    assert err.key == "policy.version" and "defined twice" in err.message


def test_an_empty_directory_is_an_error(tmp_path):
    with pytest.raises(PolicyError) as exc:
        policies_load(directory=tmp_path)
    assert exc.value.key == "(directory)"


def _new_shanghai_version(directory: Path, version: str, effective: dt.date, max_months: int) -> None:
    (directory / f"310000-shanghai-{version}.toml").write_text(
        f"""
[policy]
region = "310000"
version = "{version}"
effective_from = "{effective.isoformat()}"
title_zh = "上海市（新版）"
title_en = "Shanghai (new version)"

[reasons.flexible_pause]
max_duration_months = {max_months}
""",
        encoding="utf-8",
    )


def test_a_version_takes_effect_on_its_date_and_applications_keep_theirs(policy_dir):
    later = today() + dt.timedelta(days=30)
    _new_shanghai_version(policy_dir, "2099.1", later, 3)
    policies_load(directory=policy_dir)
    shanghai = Region.objects.get(code="310000")
    assert policy_version_in_force(region=shanghai).label == "310000@2025.1"
    assert policy_version_in_force(region=shanghai, on=later - dt.timedelta(days=1)).label == "310000@2025.1"
    pv, policy = policy_in_force(region=shanghai, on=later)
    assert pv.label == "310000@2099.1" and policy.reasons["flexible_pause"].max_duration_months == 3
    person = make_person("310000", category="flexible")
    me = make_user("individual", person=person)
    app = application_create(
        actor=me, kind="stop", person=person, reason="flexible_pause", start_date=later, end_date=later + dt.timedelta(days=150)
    )
    assert app.policy_version.label == "310000@2025.1"  # judged by the version in force when created


def test_a_version_in_force_today_is_used_by_new_applications(policy_dir):
    _new_shanghai_version(policy_dir, "2099.2", today(), 3)
    policies_load(directory=policy_dir)
    person = make_person("310000", category="flexible")
    me = make_user("individual", person=person)
    app = application_create(
        actor=me, kind="stop", person=person, reason="flexible_pause", start_date=today(),
        end_date=today() + dt.timedelta(days=60),
    )
    assert app.policy_version.label == "310000@2099.2"


def test_a_version_that_judged_applications_cannot_change_silently(policy_dir):
    person = make_person("310000", category="flexible")
    me = make_user("individual", person=person)
    application_create(
        actor=me, kind="stop", person=person, reason="flexible_pause", start_date=today(),
        end_date=today() + dt.timedelta(days=60),
    )
    edit(policy_dir, "310000-shanghai.toml", "max_duration_months = 6", "max_duration_months = 5")
    err = load_error(policy_dir)
    assert_names(err, "310000-shanghai.toml", "policy.version", "new version")


def test_unknown_document_kind_in_a_group(policy_dir):
    edit(policy_dir, "national.toml", 'any_of = ["id_card", "household_register", "passport"]',
         'any_of = ["id_card", "hukou", "passport"]')
    assert_names(load_error(policy_dir), "national.toml", "document_groups.identity.any_of", "hukou")


def test_a_bureau_document_group_must_be_marked_as_held_by_the_bureau(policy_dir):
    edit(policy_dir, "national.toml", 'bureau_documents = ["participation_certificate"]',
         'bureau_documents = ["identity"]', after="[reasons.enlistment]")
    assert_names(load_error(policy_dir), "national.toml", "reasons.enlistment.bureau_documents", "identity")


def test_only_the_national_baseline_sets_the_national_maximum_wait(policy_dir):
    edit(policy_dir, "420100-wuhan.toml", "[waiting_period.employee]", "[waiting_period]\nmax_wait_months = 9\n\n"
         "[waiting_period.employee]")
    assert_names(load_error(policy_dir), "420100-wuhan.toml", "waiting_period.max_wait_months", "national baseline")


def test_a_regions_wait_above_the_national_maximum_is_refused(policy_dir):
    edit(policy_dir, "310000-shanghai.toml", "wait_months = 6", "wait_months = 7")
    assert_names(load_error(policy_dir), "310000-shanghai.toml", "waiting_period.flexible.wait_months",
                 "national maximum")
