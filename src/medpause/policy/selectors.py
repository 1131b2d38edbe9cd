"""Reads of regions and policies: which version is in force, what a reason requires."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from medpause.common.dates import today
from medpause.common.errors import NotFound
from medpause.policy.models import NATIONAL, PolicyVersion, Region
from medpause.policy.schema import (
    LOCAL,
    BackPayment,
    PersonalAccount,
    Policy,
    Reason,
    WaitingRule,
    build_policy,
)

APPLICANT_DOCUMENT_TYPE = {"individual": "individual", "unit": "unit", "officer": "individual"}


def region_list() -> list[Region]:
    return list(Region.objects.all())


def region_get(*, code: str) -> Region:
    region = Region.objects.filter(code=code).select_related("parent").first()
    if region is None:
        raise NotFound("unknown_region", _("There is no region with that code."), details={"region": code})
    return region


@lru_cache(maxsize=256)
def _build(pk: int, sha256: str) -> Policy:
    pv = PolicyVersion.objects.get(pk=pk)
    return build_policy(pv.document, pv.source_file, pv.label)


def policy_of(pv: PolicyVersion) -> Policy:
    """The validated Policy of a stored version (cached per version and content)."""
    return _build(pv.pk, pv.sha256)


def policy_version_in_force(*, region: Region, on: dt.date | None = None) -> PolicyVersion:
    on = on or today()
    scopes = [region.code]
    if region.parent_id:
        scopes.append(region.parent.code)
    scopes.append(NATIONAL)
    for scope in scopes:
        pv = PolicyVersion.objects.filter(scope=scope, effective_from__lte=on).order_by("-effective_from").first()
        if pv is not None:
            return pv
    raise NotFound("no_policy", _("No policy is in force for this region on that date."))


def policy_in_force(*, region: Region, on: dt.date | None = None) -> tuple[PolicyVersion, Policy]:
    pv = policy_version_in_force(region=region, on=on)
    return pv, policy_of(pv)


def reason_get(*, policy: Policy, code: str) -> Reason:
    reason = policy.reasons.get(code)
    if reason is None:
        raise NotFound("unknown_reason", _("There is no such reason in this region's policy."), details={"reason": code})
    return reason


def reasons_for(*, region_code: str, kind: str = "stop") -> list[Reason]:
    _pv, policy = policy_in_force(region=region_get(code=region_code))
    reasons = list(policy.reasons.values())
    if kind == "resume":
        reasons = [r for r in reasons if r.resumable]
    return reasons


def required_groups(*, policy: Policy, reason: Reason, applicant_type: str, kind: str, early: bool = False) -> list[str]:
    """Group codes the applicant must provide (bureau-held groups excluded)."""
    doc_type = APPLICANT_DOCUMENT_TYPE[applicant_type]
    if kind == "stop":
        groups = list(reason.stop_documents.get(doc_type, ()))
    else:
        groups = list(reason.resume_documents.get(doc_type, ()))
        if early:
            groups += [g for g in reason.early_resume_documents if g not in groups]
    return [g for g in groups if not policy.groups[g].provided_by_bureau]


# --- the data later rules need ------------------------------------------------------------------


def waiting_rule(*, policy: Policy, category: str) -> WaitingRule:
    """The waiting period of a category (employee / flexible): no wait after a break of up to
    `max_gap_months_without_wait` months, at most `wait_months` after a longer one."""
    return policy.waiting[category]


def back_payment_rule(*, policy: Policy) -> BackPayment:
    """How long a gap may be back-paid, the unit's daily late fee, and whether care in the gap settles."""
    return policy.back_payment


def personal_account_rule(*, policy: Policy) -> PersonalAccount:
    """The shares credited to the personal account and whether it pays during a stop."""
    return policy.personal_account


def transfer_working_days(*, policy: Policy) -> tuple[int, int]:
    """(days the old place has to transfer out, days the new place has to take in), working days."""
    return policy.transfer.out_working_days, policy.transfer.in_working_days


def start_ahead_months(*, policy: Policy) -> int:
    """How many months ahead of today a stop may start."""
    return policy.start_ahead_months


