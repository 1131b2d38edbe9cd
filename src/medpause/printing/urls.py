"""Public verification of issued documents (included at the site's root by config/urls.py)."""

from django.urls import path

from medpause.printing import views

app_name = "printing"
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify_code, name="verify_code"),
]
