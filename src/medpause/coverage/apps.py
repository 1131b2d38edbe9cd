from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "medpause.coverage"
    label = "coverage"
    verbose_name = _("Settlements and contributions")
