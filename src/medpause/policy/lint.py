"""`medpause policy check`: the policy files say only what their sources say (docs/adr/0009).

Each file is checked as written (a region file for the values it sets), its citations looked up
among the sources of its resolved version. A problem names the file and the key:

- a value (number, list, switch) with no public source (`law`, `gov`, `weak`) cited for it and
  not marked `local_setting` (a `config` source is the bureau's own word: it supports nothing);
- a number that no clause of its cited sources' quoted texts mentions together with a word of
  what the key is about (`KEY_WORDS`: a review limit needs 工作日 / working day beside it);
- a reason's `table_code` that none of its cited sources' texts contains;
- a cited source without quoted text (`text_zh` and `text_en`);
- consequence texts that contradict the values they describe (`consistency_problems`);
- and anything the schema refuses when the file is loaded.

What cannot be checked, honestly: that the figure is said *of this key* — the clause test is a
proxy (a clause naming 5 and 工作日 passes `review_days = 5` whatever else it says); lists and
switches, beyond having a public source or a mark; and whether the quoted text is what the
original document says (the quote is ours to keep true). Zero and one have word forms
(`ZERO_WORDS`, `ONE_WORDS`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from medpause.policy.schema import (
    BackPayment,
    Contribution,
    PersonalAccount,
    Policy,
    PolicyError,
    Procedure,
    Reason,
    Source,
    Transfer,
    Waiting,
    WaitingRule,
    build_policy,
)
from medpause.policy.services import policy_files_read, policy_files_resolve

# Words that say "none" of a figure: decided on the spot (0 days), no waiting period set, nothing
# of the employer's premium credited to the account (all of it goes to the pooled fund).
ZERO_WORDS = ("当场", "即办", "即时办结", "不设", "全部计入统筹基金", "on the spot", "wholly to the pooled fund")
# Words that say "all" of a share: the whole premium credited to the personal account.
ONE_WORDS = ("全部计入个人", "all to the personal account")

# What each number is about: a figure counts only in a clause that also has one of these words.
KEY_WORDS = {
    "review_days": ("工作日", "办结", "working day", "on the spot"),
    "backdate_days": ("追溯", "之前", "before", "back"),
    "max_duration_months": ("停保", "暂停", "最长", "期限", "pause", "stop", "longest"),
    "wait_months": ("等待期", "享受待遇", "wait", "benefits"),
    "max_wait_months": ("等待期", "wait"),
    "max_gap_months_without_wait": ("中断", "断缴", "break"),
    "max_gap_months": ("中断", "断缴", "补缴", "break", "back-pay"),
    "late_fee_daily_rate": ("滞纳金", "late fee"),
    "out_working_days": ("转出", "transfer out", "transfers out"),
    "in_working_days": ("转入", "transfer in", "takes in"),
    "start_ahead_months": ("提前", "ahead"),
    "review_stages": ("审核", "经办", "stage"),
    "employer_rate": ("单位", "employer"),
    "employee_rate": ("职工", "个人", "employee"),
    "flexible_rate": ("灵活就业", "flexible"),
    "employee_share": ("个人账户", "个人帐户", "personal account"),
    "employer_transfer_share": ("统筹基金", "个人账户", "个人帐户", "pooled fund", "personal account"),
    "flexible_share": ("灵活就业", "flexible"),
    "average_monthly_wage": ("平均工资", "average wage"),
    "base_floor_ratio": ("基数", "base"),
    "base_ceiling_ratio": ("基数", "base"),
}
_CLAUSE = re.compile(r"[。；;！？\n]|(?<!\d)\.(?!\d)")

_DIGITS = "零一二三四五六七八九"
_CN = "零一二两三四五六七八九十百千万"


@dataclass(frozen=True)
class Problem:
    file: str
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.message}"


# --- figures in texts ------------------------------------------------------------------------------


def chinese_number(n: int) -> str:
    """0-99999 in Chinese numerals as texts write them (十五, 二十, 三百六十五, 一万)."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    out, zero = "", False
    for unit, size in (("万", 10000), ("千", 1000), ("百", 100), ("十", 10), ("", 1)):
        digit = n // size % 10
        if digit:
            out += ("零" if zero and out else "") + _DIGITS[digit] + unit
            zero = False
        elif out:
            zero = True
    return out


