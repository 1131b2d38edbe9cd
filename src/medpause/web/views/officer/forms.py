"""The forms of the workbench: the queue's filters, the three decisions, the person look-up."""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from medpause.cases.models import Application
from medpause.cases.selectors import application_policy, required_groups_of
from medpause.cases.selectors.queue import LATER, OVERDUE, SOON, SOON_WORKING_DAYS
from medpause.cases.states import Action, Status
from medpause.common.errors import DomainError
from medpause.registry.services import id_number_clean

STATUS_FILTER_OPEN, STATUS_FILTER_ALL = "", "all"
DUE_CHOICES = [
    ("", _("Any")),
    (OVERDUE, _("Overdue")),
    (SOON, lazy(lambda: _("Due within %(days)d working days") % {"days": SOON_WORKING_DAYS}, str)()),
    (LATER, _("Due later")),
]


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    reason = forms.ChoiceField(label=_("Reason"), required=False)
    due = forms.ChoiceField(label=_("Review time limit"), required=False, choices=DUE_CHOICES)

    def __init__(self, *args, reasons: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (STATUS_FILTER_OPEN, _("Open (not decided yet)")),
            *[(s.value, s.label) for s in Status if s != Status.DRAFT],
            (STATUS_FILTER_ALL, _("All")),
        ]
        self.fields["reason"].choices = [("", _("All reasons")), *reasons]


class ApproveForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The applicant can read it."),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the rejection"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The applicant will read this. Say which rule or document is the problem."),
        error_messages={"required": _("Give the reason for the rejection.")},
    )


class SupplementForm(forms.Form):
    reason = forms.CharField(
        label=_("What is needed and why"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The applicant will read this."),
        error_messages={"required": _("Say what is needed and why.")},
    )
    documents = forms.MultipleChoiceField(
        label=_("Documents needed"), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one document.")},
    )

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        policy = application_policy(application)
        required = required_groups_of(application)
        others = [g for g in policy.groups.values() if g.code not in required and not g.provided_by_bureau]
        field = self.fields["documents"]
        field.choices = [(code, policy.groups[code].name) for code in required] + [(g.code, g.name) for g in others]
        field.choice_hints = {code: _("Required for this reason") for code in required}


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the decision is wrong"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Another officer must confirm. The person and the unit will read this."),
        error_messages={"required": _("Say why the decision is wrong.")},
    )


# The decision forms by action: (form prefix, form class). Taking into review and the second
# officer's word on a revocation need no form.
DECISION_FORMS = {
    Action.APPROVE: ("approve", ApproveForm),
    Action.REJECT: ("reject", RejectForm),
    Action.REQUEST_SUPPLEMENT: ("supplement", SupplementForm),
    Action.REVOKE: ("revoke", RevokeForm),
}


def decision_form(action: str, application: Application, data=None):
    if action not in DECISION_FORMS:
        return None
    prefix, form_class = DECISION_FORMS[action]
    kwargs = {"application": application} if form_class is SupplementForm else {}
    return form_class(data, prefix=prefix, **kwargs)


class PersonLookupForm(forms.Form):
    id_number = forms.CharField(
        label=_("ID number"), max_length=32,
        help_text=_("The 18 characters on the resident identity card."),
        error_messages={"required": _("Enter the ID number.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters",
                                      "class": "input-id-number"}),
    )

    def clean_id_number(self):
        try:
            return id_number_clean(self.cleaned_data["id_number"])
        except DomainError as exc:
            raise forms.ValidationError(str(exc.message), code=exc.code) from exc
