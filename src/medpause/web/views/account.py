"""The signed-in user's own account: changing the password (every role)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import update_session_auth_hash
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from medpause.accounts.models import Role
from medpause.accounts.permissions import role_required
from medpause.accounts.services import password_change


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    old_password = forms.CharField(label=_("Current password"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "current-password", "autofocus": True}))
    new_password1 = forms.CharField(label=_("New password"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))
    new_password2 = forms.CharField(label=_("New password again"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))

    def save(self, commit=True):
        return password_change(user=self.user, password=self.cleaned_data["new_password1"], actor=self.user)


@sensitive_post_parameters()
@role_required(*Role)
def password(request):
    """Change the password: the current one, then the new one twice. Every API token of the user
    and every other session ends; this one goes on."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, gettext("Your password has been changed. Your other sessions and API tokens have ended."))
        return redirect("web:home")
    return render(request, "registration/password_change.html", {"form": form})
