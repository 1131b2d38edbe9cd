"""The officer workbench, mounted at /officer/ under the namespace `officer`. Pages are
addressed by row ids only: an ID number never appears in a URL (the person look-up is a POST
form)."""

from django.urls import path

from medpause.cases.states import Action
from medpause.transfers.states import Action as TransferAction
from medpause.web.views.officer import application, person, preview, queue, statistics, transfers

app_name = "officer"
urlpatterns = [
    path("", queue.queue, name="queue"),
    path("applications/<int:pk>/", application.application, name="application"),
    path("applications/<int:pk>/take/", application.application_action, {"action": Action.TAKE}, name="take"),
    path("applications/<int:pk>/approve/", application.application_action, {"action": Action.APPROVE}, name="approve"),
    path("applications/<int:pk>/reject/", application.application_action, {"action": Action.REJECT}, name="reject"),
    path(
        "applications/<int:pk>/request-supplement/", application.application_action,
        {"action": Action.REQUEST_SUPPLEMENT}, name="request_supplement",
    ),
    path("applications/<int:pk>/revoke/", application.application_action, {"action": Action.REVOKE}, name="revoke"),
    path(
        "applications/<int:pk>/confirm-revocation/", application.application_action,
        {"action": Action.CONFIRM_REVOCATION}, name="confirm_revocation",
    ),
    path(
        "applications/<int:pk>/cancel-revocation/", application.application_action,
        {"action": Action.CANCEL_REVOCATION}, name="cancel_revocation",
    ),
    path("applications/<int:pk>/documents/<int:document_pk>/", application.document, name="document"),
    path("applications/<int:pk>/documents/<int:document_pk>/preview/", preview.document_preview,
         name="document_preview"),
    path("applications/<int:pk>/documents/<int:document_pk>/pages/<int:number>.png", preview.document_page,
         name="document_page"),
    path("persons/", person.person_lookup, name="person_lookup"),
    path("persons/<int:pk>/", person.person, name="person"),
    path("statistics/", statistics.statistics, name="statistics"),
    path("transfers/", transfers.transfers, name="transfers"),
    path("transfers/<int:pk>/", transfers.transfer, name="transfer"),
    path("transfers/<int:pk>/send/", transfers.transfer_action, {"action": TransferAction.SEND}, name="transfer_send"),
    path("transfers/<int:pk>/receive/", transfers.transfer_action, {"action": TransferAction.RECEIVE},
         name="transfer_receive"),
    path("transfers/<int:pk>/refuse/", transfers.transfer_action, {"action": TransferAction.REFUSE},
         name="transfer_refuse"),
    path("statistics/export.<str:fmt>", statistics.statistics_export, name="statistics_export"),
]
