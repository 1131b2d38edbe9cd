"""The stop / resume application form (停保申请表 / 恢复参保申请表), blank, for a person or a
unit to fill in by hand; its sections serve the filled-in form too (printing.filled)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from reportlab.platypus import Flowable, KeepTogether, Table

from medpause.accounts.models import ApplicantType
from medpause.cases.selectors import missing_documents
from medpause.common.dates import today
from medpause.common.errors import NotFound
from medpause.policy.schema import Policy, Reason
from medpause.policy.selectors import (
    policy_in_force,
    reason_get,
    reasons_for,
    region_get,
    requirements_for,
    waiting_sentence,
)
from medpause.printing import labels
from medpause.printing.i18n import _, language, pgettext
from medpause.printing.layout import (
    CONTENT_WIDTH,
    ID_NUMBER_PARTS,
    SHADE,
    USCC_PARTS,
    TickBox,
    blank_date,
    build,
    char_boxes,
    fmt_date,
    gap,
    grid,
    header,
    p,
    section,
    ticks,
)
from medpause.printing.stored import stored_pdf

SHANGHAI = ZoneInfo("Asia/Shanghai")
KINDS = ("stop", "resume")
LABEL_W = 100
WIDE_W = CONTENT_WIDTH - LABEL_W
NATIONAL_LAW_SOURCE = "sil_23"


# --- text pieces -------------------------------------------------------------------


def form_title(kind: str) -> str:
    if kind == "resume":
        return _("Application to resume basic medical insurance")
    return _("Application to stop basic medical insurance")


def local_time(moment: dt.datetime | None) -> str:
    if moment is None:
        return "—"
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def citation(title: str, article: str) -> str:
    if article:
        return _("%(title)s, Article %(article)s") % {"title": title, "article": article}
    return _("%(title)s") % {"title": title}


def who_may_file(filed_by) -> str:
    return _(", ").join(labels.label(labels.APPLICANT, code) for code in filed_by)


def reason_rules(reason: Reason, kind: str) -> str:
    """One line of the reason's rules, printed under it: who files, how far back, how long."""
    parts = [_("May be filed by: %(who)s.") % {"who": who_may_file(reason.filed_by)}]
    parts.append(_("Effect: %(effect)s.") % {"effect": labels.label(labels.EFFECT, reason.effect)})
    if kind == "stop":
        if reason.max_duration_months:
            parts.append(_("A stop lasts at most %(months)d months.") % {"months": reason.max_duration_months})
        if reason.backdate_days:
            parts.append(
                _("The start date may be at most %(days)d days in the past.") % {"days": reason.backdate_days}
            )
        else:
            parts.append(_("The start date may not be in the past."))
    if reason.review_days:
        parts.append(_("Reviewed within %(days)d working days.") % {"days": reason.review_days})
    else:
        parts.append(_("Decided on the spot."))
    if reason.on_the_spot_for_units:
        parts.append(_("For units, decided on the spot."))
    return " ".join(parts)


# --- the ruled grid of a form ---------------------------------------------------------


class FormGrid:
    """Rows of a paper form: label | value | label | value, or label | wide value."""

    def __init__(self, width: float = CONTENT_WIDTH, label_width: float = LABEL_W):
        self.widths = [label_width, (width - 2 * label_width) / 2, label_width, (width - 2 * label_width) / 2]
        self.rows: list[list] = []
        self.heights: list[float | None] = []
        self.extra: list[tuple] = []

    @staticmethod
    def _value(value):
        if value is None or value == "":
            return ""
        if isinstance(value, Flowable | list):
            return value
        return p(value, "value")

    def pair(self, label1: str, value1, label2: str, value2, height: float | None = None):
        i = len(self.rows)
        self.rows.append([p(label1, "label"), self._value(value1), p(label2, "label"), self._value(value2)])
        self.heights.append(height)
        self.extra += [("BACKGROUND", (0, i), (0, i), SHADE), ("BACKGROUND", (2, i), (2, i), SHADE)]

    def wide(self, label: str, value, height: float | None = None):
        i = len(self.rows)
        self.rows.append([p(label, "label"), self._value(value), "", ""])
        self.heights.append(height)
        self.extra += [("SPAN", (1, i), (3, i)), ("BACKGROUND", (0, i), (0, i), SHADE)]

    def full(self, value, height: float | None = None, shade: bool = False):
        i = len(self.rows)
        self.rows.append([self._value(value), "", "", ""])
        self.heights.append(height)
        self.extra.append(("SPAN", (0, i), (3, i)))
        if shade:
            self.extra.append(("BACKGROUND", (0, i), (3, i), SHADE))

    def table(self) -> Table:
        heights = self.heights if any(h for h in self.heights) else None
        return grid(self.rows, self.widths, label_cols=(), extra=self.extra, min_height=heights)


