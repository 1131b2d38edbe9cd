"""`medpause policy check`: the shipped files pass; each kind of dishonest value is caught and
named by file and key. No database: the lint reads and resolves the files on its own."""

import shutil
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command, get_commands

from medpause.policy.lint import chinese_number, mentions, mentions_for, policy_check


@pytest.fixture
def policy_dir(tmp_path) -> Path:
    target = tmp_path / "policies"
    target.mkdir()
    for path in Path(settings.POLICY_DIR).glob("*.toml"):
        shutil.copy(path, target / path.name)
    return target


def edit(directory: Path, name: str, old: str, new: str) -> None:
    path = directory / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(directory: Path) -> list[tuple[str, str, str]]:
    found, _checked = policy_check(directory)
    return [(p.file, p.key, p.message) for p in found]


def only(directory: Path) -> tuple[str, str, str]:
    found = problems(directory)
    assert len(found) == 1, found
    return found[0]


def test_the_shipped_files_are_clean_and_the_command_says_so():
    assert get_commands()["policy"] == "medpause.policy"
    found, checked = policy_check()
    assert found == [] and checked == 6
    out = StringIO()
    call_command("policy", "check", stdout=out)
    assert out.getvalue().startswith("6 policy files checked")


def test_a_figure_without_a_source_or_a_mark_is_named(policy_dir):
    # Beijing's 5-day review: no Beijing text gives it
    edit(policy_dir, "110000-beijing.toml", 'local_setting = ["review_days"]\n', "")
    file, key, message = only(policy_dir)
    assert (file, key) == ("110000-beijing.toml", "reasons.resignation.review_days")
    assert "is 5" in message and "beijing_unit_online" in message


def test_a_figure_its_source_mentions_only_for_something_else_is_caught(policy_dir):
    # the Shanghai text gives 6 months of waiting, not 6 months of pause
    edit(policy_dir, "310000-shanghai.toml", 'local_setting = ["max_duration_months"]',
         'source = ["hu_yibao_2025_7"]')
    file, key, message = only(policy_dir)
    assert (file, key) == ("310000-shanghai.toml", "reasons.flexible_pause.max_duration_months")
    assert "hu_yibao_2025_7" in message and "停保" in message


def test_a_wrong_rate_is_caught(policy_dir):
    # the Beijing page gives 9% and 2%; 11% is not in it
    edit(policy_dir, "110000-beijing.toml", 'local_setting = ["flexible_rate"]\n', "")
    assert only(policy_dir)[:2] == ("110000-beijing.toml", "contribution.flexible_rate")


def test_the_bureaus_own_word_supports_nothing(policy_dir):
    edit(policy_dir, "national.toml", 'local_setting = ["start_ahead_months", "review_stages"]',
         'local_setting = ["review_stages"]')
    file, key, message = only(policy_dir)
    assert (file, key) == ("national.toml", "procedure.start_ahead_months")
    assert "no public source" in message and "bureau_setting" in message


def test_a_list_without_a_public_source_must_be_marked(policy_dir):
    edit(policy_dir, "national.toml", 'local_setting = ["filed_by", "backdate_days", "review_days", "stop_documents", '
                                      '"bureau_documents"]', 'local_setting = ["filed_by", "backdate_days", "review_days"]')
    found = problems(policy_dir)
    assert {(f, k) for f, k, _m in found} == {
        ("national.toml", "reasons.duplicate_enrollment.stop_documents"),
        ("national.toml", "reasons.duplicate_enrollment.bureau_documents"),
    }


def test_a_region_value_must_cite_its_own_source(policy_dir):
    edit(policy_dir, "420100-wuhan.toml", 'wait_months = 3\nsource = ["wuhan_waiting"]\n\n[waiting_period.flexible]',
         'wait_months = 3\n\n[waiting_period.flexible]')
    found = problems(policy_dir)
    assert {(f, k) for f, k, _m in found} == {  # the national source stays with the national values
        ("420100-wuhan.toml", "waiting_period.employee.max_gap_months_without_wait"),
        ("420100-wuhan.toml", "waiting_period.employee.wait_months"),
    }
    assert all("no public source" in m for _f, _k, m in found)


