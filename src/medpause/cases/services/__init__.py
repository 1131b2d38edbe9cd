"""Writes on applications: creation and changes judged by the rulebook (cases.rules),
documents, and the transitions."""

from medpause.cases.services.create import application_create
from medpause.cases.services.documents import document_add, document_remove, removable
from medpause.cases.services.revocation import (
    application_cancel_revocation,
    application_confirm_revocation,
    application_revoke,
)
from medpause.cases.services.transitions import (
    application_approve,
    application_decide_by_rule,
    application_reject,
    application_request_supplement,
    application_submit,
    application_take,
    application_withdraw,
)
from medpause.cases.services.update import application_update

__all__ = [
    "application_create",
    "document_add",
    "document_remove",
    "removable",
    "application_submit",
    "application_take",
    "application_approve",
    "application_reject",
    "application_request_supplement",
    "application_withdraw",
    "application_decide_by_rule",
    "application_update",
    "application_revoke",
    "application_confirm_revocation",
    "application_cancel_revocation",
]
