"""Forms of the public and applicant pages. Rules live in the services; forms only shape input."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from medpause.accounts.models import ApplicantType
from medpause.common.errors import DomainError
from medpause.registry.services import id_number_clean


class SignInForm(AuthenticationForm):
    username = forms.CharField(label=_("User name"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none",
                                                             "spellcheck": "false"}))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    error_messages = {
        "invalid_login": _("Enter a correct user name and password. Both are case-sensitive."),
        "inactive": _("This account is inactive."),
    }


KIND_CHOICES = [("stop", _("Stop my insurance")), ("resume", _("Resume insurance after a stop"))]
APPLICANT_CHOICES = [
    (ApplicantType.INDIVIDUAL, _("An insured person, for myself")),
    (ApplicantType.UNIT, _("A unit (employer), for an employee")),
]
# Regions that have their own policy file come first; then every province (national rules).
FEATURED_REGIONS = ["110000", "310000", "420100", "510100", "450300"]


def region_choices():
    from medpause.policy.selectors import region_list

    regions = {r.code: r for r in region_list()}
    featured = [(code, regions[code].name) for code in FEATURED_REGIONS if code in regions]
    others = [
        (r.code, r.name) for r in regions.values()
        if r.code.endswith("0000") and r.code not in FEATURED_REGIONS
    ]
    return [
        ("", _("Choose a region")),
        (_("Regions with their own rules"), featured),
        (_("Other provinces (national rules)"), others),
    ]


class GuideStartForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you want to do?"), choices=KIND_CHOICES, widget=forms.RadioSelect, initial="stop",
        error_messages={"required": _("Choose whether you want to stop or resume insurance.")},
    )
    applicant_type = forms.ChoiceField(
        label=_("Who is applying?"), choices=APPLICANT_CHOICES, widget=forms.RadioSelect,
        error_messages={"required": _("Choose who is applying.")},
    )
    region = forms.ChoiceField(
        label=_("Where is the insurance?"),
        help_text=_("The city or province where the insurance is paid."),
        error_messages={"required": _("Choose the region where the insurance is paid."),
                        "invalid_choice": _("Choose a region from the list.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices()


class GuideReasonForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is the reason?"), widget=forms.RadioSelect,
        error_messages={"required": _("Choose the reason."), "invalid_choice": _("Choose a reason from the list.")},
    )

    def __init__(self, *args, reasons=(), hints=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [(r.code, r.name) for r in reasons]
        self.fields["reason"].choice_hints = hints or {}


# --- the stop / resume wizard -------------------------------------------------------------

DATE_INPUT = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "input-date"})


class ReasonForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why should the insurance stop?"), widget=forms.RadioSelect,
        error_messages={"required": _("Choose the reason for stopping."),
                        "invalid_choice": _("Choose one of the reasons listed.")},
    )

    def __init__(self, *args, reasons=(), hints=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [(r.code, r.name) for r in reasons]
        self.fields["reason"].choice_hints = hints or {}


class StopDatesForm(forms.Form):
    start_date = forms.DateField(
        label=_("First day of the stop"), widget=DATE_INPUT, input_formats=["%Y-%m-%d"],
        error_messages={"required": _("Enter the first day of the stop."),
                        "invalid": _("Enter the first day of the stop as a real date, like 2026-03-01.")},
    )
    end_date = forms.DateField(
        label=_("Last day of the stop"), required=False, widget=DATE_INPUT, input_formats=["%Y-%m-%d"],
        error_messages={"required": _("Enter the last day of the stop."),
                        "invalid": _("Enter the last day of the stop as a real date, like 2026-08-31.")},
    )

    def __init__(self, *args, reason=None, start_hint="", end_hint="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start_date"].help_text = start_hint
        self.fields["end_date"].help_text = end_hint
        if reason is not None and not reason.resumable:
            del self.fields["end_date"]
        elif reason is not None and reason.max_duration_months:
            self.fields["end_date"].required = True

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last day must be the same as or after the first day."))
        return data


class ResumeDateForm(forms.Form):
    start_date = forms.DateField(
        label=_("From which day should the insurance start again?"), widget=DATE_INPUT, input_formats=["%Y-%m-%d"],
        error_messages={"required": _("Enter the day the insurance should start again."),
                        "invalid": _("Enter the resume date as a real date, like 2026-09-01.")},
    )

    def __init__(self, *args, hint="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start_date"].help_text = hint


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Anything else the bureau should know?"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For example, your new employer or when you expect to come back. Do not write ID numbers here."),
        error_messages={"max_length": _("Write no more than 2000 characters.")},
    )


class AcknowledgeForm(forms.Form):
    acknowledge = forms.BooleanField(
        label=_("I have read what stopping means and I understand it."),
        error_messages={"required": _("Confirm that you have read what stopping means.")},
    )

    def __init__(self, *args, employee: str = "", **kwargs):
        """For a unit's agent, who stops an employee's insurance, not their own."""
        super().__init__(*args, **kwargs)
        if employee:
            self.fields["acknowledge"].label = _(
                "I have read what stopping means for %(name)s and the unit has told them."
            ) % {"name": employee}


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search"}))


class EmployeeAddForm(forms.Form):
    """A unit takes a person on (增员): their ID number and the first day of the employment."""

    id_number = forms.CharField(
        label=_("ID number"), max_length=32,
        help_text=_("The 18 characters on the resident identity card."),
        error_messages={"required": _("Enter the ID number.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters",
                                      "class": "input-id-number"}),
    )
    start_date = forms.DateField(
        label=_("First day of the employment"), widget=DATE_INPUT, input_formats=["%Y-%m-%d"],
        help_text=_("Today at the latest: the unit registers a new employee within 30 days of employing them."),
        error_messages={"required": _("Enter the first day of the employment."),
                        "invalid": _("Enter the first day of the employment as a real date, like 2026-03-01.")},
    )

    def clean_id_number(self):
        try:
            return id_number_clean(self.cleaned_data["id_number"])
        except DomainError as exc:
            raise forms.ValidationError(str(exc.message), code=exc.code) from exc
