from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "medpause.cases"
    label = "cases"
    verbose_name = _("Applications")