def test_a_cited_source_without_text_is_named(policy_dir):
    edit(policy_dir, "420100-wuhan.toml",
         'text_zh = "断缴超过3个月的，自缴费之月起第4个月开始享受待遇。"\n'
         'text_en = "After a break of more than 3 months, benefits start from the 4th month after paying."\n', "")
    found = problems(policy_dir)
    assert ("420100-wuhan.toml", "sources.wuhan_waiting") in {(f, k) for f, k, _m in found}
    message = next(m for f, k, m in found if k == "sources.wuhan_waiting")
    assert "no quoted text" in message and "text_zh" in message


def test_a_table_code_its_sources_do_not_list_is_caught(policy_dir):
    edit(policy_dir, "national.toml", 'table_code = "6404"', 'table_code = "6302"')
    assert only(policy_dir)[:2] == ("national.toml", "reasons.transfer_out.table_code")


def test_a_consequence_text_that_contradicts_the_values_is_caught(policy_dir):
    edit(policy_dir, "national.toml", "usable_during_stop = true", "usable_during_stop = false")
    found = {(f, k) for f, k, _m in problems(policy_dir)}
    assert ("national.toml", "personal_account.during_stop") in found
    edit(policy_dir, "national.toml", "out_working_days = 10", "out_working_days = 8")
    found = problems(policy_dir)
    assert any(k == "reasons.transfer_out.consequences" and "transfer.out_working_days = 8" in m
               for f, k, m in found if f == "national.toml")


def test_a_broken_file_is_reported_not_raised(policy_dir):
    edit(policy_dir, "national.toml", 'local_setting = ["start_ahead_months", "review_stages"]',
         'local_setting = ["start_ahead_months", "review_stage"]')
    file, key, message = problems(policy_dir)[0]
    assert (file, key) == ("national.toml", "procedure.local_setting") and "'review_stage'" in message


def test_the_command_fails_naming_each_problem(policy_dir):
    edit(policy_dir, "110000-beijing.toml", 'local_setting = ["review_days"]\n', "")
    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("policy", "check", "--dir", str(policy_dir), stderr=err)
    assert "1 problems" in str(exc.value)
    assert err.getvalue().startswith("110000-beijing.toml: reasons.resignation.review_days: ")


@pytest.mark.parametrize(
    ("text", "value", "found"),
    [
        ("承诺办结时限5个工作日", 5, True),
        ("在十五日内办理", 15, True),
        ("在十五日内办理", 5, False),  # 五 inside 十五 is no 5
        ("2015年", 5, False),
        ("5%", 5, False),  # a percentage is no count
        ("按日加收万分之五的滞纳金", Decimal("0.0005"), True),
        ("a late fee of 0.05% a day", Decimal("0.0005"), True),
        ("缴费率应控制在6%左右", Decimal("0.06"), True),
        ("缴费率应控制在6%左右", Decimal("0.08"), False),
        ("基数的300%", Decimal("3.00"), True),
        ("即办件，当场办结", 0, True),
        ("设置不超过6个月的等待期", 6, True),
        ("三百六十五日", 365, True),
    ],
)
def test_how_a_text_writes_a_figure(text, value, found):
    assert mentions(text, value) is found


def test_a_figure_counts_only_beside_what_the_key_is_about():
    text = "灵活就业人员中断缴费后3个月内未重新参保的，设置6个月待遇等待期。"
    assert mentions_for(text, "wait_months", 6) and mentions_for(text, "max_gap_months_without_wait", 3)
    assert not mentions_for(text, "max_duration_months", 6)
    assert mentions_for("个人缴纳的基本医疗保险费，全部计入个人帐户。", "employee_share", Decimal("1"), share=True)
    assert not mentions_for("单位缴纳的基本医疗保险费全部计入统筹基金。", "employee_share", Decimal("1"), share=True)


def test_chinese_numerals():
    assert [chinese_number(n) for n in (0, 5, 10, 15, 20, 30, 105, 365, 10000)] == [
        "零", "五", "十", "十五", "二十", "三十", "一百零五", "三百六十五", "一万",
    ]
