from django.urls import path

from medpause.batches import views

app_name = "batches"
urlpatterns = [
    path("", views.batch_list, name="list"),
    path("new/", views.batch_new, name="new"),
    path("template.<str:fmt>", views.template_file, name="template"),
    path("<int:pk>/", views.batch_detail, name="detail"),
    path("<int:pk>/report.csv", views.batch_report, name="report"),
]