# --- sections shared by the blank and the filled form -----------------------------------


def applicant_section(*, applicant_type: str | None, name="", id_number="", card_number="", filled: bool):
    g = FormGrid()
    options = [(t, labels.APPLICANT[t]) for t in (ApplicantType.INDIVIDUAL, ApplicantType.UNIT)]
    if applicant_type == ApplicantType.OFFICER:
        options.append((ApplicantType.OFFICER, labels.APPLICANT[ApplicantType.OFFICER]))
    g.wide(
        pgettext("printed form", "Applicant"),
        ticks([(_(text), code == applicant_type) for code, text in options], columns=3, width=WIDE_W - 8),
    )
    h = None if filled else 22
    g.pair(_("Insured person's name"), name, _("Medical insurance card number"), card_number, height=h)
    g.wide(_("Citizen ID number"), char_boxes(id_number, parts=ID_NUMBER_PARTS), height=None if filled else 24)
    if not filled:
        g.pair(_("Contact phone"), "", _("Address"), "", height=22)
    return [section(_("1. The insured person")), g.table()]


def unit_section(*, unit=None, filled: bool):
    g = FormGrid()
    h = None if filled else 22
    g.wide(_("Unit name"), unit.name if unit else "", height=h)
    g.wide(_("Unified social credit code"), char_boxes(unit.uscc if unit else "", parts=USCC_PARTS), height=None if filled else 24)
    g.pair(
        _("Legal representative"), unit.legal_representative_name if unit else "",
        _("Person handling it"), "", height=h,
    )
    title = _("2. The unit (employer)") if filled else _("2. The unit (to be filled in when a unit applies)")
    return [section(title), g.table()]


def reason_choice(reason: Reason | None, reasons: list[Reason], *, filled: bool):
    if reason is not None:
        name = reason.name + (f" ({reason.table_code})" if reason.table_code else "")
        return [p(name, "value", bold=True)]
    return [
        p(_("Tick one reason:"), "small"),
        ticks([(r.name, False) for r in reasons], columns=2, width=WIDE_W - 8),
    ]


def stop_details(*, reason, reasons, start="", end="", duration="", note="", filled: bool):
    g = FormGrid()
    g.wide(_("Reason for stopping"), reason_choice(reason, reasons, filled=filled))
    h = None if filled else 24
    g.pair(pgettext("printed form", "Start date"), start or blank_date(), _("End date"), end or blank_date(), height=h)
    if not duration:
        duration = _("______ months")
        if reason is not None and reason.max_duration_months:
            duration += "  " + _("(at most %(months)d months)") % {"months": reason.max_duration_months}
        elif reason is not None and not reason.resumable:
            duration = _("No end date: coverage ends for this reason.")
    g.wide(_("Duration"), duration, height=h)
    g.wide(pgettext("printed form", "Other information"), note, height=None if filled else 54)
    if reason is not None:
        g.full(p(reason_rules(reason, "stop"), "small"), shade=True)
    return [section(_("3. The stop")), g.table()]