def review_stages(*, policy: Policy) -> int:
    """How many officers decide an application in turn (1, or 2: a check, then a decision)."""
    return policy.review_stages


def employee_may_file_alone(*, reason: Reason) -> bool:
    """Whether an employee may file this reason as an individual while employed (else through the unit)."""
    return reason.individual_filing_while_employed


# --- what the applicant reads ----------------------------------------------------------------------


def waiting_sentence(*, policy: Policy, category: str) -> str:
    """The waiting period as the data says it: none after a break of up to N months, at most M
    months after a longer one."""
    rule = waiting_rule(policy=policy, category=category)
    if rule.wait_months == 0:
        return gettext("When you resume, benefits start again at once, whatever the length of the break.")
    return gettext(
        "No waiting period follows a break of up to %(gap)d months; after a longer break, benefits start again "
        "at most %(wait)d months after you resume paying (a waiting period)."
    ) % {"gap": rule.max_gap_months_without_wait, "wait": rule.wait_months}


def back_payment_sentence(*, policy: Policy) -> str:
    rule = back_payment_rule(policy=policy)
    if rule.max_gap_months == 0:
        return gettext("Contributions missed during a break cannot be paid afterwards.")
    if rule.restores_care_in_gap:
        return gettext(
            "Contributions missed in a break of up to %(months)d months can be paid afterwards (back-payment); "
            "care dated in the back-paid months is then covered."
        ) % {"months": rule.max_gap_months}
    return gettext(
        "Contributions missed in a break of up to %(months)d months can be paid afterwards (back-payment); "
        "care dated in the back-paid months is still not covered."
    ) % {"months": rule.max_gap_months}


def consequences_for(*, policy: Policy, reason: Reason, category: str | None = None) -> list[str]:
    """The reason's consequences, the general ones (the personal account's included), and for a
    resumable stop the back-payment and waiting-period sentences of the data."""
    items = list(reason.consequences) + list(policy.general_consequences)
    if reason.resumable and reason.waiting_period:
        items.append(back_payment_sentence(policy=policy))
        categories = [category] if category else list(reason.categories)
        category = category or (categories[0] if len(categories) == 1 else None)
        for cat in categories:
            sentence = waiting_sentence(policy=policy, category=cat)
            if not category:
                label = gettext("Employees") if cat == "employee" else gettext("Flexible workers")
                sentence = gettext("%(label)s: %(sentence)s") % {"label": label, "sentence": sentence}
            items.append(sentence)
    return items


def resume_consequences_for(*, policy: Policy, reason: Reason) -> list[str]:
    """What resuming means: the card after approval, who pays again (Social Insurance Law
    Art. 23), and the data's back-payment and waiting-period sentences for each category the
    reason applies to."""
    items = [
        gettext("The card works again only after the bureau approves the resumption, from the resume date on."),
        gettext("Contributions start again from the resume date: an employee's are shared by the unit and the "
                "employee; a flexible worker pays alone."),
    ]
    if reason.waiting_period:
        items.append(back_payment_sentence(policy=policy))
        categories = list(reason.categories)
        for cat in categories:
            sentence = waiting_sentence(policy=policy, category=cat)
            if len(categories) > 1:
                label = gettext("Employees") if cat == "employee" else gettext("Flexible workers")
                sentence = gettext("%(label)s: %(sentence)s") % {"label": label, "sentence": sentence}
            items.append(sentence)
    return items