def _number_patterns(value: int | Decimal, *, share: bool = False) -> list[str]:
    """Regular expressions for the ways a text writes the figure."""
    number = Decimal(value)
    patterns: list[str] = []
    if number == number.to_integral_value():
        n = int(number)
        patterns.append(rf"(?<![\d.]){n}(?![\d.]|\s*%|％)")
        if n < 100000:
            patterns.append(rf"(?<![{_CN}]){chinese_number(n)}(?![{_CN}])")
        if n == 2:
            patterns.append(rf"(?<![{_CN}])两(?![{_CN}])")
    if not isinstance(value, int):
        percent = (number * 100).normalize()
        plain = f"{percent:f}"
        patterns += [rf"(?<![\d.]){re.escape(plain)}\s*[%％]", rf"(?<![\d.]){re.escape(f'{number.normalize():f}')}(?!\d)"]
        for word, scale in (("百分之", 100), ("千分之", 1000), ("万分之", 10000)):
            scaled = number * scale
            if scaled == scaled.to_integral_value() and 0 < scaled < 100000:
                patterns.append(word + chinese_number(int(scaled)) + rf"(?![{_CN}])")
    if number == 0:
        patterns += [re.escape(word) for word in ZERO_WORDS]
    if number == 1 and share:
        patterns += [re.escape(word) for word in ONE_WORDS]
    return patterns


def mentions(text: str, value: int | Decimal, *, share: bool = False) -> bool:
    """Whether the text writes the figure: digits (5, 0.06, 6%), Chinese numerals (五, 十五,
    万分之五), or for 0 and a whole share of 1 the words that say so."""
    return any(re.search(p, text, flags=re.IGNORECASE) for p in _number_patterns(value, share=share))


def mentions_for(text: str, key: str, value: int | Decimal, *, share: bool = False) -> bool:
    """Whether one clause of the text mentions the figure together with a word of what `key` is
    about (any clause, for a key without words)."""
    words = KEY_WORDS.get(key, ())
    for clause in _CLAUSE.split(text):
        if (not words or any(w.lower() in clause.lower() for w in words)) and mentions(clause, value, share=share):
            return True
    return False


def _as_number(value) -> int | Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return None
    return None


def _quoted(source: Source) -> str:
    return f"{source.text_zh}\n{source.text_en}"


# --- the tables of a file as written -------------------------------------------------------------


def _raw_tables(doc: dict) -> list[tuple[str, type, dict]]:
    """(key path, model, table as written) of every cited table the file writes."""
    found: list[tuple[str, type, dict]] = []
    for key, model in (("contribution", Contribution), ("back_payment", BackPayment),
                       ("personal_account", PersonalAccount), ("transfer", Transfer), ("procedure", Procedure)):
        if isinstance(doc.get(key), dict):
            found.append((key, model, doc[key]))
    waiting = doc.get("waiting_period")
    if isinstance(waiting, dict):
        found.append(("waiting_period", Waiting, waiting))
        found += [(f"waiting_period.{c}", WaitingRule, waiting[c]) for c in ("employee", "flexible")
                  if isinstance(waiting.get(c), dict)]
    for code, table in (doc.get("reasons") or {}).items():
        if isinstance(table, dict):
            found.append((f"reasons.{code}", Reason, table))
    return found


def _check_table(file: str, at: str, model: type, table: dict, policy: Policy) -> list[Problem]:
    out = []
    own, cite, local = list(table.get("source", [])), dict(table.get("cite", {})), set(table.get("local_setting", []))
    for key in model.VALUES:
        if key not in table or key in local:
            continue
        ids = list(cite.get(key, own))
        public = [s for s in ids if s in policy.sources and policy.sources[s].public]
        if not public:
            cited = f" (it cites only {', '.join(ids)})" if ids else ""
            out.append(Problem(file, f"{at}.{key}", f"has no public source and is not marked local_setting{cited}"))
            continue
        number = _as_number(table[key])
        share = model is PersonalAccount and key.endswith("_share")
        if number is not None and not any(
            mentions_for(_quoted(policy.sources[s]), key, number, share=share) for s in public
        ):
            about = f" beside {' / '.join(KEY_WORDS[key])}" if key in KEY_WORDS else ""
            out.append(Problem(
                file, f"{at}.{key}",
                f"is {table[key]}, but no cited source ({', '.join(public)}) mentions {table[key]}{about} "
                "in its quoted text",
            ))
    code = table.get("table_code")
    if model is Reason and code:
        ids = [s for s in cite.get("table_code", own) if s in policy.sources and policy.sources[s].public]
        if not any(code in _quoted(policy.sources[s]) for s in ids):
            out.append(Problem(file, f"{at}.table_code", f"{code} is in the quoted text of no cited source"))
    return out