def resume_details(
    *, reason, reasons, stop_start="", stop_reference="", planned_end="", resume_date="", early=None, note="",
    filled: bool,
):
    g = FormGrid()
    g.wide(_("Reason the insurance was stopped"), reason_choice(reason, reasons, filled=filled))
    h = None if filled else 24
    g.pair(_("The stop began on"), stop_start or blank_date(), _("Stop application reference"), stop_reference, height=h)
    g.pair(_("Planned end of the stop"), planned_end or blank_date(), _("Resume from"), resume_date or blank_date(), height=h)
    g.wide(
        _("Resuming before the planned end"),
        ticks([(_("Yes (proof that the reason has ended is needed)"), early is True), (_("No"), early is False)],
              columns=2, width=WIDE_W - 8),
    )
    g.wide(pgettext("printed form", "Other information"), note, height=None if filled else 54)
    if reason is not None:
        g.full(p(reason_rules(reason, "resume"), "small"), shade=True)
    return [section(_("3. The resumption")), g.table()]


def checklist_table(rows: list[list], subheads: list[int], notes: list[int]) -> Table:
    widths = [16, 132, 220, CONTENT_WIDTH - 16 - 132 - 220]
    extra = []
    for i in subheads + notes:
        extra += [("SPAN", (0, i), (3, i))]
    for i in subheads:
        extra += [("BACKGROUND", (0, i), (3, i), SHADE)]
    return grid(rows, widths, label_cols=(), header=True, extra=extra)


def checklist_header() -> list:
    return ["", p(_("Document"), "label", bold=True), p(_("Any one of"), "label", bold=True),
            p(pgettext("printed form", "Note"), "label", bold=True)]


def blank_checklist(reqs: list[dict]) -> list:
    """One block per applicant type, from policy.selectors.requirements_for."""
    rows, subheads, notes = [checklist_header()], [], []
    for req in reqs:
        subheads.append(len(rows))
        individual = req["applicant_type"] == ApplicantType.INDIVIDUAL
        title = _("If an individual applies") if individual else _("If a unit applies")
        rows.append([p(title, "label", bold=True), "", "", ""])
        if not req["applicant_may_file"]:
            notes.append(len(rows))
            rows.append([p(
                _("This reason cannot be filed by this applicant. It may be filed by: %(who)s.")
                % {"who": who_may_file(req["filed_by"])}, "cell"), "", "", ""])
            continue
        for doc in req["documents"]:
            if doc["provided_by_bureau"]:
                note = _("Held by the bureau: you need not bring it.")
            elif doc["only_if_resuming_early"]:
                note = _("Only when resuming before the planned end.")
            else:
                note = _("Required")
            box = "" if doc["provided_by_bureau"] else TickBox(False)
            rows.append([box, p(doc["name"], "cell"), p(" / ".join(doc["any_of_names"]), "cell"), p(note, "cell")])
    return [checklist_table(rows, subheads, notes)]


def reasons_checklist(region_code: str, kind: str, reasons: list[Reason]) -> list:
    """Without a chosen reason: the documents of every reason, per applicant type."""
    widths = [110, (CONTENT_WIDTH - 110) / 2, (CONTENT_WIDTH - 110) / 2]
    rows = [[p(_("Reason"), "label", bold=True), p(_("If an individual applies"), "label", bold=True),
             p(_("If a unit applies"), "label", bold=True)]]
    for reason in reasons:
        cells = [p(reason.name, "cell", bold=True)]
        for applicant_type in (ApplicantType.INDIVIDUAL, ApplicantType.UNIT):
            req = requirements_for(region_code=region_code, reason_code=reason.code, applicant_type=applicant_type,
                                   kind=kind)
            if not req["applicant_may_file"]:
                cells.append(p(_("Cannot be filed by this applicant."), "small"))
                continue
            options = []
            for doc in req["documents"]:
                text = _("%(group)s: %(kinds)s") % {"group": doc["name"], "kinds": " / ".join(doc["any_of_names"])}
                if doc["provided_by_bureau"]:
                    options.append((text + " " + _("(held by the bureau)"), None))
                    continue
                if doc["only_if_resuming_early"]:
                    text += " " + _("(only when resuming early)")
                options.append((text, False))
            cells.append(ticks(options, columns=1, width=widths[1] - 8))
        rows.append(cells)
    return [grid(rows, widths, label_cols=(0,), header=True, extra=[("VALIGN", (0, 0), (-1, -1), "TOP")])]