def requirements_basis(*, policy: Policy, reason: Reason, kind: str) -> dict[str, str]:
    """Where each figure of a requirements answer comes from: `local` (a local setting of this
    bureau, no public source), else the best quality of its sources (`law`, `gov`, `weak`)."""
    out = {
        "filed_by": policy.basis(reason, "filed_by"),
        "documents": policy.basis(reason, "stop_documents" if kind == "stop" else "resume_documents"),
        "review_days": policy.basis(reason, "review_days"),
        "backdate_days": policy.basis(reason, "backdate_days"),
        "review_stages": policy.basis(policy.procedure, "review_stages"),
        "personal_account_usable_during_stop": policy.basis(policy.personal_account, "usable_during_stop"),
    }
    if policy.review_stages > 1 and policy.check_days:
        out["check_days"] = policy.basis(policy.procedure, "check_days")
    if kind == "stop":
        out["start_ahead_months"] = policy.basis(policy.procedure, "start_ahead_months")
    if reason.max_duration_months:
        out["max_duration_months"] = policy.basis(reason, "max_duration_months")
    if reason.on_the_spot_for_units:
        out["on_the_spot_for_units"] = policy.basis(reason, "on_the_spot_for_units")
    for item in _waiting_items(policy, reason):
        rule = policy.waiting[item["category"]]
        for key in ("max_gap_months_without_wait", "wait_months"):
            out[f"waiting.{item['category']}.{key}"] = policy.basis(rule, key)
    return out


def _waiting_items(policy: Policy, reason: Reason) -> list[dict]:
    if not (reason.resumable and reason.waiting_period):
        return []
    return [
        {"category": c, "max_gap_months_without_wait": policy.waiting[c].max_gap_months_without_wait,
         "wait_months": policy.waiting[c].wait_months}
        for c in reason.categories
    ]


def requirements_for(
    *, region_code: str, reason_code: str, applicant_type: str = "individual", kind: str = "stop",
    on: dt.date | None = None,
) -> dict:
    """What an applicant needs, here, for this reason: the answer of the public guide."""
    region = region_get(code=region_code)
    pv, policy = policy_in_force(region=region, on=on)
    reason = reason_get(policy=policy, code=reason_code)
    if kind == "resume" and not reason.resumable:
        raise NotFound("unknown_reason", _("This reason cannot be resumed."), details={"reason": reason_code})
    doc_type = APPLICANT_DOCUMENT_TYPE.get(applicant_type, "individual")
    if kind == "stop":
        codes = list(reason.stop_documents.get(doc_type, ())) + [
            g for g in reason.bureau_documents if g not in reason.stop_documents.get(doc_type, ())
        ]
        early_codes: list[str] = []
    else:
        codes = list(reason.resume_documents.get(doc_type, ()))
        early_codes = [g for g in reason.early_resume_documents if g not in codes]
    basis = requirements_basis(policy=policy, reason=reason, kind=kind)
    documents = []
    for code in codes + early_codes:
        group = policy.groups[code]
        documents.append(
            {
                "code": code,
                "name": group.name,
                "any_of": list(group.any_of),
                "any_of_names": [policy.kinds[k].name for k in group.any_of],
                "provided_by_bureau": group.provided_by_bureau,
                "only_if_resuming_early": code in early_codes,
            }
        )
    return {
        "region": region.code,
        "region_name": region.name,
        "reason": reason.code,
        "reason_name": reason.name,
        "kind": kind,
        "applicant_type": applicant_type,
        "filed_by": list(reason.filed_by),
        "applicant_may_file": applicant_type in reason.filed_by,
        "policy_version": pv.label,
        "documents": documents,
        "max_duration_months": reason.max_duration_months,
        "backdate_days": reason.backdate_days,
        "resumable": reason.resumable,
        "effect": reason.effect,
        "review_days": reason.review_days,
        "on_the_spot_for_units": reason.on_the_spot_for_units,
        "start_ahead_months": policy.start_ahead_months if kind == "stop" else None,
        "review_stages": policy.review_stages,
        "check_days": policy.check_days if policy.review_stages > 1 else None,
        "waiting": _waiting_items(policy, reason),
        "personal_account_usable_during_stop": policy.personal_account.usable_during_stop,
        "basis": basis,
        "local_settings": [key for key, quality in basis.items() if quality == LOCAL],
        "consequences": (consequences_for(policy=policy, reason=reason) if kind == "stop"
                         else resume_consequences_for(policy=policy, reason=reason)),
        "legal_basis": [
            {"title": policy.sources[s].title, "article": policy.sources[s].article, "text": policy.sources[s].text}
            for s in reason.legal_basis
        ],
    }
