"""Reads of regions and policies: which version is in force, what a reason requires."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from medpause.common.dates import today
from medpause.common.errors import NotFound
from medpause.policy.models import NATIONAL, PolicyVersion, Region
from medpause.policy.schema import Policy, Reason, build_policy

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


def waiting_sentence(*, policy: Policy, category: str) -> str:
    rule = policy.waiting[category]
    if rule.wait_months == 0:
        return gettext("When you resume, benefits start again at once, whatever the length of the break.")
    return gettext(
        "If the break lasts more than %(threshold)d months, benefits start again only %(wait)d months "
        "after you resume paying (a waiting period)."
    ) % {"threshold": rule.threshold_months, "wait": rule.wait_months}


def consequences_for(*, policy: Policy, reason: Reason, category: str | None = None) -> list[str]:
    items = list(reason.consequences) + list(policy.general_consequences)
    if reason.resumable and reason.waiting_period:
        categories = [category] if category else list(reason.categories)
        category = category or (categories[0] if len(categories) == 1 else None)
        for cat in categories:
            sentence = waiting_sentence(policy=policy, category=cat)
            if not category:
                label = gettext("Employees") if cat == "employee" else gettext("Flexible workers")
                sentence = gettext("%(label)s: %(sentence)s") % {"label": label, "sentence": sentence}
            items.append(sentence)
    return items


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
        "consequences": consequences_for(policy=policy, reason=reason),
        "legal_basis": [
            {"title": policy.sources[s].title, "article": policy.sources[s].article, "text": policy.sources[s].text}
            for s in reason.legal_basis
        ],
    }