def consequences_section(kind: str, items: list[str], acknowledged: bool | None, extra: list | None = None):
    title = _("5. What stopping means") if kind == "stop" else _("5. What resuming means")
    out = []
    for n, text in enumerate(items, 1):
        out.append(p(f"{n}. {text}", "body"))
        out.append(gap(1.5))
    out = [KeepTogether([section(title), gap(3), *out[:2]]), *out[2:]]
    out += extra or []
    tick = _("I have read what stopping means.") if kind == "stop" else _("I have read what resuming means.")
    out += [gap(3), ticks([(tick, bool(acknowledged))], columns=1, name="body")]
    return out


def legal_section(policy: Policy, source_ids) -> list:
    ids = [NATIONAL_LAW_SOURCE] if NATIONAL_LAW_SOURCE in policy.sources else []
    ids += [s for s in source_ids if s not in ids and s in policy.sources]
    out = [KeepTogether([section(_("6. Legal basis")), gap(3)])]
    for sid in ids:
        source = policy.sources[sid]
        out.append(p(citation(source.title, source.article), "body", bold=True))
        if source.text:
            out.append(p(source.text, "small"))
        out.append(gap(3))
    return out


def legal_items(items: list[dict]) -> list:
    out = [KeepTogether([section(_("6. Legal basis")), gap(3)])]
    for item in items:
        out.append(p(citation(item["title"], item["article"]), "body", bold=True))
        if item["text"]:
            out.append(p(item["text"], "small"))
        out.append(gap(3))
    return out


def signature_section(*, submitted_note: str = "") -> list:
    out = [section(_("7. Declaration and signature")), gap(3)]
    out.append(p(_(
        "I declare that the information on this form and the documents attached are true and complete, and I "
        "accept the legal responsibility for any false statement."
    ), "body"))
    if submitted_note:
        out += [gap(2), p(submitted_note, "small")]
    out.append(gap(4))
    g = FormGrid()
    g.pair(_("Applicant's signature"), "", _("Date"), blank_date(), height=30)
    g.pair(_("Unit seal and legal representative (units)"), "", _("Date"), blank_date(), height=48)
    out.append(g.table())
    return out


DECISIONS = [("approved", "Approved"), ("rejected", "Rejected"), ("supplement_requested", "More documents requested")]


def bureau_section(application=None) -> list:
    g = FormGrid()
    app = application
    decided = app.status if app is not None else None
    if app is not None:
        received = local_time(app.first_submitted_at)
        g.pair(_("Received by"), _("Online service"), _("Date received"), received)
        g.pair(_("Application reference"), app.reference, pgettext("printed form", "Review due by"), fmt_date(app.due_date))
    else:
        g.pair(_("Received by"), "", _("Date received"), blank_date(), height=24)
        g.pair(_("Application reference"), "", pgettext("printed form", "Review due by"), blank_date(), height=24)
    g.wide(_("Documents"), ticks([(_("Complete"), False), (_("Incomplete"), False)], columns=2, width=WIDE_W - 8)
           if app is None else _("Complete") if not missing_documents(app) else _("Incomplete"))
    g.wide(pgettext("printed form", "Decision"), ticks([(_(text), code == decided) for code, text in DECISIONS], columns=3,
                                width=WIDE_W - 8))
    if app is not None:
        g.wide(_("Decision note"), app.decision_note or "—")
        g.pair(_("Decided on"), local_time(app.decided_at), _("Decision rule"), app.decision_rule or "—")
    else:
        g.wide(_("Decision note"), "", height=44)
    g.pair(_("Officer's signature"), "", _("Date"), blank_date(), height=30)
    g.full(p(_("Bureau seal"), "small"), height=56)
    return [KeepTogether([section(_("For the bureau (do not fill in)")), g.table()])]


# --- the blank form -------------------------------------------------------------------


