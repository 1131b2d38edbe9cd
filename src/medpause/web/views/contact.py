"""How an insured person or a unit agent is reached besides the in-app notice (/account/notices/):
the mobile number, verified by a code sent by SMS; the e-mail address; the channels; the
language of the texts. The number is shown masked."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from medpause.accounts.models import Role
from medpause.accounts.permissions import role_required
from medpause.common.errors import DomainError
from medpause.common.masking import mask_phone
from medpause.notices.contacts import contact_of, contact_update, phone_code_confirm, phone_code_send


class PhoneForm(forms.Form):
    phone = forms.CharField(label=_("Mobile phone number"), max_length=20, widget=forms.TextInput(
        attrs={"autocomplete": "tel", "inputmode": "tel"}))


class CodeForm(forms.Form):
    code = forms.CharField(label=_("The 6-digit code sent to you"), max_length=6, widget=forms.TextInput(
        attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


class ChannelsForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), required=False, max_length=254)
    sms = forms.BooleanField(label=_("Send my notices by SMS too"), required=False)
    by_email = forms.BooleanField(label=_("Send my notices by e-mail too"), required=False)
    language = forms.ChoiceField(label=_("Language of the texts"), choices=[("zh-hans", "中文"), ("en", "English")])


FORMS = {"phone": PhoneForm, "code": CodeForm, "channels": ChannelsForm}
DONE = {
    "phone": _("A code was sent to your mobile phone. Enter it below."),
    "code": _("Your mobile number is verified."),
    "channels": _("Your choices were saved."),
}


def _act(user, action: str, data: dict) -> None:
    if action == "phone":
        phone_code_send(user=user, phone=data["phone"], language=translation.get_language())
    elif action == "code":
        phone_code_confirm(user=user, code=data["code"])
    else:
        contact_update(user=user, **data)


@role_required(Role.INDIVIDUAL, Role.UNIT_AGENT)
def notice_settings(request):
    """In-app notices always come; SMS (to a verified number) and e-mail as chosen."""
    contact = contact_of(request.user)
    action = request.POST.get("action") if request.method == "POST" else None
    bound = {}
    if action in FORMS:
        form = FORMS[action](request.POST)
        bound[action] = form
        if form.is_valid():
            try:
                _act(request.user, action, form.cleaned_data)
            except DomainError as e:
                form.add_error(e.details.get("field") if e.details.get("field") in form.fields else None, str(e.message))
            else:
                messages.success(request, gettext(str(DONE[action])))
                return redirect("web:notice_settings")
    initial = {"email": contact.email, "sms": contact.sms, "by_email": contact.by_email, "language": contact.language}
    return render(request, "web/account/notices.html", {
        "phone_form": bound.get("phone") or PhoneForm(),
        "code_form": bound.get("code") or CodeForm(),
        "channels_form": bound.get("channels") or ChannelsForm(initial=initial),
        "contact": contact, "phone_masked": mask_phone(contact.phone),
    }, status=200)
