from django.contrib import admin
from django.urls import include, path

from medpause.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("unit/batches/", include("medpause.batches.urls")),
    path("officer/", include("medpause.web.officer_urls")),
    # the applicant pages, written once: the insured person's and the unit agent's
    path("me/", include("medpause.web.applicant_urls", namespace="me")),
    path("unit/", include("medpause.web.applicant_urls", namespace="unit")),
    path("", include("medpause.printing.urls")),  # /verify/, applications' receipt.pdf
    path("", include("medpause.web.urls")),
]