def blank_form_pdf(*, region_code: str, reason_code: str | None = None, kind: str = "stop") -> bytes:
    """The blank stop / resume form of a region, for one reason or listing all of them.
    Unknown region or reason: NotFound (`unknown_region`, `unknown_reason`)."""
    if kind not in KINDS:
        raise NotFound("unknown_kind", _("The form kind must be stop or resume."), details={"kind": kind})
    region = region_get(code=region_code)
    pv, policy = policy_in_force(region=region)
    if reason_code:
        reason_get(policy=policy, code=reason_code)
        requirements_for(region_code=region.code, reason_code=reason_code, kind=kind)  # NotFound if not resumable
    # The public downloads it again and again: rendered once per region, policy version, kind,
    # reason, language and day (the form prints the day's date), stored for every process.
    name = (f"{region.code}/{pv.pk}-{pv.sha256[:16]}/{today().isoformat()}/"
            f"{kind}-{reason_code or 'all'}-{language()}.pdf")
    return stored_pdf(name, lambda: _blank_form(region_code=region.code, reason_code=reason_code or None, kind=kind))


def _blank_form(*, region_code: str, reason_code: str | None, kind: str) -> bytes:
    region = region_get(code=region_code)
    pv, policy = policy_in_force(region=region)
    reason = None
    reqs: list[dict] = []
    if reason_code:
        reqs = [
            requirements_for(region_code=region.code, reason_code=reason_code, applicant_type=t, kind=kind)
            for t in (ApplicantType.INDIVIDUAL, ApplicantType.UNIT)
        ]
        reason = reason_get(policy=policy, code=reason_code)
    reasons = reasons_for(region_code=region.code, kind=kind)

    bureau = labels.bureau_name(region)
    title = form_title(kind)
    subtitle = _("Region: %(region)s (%(code)s) · Policy version %(version)s") % {
        "region": region.name, "code": region.code, "version": pv.label,
    }
    story = header(bureau, title, subtitle)
    story += [p(_("Fill in by hand in black ink and tick the boxes that apply. Printed on %(date)s.")
                % {"date": today().isoformat()}, "small"), gap(4)]
    story += applicant_section(applicant_type=None, filled=False) + [gap(6)]
    story += unit_section(filled=False) + [gap(6)]
    if kind == "stop":
        story += stop_details(reason=reason, reasons=reasons, filled=False)
    else:
        story += resume_details(reason=reason, reasons=reasons, filled=False)
    story += [gap(6), section(_("4. Documents to attach")), gap(3)]
    if reason is not None:
        story += [p(_("Each line needs one document of any of the kinds listed."), "small"), gap(2)]
        story += blank_checklist(reqs)
    else:
        story += [p(_("Each line needs one document of any of the kinds listed; attach those of the reason "
                      "ticked above."), "small"), gap(2)]
        story += reasons_checklist(region.code, kind, reasons)
    story.append(gap(6))
    if reason is not None:
        story += consequences_section(kind, list(reqs[0]["consequences"]), None)
        story += [gap(6)] + legal_items(_with_national_law(policy, reqs[0]["legal_basis"]))
    else:
        by_reason = [p(_("By reason:"), "body", bold=True)]
        for r in reasons:
            for text in r.consequences:
                by_reason.append(p(f"• {r.name}: {text}", "body"))
        items = list(policy.general_consequences) + _waiting_sentences(policy, kind)
        story += consequences_section(kind, items, None, extra=[gap(2), *by_reason])
        story += [gap(6)] + legal_section(policy, [s for r in reasons for s in r.legal_basis])
    story += [gap(6)] + signature_section()
    story += [gap(8)] + bureau_section()
    return build(
        story, title=f"{title} · {region.name}", author=bureau, subject=pv.label,
        footer_left=f"{bureau} · {title} · {pv.label}",
    )


def _with_national_law(policy: Policy, items: list[dict]) -> list[dict]:
    """The legal basis of a reason, with SIL Art. 23 (who pays the premium) always first."""
    law = policy.sources.get(NATIONAL_LAW_SOURCE)
    if law is None:
        return items
    first = {"title": law.title, "article": law.article, "text": law.text}
    rest = [i for i in items if not (i["title"] == law.title and i["article"] == law.article)]
    return [first, *rest]


def _waiting_sentences(policy: Policy, kind: str) -> list[str]:
    out = []
    for category in ("employee", "flexible"):
        prefix = _("Employees") if category == "employee" else _("Flexible workers")
        text = waiting_sentence(policy=policy, category=category)
        out.append(_("%(who)s: %(text)s") % {"who": prefix, "text": text})
    return out