def _cited_ids(doc: dict) -> list[tuple[str, str]]:
    """(where, source id) of every citation the file writes."""
    out = []
    for at, _model, table in _raw_tables(doc):
        out += [(f"{at}.source", s) for s in table.get("source", [])]
        out += [(f"{at}.cite.{k}", s) for k, ids in table.get("cite", {}).items() for s in ids]
        out += [(f"{at}.legal_basis", s) for s in table.get("legal_basis", [])]
    consequences = doc.get("consequences")
    if isinstance(consequences, dict):
        out += [("consequences.source", s) for s in consequences.get("source", [])]
    return out


def _check_texts(file: str, doc: dict, policy: Policy) -> list[Problem]:
    out, seen = [], set()
    for where, sid in _cited_ids(doc):
        source = policy.sources.get(sid)
        if source is None or sid in seen:
            continue
        seen.add(sid)
        missing = [k for k in ("text_zh", "text_en") if not getattr(source, k)]
        if missing:
            out.append(Problem(file, f"sources.{sid}", f"is cited ({where}) but has no quoted text: {', '.join(missing)}"))
    return out


# --- consequence texts against the values they describe ------------------------------------------

ACCOUNT_PAYS = (
    re.compile(r"个人账户[^。；]*?(仍可|仍然可以|可继续|可以继续)[^。；]*?(用于|支付|使用|结算)"),
    re.compile(r"personal[- ]account[^.;]*?(can|may)\s+still\s+(pay|be used)", re.IGNORECASE),
)
WAITING = (re.compile(r"等待期"), re.compile(r"waiting period", re.IGNORECASE))
TRANSFER_DAYS = (
    ("out_working_days", re.compile(r"转出地\s*(\d+)\s*个工作日")),
    ("in_working_days", re.compile(r"转入地\s*(\d+)\s*个工作日")),
    ("out_working_days", re.compile(r"transfers out within (\d+) working days", re.IGNORECASE)),
    ("in_working_days", re.compile(r"takes in within (\d+)", re.IGNORECASE)),
)


def consistency_problems(policy: Policy, file: str = "") -> list[Problem]:
    """Consequence texts that contradict the values they describe: the personal account's
    sentence against `usable_during_stop`, a waiting period a text names against the reason's
    `wait_months`, the transfer days a text names against `[transfer]`."""
    out = []
    account = policy.personal_account
    texts = [("consequences", t) for t in (*policy.general.zh, *policy.general.en)]
    for reason in policy.reasons.values():
        texts += [(f"reasons.{reason.code}.consequences", t) for t in (*reason.consequences_zh, *reason.consequences_en)]
    for text in (account.during_stop_zh, account.during_stop_en):
        says_pays = any(p.search(text) for p in ACCOUNT_PAYS)
        if says_pays != account.usable_during_stop:
            out.append(Problem(file, "personal_account.during_stop", (
                f"says the account {'still pays' if says_pays else 'does not pay'} during a stop, but "
                f"usable_during_stop = {str(account.usable_during_stop).lower()}: {text}")))
    if not account.usable_during_stop:
        out += [Problem(file, at, f"says the personal account still pays, but usable_during_stop = false: {t}")
                for at, t in texts if any(p.search(t) for p in ACCOUNT_PAYS)]
    for reason in policy.reasons.values():
        waits = {policy.waiting[c].wait_months for c in reason.categories}
        for text in (*reason.consequences_zh, *reason.consequences_en):
            if any(p.search(text) for p in WAITING) and not any(mentions(text, w) for w in waits):
                out.append(Problem(file, f"reasons.{reason.code}.consequences",
                                   f"names a waiting period other than wait_months = {sorted(waits)}: {text}"))
    for at, text in texts:
        for key, pattern in TRANSFER_DAYS:
            for found in pattern.findall(text):
                if int(found) != getattr(policy.transfer, key):
                    out.append(Problem(file, at, f"says {found} working days, but transfer.{key} = "
                                                 f"{getattr(policy.transfer, key)}: {text}"))
    return out


# --- the whole directory -------------------------------------------------------------------------


def policy_check(directory: Path | None = None) -> tuple[list[Problem], int]:
    """(problems, files checked) for every policy file of the directory."""
    try:
        files = policy_files_read(directory)
        resolved = policy_files_resolve(files)
    except PolicyError as exc:
        return [Problem(exc.file, exc.key, exc.message)], 0
    problems: list[Problem] = []
    for file, full in resolved:
        name = file.path.name
        try:
            policy = build_policy(full, name, file.label)
        except PolicyError as exc:
            problems.append(Problem(exc.file, exc.key, exc.message))
            continue
        for at, model, table in _raw_tables(file.doc):
            problems += _check_table(name, at, model, table, policy)
        problems += _check_texts(name, file.doc, policy)
        problems += consistency_problems(policy, name)
    return problems, len(files)
