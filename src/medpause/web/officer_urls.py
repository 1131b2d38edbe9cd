"""The officer workbench, mounted at /officer/. Pages are addressed by row ids only: an ID
number never appears in a URL (the person look-up is a POST form)."""

from django.urls import path

from medpause.cases.states import Action
from medpause.web.views import officer

app_name = "officer"
urlpatterns = [
    path("", officer.queue, name="queue"),
    path("applications/<int:pk>/", officer.application, name="application"),
    path("applications/<int:pk>/take/", officer.application_action, {"action": Action.TAKE}, name="take"),
    path("applications/<int:pk>/approve/", officer.application_action, {"action": Action.APPROVE}, name="approve"),
    path("applications/<int:pk>/reject/", officer.application_action, {"action": Action.REJECT}, name="reject"),
    path(
        "applications/<int:pk>/request-supplement/", officer.application_action,
        {"action": Action.REQUEST_SUPPLEMENT}, name="request_supplement",
    ),
    path("applications/<int:pk>/documents/<int:document_pk>/", officer.document, name="document"),
    path("persons/", officer.person_lookup, name="person_lookup"),
    path("persons/<int:pk>/", officer.person, name="person"),
    path("statistics/", officer.statistics, name="statistics"),
]
