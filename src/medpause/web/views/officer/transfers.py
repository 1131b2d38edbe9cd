"""Transfers between regions on the workbench: each region's queue (outgoing transfers to send,
incoming ones to take in, with their deadlines in working days) and one transfer's page with its
actions. Reads go through transfers.selectors, changes through transfers.services."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from medpause.common.dates import today
from medpause.common.errors import DomainError, NotFound
from medpause.transfers import services
from medpause.transfers.selectors import transfer_get, transfer_queue, working_days_left
from medpause.transfers.states import Action, allowed_actions
from medpause.web.views.officer.common import error_text, officer_only, page

DONE = {
    Action.SEND: _("The transfer was sent: cover here ends the day before the transfer date."),
    Action.RECEIVE: _("The transfer was taken in: the person is insured here with a new card."),
    Action.REFUSE: _("The transfer was refused."),
}


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for refusing"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The person and the other region will read this."),
        error_messages={"required": _("Give the reason for refusing.")},
    )


def _row(transfer, on):
    due = transfer.out_due if transfer.status == "requested" else transfer.in_due
    return {"transfer": transfer, "due": due, "days_left": working_days_left(due, on=on)}


@officer_only
@require_GET
def transfers(request):
    """The officer's region's open transfers; an administrator sees every region's."""
    on = today()
    queue = transfer_queue(user=request.user, region_id=getattr(request.user, "region_id", None))
    return page(request, "transfers.html", {
        "outgoing": [_row(t, on) for t in queue.outgoing], "incoming": [_row(t, on) for t in queue.incoming],
    })


def _transfer_or_404(request, pk):
    try:
        return transfer_get(user=request.user, transfer_id=pk)
    except NotFound as exc:
        raise Http404 from exc


def _page(request, transfer, *, form=None, errors=None, status=200):
    on = today()
    return page(request, "transfer.html", {
        "transfer": transfer, "actions": allowed_actions(transfer.status), "form": form or RefuseForm(),
        "errors": errors or [], "out_left": working_days_left(transfer.out_due, on=on),
        "in_left": working_days_left(transfer.in_due, on=on),
    }, status=status)


@officer_only
@require_GET
def transfer(request, pk: int):
    return _page(request, _transfer_or_404(request, pk))


@officer_only
@require_POST
def transfer_action(request, pk: int, action: str):
    found = _transfer_or_404(request, pk)
    form = RefuseForm(request.POST) if action == Action.REFUSE else None
    if form is not None and not form.is_valid():
        return _page(request, found, form=form, status=422)
    try:
        if action == Action.SEND:
            services.transfer_send(actor=request.user, transfer_id=found.pk)
        elif action == Action.RECEIVE:
            services.transfer_receive(actor=request.user, transfer_id=found.pk)
        else:
            services.transfer_refuse(actor=request.user, transfer_id=found.pk, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        return _page(request, _transfer_or_404(request, pk), form=form, errors=[error_text(exc)], status=exc.status)
    messages.success(request, DONE[action])
    return HttpResponseRedirect(reverse("officer:transfer", args=[found.pk]))
