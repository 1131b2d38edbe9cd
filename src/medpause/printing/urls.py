"""Public verification of issued documents, and the applicant's receipts (included at the
site's root by config/urls.py)."""

from django.urls import path

from medpause.printing import views

app_name = "printing"
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify_code, name="verify_code"),
    path("me/applications/<int:app_id>/receipt.pdf", views.me_receipt, name="me_receipt"),
    path("unit/applications/<int:app_id>/receipt.pdf", views.unit_receipt, name="unit_receipt"),
]
